// MatMul, Gemm, Conv, ConvTranspose: int64 accumulation (MatMul op) then one requantization to
// the output's calibrated scale. Weights per output channel, activations per tensor.
import type { Tensor } from '../../onnx/graph.js';
import { sizeOf, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import {
  broadcastShape, broadcastTo, gather, numbers, operand, outScale, quantizeAt, quantizeWeights, refuseNode, requantTo,
} from './helpers.js';
import { attrFloat, attrInt, windowIndex, windowSpec } from './windows.js';

/** Transposes the last two dims of a float constant. */
function transposeLast2(t: Tensor): Tensor {
  const d = numbers(t);
  const rank = t.dims.length;
  const r = t.dims[rank - 2];
  const c = t.dims[rank - 1];
  const batch = d.length / (r * c);
  const out = new Float64Array(d.length);
  for (let b = 0; b < batch; b++) for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[b * r * c + j * r + i] = d[b * r * c + i * c + j];
  return { dtype: 'float64', dims: [...t.dims.slice(0, -2), c, r], data: out };
}

function scaled(t: Tensor, f: number): Tensor {
  if (f === 1) return t;
  const d = numbers(t);
  for (let i = 0; i < d.length; i++) d[i] *= f;
  return { dtype: 'float64', dims: t.dims, data: d };
}

/** activation [..., M, K] × constant weights [K, N] (+ bias [N]) → requantized [..., M, N]. */
function denseLayer(ctx: LowerContext, a: QuantValue, w: Tensor, bias: Tensor | undefined, out: string, biasMatrix?: Float64Array): void {
  const aDims = ctx.irInfo(a.ir).dims;
  const [k, n] = w.dims;
  if (w.dims.length !== 2 || aDims[aDims.length - 1] !== k) refuseNode(ctx, `weights ${w.dims} do not match input ${aDims}`);
  const rows = sizeOf(aDims) / k;
  const wq = quantizeWeights(ctx, w, 'weight', 1);
  const accScales = wq.scales.map((s) => s * a.scale);
  const inputs = [a.ir, wq.ir];
  if (bias) {
    if (sizeOf(bias.dims) !== n) refuseNode(ctx, `bias of ${sizeOf(bias.dims)} values for ${n} outputs`);
    inputs.push(quantizeAt(ctx, bias, 'bias', accScales));
  }
  const outDims = [...aDims.slice(0, -1), n];
  let [acc] = ctx.emit('MatMul', inputs, { batch: 1, batchA: 1, batchB: 1, m: rows, k, n, biasMode: bias ? 1 : 0, outDims }, { step: 'matmul', scales: [accScales[0]] });
  if (biasMatrix) {
    const [cq] = [quantizeAt(ctx, biasMatrix, 'bias', accScales)];
    const [r] = ctx.emit('Reshape', [cq], { outDims }, { step: 'bias-shape' });
    [acc] = ctx.emit('WeightedSum', [acc, r], { coeffs: [1n, 1n], offset: 0n }, { step: 'bias', scales: [accScales[0]] });
  }
  ctx.define(out, requantTo(ctx, acc, accScales, outScale(ctx, out), 'requant'));
}

/** General batched product of two quantized values with numpy broadcasting of batch dims. */
/** Turns the int64 accumulator (scale accScale, dims outDims) into the node's output value. */
export type Finish = (acc: string, accScale: number, outDims: readonly number[]) => QuantValue;

export function batchedProduct(ctx: LowerContext, a: QuantValue, b: QuantValue, out: string, finish?: Finish): void {
  let aDims = ctx.irInfo(a.ir).dims;
  let bDims = ctx.irInfo(b.ir).dims;
  const asMatrix = (v: QuantValue, dims: readonly number[], step: string): QuantValue => {
    const [r] = ctx.emit('Reshape', [v.ir], { outDims: [...dims] }, { step, scales: [v.scale] });
    return { ir: r, scale: v.scale };
  };
  if (aDims.length === 1) { aDims = [1, aDims[0]]; a = asMatrix(a, aDims, 'a-row'); }
  if (bDims.length === 1) { bDims = [bDims[0], 1]; b = asMatrix(b, bDims, 'b-col'); }
  const m = aDims[aDims.length - 2];
  const k = aDims[aDims.length - 1];
  const n = bDims[bDims.length - 1];
  if (bDims[bDims.length - 2] !== k) refuseNode(ctx, `inner dims differ: ${aDims} × ${bDims}`);
  const batchDims = broadcastShape(ctx, aDims.slice(0, -2), bDims.slice(0, -2));
  const batch = sizeOf(batchDims);
  const expand = (v: QuantValue, dims: readonly number[], step: string): [QuantValue, number] => {
    const bd = dims.slice(0, -2);
    if (sizeOf(bd) === 1) return [v, 1];
    if (sizeOf(bd) === batch) return [v, batch];
    return [broadcastTo(ctx, v, [...batchDims, ...dims.slice(-2)], step), batch];
  };
  const [ea, batchA] = expand(a, aDims, 'a-batch');
  const [eb, batchB] = expand(b, bDims, 'b-batch');
  const outDims = [...batchDims, m, n];
  const accScale = a.scale * b.scale;
  const [acc] = ctx.emit('MatMul', [ea.ir, eb.ir], { batch, batchA, batchB, m, k, n, biasMode: 0, outDims }, { step: 'matmul', scales: [accScale] });
  // ONNX MatMul drops the prepended/appended 1 of 1-D operands.
  const want = ctx.info(out).dims;
  let r: QuantValue = finish ? finish(acc, accScale, outDims) : requantTo(ctx, acc, [accScale], outScale(ctx, out), 'requant');
  if (want.length !== outDims.length && sizeOf(want) === sizeOf(outDims)) {
    const [re] = ctx.emit('Reshape', [r.ir], { outDims: [...want] }, { step: 'reshape', scales: [r.scale] });
    r = { ir: re, scale: r.scale };
  }
  ctx.define(out, r);
}

const matmul: Lowering = {
  domain: '', opType: 'MatMul',
  lower(ctx) {
    const [an, bn] = ctx.node.inputs;
    const w = ctx.constantOf(bn);
    if (w && w.dims.length === 2 && !ctx.constantOf(an)) return denseLayer(ctx, ctx.input(an), w, undefined, ctx.node.outputs[0]);
    batchedProduct(ctx, operand(ctx, an, 'a'), operand(ctx, bn, 'b'), ctx.node.outputs[0]);
  },
};

const gemm: Lowering = {
  domain: '', opType: 'Gemm',
  lower(ctx) {
    const [an, bn, cn] = ctx.node.inputs;
    const alpha = attrFloat(ctx.node, 'alpha', 1);
    const beta = attrFloat(ctx.node, 'beta', 1);
    const transA = attrInt(ctx.node, 'transA', 0);
    const transB = attrInt(ctx.node, 'transB', 0);
    const out = ctx.node.outputs[0];
    let a = operand(ctx, an, 'a');
    if (transA) {
      const [r, c] = ctx.irInfo(a.ir).dims;
      const idx = new Array<number>(r * c);
      for (let i = 0; i < c; i++) for (let j = 0; j < r; j++) idx[i * r + j] = j * c + i;
      a = { ir: gather(ctx, [a.ir], idx, [c, r], 'transA', a.scale), scale: a.scale };
    }
    const w = ctx.constantOf(bn);
    const c = cn ? ctx.constantOf(cn) : undefined;
    if (cn && !c) refuseNode(ctx, 'a computed C input is not supported (only constant biases)');
    if (w) {
      const wt = scaled(transB ? transposeLast2(w) : w, alpha);
      const n = wt.dims[1];
      let bias: Tensor | undefined;
      if (c && beta !== 0) {
        const rows = ctx.irInfo(a.ir).dims[0];
        if (sizeOf(c.dims) === n) bias = scaled(c, beta);
        else if (sizeOf(c.dims) === 1) bias = { dtype: 'float64', dims: [n], data: new Float64Array(n).fill(numbers(c)[0] * beta) };
        else {
          // A full (or row-broadcast) bias matrix: added to the accumulator at its per-column scales.
          const full = new Float64Array(rows * n);
          const cv = numbers(c);
          const cr = c.dims.length === 2 ? c.dims[0] : 1;
          const cc = c.dims[c.dims.length - 1];
          for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) full[i * n + j] = beta * cv[(cr === 1 ? 0 : i) * cc + (cc === 1 ? 0 : j)];
          return denseLayer(ctx, a, wt, undefined, out, full);
        }
      }
      return denseLayer(ctx, a, wt, bias, out);
    }
    if (c && beta !== 0) refuseNode(ctx, 'Gemm with computed B and a bias is not supported');
    let b = ctx.input(bn);
    if (transB) {
      const [r, cc] = ctx.irInfo(b.ir).dims;
      const idx = new Array<number>(r * cc);
      for (let i = 0; i < cc; i++) for (let j = 0; j < r; j++) idx[i * r + j] = j * cc + i;
      b = { ir: gather(ctx, [b.ir], idx, [cc, r], 'transB', b.scale), scale: b.scale };
    }
    batchedProduct(ctx, a, { ir: b.ir, scale: b.scale * alpha }, out);
  },
};

/**
 * Convolution as im2col (a Gather with zero fill) then a grouped MatMul with per-row bias:
 * weights [g, Cout/g, C/g·∏K] × columns [N·g, C/g·∏K, ∏O] → [N, Cout, ∏O].
 */
/** Pre-quantized weights (QLinearConv): integer weights − zero points, their scales, an int32 bias, the output step. */
export interface IntegerConv {
  readonly weights: string;
  readonly scales: readonly number[];
  readonly bias?: string;
  readonly finish: (acc: string, accScales: readonly number[], inner: number) => QuantValue;
}

export function convolution(ctx: LowerContext, x: QuantValue, w: Tensor, bias: Tensor | undefined, transposed: boolean, integer?: IntegerConv): void {
  const node = ctx.node;
  const out = node.outputs[0];
  const xDims = ctx.irInfo(x.ir).dims;
  const outDims = ctx.info(out).dims;
  const group = attrInt(node, 'group', 1);
  const [batchN, cIn] = xDims;
  const inSpatial = xDims.slice(2);
  const outSpatial = outDims.slice(2);
  const kernel = w.dims.slice(2);
  let weights = w;
  let cOut: number;
  let spec = windowSpec(node, inSpatial, outSpatial, kernel);
  if (transposed) {
    // ConvTranspose = stride-1 convolution of the input upsampled by `strides`, padded by
    // d·(k−1) − pad, with weights flipped spatially and their channel axes swapped per group.
    cOut = w.dims[1] * group;
    const cPerG = cIn / group;
    const oPerG = w.dims[1];
    const kSize = sizeOf(kernel);
    const src = numbers(w);
    const flipped = new Float64Array(src.length);
    for (let g = 0; g < group; g++) for (let oc = 0; oc < oPerG; oc++) for (let c = 0; c < cPerG; c++) for (let k = 0; k < kSize; k++) {
      flipped[((g * oPerG + oc) * cPerG + c) * kSize + k] = src[((g * cPerG + c) * oPerG + oc) * kSize + (kSize - 1 - k)];
    }
    weights = { dtype: 'float64', dims: [cOut, cPerG, ...kernel], data: flipped };
    const pads = node.attrs.pads?.kind === 'ints' ? node.attrs.pads.value : new Array<number>(2 * kernel.length).fill(0);
    const autoPad = node.attrs.auto_pad?.kind === 'string' ? node.attrs.auto_pad.value : 'NOTSET';
    const outPad = node.attrs.output_padding?.kind === 'ints' ? node.attrs.output_padding.value : kernel.map(() => 0);
    const derived = node.attrs.output_shape !== undefined || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';
    // Padding before each dim: explicit, or derived from the output size (SAME_UPPER puts the smaller half first).
    const begin = kernel.map((k, i) => {
      if (autoPad === 'VALID') return 0;
      if (!derived) return pads[i];
      const full = spec.strides[i] * (inSpatial[i] - 1) + outPad[i] + (k - 1) * spec.dilations[i] + 1;
      const total = full - outSpatial[i];
      const half = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? half : total - half;
    });
    spec = {
      inSpatial, outSpatial, kernel, strides: kernel.map(() => 1), dilations: spec.dilations,
      padsBegin: kernel.map((k, i) => spec.dilations[i] * (k - 1) - begin[i]),
      up: spec.strides,
    };
  } else {
    cOut = w.dims[0];
    if (w.dims[1] * group !== cIn) refuseNode(ctx, `weights ${w.dims} with group ${group} do not match ${cIn} input channels`);
  }
  if (cIn % group !== 0 || cOut % group !== 0) refuseNode(ctx, `channels ${cIn}→${cOut} are not divisible by group ${group}`);
  const win = windowIndex(spec);
  const nO = sizeOf(outSpatial);
  const nK = sizeOf(kernel);
  const nS = sizeOf(inSpatial);
  const cPerG = cIn / group;
  const kk = cPerG * nK;
  // columns[n·g + gi][c·nK + k][o] = x[n][gi·cPerG + c][window(o, k)]
  const idx = new Int32Array(batchN * group * kk * nO);
  let p = 0;
  for (let n = 0; n < batchN; n++) for (let gi = 0; gi < group; gi++) for (let c = 0; c < cPerG; c++) {
    const base = (n * cIn + gi * cPerG + c) * nS;
    for (let k = 0; k < nK; k++) for (let o = 0; o < nO; o++) {
      const s = win[o * nK + k];
      idx[p++] = s < 0 ? -1 : base + s;
    }
  }
  const cols = gather(ctx, [x.ir], idx, [batchN * group, kk, nO], 'im2col', x.scale);
  const wq = integer ? { ir: integer.weights, scales: integer.scales } : quantizeWeights(ctx, weights, 'weight', 0);
  const accScales = wq.scales.map((s) => s * x.scale);
  const inputs = [wq.ir, cols];
  if (integer?.bias) inputs.push(integer.bias);
  else if (bias && !integer) inputs.push(quantizeAt(ctx, bias, 'bias', accScales));
  const m = cOut / group;
  const [acc] = ctx.emit('MatMul', inputs, {
    batch: batchN * group, batchA: group, batchB: batchN * group, m, k: kk, n: nO, biasMode: inputs.length > 2 ? 2 : 0, outDims: [...outDims],
  }, { step: 'matmul', scales: [accScales[0]] });
  ctx.define(out, integer ? integer.finish(acc, accScales, nO) : requantTo(ctx, acc, accScales, outScale(ctx, out), 'requant', nO));
}

function convLowering(opType: 'Conv' | 'ConvTranspose'): Lowering {
  return {
    domain: '', opType,
    lower(ctx) {
      const [xn, wn, bn] = ctx.node.inputs;
      const w = ctx.constantOf(wn);
      if (!w) refuseNode(ctx, 'computed (non-constant) weights are not supported');
      const bias = bn ? ctx.constantOf(bn) : undefined;
      if (bn && !bias) refuseNode(ctx, 'computed (non-constant) bias is not supported');
      convolution(ctx, ctx.input(xn), w, bias, opType === 'ConvTranspose');
    },
  };
}

export const linearLowerings: readonly Lowering[] = [matmul, gemm, convLowering('Conv'), convLowering('ConvTranspose')];
