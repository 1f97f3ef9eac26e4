// Planning of IR Gather nodes (src/layers/gather.ts) and of virtual tensors (src/layers/virtual.ts):
// which Gather outputs are public constants (every source public), which are virtual (only sumcheck
// layers consume them, within the capacity of their mask), which are committed.
import type { IrTensor } from '../ir/types.js';
import type { GatherMap, GatherRefs } from '../layers/gather.js';
import type { GMaskRef } from '../sumcheck/session.js';
import type { VerifyingKey, VkNode } from './vk.js';

export interface GatherPlan {
  readonly kind: 'gather';
  readonly node: VkNode;
  readonly map: GatherMap;
  /** y, and the distinct private sources in map order. */
  readonly tensors: { readonly y: string; readonly sources: readonly string[] };
  readonly refs: GatherRefs;
  readonly gRef: GMaskRef;
}

/** A Gather output that is never committed: only its mask R (an extension table over its top variables) is. */
export interface VirtualTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly numVars: number;
  readonly maskVars: number;
}

/** The index table of a Gather (int64 entries in [−1, 2^31)) as 32-bit integers, read from the low words. */
export function gatherIndex(t: IrTensor): Int32Array {
  const w = new Int32Array(t.data.buffer, t.data.byteOffset, 2 * t.data.length);
  const out = new Int32Array(t.data.length);
  for (let i = 0; i < out.length; i++) {
    const lo = w[2 * i];
    if (w[2 * i + 1] !== (lo < 0 ? -1 : 0) || lo < -1) throw new RangeError(`gather: index entry ${i} is outside [−1, 2^31)`);
    out[i] = lo;
  }
  return out;
}

/** y[i] = concat(sources)[idx[i]] or fill, for public sources (word copies). */
export function publicGather(idx: Int32Array, sources: readonly BigInt64Array[], fill: bigint): BigInt64Array {
  const total = sources.reduce((s, x) => s + x.length, 0);
  const all = new BigInt64Array(total + 1);
  let off = 0;
  for (const s of sources) {
    all.set(s, off);
    off += s.length;
  }
  all[total] = fill;
  const src = new Int32Array(all.buffer);
  const out = new BigInt64Array(idx.length);
  const o = new Int32Array(out.buffer);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i] < 0 ? total : idx[i];
    if (j > total) throw new RangeError(`gather: index ${j} outside the sources`);
    o[2 * i] = src[2 * j];
    o[2 * i + 1] = src[2 * j + 1];
  }
  return out;
}

/** Ops whose layer consumes each input through one masked claim per input slot (a sumcheck). */
const CLAIM_CONSUMERS = new Set(['MatMul', 'Requant', 'Clip', 'WeightedSum', 'Gather', 'Div']);

/**
 * The number of masked claims each tensor receives from its consumers, or Infinity when some
 * consumer needs it committed (a lookup, an op this file does not know) — by root name (Reshapes
 * resolved). A Gather reads each distinct source once (one claim), whatever its slot count.
 */
export function claimCounts(vk: VerifyingKey, root: (name: string) => string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: string, k: number): void => void counts.set(name, (counts.get(name) ?? 0) + k);
  for (const n of vk.nodes) {
    if (n.op === 'Reshape') continue;
    const data = n.op === 'Gather' ? [...new Set(n.inputs.slice(0, -1).map(root))] : n.inputs.map(root);
    for (const x of data) add(x, CLAIM_CONSUMERS.has(n.op) ? 1 : Infinity);
  }
  return counts;
}
