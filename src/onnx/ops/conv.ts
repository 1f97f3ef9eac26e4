// Convolutions: Conv (N-d, strides, pads, dilations, groups incl. depthwise), ConvTranspose,
// and QLinearConv with its exact integer semantics.
import type { Tensor } from '../graph.js';
import { f64, sizeOf, stridesOf, tensorFrom } from '../tensor.js';
import { attrInt, attrInts, attrString, need } from './attrs.js';
import { intRange, roundHalfEven } from './math.js';
import type { OpContext, OpEval, OpTable } from './types.js';
import { resolveWindow, windowTable } from './window.js';

interface ConvResult { data: Float64Array; dims: number[] }

/** Conv over float64 data; `wZero` (per output channel) is subtracted from W, for QLinearConv. */
function convCore(ctx: OpContext, x: Float64Array, xDims: readonly number[], w: Float64Array, wDims: readonly number[], bias: Float64Array | undefined): ConvResult {
  const [N, C] = xDims as [number, number];
  const [M, Cg] = wDims as [number, number];
  const group = attrInt(ctx.node, 'group', 1);
  if (C !== Cg * group || M % group !== 0) throw new Error(`channels: X has ${C}, W [${wDims.join(',')}] with group ${group}`);
  const inSpatial = xDims.slice(2);
  const kernel = attrInts(ctx.node, 'kernel_shape') ?? wDims.slice(2);
  const win = resolveWindow(ctx.node, inSpatial, kernel);
  const table = windowTable(inSpatial, win);
  const P = sizeOf(win.outSpatial);
  const K = sizeOf(kernel);
  const S = sizeOf(inSpatial);
  const Mg = M / group;
  // Kernel-major copy of the table so the innermost loop walks output positions in order.
  const byKernel = new Int32Array(P * K);
  for (let p = 0; p < P; p++) for (let q = 0; q < K; q++) byKernel[q * P + p] = table[p * K + q]!;
  const out = new Float64Array(N * M * P);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const g = Math.floor(m / Mg);
      const acc = out.subarray((n * M + m) * P, (n * M + m + 1) * P);
      if (bias !== undefined) acc.fill(bias[m]!);
      for (let c = 0; c < Cg; c++) {
        const xb = (n * C + g * Cg + c) * S;
        const wb = (m * Cg + c) * K;
        for (let q = 0; q < K; q++) {
          const wv = w[wb + q]!;
          if (wv === 0) continue;
          const tb = q * P;
          for (let p = 0; p < P; p++) {
            const s = byKernel[tb + p]!;
            if (s >= 0) acc[p] += x[xb + s]! * wv;
          }
        }
      }
    }
  }
  return { data: out, dims: [N, M, ...win.outSpatial] };
}

const conv: OpEval = (inputs, ctx) => {
  const x = need(inputs, 0, 'X');
  const w = need(inputs, 1, 'W');
  const r = convCore(ctx, f64(x), x.dims, f64(w), w.dims, inputs[2] === undefined ? undefined : f64(inputs[2]));
  return [tensorFrom(x.dtype, r.dims, r.data)];
};

const convTranspose: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const w = need(inputs, 1, 'W');
  const [N, C] = x.dims as [number, number];
  const group = attrInt(node, 'group', 1);
  const Mg = w.dims[1]!;
  const M = Mg * group;
  const Cg = C / group;
  if (w.dims[0] !== C) throw new Error(`W [${w.dims.join(',')}] does not match ${C} input channels`);
  const inSpatial = x.dims.slice(2);
  const k = inSpatial.length;
  const kernel = attrInts(node, 'kernel_shape') ?? w.dims.slice(2);
  const strides = attrInts(node, 'strides') ?? new Array<number>(k).fill(1);
  const dil = attrInts(node, 'dilations') ?? new Array<number>(k).fill(1);
  const outPad = attrInts(node, 'output_padding') ?? new Array<number>(k).fill(0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const pads = [...(attrInts(node, 'pads') ?? new Array<number>(2 * k).fill(0))];
  let outShape = attrInts(node, 'output_shape');
  if (outShape !== undefined && outShape.length === k + 2) outShape = outShape.slice(2);
  if (outShape === undefined && (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')) outShape = inSpatial.map((d, i) => d * strides[i]!);
  const outSpatial: number[] = [];
  for (let i = 0; i < k; i++) {
    const full = strides[i]! * (inSpatial[i]! - 1) + outPad[i]! + (kernel[i]! - 1) * dil[i]! + 1;
    if (outShape !== undefined) {
      const total = full - outShape[i]!;
      // SAME_UPPER puts the smaller half first; everything else the larger half.
      const half = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + k] = total - pads[i]!;
      outSpatial.push(outShape[i]!);
    } else {
      outSpatial.push(full - pads[i]! - pads[i + k]!);
    }
  }
  const xs = f64(x);
  const ws = f64(w);
  const S = sizeOf(inSpatial);
  const P = sizeOf(outSpatial);
  const K = sizeOf(kernel);
  const oStr = stridesOf(outSpatial);
  const out = new Float64Array(N * M * P);
  const b = inputs[2] === undefined ? undefined : f64(inputs[2]);
  if (b !== undefined) for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) out.fill(b[m]!, (n * M + m) * P, (n * M + m + 1) * P);
  // Scatter each input pixel through the kernel: o = i*stride + q*dilation - pad_begin.
  const target = new Int32Array(S * K);
  const ii = new Array<number>(k).fill(0);
  for (let s = 0; s < S; s++) {
    const q = new Array<number>(k).fill(0);
    for (let j = 0; j < K; j++) {
      let flat = 0;
      for (let ax = 0; ax < k; ax++) {
        const o = ii[ax]! * strides[ax]! + q[ax]! * dil[ax]! - pads[ax]!;
        if (o < 0 || o >= outSpatial[ax]!) { flat = -1; break; }
        flat += o * oStr[ax]!;
      }
      target[s * K + j] = flat;
      for (let ax = k - 1; ax >= 0; ax--) { if (++q[ax]! < kernel[ax]!) break; q[ax] = 0; }
    }
    for (let ax = k - 1; ax >= 0; ax--) { if (++ii[ax]! < inSpatial[ax]!) break; ii[ax] = 0; }
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g = Math.floor(c / Cg);
      for (let mm = 0; mm < Mg; mm++) {
        const m = g * Mg + mm;
        const ob = (n * M + m) * P;
        const wb = (c * Mg + mm) * K;
        for (let s = 0; s < S; s++) {
          const xv = xs[(n * C + c) * S + s]!;
          if (xv === 0) continue;
          for (let j = 0; j < K; j++) {
            const t = target[s * K + j]!;
            if (t >= 0) out[ob + t] += xv * ws[wb + j]!;
          }
        }
      }
    }
  }
  return [tensorFrom(x.dtype, [N, M, ...outSpatial], out)];
};

/** Subtracts a scalar or per-output-channel (axis 0) zero point from W. */
function centeredWeights(w: Tensor, zp: Tensor | undefined): Float64Array {
  const v = f64(w);
  if (zp === undefined) return v;
  const z = f64(zp);
  const per = sizeOf(w.dims.slice(1));
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - z[z.length === 1 ? 0 : Math.floor(i / per)]!;
  return out;
}

const qlinearConv: OpEval = (inputs, ctx) => {
  const x = need(inputs, 0, 'x');
  const xScale = f64(need(inputs, 1, 'x_scale'))[0]!;
  const xZp = inputs[2] === undefined ? 0 : f64(inputs[2])[0]!;
  const w = need(inputs, 3, 'w');
  const wScale = f64(need(inputs, 4, 'w_scale'));
  const yScale = f64(need(inputs, 6, 'y_scale'))[0]!;
  const yZpT = inputs[7];
  const outType = yZpT?.dtype ?? x.dtype;
  const yZp = yZpT === undefined ? 0 : f64(yZpT)[0]!;
  const xv = f64(x);
  const xc = new Float64Array(xv.length);
  for (let i = 0; i < xv.length; i++) xc[i] = xv[i]! - xZp;
  const r = convCore(ctx, xc, x.dims, centeredWeights(w, inputs[5]), w.dims, inputs[8] === undefined ? undefined : f64(inputs[8]));
  const [lo, hi] = intRange(outType);
  const M = r.dims[1]!;
  const P = sizeOf(r.dims.slice(2));
  const out = new Float64Array(r.data.length);
  for (let i = 0; i < out.length; i++) {
    const m = Math.floor(i / P) % M;
    const mult = Math.fround(Math.fround(xScale * wScale[wScale.length === 1 ? 0 : m]!) / yScale);
    const q = roundHalfEven(Math.fround(r.data[i]! * mult)) + yZp;
    out[i] = q < lo ? lo : q > hi ? hi : q;
  }
  return [tensorFrom(outType, r.dims, out)];
};

export const CONV_OPS: OpTable = {
  Conv: conv,
  ConvTranspose: convTranspose,
  QLinearConv: qlinearConv,
};
