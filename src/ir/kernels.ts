// Loads the int64 executor kernels (assembly/exec.ts) and runs them on BigInt64Arrays.
// Each call resets a bump region of the kernel memory, copies operands in (TypedArray.set is a
// memcpy: no per-element BigInt), runs one kernel, and copies the result out.
import { wasmBase64 } from '../gen/exec.wasm.js';
import { decodeBase64 } from '../field/wasm-bytes.js';

interface ExecKernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmul(a: number, b: number, bias: number, out: number, batch: number, batchA: number, batchB: number,
    m: number, k: number, n: number, biasMode: number): void;
  requant(x: number, out: number, n: number, mults: number, nMult: number, inner: number, shift: number, lo: bigint, hi: bigint): void;
  lookup(x: number, out: number, n: number, table: number, lo: bigint, size: number): number;
  gather(src: number, idx: number, out: number, n: number, fill: bigint): void;
  axpy(out: number, x: number, c: bigint, n: number): void;
  fill(out: number, c: bigint, n: number): void;
  binary(a: number, b: number, out: number, n: number, mode: number): void;
  clip(x: number, out: number, n: number, lo: bigint, hi: bigint): void;
  where(c: number, a: number, b: number, out: number, n: number): void;
  reduce(x: number, out: number, outer: number, len: number, inner: number, mode: number): void;
  divide(a: number, den: number, out: number, n: number, nDen: number, inner: number, k: number, trunc: number): number;
  isqrt(x: number, out: number, n: number): number;
  gatherDyn(data: number, idx: number, out: number, outer: number, n: number, m: number, inner: number, elements: number): number;
  topk(x: number, vals: number, idxs: number, outer: number, n: number, inner: number, k: number, largest: number, scratch: number): void;
}

let kernels: ExecKernels | undefined;

function load(): ExecKernels {
  if (!kernels) {
    const module = new WebAssembly.Module(decodeBase64(wasmBase64));
    const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('exec kernel abort'); } } });
    kernels = instance.exports as unknown as ExecKernels;
  }
  return kernels;
}

/** A bump allocator over the kernel memory, reset by every operation. */
class Arena {
  private top: number;
  constructor(private readonly k: ExecKernels) {
    this.top = (k.heapBase() + 63) & ~63;
  }

  alloc(n: number): number {
    const ptr = this.top;
    this.top = (ptr + n * 8 + 63) & ~63;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return ptr;
  }

  put(data: BigInt64Array): number {
    const ptr = this.alloc(data.length);
    new BigInt64Array(this.k.memory.buffer, ptr, data.length).set(data);
    return ptr;
  }

  get(ptr: number, n: number): BigInt64Array {
    return new BigInt64Array(this.k.memory.buffer, ptr, n).slice();
  }
}

function arena(): [ExecKernels, Arena] {
  const k = load();
  return [k, new Arena(k)];
}

export interface MatmulShape {
  batch: number; batchA: number; batchB: number; m: number; k: number; n: number;
  /** 0 none, 1 bias per column (length n), 2 bias per row (length m). */
  biasMode: 0 | 1 | 2;
}

export function matmul(a: BigInt64Array, b: BigInt64Array, bias: BigInt64Array | undefined, s: MatmulShape): BigInt64Array {
  const [k, mem] = arena();
  const pa = mem.put(a);
  const pb = mem.put(b);
  const pbias = bias ? mem.put(bias) : 0;
  const size = s.batch * s.m * s.n;
  const out = mem.alloc(size);
  k.matmul(pa, pb, pbias, out, s.batch, s.batchA, s.batchB, s.m, s.k, s.n, s.biasMode);
  return mem.get(out, size);
}

export function requant(x: BigInt64Array, mults: BigInt64Array, inner: number, shift: number, lo: bigint, hi: bigint): BigInt64Array {
  const [k, mem] = arena();
  const px = mem.put(x);
  const pm = mem.put(mults);
  const out = mem.alloc(x.length);
  k.requant(px, out, x.length, pm, mults.length, inner, shift, lo, hi);
  return mem.get(out, x.length);
}

/** Returns the output, or the index of the first input outside the table. */
export function lookup(x: BigInt64Array, table: BigInt64Array, lo: bigint): BigInt64Array | number {
  const [k, mem] = arena();
  const px = mem.put(x);
  const pt = mem.put(table);
  const out = mem.alloc(x.length);
  const bad = k.lookup(px, out, x.length, pt, lo, table.length);
  return bad >= 0 ? bad : mem.get(out, x.length);
}

export function gather(src: BigInt64Array, idx: BigInt64Array, fill: bigint): BigInt64Array {
  const [k, mem] = arena();
  const ps = mem.put(src);
  const pi = mem.put(idx);
  const out = mem.alloc(idx.length);
  k.gather(ps, pi, out, idx.length, fill);
  return mem.get(out, idx.length);
}

/** Σ coeffs[i] · xs[i] + offset, elementwise over equal-length inputs. */
export function weightedSum(xs: readonly BigInt64Array[], coeffs: readonly bigint[], offset: bigint, n: number): BigInt64Array {
  const [k, mem] = arena();
  const out = mem.alloc(n);
  k.fill(out, offset, n);
  xs.forEach((x, i) => k.axpy(out, mem.put(x), coeffs[i], n));
  return mem.get(out, n);
}

export const BINARY_MODES = { mul: 0, max: 1, min: 2, less: 3, greater: 4, equal: 5, lessOrEqual: 6, greaterOrEqual: 7, and: 8, or: 9, xor: 10 } as const;
export type BinaryMode = keyof typeof BINARY_MODES;

export function binary(a: BigInt64Array, b: BigInt64Array, mode: BinaryMode): BigInt64Array {
  const [k, mem] = arena();
  const pa = mem.put(a);
  const pb = mem.put(b);
  const out = mem.alloc(a.length);
  k.binary(pa, pb, out, a.length, BINARY_MODES[mode]);
  return mem.get(out, a.length);
}

export function clip(x: BigInt64Array, lo: bigint, hi: bigint): BigInt64Array {
  const [k, mem] = arena();
  const px = mem.put(x);
  const out = mem.alloc(x.length);
  k.clip(px, out, x.length, lo, hi);
  return mem.get(out, x.length);
}

export function where(c: BigInt64Array, a: BigInt64Array, b: BigInt64Array): BigInt64Array {
  const [k, mem] = arena();
  const pc = mem.put(c);
  const pa = mem.put(a);
  const pb = mem.put(b);
  const out = mem.alloc(c.length);
  k.where(pc, pa, pb, out, c.length);
  return mem.get(out, c.length);
}

export const REDUCE_MODES = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4 } as const;
export type ReduceMode = keyof typeof REDUCE_MODES;

export function reduce(x: BigInt64Array, outer: number, len: number, inner: number, mode: ReduceMode): BigInt64Array {
  const [k, mem] = arena();
  const px = mem.put(x);
  const out = mem.alloc(outer * inner);
  k.reduce(px, out, outer, len, inner, REDUCE_MODES[mode]);
  return mem.get(out, outer * inner);
}

/** Rounded division by positive denominators; returns the index of a non-positive denominator on failure. */
export function divide(a: BigInt64Array, den: BigInt64Array, inner: number, shift: number, trunc = false): BigInt64Array | number {
  const [k, mem] = arena();
  const pa = mem.put(a);
  const pd = mem.put(den);
  const out = mem.alloc(a.length);
  const bad = k.divide(pa, pd, out, a.length, den.length, inner, shift, trunc ? 1 : 0);
  return bad >= 0 ? bad : mem.get(out, a.length);
}

export function isqrt(x: BigInt64Array): BigInt64Array | number {
  const [k, mem] = arena();
  const px = mem.put(x);
  const out = mem.alloc(x.length);
  const bad = k.isqrt(px, out, x.length);
  return bad >= 0 ? bad : mem.get(out, x.length);
}

/** Gather by computed indices (see assembly/exec.ts gatherDyn); returns the bad position on failure. */
export function gatherDynamic(data: BigInt64Array, idx: BigInt64Array, outer: number, n: number, m: number, inner: number, elements: boolean): BigInt64Array | number {
  const [k, mem] = arena();
  const pd = mem.put(data);
  const pi = mem.put(idx);
  const size = outer * m * inner;
  const out = mem.alloc(size);
  const bad = k.gatherDyn(pd, pi, out, outer, n, m, inner, elements ? 1 : 0);
  return bad >= 0 ? bad : mem.get(out, size);
}

/** TopK along the middle axis of [outer, n, inner]: values and indices [outer, k, inner]. */
export function topk(x: BigInt64Array, outer: number, n: number, inner: number, k: number, largest: boolean): [BigInt64Array, BigInt64Array] {
  const [kn, mem] = arena();
  const px = mem.put(x);
  const size = outer * k * inner;
  const pv = mem.alloc(size);
  const pi = mem.alloc(size);
  const scratch = mem.alloc(2 * k);
  kn.topk(px, pv, pi, outer, n, inner, k, largest ? 1 : 0, scratch);
  return [mem.get(pv, size), mem.get(pi, size)];
}
