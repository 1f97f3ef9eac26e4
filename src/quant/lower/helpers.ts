// Building blocks shared by the lowerings: weight quantization, requantization multipliers,
// broadcasting as index maps, lookup tables.
import { limbBound, limbMax } from '../../ir/limbs.js';
import type { Tensor } from '../../onnx/graph.js';
import { CompileError, FIELD_HALF, absMax, sizeOf, type LowerContext, type QuantValue } from '../../ir/types.js';
import { scaleFor } from '../quantize.js';
import { integerBounds } from '../dtypes.js';

/** Round half up, the IR's single rounding rule, applied to a float at compile time. */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

export function bigArray(xs: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isSafeInteger(xs[i])) throw new CompileError(`integer constant ${xs[i]} is not a safe integer`);
    out[i] = BigInt(xs[i]);
  }
  return out;
}

/** A constant tensor's values as numbers (float or integer dtypes). */
export function numbers(t: Tensor): Float64Array {
  if (Array.isArray(t.data)) throw new CompileError('string tensors cannot be used as numbers');
  const d = t.data as ArrayLike<number | bigint>;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  return out;
}

/** Integer values of a constant (shape, axes, indices). */
export function integers(t: Tensor): number[] {
  return Array.from(numbers(t));
}

/** The scale of an ONNX output: 1 for integer and boolean types (exact), else from calibration. */
export function outScale(ctx: LowerContext, onnxName: string): number {
  const dtype = ctx.info(onnxName).dtype;
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16') return 1;
  return scaleFor(ctx.range(onnxName), ctx.qmax);
}

/**
 * Quantizes a float weight tensor symmetrically to [−qmax, qmax], per channel along `axis`
 * (one scale per index of that axis) or per tensor (axis undefined).
 */
export function quantizeWeights(ctx: LowerContext, t: Tensor, step: string, axis?: number): { ir: string; scales: number[] } {
  const data = numbers(t);
  const channels = axis === undefined ? 1 : t.dims[axis];
  const inner = axis === undefined ? data.length : sizeOf(t.dims.slice(axis + 1));
  const maxAbs = new Array<number>(channels).fill(0);
  for (let i = 0; i < data.length; i++) {
    const c = axis === undefined ? 0 : Math.floor(i / inner) % channels;
    maxAbs[c] = Math.max(maxAbs[c], Math.abs(data[i]));
  }
  if (!maxAbs.every(Number.isFinite)) refuseNode(ctx, `weight ${step} holds NaN or Inf`);
  const scales = maxAbs.map((m) => (m > 0 ? m / ctx.qmax : 1));
  const q = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const c = axis === undefined ? 0 : Math.floor(i / inner) % channels;
    q[i] = Math.max(-ctx.qmax, Math.min(ctx.qmax, roundHalfUp(data[i] / scales[c])));
  }
  const ir = ctx.addConstant(step, { dims: t.dims, data: bigArray(q) }, 'weight', BigInt(-ctx.qmax), BigInt(ctx.qmax));
  return { ir, scales };
}

/** Quantizes a float constant at a given scale per element `scales[channel(i)]` (biases). */
export function quantizeAt(ctx: LowerContext, t: Tensor | Float64Array, step: string, scales: readonly number[], inner = 1): string {
  const data = t instanceof Float64Array ? t : numbers(t);
  const q = new Float64Array(data.length);
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    q[i] = roundHalfUp(data[i] / scales[Math.floor(i / inner) % scales.length]);
    if (!Number.isSafeInteger(q[i])) refuseNode(ctx, `constant ${step} does not fit at its scale`);
    m = Math.max(m, Math.abs(q[i]));
  }
  // Declared bound: the next power of two above the largest magnitude (the "declared type" of the bias).
  const bound = 2 ** Math.ceil(Math.log2(m + 1)) - 1;
  const dims = t instanceof Float64Array ? [t.length] : t.dims;
  return ctx.addConstant(step, { dims, data: bigArray(q) }, 'weight', BigInt(-bound), BigInt(bound));
}

export function refuseNode(ctx: LowerContext, message: string): never {
  throw new CompileError(`node ${ctx.node.name} (${ctx.node.opType}): ${message}`);
}

/**
 * Multiplier and shift with M / 2^s ≈ ratio, as precise as PUBLIC bounds allow. With private
 * weights the multipliers are committed as L signed limbs of `bits` bits (src/ir/limbs.ts) and
 * range-checked to their bit length (src/prove/setup.ts publicBounds); M is chosen for the
 * largest L with bIn·limbBound(bits, L) ≤ 2^60 (a margin of 8 below p/2 for the input range, the
 * rounding term and the quotient term; conservative, since the proof now bounds M by 2^m − 1),
 * M ≤ min(limbMax(bits, L), 2^31).
 */
export function multiplier(ctx: LowerContext, ratios: readonly number[], bIn: bigint): { mults: bigint[]; shift: number } {
  const rMax = Math.max(...ratios);
  if (!(rMax > 0) || !ratios.every((r) => Number.isFinite(r) && r > 0)) refuseNode(ctx, `invalid rescale ratio ${rMax}`);
  const b = bIn > 0n ? bIn : 1n;
  const bits = Math.round(Math.log2(ctx.qmax + 1)) + 1;
  let limbs = 1;
  while (limbBound(bits, limbs + 1) * b <= 2n ** 60n && limbMax(bits, limbs) < 2n ** 31n) limbs++;
  const fit = 2n ** 60n / b;
  let limit = limbMax(bits, limbs);
  if (limit > fit) limit = fit;
  const mCap = Number(limit < 2n ** 31n ? limit : 2n ** 31n);
  // The largest s with round(rMax·2^s) ≤ mCap.
  let shift = Math.floor(Math.log2(mCap / rMax));
  shift = Math.max(0, Math.min(62, shift));
  const mults = ratios.map((r) => BigInt(Math.max(1, roundHalfUp(r * 2 ** shift))));
  const mMax = mults.reduce((a, b) => (a > b ? a : b));
  if (mMax * bIn + (1n << 62n) / 2n >= FIELD_HALF) {
    throw new CompileError(`layer ${ctx.node.name} (${ctx.node.opType}): requantization term B_in·M = ${bIn}·${mMax} reaches p/2; lower --bits`);
  }
  if (Number(mMax) < 16 && rMax < 1) {
    // Fewer than 4 significant bits in the multiplier: the rescale would be too coarse.
    throw new CompileError(`layer ${ctx.node.name} (${ctx.node.opType}): accumulator bound ${bIn} leaves no room for a requantization multiplier below p/2; lower --bits`);
  }
  return { mults, shift };
}

/**
 * Requantizes an integer value at scale(s) `inScales` (per channel: channel = (i / inner) mod #scales)
 * to `outScale`, clamped to [lo, hi] (default ±qmax). Returns the new value.
 */
export function requantTo(ctx: LowerContext, ir: string, inScales: readonly number[], outScale: number, step: string,
  inner = 1, lo?: number, hi?: number): QuantValue {
  const info = ctx.irInfo(ir);
  // Exact integers (scale 1) keep their computed bound; scaled values saturate at ±qmax.
  lo ??= outScale === 1 ? -(2 ** 52) : -ctx.qmax;
  hi ??= outScale === 1 ? 2 ** 52 : ctx.qmax;
  const { mults, shift } = multiplier(ctx, inScales.map((s) => s / outScale), absMax(info.lo, info.hi));
  const [out] = ctx.emit('Requant', [ir], { mults, shift, inner, lo: BigInt(lo), hi: BigInt(hi) }, { step, scales: [outScale] });
  return { ir: out, scale: outScale };
}

/** Row-major strides. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Emits a Gather with the given index table (−1 → fill). */
export function gather(ctx: LowerContext, sources: readonly string[], idx: ArrayLike<number>, outDims: readonly number[], step: string,
  scale: number, fill = 0n): string {
  const table = ctx.addConstant(`${step}-index`, { dims: [idx.length], data: bigArray(idx) }, 'public');
  const [out] = ctx.emit('Gather', [...sources, table], { outDims: [...outDims], fill }, { step, scales: [scale] });
  return out;
}

/** ONNX (numpy) broadcast of two shapes. */
export function broadcastShape(ctx: LowerContext, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) refuseNode(ctx, `shapes ${a} and ${b} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Broadcasts a value to `to` (numpy rules) with a Gather, or returns it unchanged. */
export function broadcastTo(ctx: LowerContext, v: QuantValue, to: readonly number[], step: string): QuantValue {
  const from = ctx.irInfo(v.ir).dims;
  if (from.length === to.length && from.every((d, i) => d === to[i])) return v;
  if (sizeOf(from) === sizeOf(to) && from.every((d, i) => d === to[to.length - from.length + i])) {
    const [out] = ctx.emit('Reshape', [v.ir], { outDims: [...to] }, { step, scales: [v.scale] });
    return { ir: out, scale: v.scale };
  }
  const fs = strides(from);
  const off = to.length - from.length;
  const n = sizeOf(to);
  const ts = strides(to);
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let d = 0; d < from.length; d++) {
      const coord = Math.floor(i / ts[d + off]) % to[d + off];
      j += (from[d] === 1 ? 0 : coord) * fs[d];
    }
    idx[i] = j;
  }
  return { ir: gather(ctx, [v.ir], idx, to, step, v.scale), scale: v.scale };
}

/** The quantized value of an input that is either computed or a float constant (quantized per tensor). */
export function operand(ctx: LowerContext, name: string, step: string): QuantValue {
  const c = ctx.constantOf(name);
  if (!c) return ctx.input(name);
  const data = numbers(c);
  if (c.dtype !== 'float32' && c.dtype !== 'float64' && c.dtype !== 'float16') {
    // Integer and boolean constants stay exact (scale 1), declared by their bit-width (within their type).
    const [tlo, thi] = integerBounds(c.dtype, name);
    let m = 0;
    let neg = false;
    for (const v of data) { m = Math.max(m, Math.abs(v)); if (v < 0) neg = true; }
    const bound = BigInt(2 ** Math.ceil(Math.log2(m + 1)) - 1);
    const lo = neg ? -bound : 0n;
    return { ir: ctx.addConstant(step, { dims: c.dims, data: bigArray(data) }, 'weight', lo < tlo ? tlo : lo, bound > thi ? thi : bound), scale: 1 };
  }
  let m = 0;
  for (const v of data) m = Math.max(m, Math.abs(v));
  const scale = m > 0 ? m / ctx.qmax : 1;
  const ir = quantizeAt(ctx, c, step, [scale]);
  return { ir, scale };
}

/**
 * A nonlinearity as a table over the domain [dLo, dHi] (dLo ≤ 0 ≤ dHi): requantizes x to the
 * input scale s_in = max(|dLo|, |dHi|) / qmax, clamped to the domain, and looks up
 * round(f(j·s_in) / s_out) with s_out covering f's range on that domain. Returns the output at scale s_out.
 */
export function tableOf(ctx: LowerContext, x: QuantValue, fn: (v: number) => number, fnName: string, dLo: number, dHi: number,
  step: string): QuantValue {
  const q = ctx.qmax;
  const sIn = Math.max(-dLo, dHi) / q;
  const xin = requantTo(ctx, x.ir, [x.scale], sIn, `${step}-in`, 1, Math.round(dLo / sIn), Math.round(dHi / sIn));
  const info = ctx.irInfo(xin.ir);
  const lo = Number(info.lo);
  const hi = Number(info.hi);
  const ys = new Float64Array(hi - lo + 1);
  let yMax = 0;
  for (let j = lo; j <= hi; j++) {
    const y = fn(j * sIn);
    if (!Number.isFinite(y)) refuseNode(ctx, `${fnName} is not finite at ${j * sIn}`);
    ys[j - lo] = y;
    yMax = Math.max(yMax, Math.abs(y));
  }
  const sOut = yMax > 0 ? yMax / q : 1;
  const t = new Float64Array(ys.length);
  for (let i = 0; i < ys.length; i++) t[i] = roundHalfUp(ys[i] / sOut);
  const table = ctx.addConstant(`${step}-table`, { dims: [t.length], data: bigArray(t) }, 'public');
  const [out] = ctx.emit('Lookup', [xin.ir, table], { tableLo: BigInt(lo), fn: fnName, inScale: sIn, outScale: sOut }, { step, scales: [sOut] });
  return { ir: out, scale: sOut };
}
