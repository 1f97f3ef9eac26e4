// QuantizeLinear / DequantizeLinear with ONNX's exact semantics: per-tensor, per-axis and
// blocked scales; y = saturate(round_half_even(x / scale) + zero_point); x = (y - zp) * scale.
import type { DType, Tensor } from '../graph.js';
import { dtypeFromCode } from '../dtype.js';
import { f64, normAxis, sizeOf, stridesOf, tensorFrom } from '../tensor.js';
import { attrInt, need } from './attrs.js';
import { intRange, roundHalfEven } from './math.js';
import type { OpEval, OpTable } from './types.js';

/** For each element of x, the index into the scale/zero-point tensor (per-tensor, per-axis or blocked). */
function paramIndex(x: Tensor, scale: Tensor, axisAttr: number, block: number): Int32Array {
  const n = sizeOf(x.dims);
  const map = new Int32Array(n);
  if (sizeOf(scale.dims) === 1 && block === 0) return map;
  const axis = normAxis(axisAttr, x.dims.length);
  const st = stridesOf(x.dims);
  if (block === 0) {
    for (let i = 0; i < n; i++) map[i] = Math.floor(i / st[axis]!) % x.dims[axis]!;
    return map;
  }
  // Blocked: scale has x's shape with axis length ceil(dim / block).
  const sst = stridesOf(scale.dims);
  for (let i = 0; i < n; i++) {
    let r = i;
    let s = 0;
    for (let a = 0; a < x.dims.length; a++) {
      const c = Math.floor(r / st[a]!);
      r -= c * st[a]!;
      s += (a === axis ? Math.floor(c / block) : c) * sst[a]!;
    }
    map[i] = s;
  }
  return map;
}

const quantize: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'x');
  const scale = need(inputs, 1, 'y_scale');
  const zp = inputs[2];
  const outCode = attrInt(node, 'output_dtype', 0);
  const outType: DType = zp?.dtype ?? (outCode !== 0 ? dtypeFromCode(outCode) ?? 'uint8' : 'uint8');
  const [lo, hi] = intRange(outType);
  const map = paramIndex(x, scale, attrInt(node, 'axis', 1), attrInt(node, 'block_size', 0));
  const xs = f64(x);
  const sv = f64(scale);
  const zv = zp === undefined ? undefined : f64(zp);
  const single = x.dtype === 'float32';
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    // onnxruntime divides in the input's precision; float32 inputs round the quotient to float32.
    const q = single ? Math.fround(xs[i]! / sv[map[i]!]!) : xs[i]! / sv[map[i]!]!;
    const y = roundHalfEven(q) + (zv === undefined ? 0 : zv[map[i]!]!);
    out[i] = y < lo ? lo : y > hi ? hi : y;
  }
  return [tensorFrom(outType, x.dims, out)];
};

const dequantize: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'x');
  const scale = need(inputs, 1, 'x_scale');
  const zp = inputs[2];
  const map = paramIndex(x, scale, attrInt(node, 'axis', 1), attrInt(node, 'block_size', 0));
  const xs = f64(x);
  const sv = f64(scale);
  const zv = zp === undefined ? undefined : f64(zp);
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = (xs[i]! - (zv === undefined ? 0 : zv[map[i]!]!)) * sv[map[i]!]!;
  return [tensorFrom(scale.dtype, x.dims, out)];
};

export const QUANT_OPS: OpTable = {
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
};
