// Elementwise ops of one tensor: activations, math functions, Clip, Cast, Not.
import type { Tensor } from '../graph.js';
import { codeFromDtype, dtypeFromCode } from '../dtype.js';
import { f64, tensorFrom, stringTensor, sizeOf } from '../tensor.js';
import { attrFloat, attrInt, attrString, need } from './attrs.js';
import { erf, roundHalfEven } from './math.js';
import type { OpContext, OpEval, OpTable } from './types.js';

type ScalarFn = (x: number) => number;

/** Lifts a scalar function (built from the node's attributes) to an op that keeps the dtype. */
function pointwise(make: (ctx: OpContext) => ScalarFn): OpEval {
  return (inputs, ctx) => {
    const x = need(inputs, 0, 'X');
    const fn = make(ctx);
    const v = f64(x);
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = fn(v[i]!);
    return [tensorFrom(x.dtype, x.dims, out)];
  };
}

const sigmoid: ScalarFn = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function clip(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor[] {
  const x = need(inputs, 0, 'input');
  // Opset < 11 carries min/max as attributes, later opsets as optional inputs.
  let lo = -Infinity;
  let hi = Infinity;
  if (ctx.opset < 11) {
    lo = attrFloat(ctx.node, 'min', -3.4028234663852886e38);
    hi = attrFloat(ctx.node, 'max', 3.4028234663852886e38);
  } else {
    if (inputs[1] !== undefined && sizeOf(inputs[1].dims) > 0) lo = f64(inputs[1])[0]!;
    if (inputs[2] !== undefined && sizeOf(inputs[2].dims) > 0) hi = f64(inputs[2])[0]!;
  }
  const v = f64(x);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.min(Math.max(v[i]!, lo), hi);
  return [tensorFrom(x.dtype, x.dims, out)];
}

function cast(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor[] {
  const x = need(inputs, 0, 'input');
  const to = attrInt(ctx.node, 'to');
  const dtype = to === undefined ? undefined : dtypeFromCode(to);
  if (dtype === undefined) throw new Error(`attribute 'to' = ${to} is not a supported dtype`);
  if (dtype === 'string') {
    if (x.dtype === 'string') return [x];
    return [stringTensor(x.dims, Array.from(f64(x), (v) => String(v)))];
  }
  if (x.dtype === 'string') return [tensorFrom(dtype, x.dims, (x.data as readonly string[]).map(Number))];
  if (x.dtype === dtype) return [x];
  // float -> int truncates toward zero and wraps (tensorFrom), as C casts and onnxruntime do.
  return [tensorFrom(dtype, x.dims, f64(x))];
}

/** CastLike: Cast to the dtype of the second input. */
function castLike(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor[] {
  const target = need(inputs, 1, 'target_type');
  return cast([inputs[0]], { ...ctx, node: { ...ctx.node, attrs: { to: { kind: 'int', value: codeFromDtype(target.dtype) } } } });
}

function not(inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const x = need(inputs, 0, 'X');
  const v = f64(x);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] === 0 ? 1 : 0;
  return [tensorFrom('bool', x.dims, out)];
}

export const UNARY_OPS: OpTable = {
  Relu: pointwise(() => (x) => (x > 0 ? x : 0)),
  LeakyRelu: pointwise(({ node }) => { const a = attrFloat(node, 'alpha', 0.01); return (x) => (x >= 0 ? x : a * x); }),
  Elu: pointwise(({ node }) => { const a = attrFloat(node, 'alpha', 1); return (x) => (x >= 0 ? x : a * (Math.exp(x) - 1)); }),
  Sigmoid: pointwise(() => sigmoid),
  HardSigmoid: pointwise(({ node }) => {
    const a = attrFloat(node, 'alpha', 0.2);
    const b = attrFloat(node, 'beta', 0.5);
    return (x) => Math.max(0, Math.min(1, a * x + b));
  }),
  HardSwish: pointwise(() => (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  Tanh: pointwise(() => Math.tanh),
  Exp: pointwise(() => Math.exp),
  Log: pointwise(() => Math.log),
  Erf: pointwise(() => erf),
  Gelu: pointwise(({ node }) => {
    const approx = attrString(node, 'approximate', 'none');
    if (approx === 'tanh') return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    if (approx !== 'none') throw new Error(`attribute 'approximate' must be 'none' or 'tanh', got '${approx}'`);
    return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
  }),
  // log(1 + e^x) without overflow for large x.
  Softplus: pointwise(() => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))),
  Sqrt: pointwise(() => Math.sqrt),
  Reciprocal: pointwise(() => (x) => 1 / x),
  Abs: pointwise(() => Math.abs),
  Neg: pointwise(() => (x) => -x),
  Floor: pointwise(() => Math.floor),
  Ceil: pointwise(() => Math.ceil),
  Round: pointwise(() => roundHalfEven),
  Clip: clip,
  Cast: cast,
  CastLike: castLike,
  Not: not,
};
