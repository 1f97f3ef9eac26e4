// Loads the sumcheck prover kernels (assembly/sumcheck.ts) and manages their memory.
//
// Memory: one WebAssembly memory owned by this module, used as a stack of regions. A prover
// takes a mark, allocates its bookkeeping tables (copied in once), runs every round on
// pointers, copies out the few values it needs, and releases back to the mark. Provers nest
// (the lookup prover calls the sumcheck prover) because release is stack-ordered.
//
// Prover-only: the verifier never loads this module.
import { wasmBase64 } from '../gen/sumcheck.wasm.js';
import type { Fp2 } from '../field/ext.js';

interface Exports {
  memory: WebAssembly.Memory;
  roundTerm(desc: number, k: number, pairOffset: number, nPairs: number, d: number, skipOne: number, scratch: number, out: number): void;
  foldBaseInPlace(a: number, m: number, c0: bigint, c1: bigint): void;
  foldExtInPlace(a: number, m: number, c0: bigint, c1: bigint): void;
  eqTable(out: number, rs: number, k: number): void;
  extSum(a: number, n: number, res: number): void;
  invShiftedBase(out: number, a: number, n: number, c0: bigint, c1: bigint): number;
  invShiftedExt(out: number, a: number, n: number, c0: bigint, c1: bigint): number;
  extMulBase(out: number, a: number, b: number, n: number): void;
  roundProd2(a: number, aExt: number, b: number, bExt: number, nPairs: number, withOne: number, out: number): void;
  deinterleave(out0: number, out1: number, src: number, n: number): void;
  roundProd3(a: number, aExt: number, b: number, c: number, nPairs: number, d: number, withOne: number, out: number): void;
  roundTermWeighted(desc: number, k: number, pairOffset: number, nPairs: number, d: number, skipOne: number, weights: number, scratch: number, out: number): void;
  roundPowWeighted(a: number, aExt: number, e: number, w: number, nPairs: number, dq: number, withOne: number, acc: number): void;
  roundProd2Weighted(a: number, aExt: number, b: number, bExt: number, w: number, nPairs: number, withOne: number, acc: number): void;
  sumPairsExtInPlace(a: number, m: number): void;
}

const PAGE = 65536;
const ALIGN = 64;
/** Pairs per block in roundTerm (must match BLOCK in assembly/sumcheck.ts). */
export const BLOCK = 128;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof atob !== 'function') throw new Error('sumcheck kernel: no global atob');
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * In Node, compile WebAssembly with the optimizing compiler at once: V8's baseline tier would
 * run the first large round of a proof at roughly half speed. A process-wide V8 flag that
 * only affects modules compiled afterwards; a no-op in browsers.
 */
function preferOptimizingCompiler(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  v8?.setFlagsFromString?.('--no-liftoff');
}

export class SumcheckKernel {
  private readonly x: Exports;
  private top: number;
  private readonly base: number;

  constructor() {
    preferOptimizingCompiler();
    const module = new WebAssembly.Module(decodeBase64(wasmBase64));
    const instance = new WebAssembly.Instance(module, {});
    this.x = instance.exports as unknown as Exports;
    // Nothing of the module's own data lives above its static area; start past it, aligned.
    this.base = Math.ceil(this.x.memory.buffer.byteLength / ALIGN) * ALIGN;
    this.top = this.base;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError('SumcheckKernel.release: mark out of order');
    this.top = mark;
  }

  /** A 64-byte aligned region of `bytes` bytes, valid until the enclosing release. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    const have = this.x.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      this.x.memory.grow(pages); // throws a RangeError when the engine refuses
    }
    this.top = end;
    return ptr;
  }

  /** A fresh view of `words` u64 words at `ptr` (views die when the memory grows). */
  words(ptr: number, words: number): BigUint64Array {
    return new BigUint64Array(this.x.memory.buffer, ptr, words);
  }

  u32s(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.x.memory.buffer, ptr, n);
  }

  /** Copies `v` into a fresh region and returns its pointer. */
  put(v: BigUint64Array): number {
    const ptr = this.alloc(8 * v.length);
    this.words(ptr, v.length).set(v);
    return ptr;
  }

  readExt(ptr: number, i: number): Fp2 {
    const w = this.words(ptr + 16 * i, 2);
    return [w[0], w[1]];
  }

  readBase(ptr: number, i: number): bigint {
    return this.words(ptr + 8 * i, 1)[0];
  }

  roundTerm(desc: number, k: number, pairOffset: number, nPairs: number, d: number, skipOne: boolean, scratch: number, out: number): void {
    this.x.roundTerm(desc, k, pairOffset, nPairs, d, skipOne ? 1 : 0, scratch, out);
  }

  /** roundTerm for two factors and degree 2 (b must be the extension one if only one is). */
  roundProd2(a: number, aExt: boolean, b: number, bExt: boolean, nPairs: number, skipOne: boolean, out: number): void {
    this.x.roundProd2(a, aExt ? 1 : 0, b, bExt ? 1 : 0, nPairs, skipOne ? 0 : 1, out);
  }

  /** roundTerm for three factors, d ≤ 3, b and c extension tables. */
  roundProd3(a: number, aExt: boolean, b: number, c: number, nPairs: number, d: number, skipOne: boolean, out: number): void {
    this.x.roundProd3(a, aExt ? 1 : 0, b, c, nPairs, d, skipOne ? 0 : 1, out);
  }

  /** roundTerm with a weight per pair (an extension table of nPairs entries at `weights`). */
  roundTermWeighted(desc: number, k: number, nPairs: number, d: number, skipOne: boolean, weights: number, scratch: number, out: number): void {
    this.x.roundTermWeighted(desc, k, 0, nPairs, d, skipOne ? 1 : 0, weights, scratch, out);
  }

  /** out[t] += Σ_i w_i·a_i(t)^e for t = 0..dq (t = 1 skipped when skipOne); w = 0 for no weights. */
  roundPowWeighted(a: number, aExt: boolean, e: number, w: number, nPairs: number, dq: number, skipOne: boolean, out: number): void {
    this.x.roundPowWeighted(a, aExt ? 1 : 0, e, w, nPairs, dq, skipOne ? 0 : 1, out);
  }

  /** out[t] += Σ_i w_i·a_i(t)·b_i(t) for t = 0..2 (b must be the extension one if only one is). */
  roundProd2Weighted(a: number, aExt: boolean, b: number, bExt: boolean, w: number, nPairs: number, skipOne: boolean, out: number): void {
    this.x.roundProd2Weighted(a, aExt ? 1 : 0, b, bExt ? 1 : 0, w, nPairs, skipOne ? 0 : 1, out);
  }

  /** a[i] ← a[2i] + a[2i+1] for i < m (extension entries, in place). */
  sumPairsExt(ptr: number, m: number): void {
    this.x.sumPairsExtInPlace(ptr, m);
  }

  foldBase(ptr: number, pairs: number, r: Fp2): void {
    this.x.foldBaseInPlace(ptr, pairs, r[0], r[1]);
  }

  foldExt(ptr: number, pairs: number, r: Fp2): void {
    this.x.foldExtInPlace(ptr, pairs, r[0], r[1]);
  }

  /** eq(r, ·) over {0,1}^k into a fresh region (2^k extension entries). */
  eqTable(r: readonly Fp2[]): number {
    const out = this.alloc(16 << r.length);
    const rs = this.alloc(16 * Math.max(1, r.length));
    const w = this.words(rs, 2 * r.length);
    r.forEach((x, i) => {
      w[2 * i] = x[0];
      w[2 * i + 1] = x[1];
    });
    this.x.eqTable(out, rs, r.length);
    return out;
  }

  extSum(ptr: number, n: number): Fp2 {
    const res = this.alloc(16);
    this.x.extSum(ptr, n, res);
    return this.readExt(res, 0);
  }

  /** The c0 and c1 words of an extension vector as two base vectors (memcpy in and out). */
  splitExt(v: BigUint64Array): [BigUint64Array, BigUint64Array] {
    const n = v.length >> 1;
    const mark = this.mark();
    try {
      const src = this.put(v);
      const o0 = this.alloc(8 * n);
      const o1 = this.alloc(8 * n);
      this.x.deinterleave(o0, o1, src, n);
      return [this.words(o0, n).slice(), this.words(o1, n).slice()];
    } finally {
      this.release(mark);
    }
  }

  /** a_i·b_i (a extension, b base) in place over a; pointers into this memory. */
  extMulBase(a: number, b: number, n: number): void {
    this.x.extMulBase(a, a, b, n);
  }

  /** 1/(α − a_i) for every entry of a (base or extension) into a fresh extension region. */
  invShifted(a: number, n: number, isExt: boolean, alpha: Fp2): number {
    const out = this.alloc(16 * Math.max(1, n));
    const bad = isExt ? this.x.invShiftedExt(out, a, n, alpha[0], alpha[1]) : this.x.invShiftedBase(out, a, n, alpha[0], alpha[1]);
    if (bad !== 0) throw new RangeError('invShifted: α equals an entry (probability ~n/p², or α in F_p)');
    return out;
  }
}

let shared: SumcheckKernel | null = null;

/** The process-wide kernel instance (created on first use). */
export function sumcheckKernel(): SumcheckKernel {
  shared ??= new SumcheckKernel();
  return shared;
}
