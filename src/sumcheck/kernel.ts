// Loads the sumcheck prover kernels (assembly/sumcheck.ts) and manages their memory.
//
// Memory: one WebAssembly memory owned by this module, used as a stack of regions. A prover
// takes a mark, allocates its bookkeeping tables (copied in once), runs every round on
// pointers, copies out the few values it needs, and releases back to the mark. Provers nest
// (the lookup prover calls the sumcheck prover) because release is stack-ordered.
//
// Threads: with more than one thread (ZKINFER_THREADS, else the machine's parallelism; see
// src/field/kernel.ts) and SharedArrayBuffer, the module built against a shared memory
// (assembly/sumcheck-shared.ts) runs on a worker pool. Round kernels and folds over at least
// POOL_MIN_PAIRS pairs are then cut into chunks that are queued; `flush()` runs the queue on the
// pool (this thread helping) and adds the chunks' partial sums into each call's output. Callers
// call flush() before reading a round kernel's output or a folded table; without a pool every
// call runs at once and flush() does nothing. Results are identical either way.
//
// Prover-only: the verifier never loads this module.
import { wasmBase64 } from '../gen/sumcheck.wasm.js';
import { wasmBase64 as sharedBase64 } from '../gen/sumcheck-shared.wasm.js';
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import { P } from '../field/goldilocks.js';
import { fieldThreads, sharedMemoryAvailable } from '../field/kernel.js';
import { createNodePool } from '../field/pool-node.js';
import type { KernelCall, KernelPool } from '../field/pool.js';

interface Exports {
  memory?: WebAssembly.Memory;
  heapBase(): number;
  foldBaseTo(out: number, a: number, m: number, c0: bigint, c1: bigint): void;
  foldExtTo(out: number, a: number, m: number, c0: bigint, c1: bigint): void;
  roundTerm(desc: number, k: number, pairOffset: number, nPairs: number, d: number, skipOne: number, scratch: number, out: number): void;
  foldBaseInPlace(a: number, m: number, c0: bigint, c1: bigint): void;
  foldExtInPlace(a: number, m: number, c0: bigint, c1: bigint): void;
  eqTable(out: number, rs: number, k: number): void;
  extSum(a: number, n: number, res: number): void;
  invShiftedBase(out: number, a: number, n: number, c0: bigint, c1: bigint): number;
  invShiftedExt(out: number, a: number, n: number, c0: bigint, c1: bigint): number;
  extMulBase(out: number, a: number, b: number, n: number): void;
  combineBase(out: number, ptrs: number, coeffs: number, k: number, n: number): void;
  roundProd2(a: number, aExt: number, b: number, bExt: number, nPairs: number, withOne: number, out: number): void;
  deinterleave(out0: number, out1: number, src: number, n: number): void;
  roundProd3(a: number, aExt: number, b: number, c: number, nPairs: number, d: number, withOne: number, out: number): void;
  roundTermWeighted(desc: number, k: number, pairOffset: number, nPairs: number, d: number, skipOne: number, weights: number, scratch: number, out: number): void;
  roundPowWeighted(a: number, aExt: number, e: number, w: number, nPairs: number, dq: number, withOne: number, acc: number): void;
  roundPowCoeffs(a: number, aExt: number, e: number, w: number, nPairs: number, top: number, scratch: number, acc: number): void;
  roundProd2Weighted(a: number, aExt: number, b: number, bExt: number, w: number, nPairs: number, withOne: number, acc: number): void;
  sumPairsExtInPlace(a: number, m: number): void;
  roundProd2x2Weighted(a: number, b: number, c: number, d: number, w: number, nPairs: number, withOne: number, acc: number): void;
  foldRound2x2Weighted(ptrs: number, w: number, nPairs: number, c0: bigint, c1: bigint, acc: number): void;
  foldRound2Weighted(ptrs: number, w: number, nPairs: number, c0: bigint, c1: bigint, acc: number): void;
  foldRound1Weighted(ptrs: number, w: number, nPairs: number, c0: bigint, c1: bigint, acc: number): void;
}

const PAGE = 65536;
const ALIGN = 64;
const MAX_PAGES = 65536; // the --maximumMemory of the shared build
/** Round kernels and folds over at least this many pairs go to the pool (when there is one). */
export const POOL_MIN_PAIRS = 1 << 13;
/**
 * roundPowCoeffs costs ~20 extension products per pair (e = 7, the digest proof's S-box), ten
 * times a product kernel's, so it goes to the pool from fewer pairs: the rounds between 2^9 and
 * 2^13 pairs hold half of an S-box term's extension work.
 */
const POW_COEFFS_POOL_MIN_PAIRS = 1 << 9;
const MIN_CHUNK_PAIRS = 1 << 11;
/** eq tables of at least this many variables are built on the pool, in 2^EQ_SPLIT_VARS blocks. */
const EQ_POOL_MIN_VARS = 16;
const EQ_SPLIT_VARS = 3;
const CHUNKS_PER_THREAD = 4;

/** A table the pool may fold: its pointer moves between two buffers (see foldTable). */
export interface FoldableTable {
  ptr: number;
  isExt: boolean;
  /** The second buffer, allocated on the first pooled fold. */
  spare?: number;
}

interface Reduction {
  readonly out: number;
  readonly entries: number;
  readonly parts: readonly number[];
}

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
  private readonly memory: WebAssembly.Memory;
  private readonly module: WebAssembly.Module;
  private top: number;
  private readonly base: number;
  private pool: KernelPool | null = null;
  private poolTried = false;
  private queue: KernelCall[] = [];
  private reductions: Reduction[] = [];
  private pooledFlushes = 0;

  /** `threads` (≥ 1): threads for large rounds, this one included; 1 = no pool. */
  constructor(readonly threads: number = fieldThreads()) {
    preferOptimizingCompiler();
    const shared = threads > 1 && sharedMemoryAvailable();
    this.module = new WebAssembly.Module(decodeBase64(shared ? sharedBase64 : wasmBase64));
    if (shared) {
      this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
      this.x = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as Exports;
    } else {
      this.x = new WebAssembly.Instance(this.module, {}).exports as unknown as Exports;
      this.memory = this.x.memory!;
    }
    // Nothing of the module's own data lives above its static area; start past it, aligned.
    this.base = Math.ceil(this.x.heapBase() / ALIGN) * ALIGN;
    this.top = this.base;
  }

  /** Whether views of this memory stay valid when it grows (a shared memory is never detached). */
  get stableViews(): boolean {
    return this.memory.buffer instanceof SharedArrayBuffer;
  }

  /** Flushes that ran on the pool so far (lets tests check the parallel path ran). */
  get pooledRuns(): number {
    return this.pooledFlushes;
  }

  /** Stops the pool's workers (a later large round starts them again). */
  close(): void {
    this.pool?.close();
    this.pool = null;
    this.poolTried = false;
  }

  /**
   * Creates the worker pool now if it will be used (threads > 1), without waiting: its workers
   * boot while the caller works on (a digest witness starts it before the sponge runs).
   */
  startPool(): void {
    this.activePool();
  }

  private activePool(): KernelPool | null {
    if (!this.poolTried) {
      this.poolTried = true;
      if (this.threads > 1 && this.memory.buffer instanceof SharedArrayBuffer) this.pool = createNodePool(this.module, this.memory, this.threads - 1);
    }
    return this.pool;
  }

  /** Chunks [first, count) for a call over nPairs pairs, or null to run it here at once. */
  private chunks(nPairs: number, minPairs = POOL_MIN_PAIRS): [number, number][] | null {
    if (nPairs < minPairs || this.activePool() === null) return null;
    const shares = Math.max(2, Math.min(this.threads * CHUNKS_PER_THREAD, Math.floor(nPairs / MIN_CHUNK_PAIRS)));
    const out: [number, number][] = [];
    for (let s = 0; s < shares; s++) {
      const a = Math.floor((nPairs * s) / shares);
      const b = Math.floor((nPairs * (s + 1)) / shares);
      if (b > a) out.push([a, b - a]);
    }
    return out;
  }

  /**
   * Queues a round kernel over nPairs pairs in chunks, each accumulating into its own zeroed
   * copy of `out` (entries extension entries), or returns false when it should run here.
   */
  private queueRound(nPairs: number, out: number, entries: number, call: (first: number, count: number, part: number) => KernelCall, minPairs = POOL_MIN_PAIRS, prepare?: () => void): boolean {
    const cs = this.chunks(nPairs, minPairs);
    if (cs === null) return false;
    prepare?.();
    const parts = cs.map(([first, count]) => {
      const part = this.allocZero(16 * entries);
      this.queue.push(call(first, count, part));
      return part;
    });
    this.reductions.push({ out, entries, parts });
    return true;
  }

  /** Runs every queued call (on the pool) and adds the partial sums into their outputs. */
  flush(): void {
    if (this.queue.length === 0) return;
    const calls = this.queue;
    const reductions = this.reductions;
    this.queue = [];
    this.reductions = [];
    const fns = this.x as unknown as Record<string, (...args: (number | bigint)[]) => unknown>;
    const pool = this.activePool();
    if (pool === null) calls.forEach((c) => fns[c.fn](...c.args));
    else {
      this.pooledFlushes++;
      pool.run(calls, (c) => {
        fns[c.fn](...c.args);
      });
    }
    // each word summed exactly over the parts, reduced once
    for (const r of reductions) {
      const out = this.rawWords(r.out, 2 * r.entries);
      const parts = r.parts.map((part) => this.rawWords(part, 2 * r.entries));
      for (let i = 0; i < out.length; i++) {
        let s = out[i];
        for (const w of parts) s += w[i];
        out[i] = s % P;
      }
    }
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.flush(); // queued calls may write into the region being released
    if (mark < this.base || mark > this.top) throw new RangeError('SumcheckKernel.release: mark out of order');
    this.top = mark;
  }

  /** A 64-byte aligned region of `bytes` bytes, valid until the enclosing release. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      this.memory.grow(pages); // throws a RangeError when the engine refuses
    }
    this.top = end;
    return ptr;
  }

  /** A fresh view of `words` u64 words at `ptr` (views die when the memory grows); flushes first. */
  words(ptr: number, words: number): BigUint64Array {
    this.flush();
    return this.rawWords(ptr, words);
  }

  private rawWords(ptr: number, words: number): BigUint64Array {
    return new BigUint64Array(this.memory.buffer, ptr, words);
  }

  /** alloc, zero-filled (without a flush: round kernels accumulate into such outputs). */
  allocZero(bytes: number): number {
    const ptr = this.alloc(bytes);
    this.rawWords(ptr, Math.ceil(bytes / 8)).fill(0n);
    return ptr;
  }

  /** A view for writing descriptors (no flush: queued calls copy what they need). */
  u32s(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, n);
  }

  /** Copies `v` into a fresh region and returns its pointer. */
  put(v: BigUint64Array): number {
    const ptr = this.alloc(8 * v.length);
    this.rawWords(ptr, v.length).set(v);
    return ptr;
  }

  readExt(ptr: number, i: number): Fp2 {
    const w = this.words(ptr + 16 * i, 2);
    return [w[0], w[1]];
  }

  readBase(ptr: number, i: number): bigint {
    return this.words(ptr + 8 * i, 1)[0];
  }

  // Round kernels: each adds into `out` the values at t = 0..d over nPairs pairs; queued in
  // chunks on a pool (read `out` after flush()). Pair i of a base table is 16 bytes at
  // ptr + 16i, of an extension table 32 bytes at ptr + 32i; weights are 16 bytes per pair.

  roundTerm(desc: number, k: number, pairOffset: number, nPairs: number, d: number, skipOne: boolean, scratch: number, out: number): void {
    this.roundTermWeighted(desc, k, nPairs, d, skipOne, 0, scratch, out, pairOffset);
  }

  /** roundTerm for two factors and degree 2 (b must be the extension one if only one is). */
  roundProd2(a: number, aExt: boolean, b: number, bExt: boolean, nPairs: number, skipOne: boolean, out: number): void {
    const call = (first: number, count: number, o: number): KernelCall => ({
      fn: 'roundProd2',
      args: [a + pairBytes(aExt) * first, aExt ? 1 : 0, b + pairBytes(bExt) * first, bExt ? 1 : 0, count, skipOne ? 0 : 1, o],
    });
    if (!this.queueRound(nPairs, out, 3, call)) this.x.roundProd2(a, aExt ? 1 : 0, b, bExt ? 1 : 0, nPairs, skipOne ? 0 : 1, out);
  }

  /** roundTerm for three factors, d ≤ 3, b and c extension tables. */
  roundProd3(a: number, aExt: boolean, b: number, c: number, nPairs: number, d: number, skipOne: boolean, out: number): void {
    const call = (first: number, count: number, o: number): KernelCall => ({
      fn: 'roundProd3',
      args: [a + pairBytes(aExt) * first, aExt ? 1 : 0, b + 32 * first, c + 32 * first, count, d, skipOne ? 0 : 1, o],
    });
    if (!this.queueRound(nPairs, out, d + 1, call)) this.x.roundProd3(a, aExt ? 1 : 0, b, c, nPairs, d, skipOne ? 0 : 1, out);
  }

  /**
   * roundTerm with a weight per pair (an extension table at `weights`, 0 for none). `desc`
   * and `scratch` (see assembly/sumcheck.ts) must stay untouched until flush(); a pooled call
   * gets one scratch region per chunk.
   */
  roundTermWeighted(desc: number, k: number, nPairs: number, d: number, skipOne: boolean, weights: number, scratch: number, out: number, pairOffset = 0): void {
    let descCopy = 0; // the caller reuses desc for its next term before flush()
    const call = (first: number, count: number, o: number): KernelCall => {
      if (descCopy === 0) {
        descCopy = this.alloc(8 * k);
        this.u32s(descCopy, 2 * k).set(this.u32s(desc, 2 * k));
      }
      return { fn: 'roundTermWeighted', args: [descCopy, k, pairOffset + first, count, d, skipOne ? 1 : 0, weights, this.alloc((d + 1) * BLOCK * 16), o] };
    };
    if (!this.queueRound(nPairs, out, d + 1, call)) this.x.roundTermWeighted(desc, k, pairOffset, nPairs, d, skipOne ? 1 : 0, weights, scratch, out);
  }

  /** out[t] += Σ_i w_i·a_i(t)^e for t = 0..dq (t = 1 skipped when skipOne); w = 0 for no weights. */
  roundPowWeighted(a: number, aExt: boolean, e: number, w: number, nPairs: number, dq: number, skipOne: boolean, out: number): void {
    const call = (first: number, count: number, o: number): KernelCall => ({
      fn: 'roundPowWeighted',
      args: [a + pairBytes(aExt) * first, aExt ? 1 : 0, e, w === 0 ? 0 : w + 16 * first, count, dq, skipOne ? 0 : 1, o],
    });
    if (!this.queueRound(nPairs, out, dq + 1, call)) this.x.roundPowWeighted(a, aExt ? 1 : 0, e, w, nPairs, dq, skipOne ? 0 : 1, out);
  }

  /**
   * out[j] += Σ_i w_i·lo_i^(e−j)·(hi_i − lo_i)^j for j = 0..e (w required): the power factor's
   * weighted sum in coefficient form, Σ_i w_i·a_i(t)^e = Σ_j C(e, j)·out[j]·t^j. Without `top`
   * out[e] is not computed (left alone): the caller derives it from the running claim.
   */
  roundPowCoeffs(a: number, aExt: boolean, e: number, w: number, nPairs: number, out: number, top = true): void {
    const call = (first: number, count: number, o: number): KernelCall => ({
      fn: 'roundPowCoeffs',
      args: [a + pairBytes(aExt) * first, aExt ? 1 : 0, e, w + 16 * first, count, top ? 1 : 0, this.alloc(96 * (e + 1)), o],
    });
    if (!this.queueRound(nPairs, out, e + 1, call, POW_COEFFS_POOL_MIN_PAIRS)) this.x.roundPowCoeffs(a, aExt ? 1 : 0, e, w, nPairs, top ? 1 : 0, this.alloc(96 * (e + 1)), out);
  }

  /** out[t] += Σ_i w_i·a_i(t)·b_i(t) for t = 0..2 (b must be the extension one if only one is). */
  roundProd2Weighted(a: number, aExt: boolean, b: number, bExt: boolean, w: number, nPairs: number, skipOne: boolean, out: number): void {
    const call = (first: number, count: number, o: number): KernelCall => ({
      fn: 'roundProd2Weighted',
      args: [a + pairBytes(aExt) * first, aExt ? 1 : 0, b + pairBytes(bExt) * first, bExt ? 1 : 0, w + 16 * first, count, skipOne ? 0 : 1, o],
    });
    if (!this.queueRound(nPairs, out, 3, call)) this.x.roundProd2Weighted(a, aExt ? 1 : 0, b, bExt ? 1 : 0, w, nPairs, skipOne ? 0 : 1, out);
  }

  /** out[t] += Σ_i w_i·(a_i(t)·b_i(t) + c_i(t)·d_i(t)) for t = 0..2 (four extension tables). */
  roundProd2x2Weighted(a: number, b: number, c: number, d: number, w: number, nPairs: number, skipOne: boolean, out: number): void {
    const call = (first: number, count: number, o: number): KernelCall => ({
      fn: 'roundProd2x2Weighted',
      args: [a + 32 * first, b + 32 * first, c + 32 * first, d + 32 * first, w + 16 * first, count, skipOne ? 0 : 1, o],
    });
    if (!this.queueRound(nPairs, out, 3, call)) this.x.roundProd2x2Weighted(a, b, c, d, w, nPairs, skipOne ? 0 : 1, out);
  }

  /**
   * Folds one, two or four extension tables of 4·nPairs entries by r (as foldTable) and adds into
   * `out` the next round's Σ_j w_j·a_j(t) (one table) or Σ_j w_j·(a_j(t)·b_j(t) [+ c_j(t)·d_j(t)]) at t = 0 and 2 over their
   * nPairs new pairs (out[1] is left alone): one pass over the tables instead of a fold and a
   * round kernel.
   */
  foldRoundWeighted(tables: readonly FoldableTable[], w: number, nPairs: number, r: Fp2, out: number): void {
    if (tables.some((t) => !t.isExt) || ![1, 2, 4].includes(tables.length)) throw new RangeError('foldRoundWeighted: one, two or four extension tables');
    const fn = tables.length === 4 ? 'foldRound2x2Weighted' : tables.length === 2 ? 'foldRound2Weighted' : 'foldRound1Weighted';
    const desc = (dst: readonly number[], src: readonly number[]): number => {
      const ptr = this.alloc(8 * tables.length);
      this.u32s(ptr, 2 * tables.length).set([...dst, ...src]);
      return ptr;
    };
    const pooled = this.queueRound(nPairs, out, 3, (first, count, part) => ({
      fn,
      args: [desc(tables.map((t) => t.spare! + 32 * first), tables.map((t) => t.ptr + 64 * first)), w + 16 * first, count, r[0], r[1], part],
    }), POOL_MIN_PAIRS, () => tables.forEach((t) => (t.spare ??= this.alloc(32 * nPairs))));
    if (!pooled) {
      const ptrs = tables.map((t) => t.ptr);
      this.x[fn](desc(ptrs, ptrs), w, nPairs, r[0], r[1], out);
      return;
    }
    for (const t of tables) [t.ptr, t.spare] = [t.spare!, t.ptr];
  }

  /**
   * Binds the lowest variable of a table of 2·pairs entries to r: in place, or, when the pool
   * takes it, into the table's second buffer (queued; the pointers swap now, the data is there
   * after flush()). The table is an extension table afterwards.
   */
  foldTable(t: FoldableTable, pairs: number, r: Fp2): void {
    const cs = this.chunks(pairs);
    if (cs === null) {
      if (t.isExt) this.foldExt(t.ptr, pairs, r);
      else this.foldBase(t.ptr, pairs, r);
    } else {
      t.spare ??= this.alloc(16 * pairs); // the largest fold output this table will see
      const src = t.ptr;
      const dst = t.spare;
      const fn = t.isExt ? 'foldExtTo' : 'foldBaseTo';
      for (const [first, count] of cs) this.queue.push({ fn, args: [dst + 16 * first, src + pairBytes(t.isExt) * first, count, r[0], r[1]] });
      t.ptr = dst;
      t.spare = src;
    }
    t.isExt = true;
  }

  /**
   * Binds the lowest variable of each table (of 2·pairs entries) to r, as foldTable, and returns
   * with every fold done. Tables below the chunking size are folded in place by one call each; on
   * the pool when there are several and together they reach that size (the digest proof's 12
   * S-box tables from 2^12 down to 2^10 pairs, which one thread would fold in turn), else here.
   */
  foldTables(tables: readonly { readonly table: FoldableTable; readonly pairs: number }[], r: Fp2): void {
    const small = tables.filter((t) => t.pairs < POOL_MIN_PAIRS);
    const share = small.length > 1 && small.reduce((n, t) => n + t.pairs, 0) >= POOL_MIN_PAIRS && this.activePool() !== null;
    for (const { table, pairs } of tables) {
      if (!share || pairs >= POOL_MIN_PAIRS) this.foldTable(table, pairs, r);
      else {
        this.queue.push({ fn: table.isExt ? 'foldExtInPlace' : 'foldBaseInPlace', args: [table.ptr, pairs, r[0], r[1]] });
        table.isExt = true;
      }
    }
    this.flush();
  }

  /**
   * Runs an element-wise export of this module over n entries (a kernel that writes only the
   * entries of its own range, e.g. the LogUp-GKR tree's, assembly/lib/logup-gkr.ts): in chunks on
   * the pool for n ≥ POOL_MIN_PAIRS (queued: the results are there after flush()), else at once.
   * `args(first, count)` gives the arguments of the call over entries [first, first + count).
   */
  elementwise(fn: string, n: number, args: (first: number, count: number) => (number | bigint)[]): void {
    const cs = this.chunks(n);
    if (cs === null) {
      this.flush();
      (this.x as unknown as Record<string, (...a: (number | bigint)[]) => unknown>)[fn](...args(0, n));
    } else for (const [first, count] of cs) this.queue.push({ fn, args: args(first, count) });
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
    const k = r.length;
    if (k < EQ_POOL_MIN_VARS || this.activePool() === null) {
      this.x.eqTable(out, rs, k);
      return out;
    }
    // on the pool: eq(r, ·) = eq(r_lo, ·) ⊗ eq(r_hi, ·) for the top EQ_SPLIT_VARS coordinates r_hi,
    // so block c of 2^(k − EQ_SPLIT_VARS) entries is block 0 = eq(r_lo, ·) times eq(r_hi, c)
    const lo = k - EQ_SPLIT_VARS;
    const size = 2 ** lo;
    this.x.eqTable(out, rs, lo);
    let hi: Fp2[] = [E.ONE];
    for (const x of r.slice(lo)) hi = [...hi.map((h) => E.mul(h, E.sub(E.ONE, x))), ...hi.map((h) => E.mul(h, x))];
    for (let c = 1; c < hi.length; c++) {
      const at = out + 16 * size * c;
      this.elementwise('scaleExt', size, (f, n) => [at + 16 * f, out + 16 * f, n, hi[c][0], hi[c][1]]);
    }
    this.flush(); // the other blocks have read block 0
    this.elementwise('scaleExt', size, (f, n) => [out + 16 * f, out + 16 * f, n, hi[0][0], hi[0][1]]);
    this.flush();
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

  /**
   * Σ_j c_j·cols_j (base vectors of equal length, extension coefficients) as an extension
   * vector: the linear part of a layer folded into one table before a sumcheck. Into `into`
   * when given (2n words; a caller combining many layers reuses one vector: a fresh one of
   * 2^15 entries costs more in first-touched pages than the combination itself), else fresh.
   */
  combineBase(cols: readonly BigUint64Array[], coeffs: readonly Fp2[], into?: BigUint64Array): BigUint64Array {
    if (cols.length !== coeffs.length || cols.length === 0) throw new RangeError(`combineBase: ${cols.length} columns for ${coeffs.length} coefficients`);
    const n = cols[0].length;
    if (cols.some((c) => c.length !== n)) throw new RangeError('combineBase: columns of different lengths');
    if (into !== undefined && into.length !== 2 * n) throw new RangeError(`combineBase: an output of ${into.length} words for ${n} entries`);
    this.flush();
    const mark = this.mark();
    try {
      const cs = this.alloc(16 * cols.length);
      const colPtrs = cols.map((c) => this.put(c));
      const cw = this.rawWords(cs, 2 * cols.length);
      coeffs.forEach((c, j) => {
        cw[2 * j] = c[0];
        cw[2 * j + 1] = c[1];
      });
      const out = this.alloc(16 * n);
      this.combineAt(out, colPtrs, cs, n);
      const result = this.words(out, 2 * n);
      if (into === undefined) return result.slice();
      into.set(result);
      return into;
    } finally {
      this.release(mark);
    }
  }

  /**
   * Σ_j c_j·col_j over n entries into the extension region `out`, the base columns and the
   * extension coefficients already in this memory (pointers): large tables on the pool, a range of
   * entries per call, each with a pointer table of its own advanced to its range (allocated here:
   * the caller's release frees them). Queued like every pooled call: read `out` through words().
   */
  combineAt(out: number, cols: readonly number[], coeffs: number, n: number): void {
    this.elementwise('combineBase', n, (first, count) => {
      const ptrs = this.alloc(4 * cols.length);
      this.u32s(ptrs, cols.length).set(cols.map((p) => p + 8 * first));
      return [out + 16 * first, ptrs, coeffs, cols.length, count];
    });
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

function pairBytes(isExt: boolean): number {
  return isExt ? 32 : 16;
}

let shared: SumcheckKernel | null = null;

/** The process-wide kernel instance (created on first use). */
export function sumcheckKernel(): SumcheckKernel {
  shared ??= new SumcheckKernel();
  return shared;
}

const byThreads = new Map<number, SumcheckKernel>();

/**
 * Makes the process-wide kernel one with `threads` threads (≥ 1; 1 = no pool). Kernels are
 * kept per thread count, so switching back and forth (tests, benchmarks) reuses a warm module
 * and pool. Only between proofs: tables of a running proof live in the current kernel's memory.
 */
export function setSumcheckThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`setSumcheckThreads: ${threads} is not a positive integer`);
  if (shared !== null && !byThreads.has(shared.threads)) byThreads.set(shared.threads, shared);
  let k = byThreads.get(threads);
  if (k === undefined) byThreads.set(threads, (k = new SumcheckKernel(threads)));
  shared = k;
}
