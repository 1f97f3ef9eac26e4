// Reductions over axes: ReduceSum/Mean/Max/Min, ArgMax/ArgMin, TopK.
import type { Tensor } from '../graph.js';
import { broadcastIndex, f64, ints, normAxis, sizeOf, stridesOf, tensorFrom } from '../tensor.js';
import { attrInt, attrInts, need } from './attrs.js';
import type { OpEval, OpTable } from './types.js';

/** The axes to reduce: attribute (older opsets) or second input (newer); empty means all or none. */
function reduceAxes(inputs: readonly (Tensor | undefined)[], node: Parameters<OpEval>[1]['node'], rank: number): number[] | 'none' {
  let axes = attrInts(node, 'axes') as number[] | undefined;
  if (axes === undefined && inputs[1] !== undefined) axes = ints(inputs[1]);
  if (axes === undefined || axes.length === 0) {
    return attrInt(node, 'noop_with_empty_axes', 0) !== 0 ? 'none' : Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(axes.map((a) => normAxis(a, rank)))];
}

function reduction(init: number, step: (acc: number, v: number) => number, finish: (acc: number, count: number) => number): OpEval {
  return (inputs, { node }) => {
    const x = need(inputs, 0, 'data');
    const axes = reduceAxes(inputs, node, x.dims.length);
    if (axes === 'none') return [x];
    const keep = attrInt(node, 'keepdims', 1) !== 0;
    const keptDims = x.dims.map((d, i) => (axes.includes(i) ? 1 : d));
    const map = broadcastIndex(keptDims, x.dims);
    const n = sizeOf(keptDims);
    const acc = new Float64Array(n).fill(init);
    const xs = f64(x);
    for (let i = 0; i < xs.length; i++) acc[map[i]!] = step(acc[map[i]!]!, xs[i]!);
    const count = sizeOf(x.dims) / Math.max(1, n);
    for (let i = 0; i < n; i++) acc[i] = finish(acc[i]!, count);
    const dims = keep ? keptDims : x.dims.filter((_, i) => !axes.includes(i));
    return [tensorFrom(x.dtype, dims, acc)];
  };
}

function argReduce(better: (a: number, b: number) => boolean): OpEval {
  return (inputs, { node }) => {
    const x = need(inputs, 0, 'data');
    const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length);
    const keep = attrInt(node, 'keepdims', 1) !== 0;
    const last = attrInt(node, 'select_last_index', 0) !== 0;
    const len = x.dims[axis]!;
    const inner = stridesOf(x.dims)[axis]!;
    const outer = sizeOf(x.dims) / (len * inner);
    const xs = f64(x);
    const out = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        let bv = xs[o * len * inner + i]!;
        for (let j = 1; j < len; j++) {
          const v = xs[(o * len + j) * inner + i]!;
          if (better(v, bv) || (last && v === bv)) { best = j; bv = v; }
        }
        out[o * inner + i] = best;
      }
    }
    const dims = keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis);
    return [tensorFrom('int64', dims, out)];
  };
}

const topK: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  // Opset < 10 carries K as the attribute 'k'.
  const k = attrInt(node, 'k') ?? ints(need(inputs, 1, 'K'))[0]!;
  const axis = normAxis(attrInt(node, 'axis', -1), x.dims.length);
  const largest = attrInt(node, 'largest', 1) !== 0;
  const len = x.dims[axis]!;
  if (k < 0 || k > len) throw new Error(`K = ${k} out of range for axis of length ${len}`);
  const inner = stridesOf(x.dims)[axis]!;
  const outer = sizeOf(x.dims) / (len * inner);
  const xs = f64(x);
  const vals = new Float64Array(outer * k * inner);
  const idx = new Float64Array(outer * k * inner);
  const order = new Array<number>(len);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < len; j++) order[j] = j;
      const at = (j: number): number => xs[(o * len + j) * inner + i]!;
      // Ties keep the lower index first, as the ONNX reference does.
      order.sort((a, b) => (at(a) === at(b) ? a - b : largest ? at(b) - at(a) : at(a) - at(b)));
      for (let j = 0; j < k; j++) {
        vals[(o * k + j) * inner + i] = at(order[j]!);
        idx[(o * k + j) * inner + i] = order[j]!;
      }
    }
  }
  const dims = x.dims.map((d, i) => (i === axis ? k : d));
  return [tensorFrom(x.dtype, dims, vals), tensorFrom('int64', dims, idx)];
};

export const REDUCE_OPS: OpTable = {
  ReduceSum: reduction(0, (a, v) => a + v, (a) => a),
  ReduceMean: reduction(0, (a, v) => a + v, (a, n) => a / n),
  ReduceMax: reduction(-Infinity, (a, v) => (v > a || Number.isNaN(v) ? v : a), (a) => a),
  ReduceMin: reduction(Infinity, (a, v) => (v < a || Number.isNaN(v) ? v : a), (a) => a),
  ArgMax: argReduce((a, b) => a > b),
  ArgMin: argReduce((a, b) => a < b),
  TopK: topK,
};
