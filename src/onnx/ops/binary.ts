// Elementwise ops over several tensors with numpy broadcasting: arithmetic, comparisons, logic,
// Where, PRelu and the variadic Sum/Max/Min/Mean.
import type { DType, Tensor } from '../graph.js';
import { isFloatType } from '../dtype.js';
import { broadcastDims, broadcastIndex, f64, sizeOf, tensorFrom } from '../tensor.js';
import { need } from './attrs.js';
import type { OpEval, OpTable } from './types.js';

/** Applies `fn` over the broadcast of the inputs; the result has `dtype`. */
export function broadcastApply(ins: readonly Tensor[], dtype: DType, fn: (vals: Float64Array) => number): Tensor {
  const outDims = broadcastDims(...ins.map((t) => t.dims));
  const n = sizeOf(outDims);
  // Inputs of the full output size need no index map (the common case); the rest get one.
  const identity = new Int32Array(0);
  const maps = ins.map((t) => (sizeOf(t.dims) === n ? identity : broadcastIndex(t.dims, outDims)));
  if (ins.length === 2 && maps[0] === identity && maps[1] === identity) {
    const a = f64(ins[0]!);
    const b = f64(ins[1]!);
    const out = new Float64Array(n);
    const vals = new Float64Array(2);
    for (let k = 0; k < n; k++) { vals[0] = a[k]!; vals[1] = b[k]!; out[k] = fn(vals); }
    return tensorFrom(dtype, outDims, out);
  }
  const data = ins.map((t) => f64(t));
  const out = new Float64Array(n);
  const vals = new Float64Array(ins.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < ins.length; j++) vals[j] = data[j]![maps[j] === identity ? k : maps[j]![k]!]!;
    out[k] = fn(vals);
  }
  return tensorFrom(dtype, outDims, out);
}

function arith(fn: (a: number, b: number, isInt: boolean) => number): OpEval {
  return (inputs) => {
    const a = need(inputs, 0, 'A');
    const b = need(inputs, 1, 'B');
    const isInt = !isFloatType(a.dtype);
    return [broadcastApply([a, b], a.dtype, (v) => fn(v[0]!, v[1]!, isInt))];
  };
}

function compare(fn: (a: number, b: number) => boolean): OpEval {
  return (inputs) => {
    const a = need(inputs, 0, 'A');
    const b = need(inputs, 1, 'B');
    return [broadcastApply([a, b], 'bool', (v) => (fn(v[0]!, v[1]!) ? 1 : 0))];
  };
}

/** Equal also compares strings, which the float view cannot. */
const equal: OpEval = (inputs) => {
  const a = need(inputs, 0, 'A');
  const b = need(inputs, 1, 'B');
  if (a.dtype !== 'string') return [broadcastApply([a, b], 'bool', (v) => (v[0] === v[1] ? 1 : 0))];
  const outDims = broadcastDims(a.dims, b.dims);
  const ma = broadcastIndex(a.dims, outDims);
  const mb = broadcastIndex(b.dims, outDims);
  const sa = a.data as readonly string[];
  const sb = b.data as readonly string[];
  const out = new Float64Array(sizeOf(outDims));
  for (let k = 0; k < out.length; k++) out[k] = sa[ma[k]!] === sb[mb[k]!] ? 1 : 0;
  return [tensorFrom('bool', outDims, out)];
};

function variadic(combine: (vals: Float64Array) => number): OpEval {
  return (inputs) => {
    const ins = inputs.filter((t): t is Tensor => t !== undefined);
    if (ins.length === 0) throw new Error('needs at least one input');
    return [broadcastApply(ins, ins[0]!.dtype, combine)];
  };
}

const where: OpEval = (inputs) => {
  const c = need(inputs, 0, 'condition');
  const x = need(inputs, 1, 'X');
  const y = need(inputs, 2, 'Y');
  if (x.dtype === 'string') throw new Error('Where over strings is not supported');
  return [broadcastApply([c, x, y], x.dtype, (v) => (v[0] !== 0 ? v[1]! : v[2]!))];
};

/** Integer division truncates toward zero (C semantics, as onnxruntime). */
const div = (a: number, b: number, isInt: boolean): number => (isInt ? Math.trunc(a / b) : a / b);

export const BINARY_OPS: OpTable = {
  Add: arith((a, b) => a + b),
  Sub: arith((a, b) => a - b),
  Mul: arith((a, b) => a * b),
  Div: arith(div),
  Pow: (inputs) => {
    const x = need(inputs, 0, 'X');
    const y = need(inputs, 1, 'Y');
    return [broadcastApply([x, y], x.dtype, (v) => Math.pow(v[0]!, v[1]!))];
  },
  PRelu: (inputs) => {
    const x = need(inputs, 0, 'X');
    const s = need(inputs, 1, 'slope');
    return [broadcastApply([x, s], x.dtype, (v) => (v[0]! < 0 ? v[0]! * v[1]! : v[0]!))];
  },
  Less: compare((a, b) => a < b),
  LessOrEqual: compare((a, b) => a <= b),
  Greater: compare((a, b) => a > b),
  GreaterOrEqual: compare((a, b) => a >= b),
  Equal: equal,
  And: compare((a, b) => a !== 0 && b !== 0),
  Or: compare((a, b) => a !== 0 || b !== 0),
  Xor: compare((a, b) => (a !== 0) !== (b !== 0)),
  Where: where,
  Sum: variadic((v) => { let s = 0; for (const x of v) s += x; return s; }),
  Mean: variadic((v) => { let s = 0; for (const x of v) s += x; return s / v.length; }),
  Max: variadic((v) => { let m = v[0]!; for (const x of v) if (x > m || Number.isNaN(x)) m = x; return m; }),
  Min: variadic((v) => { let m = v[0]!; for (const x of v) if (x < m || Number.isNaN(x)) m = x; return m; }),
};
