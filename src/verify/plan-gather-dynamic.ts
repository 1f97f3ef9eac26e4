// Planning of GatherDynamic (Gather / GatherElements with computed indices; src/ir/ops/gather-dynamic.ts):
//   out[o, t, j] = data[o, k, j],  k = idx ≥ 0 ? idx : idx + n  (Gather: idx[t]; elements: idx[o, t, j])
// over data viewed as [outer, n, inner]. The executor refuses an index outside [−n, n).
// - Public data read along one line (outer = inner = 1): a LogUp lookup of the pairs (idx, out)
//   into the public table {(k, data[k mod n])} over the valid keys k ∈ [−n, n) ∩ [lo, hi] of the
//   index's proven range, in the model's merged LogUp. The lookup itself proves that every index
//   is a valid key; the table's padding rows carry keys above both n − 1 and the index's proven
//   bound, so no index the proof admits can match one.
// - Otherwise (private data: a weight or an activation): src/layers/selection.ts.
import type { IrTensor } from '../ir/types.js';
import { explicitTable, type PublicTable } from '../lookup/table.js';
import { P } from '../field/goldilocks.js';
import type { PlanContext } from './plan-context.js';
import type { VkNode } from './vk.js';

const toField = (x: bigint): bigint => (x < 0n ? P + x : x);
const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The op's geometry over data viewed as [outer, n, inner]. */
export interface GatherDynamicGeometry {
  readonly outer: number;
  readonly n: number;
  readonly inner: number;
  /** Indices per line (Gather: all of idx; elements: idx's axis length). */
  readonly m: number;
  readonly elements: boolean;
  readonly outDims: readonly number[];
}

export function gatherDynamicGeometry(n: VkNode, dataDims: readonly number[], idxDims: readonly number[], ctx: PlanContext): GatherDynamicGeometry {
  const axis = n.attrs.axis;
  const elements = n.attrs.elements === 1;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= dataDims.length) return ctx.unsupported(`${n.name}: axis`);
  const outer = sizeOf(dataDims.slice(0, axis));
  const inner = sizeOf(dataDims.slice(axis + 1));
  if (elements) {
    if (idxDims.length !== dataDims.length || idxDims.some((d, i) => i !== axis && d !== dataDims[i])) ctx.unsupported(`${n.name}: GatherElements index dims`);
    return { outer, n: dataDims[axis], inner, m: idxDims[axis], elements, outDims: idxDims };
  }
  return { outer, n: dataDims[axis], inner, m: sizeOf(idxDims), elements, outDims: [...dataDims.slice(0, axis), ...idxDims, ...dataDims.slice(axis + 1)] };
}

/** The lookup of (idx, out) pairs in the public table (merged into the model's LogUp by plan.ts). */
export interface DynamicLookupDraft {
  readonly node: VkNode;
  readonly x: string;
  readonly y: string;
  readonly table: PublicTable;
}

/**
 * The table {(k, data[k mod n])} for the valid keys k in [lo, hi], padded to a power of two
 * (at least two rows) with keys above max(hi, n − 1) and value 0.
 */
export function dynamicLookupTable(name: string, data: BigInt64Array, lo: bigint, hi: bigint): PublicTable {
  const n = BigInt(data.length);
  const keys: bigint[] = [];
  for (let k = lo < -n ? -n : lo; k <= hi && k < n; k++) keys.push(k);
  if (keys.length === 0) throw new RangeError(`${name}: no valid index in [${lo}, ${hi}]`);
  let size = 2;
  while (size < keys.length) size *= 2;
  const col0 = new BigUint64Array(size);
  const col1 = new BigUint64Array(size);
  const above = (hi > n - 1n ? hi : n - 1n) + 1n;
  for (let r = 0; r < size; r++) {
    if (r < keys.length) {
      const k = keys[r];
      col0[r] = toField(k);
      col1[r] = toField(data[Number(k < 0n ? k + n : k)]);
    } else col0[r] = toField(above + BigInt(r - keys.length));
  }
  return explicitTable(name, [col0, col1]);
}

/** Planning: the lookup draft (public data along one line), or null when the data is private. */
export function planGatherDynamicLookup(n: VkNode, ctx: PlanContext): DynamicLookupDraft | null {
  if (n.inputs.length !== 2 || n.outputs.length !== 1) ctx.unsupported(`${n.name}: GatherDynamic takes data and indices`);
  const dataName = ctx.resolve(n.inputs[0]);
  const x = ctx.resolve(n.inputs[1]);
  const y = n.outputs[0];
  const dataDims = ctx.declared(n.inputs[0])?.dims ?? ctx.unsupported(`${n.name}: unknown data`);
  const idxDims = ctx.declared(n.inputs[1])?.dims ?? ctx.unsupported(`${n.name}: unknown indices`);
  const g = gatherDynamicGeometry(n, dataDims, idxDims, ctx);
  const data: IrTensor | undefined = ctx.publicTensor(dataName);
  if (!data) return null;
  if (ctx.isPublic(x)) ctx.unsupported(`${n.name}: a gather of public data by public indices`);
  if (g.outer * g.inner !== 1) ctx.unsupported(`${n.name}: a gather of public data along ${g.outer * g.inner} lines (position-indexed lookups are not built)`);
  const range = ctx.interval(x) ?? ctx.unsupported(`${n.name}: indices not available before use`);
  const xi = ctx.info(x) ?? ctx.unsupported(`${n.name}: unknown indices`);
  if (!ctx.relayout(y, xi.dims)) ctx.unsupported(`${n.name}: output and index sizes differ`);
  const table = dynamicLookupTable(`${n.name}/table`, data.data, range[0], range[1]);
  let lo = data.data[0];
  let hi = data.data[0];
  for (const v of data.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  ctx.setInterval(y, lo, hi);
  ctx.commit(y, xi.dims);
  return { node: n, x, y, table };
}
