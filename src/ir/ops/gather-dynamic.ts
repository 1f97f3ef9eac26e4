// GatherDynamic: data movement by computed indices (tree traversals exported as tensor ops).
import * as K from '../kernels.js';
import { int } from '../attrs.js';
import { refuse, sizeOf, type IrNode, type IrValueInfo, type OpDef } from '../types.js';

function shape(node: IrNode, data: IrValueInfo, idx: IrValueInfo) {
  const axis = int(node, 'axis');
  const elements = int(node, 'elements', 0) === 1;
  if (axis < 0 || axis >= data.dims.length) refuse(node, `axis ${axis} outside a rank-${data.dims.length} tensor`);
  const outer = sizeOf(data.dims.slice(0, axis));
  const n = data.dims[axis];
  const inner = sizeOf(data.dims.slice(axis + 1));
  if (elements) {
    const same = idx.dims.length === data.dims.length && idx.dims.every((d, i) => i === axis || d === data.dims[i]);
    if (!same) refuse(node, `GatherElements indices ${idx.dims} must match data ${data.dims} except on axis ${axis}`);
    return { outer, n, inner, m: idx.dims[axis], elements, outDims: idx.dims };
  }
  return { outer, n, inner, m: sizeOf(idx.dims), elements, outDims: [...data.dims.slice(0, axis), ...idx.dims, ...data.dims.slice(axis + 1)] };
}

export const gatherDynamicOp: OpDef = {
  op: 'GatherDynamic',
  semantics: 'out = data[…, idx, …] along `axis` with computed indices (negative from the end); elements = 1: GatherElements',
  proof: 'indexed LogUp lookup of (position, index, value) into the table {(position, j, data[j])}; indices range-checked by their static bound',
  infer(node, [data, idx]) {
    if (!data || !idx) refuse(node, 'GatherDynamic takes data and indices');
    const s = shape(node, data, idx);
    const n = BigInt(s.n);
    // The lookup proves each index is a position of the table, so a loose static bound is sound;
    // a bound that cannot reach any valid position is a compile error.
    if (idx.hi < -n || idx.lo >= n) refuse(node, `index bound [${idx.lo}, ${idx.hi}] misses the axis [0, ${s.n})`);
    return { outputs: [{ dims: s.outDims, lo: data.lo, hi: data.hi }], bounds: { tableSize: BigInt(sizeOf(data.dims)) } };
  },
  execute(node, [data, idx]) {
    const info = (t: { dims: readonly number[] }): IrValueInfo => ({ name: '', dims: t.dims, kind: 'activation', lo: 0n, hi: 0n, scale: 1 });
    const s = shape(node, info(data), info(idx));
    const out = K.gatherDynamic(data.data, idx.data, s.outer, s.n, s.m, s.inner, s.elements);
    if (typeof out === 'number') refuse(node, `index out of range at output ${out} (bounds violated)`);
    return [{ dims: s.outDims, data: out }];
  },
};
