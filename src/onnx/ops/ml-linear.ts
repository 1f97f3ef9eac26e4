// ai.onnx.ml linear models and feature transforms: LinearClassifier, LinearRegressor, Scaler,
// Normalizer, ArrayFeatureExtractor, ZipMap (probabilities passed through as a tensor).
import { f64, ints, gatherFlat, stringTensor, tensorFrom } from '../tensor.js';
import { attrFloats, attrInt, attrInts, attrString, attrStrings, need } from './attrs.js';
import { postTransform, probit, rowsOf } from './ml-common.js';
import type { OpEval, OpTable } from './types.js';

function linearScores(data: Float64Array, n: number, f: number, coef: readonly number[], intercepts: readonly number[] | undefined): { scores: Float64Array; k: number } {
  if (coef.length % f !== 0) throw new Error(`${coef.length} coefficients do not split into rows of ${f} features`);
  const k = coef.length / f;
  const scores = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      let s = intercepts?.[c] ?? 0;
      for (let j = 0; j < f; j++) s += data[r * f + j]! * coef[c * f + j]!;
      scores[r * k + c] = s;
    }
  }
  return { scores, k };
}

const linearClassifier: OpEval = (inputs, { node }) => {
  const { n, f, data } = rowsOf(need(inputs, 0, 'X'));
  const coef = attrFloats(node, 'coefficients') ?? [];
  const { scores: raw, k } = linearScores(data, n, f, coef, attrFloats(node, 'intercepts'));
  const labelsInt = attrInts(node, 'classlabels_ints');
  const labelsStr = attrStrings(node, 'classlabels_strings');
  const nLabels = Math.max(labelsInt?.length ?? 0, labelsStr?.length ?? 0);
  const transform = attrString(node, 'post_transform', 'NONE');
  const winners = new Array<number>(n);
  let scores = raw;
  let cols = k;
  if (k === 1 && nLabels === 2) {
    // onnxruntime's binary form: the label follows the raw score's sign; the one column t is
    // post-transformed and then written as [1 - t, t].
    scores = new Float64Array(n * 2);
    const t = Float64Array.from(raw);
    postTransform(t, n, 1, transform);
    for (let r = 0; r < n; r++) {
      winners[r] = raw[r]! > 0 ? 1 : 0;
      scores[2 * r] = 1 - t[r]!;
      scores[2 * r + 1] = t[r]!;
    }
    cols = 2;
  } else {
    // Labels come from the raw scores (onnxruntime picks them before the transform).
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let c = 1; c < cols; c++) if (raw[r * cols + c]! > raw[r * cols + best]!) best = c;
      winners[r] = cols > 1 ? best : raw[r]! > 0 ? 1 : 0;
    }
    postTransform(scores, n, cols, transform);
  }
  const label = labelsStr !== undefined && labelsStr.length > 0
    ? stringTensor([n], winners.map((w) => labelsStr[w] ?? ''))
    : tensorFrom('int64', [n], winners.map((w) => (labelsInt !== undefined && labelsInt.length > 0 ? labelsInt[w] ?? w : w)));
  return [label, tensorFrom('float32', [n, cols], scores)];
};

const linearRegressor: OpEval = (inputs, { node }) => {
  const { n, f, data } = rowsOf(need(inputs, 0, 'X'));
  const { scores, k } = linearScores(data, n, f, attrFloats(node, 'coefficients') ?? [], attrFloats(node, 'intercepts'));
  const targets = attrInt(node, 'targets', 1);
  if (k !== targets) throw new Error(`coefficients give ${k} targets, attribute 'targets' says ${targets}`);
  const transform = attrString(node, 'post_transform', 'NONE');
  if (transform === 'PROBIT') for (let i = 0; i < scores.length; i++) scores[i] = probit(scores[i]!);
  else if (transform !== 'NONE') postTransform(scores, n, k, transform);
  return [tensorFrom('float32', [n, k], scores)];
};

const scaler: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const { f, data } = rowsOf(x);
  const offset = attrFloats(node, 'offset') ?? [0];
  const scale = attrFloats(node, 'scale') ?? [1];
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const j = i % f;
    out[i] = (data[i]! - offset[offset.length === 1 ? 0 : j]!) * scale[scale.length === 1 ? 0 : j]!;
  }
  return [tensorFrom('float32', x.dims, out)];
};

const normalizer: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const { n, f, data } = rowsOf(x);
  const norm = attrString(node, 'norm', 'MAX');
  const out = new Float64Array(data.length);
  for (let r = 0; r < n; r++) {
    let d = 0;
    for (let j = 0; j < f; j++) {
      const v = data[r * f + j]!;
      if (norm === 'MAX') d = j === 0 ? v : Math.max(d, v);
      else if (norm === 'L1') d += Math.abs(v);
      else if (norm === 'L2') d += v * v;
      else throw new Error(`norm '${norm}' is not supported`);
    }
    if (norm === 'L2') d = Math.sqrt(d);
    for (let j = 0; j < f; j++) out[r * f + j] = d === 0 ? data[r * f + j]! : data[r * f + j]! / d;
  }
  return [tensorFrom('float32', x.dims, out)];
};

const arrayFeatureExtractor: OpEval = (inputs) => {
  const x = need(inputs, 0, 'X');
  const idx = ints(need(inputs, 1, 'Y'));
  const last = x.dims[x.dims.length - 1]!;
  const outer = x.dims.length === 1 ? 1 : f64(x).length / last;
  const src: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const i of idx) {
      if (i < 0 || i >= last) throw new Error(`index ${i} out of range for ${last} features`);
      src.push(o * last + i);
    }
  }
  const dims = x.dims.length === 1 ? [1, idx.length] : [...x.dims.slice(0, -1), idx.length];
  return [gatherFlat(x, dims, src)];
};

export const ML_LINEAR_OPS: OpTable = {
  LinearClassifier: linearClassifier,
  LinearRegressor: linearRegressor,
  Scaler: scaler,
  Normalizer: normalizer,
  ArrayFeatureExtractor: arrayFeatureExtractor,
  // ZipMap turns probabilities into a sequence of maps; zkinfer keeps the probability tensor.
  ZipMap: (inputs) => [need(inputs, 0, 'X')],
};
