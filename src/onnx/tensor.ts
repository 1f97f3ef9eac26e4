// Small helpers over the decoded Tensor type of graph.ts: element counts, strides, broadcasting,
// and the float64 view the reference evaluator computes in.
import type { DType, Tensor } from './graph.js';

export type NumericData = Exclude<Tensor['data'], readonly string[]>;

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Row-major strides (in elements). */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Normalizes a possibly negative axis against a rank; throws when out of range. */
export function normAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${what} ${axis} out of range for rank ${rank}`);
  return a;
}

/** Numpy-style broadcast of several shapes. */
export function broadcastDims(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else throw new Error(`shapes [${shapes.map((x) => x.join(',')).join('] and [')}] do not broadcast`);
    }
  }
  return out;
}

/**
 * For each flat index of the broadcast output, the flat index into an input of shape `dims`.
 * Precomputing the map keeps the elementwise loops simple and typed.
 */
export function broadcastIndex(dims: readonly number[], outDims: readonly number[]): Int32Array {
  const n = sizeOf(outDims);
  const map = new Int32Array(n);
  const rank = outDims.length;
  const inStrides = stridesOf(dims);
  // Stride 0 on broadcast axes; leading missing axes also stride 0.
  const eff = new Array<number>(rank).fill(0);
  for (let i = 0; i < dims.length; i++) {
    const o = rank - dims.length + i;
    eff[o] = dims[i] === 1 ? 0 : inStrides[i]!;
  }
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    map[k] = src;
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      src += eff[ax]!;
      if (idx[ax]! < outDims[ax]!) break;
      src -= eff[ax]! * idx[ax]!;
      idx[ax] = 0;
    }
  }
  return map;
}

const f64Cache = new WeakMap<object, Float64Array>();

/** The tensor's values as float64 (int64 beyond 2^53 loses precision; bool as 0/1). Cached. */
export function f64(t: Tensor): Float64Array {
  if (t.data instanceof Float64Array) return t.data;
  if (Array.isArray(t.data)) throw new Error(`expected a numeric tensor, got strings`);
  const hit = f64Cache.get(t.data);
  if (hit !== undefined) return hit;
  const d = t.data as NumericData;
  const out = new Float64Array(d.length);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]!);
  } else {
    out.set(d as ArrayLike<number>);
  }
  f64Cache.set(t.data, out);
  return out;
}

/** The tensor's values as plain numbers (for small constant tensors: shapes, axes, indices). */
export function ints(t: Tensor): number[] {
  return Array.from(f64(t));
}

export function strings(t: Tensor): readonly string[] {
  if (!Array.isArray(t.data)) throw new Error('expected a string tensor');
  return t.data as readonly string[];
}

/** Storage for `n` elements of a dtype, per the graph.ts conventions. */
export function allocData(dtype: DType, n: number): NumericData {
  switch (dtype) {
    case 'float32': case 'float64': case 'float16': return new Float64Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'string': throw new Error('allocData: string tensors are arrays of strings');
  }
}

/**
 * A tensor of `dtype` holding `values`. Floats are kept in float64 except float32, which is
 * rounded to float32 so values match what an ONNX runtime stores; integers convert with C-style
 * truncation and wrap-around (what Cast does); bool is value != 0.
 */
export function tensorFrom(dtype: DType, dims: readonly number[], values: ArrayLike<number>): Tensor {
  const n = sizeOf(dims);
  if (values.length !== n) throw new Error(`tensorFrom: ${values.length} values for dims [${dims.join(',')}]`);
  if (dtype === 'string') throw new Error('tensorFrom: use stringTensor for strings');
  const data = allocData(dtype, n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const big = data instanceof BigInt64Array;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      // Saturate at the int64/uint64 limits: INT64_MAX seen as a double (2^63) must stay INT64_MAX.
      const t = Number.isFinite(v) ? Math.trunc(v) : Number.isNaN(v) ? 0 : v > 0 ? 2 ** 64 : -(2 ** 64);
      data[i] = big
        ? (t >= 2 ** 63 ? 0x7fffffffffffffffn : t < -(2 ** 63) ? -0x8000000000000000n : BigInt(t))
        : (t >= 2 ** 64 ? 0xffffffffffffffffn : t < 0 ? BigInt.asUintN(64, BigInt(t)) : BigInt(t));
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < n; i++) data[i] = values[i] !== 0 ? 1 : 0;
  } else if (dtype === 'float32') {
    // Storing through a Float32Array rounds to nearest float32, like Math.fround, in one pass.
    (data as Float64Array).set(values instanceof Float64Array ? new Float32Array(values) : Float32Array.from(values));
  } else if (dtype === 'float16' || dtype === 'float64') {
    (data as Float64Array).set(values);
  } else {
    // Typed-array assignment truncates toward zero and wraps modulo 2^bits (NaN -> 0).
    (data as Exclude<NumericData, BigInt64Array | BigUint64Array>).set(values);
  }
  return { dtype, dims: [...dims], data };
}

export function stringTensor(dims: readonly number[], values: readonly string[]): Tensor {
  if (values.length !== sizeOf(dims)) throw new Error(`stringTensor: ${values.length} values for dims [${dims.join(',')}]`);
  return { dtype: 'string', dims: [...dims], data: [...values] };
}

/** Same data, new dims (no copy). */
export function withDims(t: Tensor, dims: readonly number[]): Tensor {
  if (sizeOf(dims) !== sizeOf(t.dims)) throw new Error(`cannot view [${t.dims.join(',')}] as [${dims.join(',')}]`);
  return { dtype: t.dtype, dims: [...dims], data: t.data };
}

/**
 * Gathers elements by flat source indices into a new tensor of the same dtype, copying the
 * stored values (so int64 data keeps all 64 bits). `which[i]` picks the source tensor when
 * there are several (Concat, Pad's fill value).
 */
export function gatherFrom(sources: readonly Tensor[], dims: readonly number[], src: ArrayLike<number>, which?: ArrayLike<number>): Tensor {
  const n = src.length;
  const dtype = sources[0]!.dtype;
  for (const s of sources) if (s.dtype !== dtype) throw new Error(`mixed dtypes ${dtype} and ${s.dtype}`);
  if (n !== sizeOf(dims)) throw new Error(`gather: ${n} indices for dims [${dims.join(',')}]`);
  const datas = sources.map((s) => s.data) as unknown as ArrayLike<unknown>[];
  let out: unknown[] | NumericData;
  if (dtype === 'string') out = new Array<string>(n);
  else out = allocData(dtype, n);
  const o = out as unknown as { [i: number]: unknown };
  for (let i = 0; i < n; i++) o[i] = datas[which === undefined ? 0 : which[i]!]![src[i]!];
  return { dtype, dims: [...dims], data: out as Tensor['data'] };
}

export function gatherFlat(t: Tensor, dims: readonly number[], src: ArrayLike<number>): Tensor {
  return gatherFrom([t], dims, src);
}

export function scalarOf(t: Tensor): number {
  if (sizeOf(t.dims) !== 1) throw new Error(`expected a single value, got dims [${t.dims.join(',')}]`);
  return f64(t)[0]!;
}
