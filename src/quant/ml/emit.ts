// Emitters shared by the classic-ML lowerings: labels from scores, post_transform, small
// shape helpers. Everything here builds on the core IR ops (Reduce, Compare, Lookup, Requant,
// WeightedSum, Div, Gather, Reshape), so each piece is proven by the core layer provers.
import { CompileError, sizeOf, type LowerContext, type QuantValue } from '../../ir/types.js';
import { bigInts as bigArray, gatherIndex as gather, requantToScale } from './fixed.js';
import type { ClassLabels } from './attrs.js';

/**
 * Classic-ML feature values (Scaler outputs, linear weights) are kept at 24 bits or the
 * precision setting, whichever is larger: these models are tiny, so the extra width costs almost
 * nothing, and a credit decision near its threshold should not flip because of 12-bit features.
 */
export const ML_FEATURE_BITS = 24;
/** Probabilities (sigmoid/softmax/normalizer outputs) are fixed point with 16 fraction bits. */
export const PROB_FRACTION_BITS = 16;

export function featureQmax(ctx: LowerContext): number {
  return 2 ** (Math.max(ctx.bits, ML_FEATURE_BITS) - 1) - 1;
}

export function refuseMl(ctx: LowerContext, message: string): never {
  throw new CompileError(`node ${ctx.node.name} (${ctx.node.domain}.${ctx.node.opType}): ${message}`);
}

/** A public constant tensor filled with one value. */
export function filled(ctx: LowerContext, step: string, dims: readonly number[], value: bigint): string {
  return ctx.addConstant(step, { dims: [...dims], data: new BigInt64Array(sizeOf(dims)).fill(value) }, 'public');
}

export function reshape(ctx: LowerContext, v: QuantValue, dims: readonly number[], step: string): QuantValue {
  const [ir] = ctx.emit('Reshape', [v.ir], { outDims: [...dims] }, { step, scales: [v.scale] });
  return { ir: ir!, scale: v.scale };
}

/** X as [N, F]: a rank-1 input is one row; rank 2 stays. */
export function asRows(ctx: LowerContext, v: QuantValue, step: string): { value: QuantValue; n: number; f: number } {
  const dims = ctx.irInfo(v.ir).dims;
  if (dims.length === 1) return { value: reshape(ctx, v, [1, dims[0]!], step), n: 1, f: dims[0]! };
  if (dims.length === 2) return { value: v, n: dims[0]!, f: dims[1]! };
  refuseMl(ctx, `expects X of rank 1 or 2, got [${dims.join(', ')}]`);
}

/** Columns [N, 2] from two [N] (or [N, 1]) values: out[r] = (a[r], b[r]). */
export function pairColumns(ctx: LowerContext, a: string, b: string, n: number, scale: number, step: string): string {
  const idx = new Array<number>(2 * n);
  for (let r = 0; r < n; r++) {
    idx[2 * r] = r;
    idx[2 * r + 1] = n + r;
  }
  return gather(ctx, [a, b], idx, [n, 2], step, scale);
}

/** Maps class indices [N] to labels: identity for labels 0..C−1, else a lookup into the public label list. */
export function labelsOf(ctx: LowerContext, index: string, labels: ClassLabels, step: string): QuantValue {
  if (labels.ints.every((l, i) => l === i)) return { ir: index, scale: 1 };
  for (const l of labels.ints) if (!Number.isSafeInteger(l)) refuseMl(ctx, `class label ${l} is not a safe integer`);
  const table = ctx.addConstant(`${step}-labels`, { dims: [labels.count], data: bigArray(labels.ints) }, 'public');
  const [ir] = ctx.emit('Lookup', [index, table], { tableLo: 0n, fn: 'classlabels', inScale: 1, outScale: 1 }, { step, scales: [1] });
  return { ir: ir!, scale: 1 };
}

/** Index of the first maximum of each row of S [N, C] (ties → the lowest index, as onnxruntime). */
export function argmaxIndex(ctx: LowerContext, scores: QuantValue, step: string): string {
  const [ir] = ctx.emit('Reduce', [scores.ir], { axis: 1, mode: 'argmax' }, { step, scales: [1] });
  return ir!;
}

/** 1 where s > threshold (an integer in S's scale), else 0; S [N] or [N, 1]. */
export function aboveIndex(ctx: LowerContext, scores: QuantValue, n: number, threshold: bigint, step: string): string {
  const flat = reshape(ctx, scores, [n], `${step}-flat`);
  const t = filled(ctx, `${step}-threshold`, [n], threshold);
  const [ir] = ctx.emit('Compare', [flat.ir, t], { mode: 'greater' }, { step, scales: [1] });
  return ir!;
}

/**
 * out = round(fn(x) · 2^outBits) by a public table over x requantized to step `range / qmax`
 * on [domainLo, domainHi] (in units of that step; inputs outside are clamped to the domain,
 * which is where fn is flat). The table is generated here and recorded by hash in the key.
 */
export function tableLookup(ctx: LowerContext, x: QuantValue, fn: (v: number) => number, fnName: string, range: number,
  domainLo: number, domainHi: number, outBits: number, step: string): QuantValue {
  const sIn = range / ctx.qmax;
  const xin = requantToScale(ctx, x, sIn, `${step}-in`, domainLo, domainHi);
  // the whole clamp domain, not just the image of x's range: with private multipliers the
  // verifier knows only the clamp (src/prove/setup.ts publicBounds)
  const lo = domainLo;
  const hi = domainHi;
  const t = new Float64Array(hi - lo + 1);
  const one = 2 ** outBits;
  for (let j = lo; j <= hi; j++) {
    const y = fn(j * sIn);
    if (!Number.isFinite(y)) refuseMl(ctx, `${fnName} is not finite at ${j * sIn}`);
    t[j - lo] = Math.floor(y * one + 0.5);
  }
  const table = ctx.addConstant(`${step}-table`, { dims: [t.length], data: bigArray(t) }, 'public');
  const outScale = 1 / one;
  const [ir] = ctx.emit('Lookup', [xin.ir, table], { tableLo: BigInt(lo), fn: fnName, inScale: sIn, outScale }, { step, scales: [outScale] });
  return { ir: ir!, scale: outScale };
}

export const logistic = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** Elementwise logistic: inputs beyond ±16 saturate (σ(16) = 1 − 1.1e-7, below 2^−16). */
export function sigmoidOf(ctx: LowerContext, x: QuantValue, step: string): QuantValue {
  return tableLookup(ctx, x, logistic, 'sigmoid', 16, -ctx.qmax, ctx.qmax, PROB_FRACTION_BITS, step);
}

/**
 * Row-wise softmax of S [N, C]: d = s − max_row(s) ≤ 0, e = round(exp(d)·2^16) by a table over
 * d ∈ [−16, 0] (exp(−16)·2^16 < 0.01 rounds to 0, so clamping there is exact), then
 * p = round(e · 2^16 / max(Σ e, 1)) by the core Div. The row maximum has e = 2^16, so Σ e ≥ 2^16.
 */
export function softmaxRows(ctx: LowerContext, s: QuantValue, n: number, c: number, step: string): QuantValue {
  const [m] = ctx.emit('Reduce', [s.ir], { axis: 1, mode: 'max' }, { step: `${step}-max`, scales: [s.scale] });
  const idx = new Array<number>(n * c);
  for (let r = 0; r < n; r++) for (let j = 0; j < c; j++) idx[r * c + j] = r;
  const mB = gather(ctx, [m!], idx, [n, c], `${step}-maxb`, s.scale);
  const [d] = ctx.emit('WeightedSum', [s.ir, mB], { coeffs: [1n, -1n], offset: 0n }, { step: `${step}-shift`, scales: [s.scale] });
  const e = tableLookup(ctx, { ir: d!, scale: s.scale }, Math.exp, 'exp', 16, -ctx.qmax, 0, PROB_FRACTION_BITS, `${step}-exp`);
  const [sum] = ctx.emit('Reduce', [e.ir], { axis: 1, mode: 'sum' }, { step: `${step}-sum`, scales: [e.scale] });
  const ones = filled(ctx, `${step}-one`, [n], 1n);
  const [den] = ctx.emit('Max', [sum!, ones], {}, { step: `${step}-den`, scales: [e.scale] });
  const outScale = 2 ** -PROB_FRACTION_BITS;
  const denB = gather(ctx, [den!], idx, [n, c], `${step}-denb`, e.scale);
  const [p] = ctx.emit('Div', [e.ir, denB], { shift: PROB_FRACTION_BITS, inner: 1 }, { step, scales: [outScale] });
  return { ir: p!, scale: outScale };
}

/** The ai.onnx.ml post_transform of scores S [N, C], as onnxruntime applies it to N ≥ 2 columns. */
export function postTransform(ctx: LowerContext, s: QuantValue, n: number, c: number, transform: string, step: string): QuantValue {
  switch (transform) {
    case 'NONE': return s;
    case 'LOGISTIC': return sigmoidOf(ctx, s, step);
    case 'SOFTMAX': return softmaxRows(ctx, s, n, c, step);
    case 'SOFTMAX_ZERO':
    case 'PROBIT':
      return refuseMl(ctx, `post_transform ${transform} is not supported in the integer graph (NONE, LOGISTIC and SOFTMAX are)`);
    default:
      return refuseMl(ctx, `unknown post_transform ${transform}`);
  }
}
