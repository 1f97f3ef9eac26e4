// Reductions over one axis: sum, max, min, argmax and argmin (first index on ties).
import * as K from '../kernels.js';
import { int, str } from '../attrs.js';
import { absMax, refuse, sizeOf, type InferResult, type IrNode, type OpDef } from '../types.js';

const MODES = ['sum', 'max', 'min', 'argmax', 'argmin'] as const;

function split(node: IrNode, dims: readonly number[]) {
  const axis = int(node, 'axis');
  const mode = str(node, 'mode') as K.ReduceMode;
  if (!(MODES as readonly string[]).includes(mode)) refuse(node, `unknown reduce mode ${mode}`);
  if (axis < 0 || axis >= dims.length) refuse(node, `axis ${axis} outside a rank-${dims.length} tensor`);
  const outer = sizeOf(dims.slice(0, axis));
  const len = dims[axis];
  const inner = sizeOf(dims.slice(axis + 1));
  if (len < 1) refuse(node, 'cannot reduce an empty axis');
  return { axis, mode, outer, len, inner, outDims: [...dims.slice(0, axis), ...dims.slice(axis + 1)] };
}

export const reduceOp: OpDef = {
  op: 'Reduce',
  semantics: 'out = sum / max / min / argmax / argmin of x over `axis` (the axis is removed; ties → first index)',
  proof: 'sum: linear (sumcheck over the axis); max/min: selector + range checks of out − x_j; argmax: one-hot selector with index sum',
  infer(node, [x]): InferResult {
    if (!x) refuse(node, 'Reduce takes one input');
    const s = split(node, x.dims);
    const len = BigInt(s.len);
    if (s.mode === 'sum') {
      const b = absMax(x.lo, x.hi) * len;
      return { outputs: [{ dims: s.outDims, lo: x.lo * len, hi: x.hi * len }], bounds: { B_sum: b } };
    }
    if (s.mode === 'argmax' || s.mode === 'argmin') {
      return { outputs: [{ dims: s.outDims, lo: 0n, hi: len - 1n }], bounds: { B_diff: 2n * absMax(x.lo, x.hi) } };
    }
    return { outputs: [{ dims: s.outDims, lo: x.lo, hi: x.hi }], bounds: { B_diff: 2n * absMax(x.lo, x.hi) } };
  },
  execute(node, [x]) {
    const s = split(node, x.dims);
    return [{ dims: s.outDims, data: K.reduce(x.data, s.outer, s.len, s.inner, s.mode) }];
  },
};
