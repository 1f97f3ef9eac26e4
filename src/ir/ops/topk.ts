// TopK: the k largest (or smallest) values along an axis, in order, with their indices.
import * as K from '../kernels.js';
import { int } from '../attrs.js';
import { refuse, sizeOf, type IrNode, type OpDef } from '../types.js';

function shape(node: IrNode, dims: readonly number[]) {
  const axis = int(node, 'axis');
  const k = int(node, 'k');
  if (axis < 0 || axis >= dims.length) refuse(node, `axis ${axis} outside a rank-${dims.length} tensor`);
  if (k < 1 || k > dims[axis]) refuse(node, `k = ${k} outside [1, ${dims[axis]}]`);
  return {
    axis, k, largest: int(node, 'largest', 1) === 1, outer: sizeOf(dims.slice(0, axis)), n: dims[axis], inner: sizeOf(dims.slice(axis + 1)),
    outDims: dims.map((d, i) => (i === axis ? k : d)),
  };
}

export const topkOp: OpDef = {
  op: 'TopK',
  semantics: 'values and indices of the k largest (largest = 1) or smallest elements along `axis`, in order; equal values → lower index first',
  proof: 'LogUp multiset check that (index, value) pairs are entries of the input, range checks of consecutive differences (order, ties by index) and of (k-th value − every unselected value)',
  infer(node, [x]) {
    if (!x) refuse(node, 'TopK takes one input');
    const s = shape(node, x.dims);
    return {
      outputs: [{ dims: s.outDims, lo: x.lo, hi: x.hi }, { dims: s.outDims, lo: 0n, hi: BigInt(s.n - 1) }],
      bounds: { B_diff: 2n * (x.hi > -x.lo ? x.hi : -x.lo), tableSize: BigInt(s.n) },
    };
  },
  execute(node, [x]) {
    const s = shape(node, x.dims);
    const [v, i] = K.topk(x.data, s.outer, s.n, s.inner, s.k, s.largest);
    return [{ dims: s.outDims, data: v }, { dims: s.outDims, data: i }];
  },
};
