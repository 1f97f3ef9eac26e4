// Normalizations: BatchNormalization (inference and training mode), LayerNormalization, InstanceNormalization,
// Softmax and LogSoftmax (with the pre-13 "flatten to 2-D" semantics).
import { broadcastIndex, f64, normAxis, sizeOf, tensorFrom } from '../tensor.js';
import { attrFloat, attrInt, need } from './attrs.js';
import type { OpEval, OpTable } from './types.js';

const batchNorm: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const scale = f64(need(inputs, 1, 'scale'));
  const bias = f64(need(inputs, 2, 'B'));
  const mean = f64(need(inputs, 3, 'input_mean'));
  const variance = f64(need(inputs, 4, 'input_var'));
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const C = x.dims.length > 1 ? x.dims[1]! : 1;
  const inner = sizeOf(x.dims.slice(2));
  const xs = f64(x);
  const training = attrInt(node, 'training_mode', 0) !== 0;
  // Training mode normalizes by the batch statistics (mean and population variance over every
  // axis but the channel) and outputs running statistics blended with them by `momentum`.
  const batchMean = new Float64Array(C);
  const batchVar = new Float64Array(C);
  if (training) {
    const count = xs.length / C;
    for (let i = 0; i < xs.length; i++) batchMean[Math.floor(i / inner) % C] += xs[i]!;
    for (let c = 0; c < C; c++) batchMean[c] /= count;
    for (let i = 0; i < xs.length; i++) { const c = Math.floor(i / inner) % C; batchVar[c] += (xs[i]! - batchMean[c]!) ** 2; }
    for (let c = 0; c < C; c++) batchVar[c] /= count;
  }
  const m = training ? batchMean : mean;
  const v = training ? batchVar : variance;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const c = Math.floor(i / inner) % C;
    out[i] = ((xs[i]! - m[c]!) / Math.sqrt(v[c]! + eps)) * scale[c]! + bias[c]!;
  }
  if (!training) return [tensorFrom(x.dtype, x.dims, out)];
  const momentum = attrFloat(node, 'momentum', 0.9);
  const runMean = mean.map((mi, c) => mi * momentum + batchMean[c]! * (1 - momentum));
  const runVar = variance.map((vi, c) => vi * momentum + batchVar[c]! * (1 - momentum));
  return [tensorFrom(x.dtype, x.dims, out), tensorFrom(x.dtype, [C], runMean), tensorFrom(x.dtype, [C], runVar)];
};

const layerNorm: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const scale = need(inputs, 1, 'Scale');
  const b = inputs[2];
  const axis = normAxis(attrInt(node, 'axis', -1), x.dims.length);
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const normDims = x.dims.slice(axis);
  const inner = sizeOf(normDims);
  const outer = sizeOf(x.dims.slice(0, axis));
  const sMap = broadcastIndex(scale.dims, normDims);
  const sv = f64(scale);
  const bMap = b === undefined ? undefined : broadcastIndex(b.dims, normDims);
  const bv = b === undefined ? undefined : f64(b);
  const xs = f64(x);
  const out = new Float64Array(xs.length);
  const meanOut = new Float64Array(outer);
  const invOut = new Float64Array(outer);
  for (let o = 0; o < outer; o++) {
    let mean = 0;
    for (let i = 0; i < inner; i++) mean += xs[o * inner + i]!;
    mean /= inner;
    let v = 0;
    for (let i = 0; i < inner; i++) { const d = xs[o * inner + i]! - mean; v += d * d; }
    const inv = 1 / Math.sqrt(v / inner + eps);
    meanOut[o] = mean;
    invOut[o] = inv;
    for (let i = 0; i < inner; i++) {
      out[o * inner + i] = (xs[o * inner + i]! - mean) * inv * sv[sMap[i]!]! + (bv === undefined ? 0 : bv[bMap![i]!]!);
    }
  }
  const statDims = x.dims.map((d, i) => (i < axis ? d : 1));
  return [tensorFrom(x.dtype, x.dims, out), tensorFrom('float32', statDims, meanOut), tensorFrom('float32', statDims, invOut)];
};

const instanceNorm: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'input');
  const scale = f64(need(inputs, 1, 'scale'));
  const bias = f64(need(inputs, 2, 'B'));
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const [N, C] = x.dims as [number, number];
  const S = sizeOf(x.dims.slice(2));
  const xs = f64(x);
  const out = new Float64Array(xs.length);
  for (let nc = 0; nc < N * C; nc++) {
    const c = nc % C;
    let mean = 0;
    for (let s = 0; s < S; s++) mean += xs[nc * S + s]!;
    mean /= S;
    let v = 0;
    for (let s = 0; s < S; s++) { const d = xs[nc * S + s]! - mean; v += d * d; }
    const inv = 1 / Math.sqrt(v / S + eps);
    for (let s = 0; s < S; s++) out[nc * S + s] = (xs[nc * S + s]! - mean) * inv * scale[c]! + bias[c]!;
  }
  return [tensorFrom(x.dtype, x.dims, out)];
};

/**
 * Softmax family. Opset >= 13 normalizes along `axis` (default -1); older opsets flatten the
 * input to 2-D at `axis` (default 1) and normalize each row.
 */
function softmaxLike(log: boolean): OpEval {
  return (inputs, { node, opset }) => {
    const x = need(inputs, 0, 'input');
    const rank = x.dims.length;
    const modern = opset >= 13;
    const axis = normAxis(attrInt(node, 'axis', modern ? -1 : 1), Math.max(rank, 1));
    let len: number;
    let inner: number;
    if (modern) {
      len = x.dims[axis]!;
      inner = sizeOf(x.dims.slice(axis + 1));
    } else {
      len = sizeOf(x.dims.slice(axis));
      inner = 1;
    }
    const outer = sizeOf(x.dims) / Math.max(1, len * inner);
    const xs = f64(x);
    const out = new Float64Array(xs.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (j: number): number => (o * len + j) * inner + i;
        let m = -Infinity;
        for (let j = 0; j < len; j++) m = Math.max(m, xs[at(j)]!);
        let sum = 0;
        for (let j = 0; j < len; j++) sum += Math.exp(xs[at(j)]! - m);
        for (let j = 0; j < len; j++) {
          out[at(j)] = log ? xs[at(j)]! - m - Math.log(sum) : Math.exp(xs[at(j)]! - m) / sum;
        }
      }
    }
    return [tensorFrom(x.dtype, x.dims, out)];
  };
}

export const NORM_OPS: OpTable = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  InstanceNormalization: instanceNorm,
  Softmax: softmaxLike(false),
  LogSoftmax: softmaxLike(true),
};
