// Loads the WebAssembly field kernels (assembly/field.ts) and manages their memory.
//
// Memory design: vectors stay ordinary JS BigUint64Arrays. Each vector operation resets a bump
// region of the kernel memory, copies its operands in, runs kernels on pointers, and copies the
// result out (TypedArray.set/slice are memcpy, cheap next to the arithmetic). Nothing lives in
// kernel memory between operations, so the module can be swapped (threads on/off) at any time.
//
// Threads: when SharedArrayBuffer exists the module built against a shared memory
// (assembly/field-shared.ts) is used, and large operations are split into shares that run on a
// KernelPool (Node worker_threads by default) plus the calling thread. Without shared memory or
// a pool everything runs on the calling thread, with identical results.
import { wasmBase64 as plainBase64 } from '../gen/field.wasm.js';
import { wasmBase64 as sharedBase64 } from '../gen/field-shared.wasm.js';
import { decodeBase64 } from './wasm-bytes.js';
import type { KernelCall, KernelPool, PoolFactory } from './pool.js';
import { createNodePool } from './pool-node.js';

/** The exports of assembly/field.ts (pointers are byte offsets, counts are element counts). */
export interface FieldKernels {
  heapBase(): number;
  firstNonCanonical(a: number, n: number): number;
  firstNonCanonicalTo(a: number, n: number, res: number): void;
  baseAdd(out: number, a: number, b: number, n: number): void;
  baseSub(out: number, a: number, b: number, n: number): void;
  baseMul(out: number, a: number, b: number, n: number): void;
  baseScale(out: number, a: number, s: bigint, n: number): void;
  extMul(out: number, a: number, b: number, n: number): void;
  extScale(out: number, a: number, s0: bigint, s1: bigint, n: number): void;
  extAxpy(out: number, a: number, s0: bigint, s1: bigint, n: number): void;
  extMulBase(out: number, a: number, b: number, n: number): void;
  baseScaleExt(out: number, a: number, s0: bigint, s1: bigint, n: number): void;
  baseSum(a: number, n: number, res: number): void;
  extSum(a: number, n: number, res: number): void;
  baseInner(a: number, b: number, n: number, res: number): void;
  extInner(a: number, b: number, n: number, res: number): void;
  baseInnerExt(a: number, b: number, n: number, res: number): void;
  findZero(a: number, n: number): number;
  findZeroExt(a: number, n: number): number;
  baseBatchInverse(out: number, a: number, n: number): void;
  extBatchInverse(out: number, a: number, n: number, scratch: number): void;
  eqTableExt(out: number, rs: number, k: number): void;
  eqTableBase(out: number, rs: number, k: number): void;
  eqOuterExt(out: number, lo: number, lenLo: number, hi: number, h0: number, h1: number): void;
  eqOuterBase(out: number, lo: number, lenLo: number, hi: number, h0: number, h1: number): void;
  foldBase(out: number, a: number, m: number, r0: bigint, r1: bigint): void;
  foldExt(out: number, a: number, m: number, r0: bigint, r1: bigint): void;
  powers(out: number, start: bigint, w: bigint, n: number): void;
  mulRows(a: number, v: number, n: number, r0: number, r1: number): void;
  nttRows(out: number, a: number, tw: number, logN: number, logB: number, r0: number, r1: number): void;
  nttTwiddlesFill(tw: number, logN: number): void;
  bitReverseCopy(out: number, a: number, logN: number, i0: number, i1: number): void;
  bitReverseTiles(out: number, a: number, logN: number, m0: number, m1: number): void;
  nttBlocks(a: number, tw: number, logB: number, b0: number, b1: number): void;
  nttLayer(a: number, tw: number, lenLog: number, t0: number, t1: number): void;
  encodeRows(cw: number, msgs: number, k: number, pows: number, tw: number, logN: number, logB: number, r0: number, r1: number): void;
  transposeLeaves(out: number, leafBytes: number, cw: number, rows: number, logN: number, salts: number, j0: number, j1: number): void;
  merkleNodes(below: number, out: number, count: number): void;
  combineRows(out: number, msgs: number, k: number, rows: number, w: number, combos: number, c0: number, c1: number, acc: number): void;
  mulLoop(a: number, n: number, iters: number, c: bigint): void;
  extMulLoop(a: number, n: number, iters: number, c0: bigint, c1: bigint): void;
}

export type KernelName = Exclude<keyof FieldKernels, 'heapBase'>;

const PAGE = 65536;
const MAX_PAGES = 65536; // the --maximumMemory of the shared build
const ALIGN = 64; // cache-line alignment for every operand
/** Operations on fewer elements than this stay on the calling thread. */
export const DEFAULT_PARALLEL_THRESHOLD = 1 << 16;

/** One instantiated kernel module, its memory and its bump allocator. */
export class KernelEngine {
  readonly k: FieldKernels;
  private top: number;
  private readonly base: number;
  private view: BigUint64Array;

  constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    readonly shared: boolean,
  ) {
    this.k = instance.exports as unknown as FieldKernels;
    this.base = roundUp(this.k.heapBase(), ALIGN);
    this.top = this.base;
    this.view = new BigUint64Array(memory.buffer);
  }

  /** Frees every allocation: call at the start of each vector operation. */
  reset(): void {
    this.top = this.base;
  }

  /** The allocator's position, to release back to (allocations after it are freed). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError('field kernels: release out of order');
    this.top = mark;
  }

  /** Reserves `words` 64-bit words; returns the byte offset. Grows memory as needed. */
  alloc(words: number): number {
    if (!Number.isSafeInteger(words) || words < 0) throw new RangeError(`field kernels: bad allocation of ${words} words`);
    const ptr = this.top;
    const end = roundUp(ptr + 8 * words, ALIGN);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow at least geometrically so that growth (expensive with threads) stays rare.
      const need = Math.ceil((end - have) / PAGE);
      const pages = Math.min(Math.max(need, have / PAGE), MAX_PAGES - have / PAGE);
      if (pages < need) throw new RangeError(`field kernels: ${end} bytes exceed the 4 GiB kernel memory`);
      this.memory.grow(pages);
    }
    this.top = end;
    return ptr;
  }

  /** The memory as 64-bit words (recreated after growth). */
  words(): BigUint64Array {
    if (this.view.buffer !== this.memory.buffer || this.view.length * 8 !== this.memory.buffer.byteLength) {
      this.view = new BigUint64Array(this.memory.buffer);
    }
    return this.view;
  }

  /** Allocates and copies `a` in; returns its byte offset. */
  put(a: BigUint64Array): number {
    const ptr = this.alloc(a.length);
    this.words().set(a, ptr / 8);
    return ptr;
  }

  /** Copies `words` words at `ptr` out into a fresh array. */
  get(ptr: number, words: number): BigUint64Array {
    return this.words().slice(ptr / 8, ptr / 8 + words);
  }

  /** Copies `words` words at `ptr` into `into`. */
  getInto(ptr: number, into: BigUint64Array): void {
    into.set(this.words().subarray(ptr / 8, ptr / 8 + into.length));
  }
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/** Whether this platform can create shared WebAssembly memory (the worker pools need it). */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * In Node, compile WebAssembly with the optimizing compiler right away. V8 otherwise starts with
 * its baseline compiler and swaps in optimized code only for later calls, so the first call of
 * each kernel on a large vector ran about 2× slower (measured: 205 vs 376 M mults/s). This sets
 * a process-wide V8 flag; it only affects WebAssembly compiled afterwards.
 */
function preferOptimizingCompiler(): void {
  const proc = (globalThis as { process?: NodeLike }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  v8?.setFlagsFromString?.('--no-liftoff');
}

function instantiate(shared: boolean): KernelEngine {
  preferOptimizingCompiler();
  const module = new WebAssembly.Module(decodeBase64(shared ? sharedBase64 : plainBase64));
  if (shared) {
    const memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new KernelEngine(module, memory, instance, true);
  }
  const instance = new WebAssembly.Instance(module, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  return new KernelEngine(module, memory, instance, false);
}

// ---------------------------------------------------------------- threads

interface NodeLike {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function defaultThreads(): number {
  const proc = (globalThis as { process?: NodeLike }).process;
  const fromEnv = proc?.env?.ZKINFER_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`ZKINFER_THREADS=${fromEnv} is not a positive integer`);
    return n;
  }
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return Math.min(os?.availableParallelism?.() ?? 1, 8);
}

let engine: KernelEngine | null = null;
let pool: KernelPool | null = null;
let poolTried = false;
let threads: number | null = null;
let poolFactory: PoolFactory = createNodePool;
let parallelThreshold = DEFAULT_PARALLEL_THRESHOLD;
let pooledRuns = 0;

/** How many kernel runs went to the pool so far (lets tests check the parallel path ran). */
export function pooledRunCount(): number {
  return pooledRuns;
}

/** The kernel engine (instantiated on first use, synchronously). */
export function kernels(): KernelEngine {
  if (engine === null) engine = instantiate(sharedMemoryAvailable());
  return engine;
}

/** Number of threads (the caller included) large operations use. */
export function fieldThreads(): number {
  if (threads === null) threads = defaultThreads();
  return threads;
}

/** Sets the number of threads (≥ 1) for large operations; 1 turns the pool off. */
export function setFieldThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setFieldThreads: ${n} is not a positive integer`);
  if (n === threads) return;
  threads = n;
  closePool();
}

/** Replaces how worker pools are made (e.g. Web Workers in a browser). */
export function setPoolFactory(factory: PoolFactory): void {
  poolFactory = factory;
  closePool();
}

/** Operations on at least this many elements are split across threads. */
export function setParallelThreshold(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setParallelThreshold: ${n} is not a positive integer`);
  parallelThreshold = n;
}

/**
 * Drops the kernel module and its memory (kernel memory only grows while in use) and stops the
 * pool; the next operation instantiates afresh.
 */
export function releaseFieldKernels(): void {
  closePool();
  engine = null;
}

export function closePool(): void {
  pool?.close();
  pool = null;
  poolTried = false;
}

/** Creates the pool now if it will be used (its workers boot while the caller works on). */
export function startFieldPool(): void {
  activePool();
}

/** The pool, created on first need; null if single-threaded. */
function activePool(): KernelPool | null {
  if (!poolTried) {
    poolTried = true;
    const e = kernels();
    const n = fieldThreads();
    if (n > 1 && e.shared) pool = poolFactory(e.module, e.memory, n - 1);
  }
  return pool;
}

/** Calls per thread that a pooled operation is cut into, so that load balances dynamically. */
const CHUNKS_PER_THREAD = 4;
/** No chunk smaller than this many elements (keeps per-call overhead negligible). */
const MIN_CHUNK = 1 << 13;

/** How many calls an operation over `n` elements is split into (1 = no pool, run here). */
export function sharesFor(n: number): number {
  if (n < parallelThreshold || fieldThreads() < 2) return 1;
  const p = activePool();
  if (p === null) return 1;
  return Math.max(2, Math.min((p.workers + 1) * CHUNKS_PER_THREAD, Math.floor(n / MIN_CHUNK)));
}

/**
 * Splits [0, n) into `shares` contiguous ranges whose bounds are multiples of `align`
 * (except the last end); empty ranges are dropped.
 */
export function splitRange(n: number, shares: number, align = 1): [number, number][] {
  const out: [number, number][] = [];
  const units = Math.ceil(n / align);
  for (let s = 0; s < shares; s++) {
    const a = Math.min(n, Math.floor((units * s) / shares) * align);
    const b = Math.min(n, Math.floor((units * (s + 1)) / shares) * align);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** Runs every call: on the pool (with this thread helping) when there is one and more than one call. */
export function runCalls(calls: readonly KernelCall[]): void {
  const k = kernels().k as unknown as Record<string, (...args: (number | bigint)[]) => unknown>;
  const runHere = (c: KernelCall): void => {
    k[c.fn](...c.args);
  };
  const p = calls.length > 1 ? activePool() : null;
  if (p === null) {
    calls.forEach(runHere);
    return;
  }
  pooledRuns++;
  p.run(calls, runHere);
}

export type { KernelCall };
