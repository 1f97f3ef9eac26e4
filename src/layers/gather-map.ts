// The public structure of a Gather in padded positions (gather.ts GatherMap), built from the IR
// node's index table: per output element, the concatenated-source index or −1 (fill).
import { P } from '../field/goldilocks.js';
import type { BaseVec } from '../field/vec.js';
import { dimVars, totalVars } from './tensor.js';
import { gatherBase, type GatherMap, type GatherSourceMap } from './gather.js';

/** The padded position of every real element (row-major order) of a tensor's table (tensor.ts layout). */
export function paddedPositions(dims: readonly number[]): Int32Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Int32Array(size);
  const padded = dims.map((d) => 2 ** dimVars(d));
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < size; i++) {
    let pos = 0;
    for (let d = 0; d < dims.length; d++) pos = pos * padded[d] + idx[d];
    out[i] = pos;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** One source slot of the node (a node may name the same tensor twice, e.g. Concat(x, x)). */
export interface GatherSlot {
  /** Physical dims of the source's table. */
  readonly dims: readonly number[];
  /** Index of the distinct private source, or null when the slot is public. */
  readonly source: number | null;
  /** The padded table of a public slot. */
  readonly table: BaseVec | null;
}

/**
 * `idx` holds, per output element (row-major over the output's dims), the index into the
 * concatenated slots or −1 for `fill`; `sourceVars` the table variables of each distinct source.
 */
export function buildGatherMap(yDims: readonly number[], idx: Int32Array, slots: readonly GatherSlot[], sourceVars: readonly number[], fill: bigint): GatherMap {
  const yPos = paddedPositions(yDims);
  if (idx.length !== yPos.length) throw new RangeError(`gather: ${idx.length} indices for ${yPos.length} outputs`);
  const offsets: number[] = [];
  let total = 0;
  const slotPos = slots.map((s) => {
    offsets.push(total);
    const p = paddedPositions(s.dims);
    total += p.length;
    return p;
  });
  // slot of a concatenated index: slots are few, a binary search is not worth it
  const slotOf = (j: number): number => {
    let s = slots.length - 1;
    while (offsets[s] > j) s--;
    return s;
  };
  const pairs = sourceVars.map(() => ({ y: [] as number[], x: [] as number[] }));
  const constPos: number[] = [];
  const constSlot: number[] = []; // −1: fill, else the public slot
  const constAt: number[] = [];
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    if (j < -1 || j >= total) throw new RangeError(`gather: index ${j} outside [−1, ${total})`);
    if (j === -1) {
      constPos.push(yPos[i]);
      constSlot.push(-1);
      constAt.push(0);
      continue;
    }
    const s = slotOf(j);
    const at = slotPos[s][j - offsets[s]];
    const src = slots[s].source;
    if (src === null) {
      constPos.push(yPos[i]);
      constSlot.push(s);
      constAt.push(at);
    } else {
      pairs[src].y.push(yPos[i]);
      pairs[src].x.push(at);
    }
  }
  const fillWord = fill < 0n ? P + fill : fill;
  const constValues = new BigUint64Array(constPos.length);
  const bySlot = new Map<number, number[]>();
  constSlot.forEach((s, k) => {
    if (s === -1) constValues[k] = fillWord;
    else {
      const list = bySlot.get(s);
      if (list) list.push(k);
      else bySlot.set(s, [k]);
    }
  });
  for (const [s, ks] of bySlot) {
    const vals = gatherBase(slots[s].table!, Int32Array.from(ks, (k) => constAt[k]));
    ks.forEach((k, t) => (constValues[k] = vals[t]));
  }
  const sources: GatherSourceMap[] = sourceVars.map((numVars, s) => {
    if (pairs[s].y.length === 0) throw new RangeError(`gather: source ${s} is never read`);
    return { numVars, yPos: Int32Array.from(pairs[s].y), xPos: Int32Array.from(pairs[s].x) };
  });
  return { yVars: totalVars(yDims), sources, constPos: Int32Array.from(constPos), constValues };
}
