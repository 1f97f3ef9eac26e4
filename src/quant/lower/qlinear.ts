// Pre-quantized ONNX ops with their integer semantics: QuantizeLinear, DequantizeLinear,
// MatMulInteger, QLinearMatMul, QLinearConv. Zero points are subtracted exactly; the float
// rescale of QLinear ops becomes one Requant (round half up where ONNX rounds half to even: the
// two differ by at most 1 in the last place, only on exact ties), then + zero point and a clamp to
// the output type's range.
import type { Tensor } from '../../onnx/graph.js';
import { sizeOf, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { integerBounds } from '../dtypes.js';
import { bigArray, broadcastTo, numbers, operand, outScale, refuseNode, requantTo, roundHalfUp } from './helpers.js';
import { batchedProduct, convolution } from './linear.js';
import { attrInt } from './windows.js';

function constant(ctx: LowerContext, name: string | undefined, what: string): Tensor | undefined {
  if (!name) return undefined;
  const c = ctx.constantOf(name);
  if (!c) refuseNode(ctx, `${what} must be a constant`);
  return c;
}

/** The output integer type of a quantizing op: its zero point's dtype (default uint8). */
function outRange(ctx: LowerContext, zp: Tensor | undefined): [bigint, bigint] {
  return integerBounds(zp?.dtype ?? ctx.info(ctx.node.outputs[0]).dtype, ctx.node.outputs[0]);
}

/** v − zp exactly (zp a scalar, or a tensor broadcast to v's dims). */
function minusZeroPoint(ctx: LowerContext, v: QuantValue, zp: Tensor | undefined, step: string, zpDims?: readonly number[]): QuantValue {
  if (!zp) return v;
  const z = numbers(zp);
  if (z.every((x) => x === 0)) return v;
  if (z.length === 1) {
    const [r] = ctx.emit('WeightedSum', [v.ir], { coeffs: [1n], offset: BigInt(-z[0]) }, { step, scales: [v.scale] });
    return { ir: r, scale: v.scale };
  }
  const zc = ctx.addConstant(`${step}-zp`, { dims: zpDims ?? zp.dims, data: bigArray(z) }, 'weight');
  const zb = broadcastTo(ctx, { ir: zc, scale: v.scale }, ctx.irInfo(v.ir).dims, `${step}-bcast`);
  const [r] = ctx.emit('WeightedSum', [v.ir, zb.ir], { coeffs: [1n, -1n], offset: 0n }, { step, scales: [v.scale] });
  return { ir: r, scale: v.scale };
}

/** Per-axis parameter dims: [1, …, C, …, 1] for a value of rank r with C on `axis`. */
function axisDims(rank: number, axis: number, c: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === axis ? c : 1));
}

/**
 * A scale or zero point expanded to one value per element of x: scalar, per axis (1-D of length
 * dims[axis]) or blocked (x's shape with dims[axis] replaced by ceil(dims[axis] / blockSize)).
 */
function perElement(ctx: LowerContext, p: Float64Array, pDims: readonly number[], dims: readonly number[], axis: number, blockSize: number): Float64Array {
  const n = sizeOf(dims);
  const out = new Float64Array(n);
  const st = dims.map((_, i) => sizeOf(dims.slice(i + 1)));
  const pst = pDims.map((_, i) => sizeOf(pDims.slice(i + 1)));
  for (let i = 0; i < n; i++) {
    if (p.length === 1) { out[i] = p[0]; continue; }
    const ca = Math.floor(i / st[axis]) % dims[axis];
    if (blockSize <= 0) { out[i] = p[ca]; continue; }
    let j = 0;
    for (let d = 0; d < dims.length; d++) {
      const c = Math.floor(i / st[d]) % dims[d];
      j += (d === axis ? Math.floor(c / blockSize) : c) * pst[d];
    }
    if (!(j < p.length)) refuseNode(ctx, `blocked parameter of dims ${pDims} does not cover input ${dims}`);
    out[i] = p[j];
  }
  return out;
}

/** q = clamp(requant(acc by ratios per channel) + zp, type range), scale 1. */
function toQuantized(ctx: LowerContext, acc: string, ratios: readonly number[], inner: number, zp: Tensor | undefined, step: string): QuantValue {
  const [lo, hi] = outRange(ctx, zp);
  const wide = 2n ** 40n;
  // Requant with scales s_c and target 1: M/2^s ≈ ratio_c.
  let q = requantTo(ctx, acc, ratios, 1, `${step}-requant`, inner, Number(-wide), Number(wide));
  const z = zp ? numbers(zp) : new Float64Array([0]);
  if (z.length > 1) refuseNode(ctx, 'a per-channel output zero point is not supported');
  if (z[0] !== 0) {
    const [r] = ctx.emit('WeightedSum', [q.ir], { coeffs: [1n], offset: BigInt(z[0]) }, { step: `${step}-zp`, scales: [1] });
    q = { ir: r, scale: 1 };
  }
  const [c] = ctx.emit('Clip', [q.ir], { lo, hi }, { step: `${step}-saturate`, scales: [1] });
  return { ir: c, scale: 1 };
}

const quantizeLinear: Lowering = {
  domain: '', opType: 'QuantizeLinear',
  lower(ctx) {
    const [xn, sn, zn] = ctx.node.inputs;
    const x = operand(ctx, xn, 'x');
    const s = numbers(constant(ctx, sn, 'y_scale')!);
    const zp = constant(ctx, zn, 'y_zero_point');
    const blockSize = attrInt(ctx.node, 'block_size', 0);
    const dims = ctx.irInfo(x.ir).dims;
    let axis = attrInt(ctx.node, 'axis', 1);
    if (axis < 0) axis += dims.length;
    const inner = s.length > 1 ? sizeOf(dims.slice(axis + 1)) : 1;
    if ((zp && sizeOf(zp.dims) > 1) || blockSize > 0) {
      // Per-element parameters (blocked, or per-axis zero points): one multiplier per element, + zero points.
      const sFull = perElement(ctx, s, constant(ctx, sn, 'y_scale')!.dims, dims, axis, blockSize);
      const zFull = zp ? perElement(ctx, numbers(zp), zp.dims, dims, axis, blockSize) : new Float64Array(sFull.length);
      const q = requantTo(ctx, x.ir, Array.from(sFull, (v) => x.scale / v), 1, 'requant', 1, -(2 ** 40), 2 ** 40);
      const zc = ctx.addConstant('zp', { dims, data: bigArray(zFull) }, 'public');
      const [r] = ctx.emit('WeightedSum', [q.ir, zc], { coeffs: [1n, 1n], offset: 0n }, { step: 'zp', scales: [1] });
      const [lo, hi] = outRange(ctx, zp);
      const [c] = ctx.emit('Clip', [r], { lo, hi }, { step: 'saturate', scales: [1] });
      return ctx.define(ctx.node.outputs[0], { ir: c, scale: 1 });
    }
    ctx.define(ctx.node.outputs[0], toQuantized(ctx, x.ir, Array.from(s, (v) => x.scale / v), inner, zp, 'quantize'));
  },
};

const dequantizeLinear: Lowering = {
  domain: '', opType: 'DequantizeLinear',
  lower(ctx) {
    const [xn, sn, zn] = ctx.node.inputs;
    const x = operand(ctx, xn, 'x');
    if (x.scale !== 1) refuseNode(ctx, 'the input of DequantizeLinear must be an integer tensor');
    const s = numbers(constant(ctx, sn, 'x_scale')!);
    const zp = constant(ctx, zn, 'x_zero_point');
    const blockSize = attrInt(ctx.node, 'block_size', 0);
    const dims = ctx.irInfo(x.ir).dims;
    let axis = attrInt(ctx.node, 'axis', 1);
    if (axis < 0) axis += dims.length;
    if (blockSize > 0) {
      // Blocked: x − zp per element, then one multiplier per element to the output scale.
      const sFull = perElement(ctx, s, constant(ctx, sn, 'x_scale')!.dims, dims, axis, blockSize);
      let d: QuantValue = x;
      if (zp) {
        const zc = ctx.addConstant('zp', { dims, data: bigArray(perElement(ctx, numbers(zp), zp.dims, dims, axis, blockSize)) }, 'public');
        d = { ir: ctx.emit('WeightedSum', [x.ir, zc], { coeffs: [1n, -1n], offset: 0n }, { step: 'minus-zp', scales: [1] })[0], scale: 1 };
      }
      const o = ctx.node.outputs[0];
      return ctx.define(o, requantTo(ctx, d.ir, Array.from(sFull), outScale(ctx, o), 'requant', 1));
    }
    const zpDims = zp && sizeOf(zp.dims) > 1 ? axisDims(dims.length, axis, sizeOf(zp.dims)) : undefined;
    const d = minusZeroPoint(ctx, x, zp, 'minus-zp', zpDims);
    const out = ctx.node.outputs[0];
    // A per-tensor scale is exact: the integer x − zp at scale s. Per-axis scales are requantized.
    if (s.length === 1) return ctx.define(out, { ir: d.ir, scale: s[0] });
    const target = outScale(ctx, out);
    ctx.define(out, requantTo(ctx, d.ir, Array.from(s), target, 'requant', sizeOf(dims.slice(axis + 1))));
  },
};

const matMulInteger: Lowering = {
  domain: '', opType: 'MatMulInteger',
  lower(ctx) {
    const [an, bn, azn, bzn] = ctx.node.inputs;
    const a = operand(ctx, an, 'a');
    const b = operand(ctx, bn, 'b');
    if (a.scale !== 1 || b.scale !== 1) refuseNode(ctx, 'MatMulInteger takes integer tensors');
    const aDims = ctx.irInfo(a.ir).dims;
    const bDims = ctx.irInfo(b.ir).dims;
    const azp = constant(ctx, azn, 'a_zero_point');
    const bzp = constant(ctx, bzn, 'b_zero_point');
    // a_zero_point per row (dims [M] → [M, 1]); b_zero_point per column ([N] → [1, N]).
    const a2 = minusZeroPoint(ctx, a, azp, 'a-zp', azp && sizeOf(azp.dims) > 1 ? [...aDims.slice(0, -1).map((d, i) => (i === aDims.length - 2 ? d : 1)), 1] : undefined);
    const b2 = minusZeroPoint(ctx, b, bzp, 'b-zp', bzp && sizeOf(bzp.dims) > 1 ? [...bDims.slice(0, -1).map(() => 1), bDims[bDims.length - 1]] : undefined);
    batchedProduct(ctx, a2, b2, ctx.node.outputs[0], (acc) => ({ ir: acc, scale: 1 }));
  },
};

const qlinearMatMul: Lowering = {
  domain: '', opType: 'QLinearMatMul',
  lower(ctx) {
    const [an, asn, azn, bn, bsn, bzn, ysn, yzn] = ctx.node.inputs;
    const a = operand(ctx, an, 'a');
    const b = operand(ctx, bn, 'b');
    if (a.scale !== 1 || b.scale !== 1) refuseNode(ctx, 'QLinearMatMul takes integer tensors');
    const as = numbers(constant(ctx, asn, 'a_scale')!);
    const bs = numbers(constant(ctx, bsn, 'b_scale')!);
    const ys = numbers(constant(ctx, ysn, 'y_scale')!);
    if (as.length !== 1 || ys.length !== 1) refuseNode(ctx, 'a_scale and y_scale must be per tensor');
    const bDims = ctx.irInfo(b.ir).dims;
    const azp = constant(ctx, azn, 'a_zero_point');
    const bzp = constant(ctx, bzn, 'b_zero_point');
    if (azp && sizeOf(azp.dims) > 1) refuseNode(ctx, 'a_zero_point must be per tensor');
    const a2 = minusZeroPoint(ctx, a, azp, 'a-zp');
    const b2 = minusZeroPoint(ctx, b, bzp, 'b-zp', bzp && sizeOf(bzp.dims) > 1 ? [...bDims.slice(0, -1).map(() => 1), bDims[bDims.length - 1]] : undefined);
    const yzp = constant(ctx, yzn, 'y_zero_point');
    batchedProduct(ctx, a2, b2, ctx.node.outputs[0], (acc) => toQuantized(ctx, acc, Array.from(bs, (v) => (as[0] * v) / ys[0]), 1, yzp, 'y'));
  },
};

const qlinearConv: Lowering = {
  domain: '', opType: 'QLinearConv',
  lower(ctx) {
    const [xn, xsn, xzn, wn, wsn, wzn, ysn, yzn, bn] = ctx.node.inputs;
    const x = operand(ctx, xn, 'x');
    if (x.scale !== 1) refuseNode(ctx, 'QLinearConv takes an integer input');
    const xs = numbers(constant(ctx, xsn, 'x_scale')!);
    const ws = numbers(constant(ctx, wsn, 'w_scale')!);
    const ys = numbers(constant(ctx, ysn, 'y_scale')!);
    const w = constant(ctx, wn, 'w')!;
    const wz = constant(ctx, wzn, 'w_zero_point');
    const bias = constant(ctx, bn, 'B');
    const x2 = minusZeroPoint(ctx, x, constant(ctx, xzn, 'x_zero_point'), 'x-zp');
    const cOut = w.dims[0];
    const per = sizeOf(w.dims) / cOut;
    const wv = numbers(w);
    const zv = wz ? numbers(wz) : new Float64Array([0]);
    const wInt = new Float64Array(wv.length);
    for (let i = 0; i < wv.length; i++) wInt[i] = wv[i] - zv[zv.length === 1 ? 0 : Math.floor(i / per)];
    const [lo, hi] = integerBounds(w.dtype, wn);
    const span = hi - lo;
    const wIr = ctx.addConstant('weight', { dims: w.dims, data: bigArray(wInt) }, 'weight', -span, span);
    const scales = Array.from({ length: cOut }, (_, c) => ws[ws.length === 1 ? 0 : c]);
    const biasIr = bias ? ctx.addConstant('bias', { dims: bias.dims, data: bigArray(numbers(bias)) }, 'weight', -(2n ** 31n), 2n ** 31n - 1n) : undefined;
    const yzp = constant(ctx, yzn, 'y_zero_point');
    const floatW: Tensor = { dtype: 'float64', dims: w.dims, data: wInt };
    convolution(ctx, { ir: x2.ir, scale: 1 }, floatW, undefined, false, {
      weights: wIr, scales, bias: biasIr,
      finish: (acc, _accScales, inner) => toQuantized(ctx, acc, scales.map((s) => (xs[0] * s) / ys[0]), inner, yzp, 'y'),
    });
  },
};

void roundHalfUp;

export const qlinearLowerings: readonly Lowering[] = [quantizeLinear, dequantizeLinear, matMulInteger, qlinearMatMul, qlinearConv];
