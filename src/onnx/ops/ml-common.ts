// Shared pieces of the ai.onnx.ml ops: rows of the input matrix and post_transform.
import type { Tensor } from '../graph.js';
import { f64 } from '../tensor.js';
import { erf } from './math.js';

/** X as [N, F] rows (a 1-D X is one row). */
export function rowsOf(x: Tensor): { n: number; f: number; data: Float64Array } {
  const data = f64(x);
  if (x.dims.length === 1) return { n: 1, f: x.dims[0]!, data };
  if (x.dims.length !== 2) throw new Error(`expected X of rank 1 or 2, got [${x.dims.join(',')}]`);
  return { n: x.dims[0]!, f: x.dims[1]!, data };
}

export const logistic = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** Inverse of the standard normal CDF, via Newton steps on erf (probit = sqrt(2) * erfinv(2p - 1)). */
export function probit(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  let z = 0;
  for (let i = 0; i < 60; i++) {
    const cdf = 0.5 * (1 + erf(z / Math.SQRT2));
    const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const step = (cdf - p) / pdf;
    z -= step;
    if (Math.abs(step) < 1e-14) break;
  }
  return z;
}

/** Applies an ONNX-ML post_transform to each row of `scores` ([n, k]) in place. */
export function postTransform(scores: Float64Array, n: number, k: number, transform: string): void {
  switch (transform) {
    case 'NONE': return;
    case 'LOGISTIC':
      for (let i = 0; i < scores.length; i++) scores[i] = logistic(scores[i]!);
      return;
    case 'PROBIT':
      for (let i = 0; i < scores.length; i++) scores[i] = probit(scores[i]!);
      return;
    case 'SOFTMAX':
    case 'SOFTMAX_ZERO':
      for (let r = 0; r < n; r++) {
        let m = -Infinity;
        for (let j = 0; j < k; j++) m = Math.max(m, scores[r * k + j]!);
        let s = 0;
        for (let j = 0; j < k; j++) {
          const v = scores[r * k + j]!;
          // SOFTMAX_ZERO leaves exact zeros at zero.
          const e = transform === 'SOFTMAX_ZERO' && Math.abs(v) <= 1e-7 ? v * Math.exp(-m) : Math.exp(v - m);
          scores[r * k + j] = e;
          s += e;
        }
        for (let j = 0; j < k; j++) scores[r * k + j] = s === 0 ? 0.5 : scores[r * k + j]! / s;
      }
      return;
    default: throw new Error(`post_transform '${transform}' is not supported`);
  }
}
