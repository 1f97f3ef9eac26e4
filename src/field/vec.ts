// The vector kernels every prover uses: the same functions and signatures as
// ./vec-reference.ts (the BigInt specification), implemented on the WebAssembly kernels of
// assembly/field.ts. Operands are copied into kernel memory, processed, and copied out (see
// ./kernel.ts); operations on at least 2^16 elements are split across a worker pool.
//
// Inputs must be canonical (< p), as everywhere in the field API: vectors are checked by a
// kernel pass as they are copied in, scalars here; either way a violation is a RangeError.
// Results are canonical.
import * as F from './goldilocks.js';
import type { Fp2 } from './ext.js';
import type { BaseVec, ExtVec } from './vec-reference.js';
import { kernels, runCalls, sharesFor, splitRange, type KernelCall, type KernelEngine, type KernelName } from './kernel.js';

export type { BaseVec, ExtVec } from './vec-reference.js';
export { extLength, extGet, extSet, baseFromBigInts, extFromElements, toExt } from './vec-reference.js';

function call(fn: KernelName, ...args: (number | bigint)[]): KernelCall {
  return { fn, args };
}

function sameLength(a: { length: number }, b: { length: number }, op: string): void {
  if (a.length !== b.length) throw new RangeError(`${op}: lengths ${a.length} and ${b.length} differ`);
}

function checkEven(a: ExtVec, op: string): void {
  if (a.length % 2 !== 0) throw new RangeError(`${op}: an extension vector needs an even number of words, got ${a.length}`);
}

function checkScalar(s: F.Fp, op: string): void {
  if (typeof s !== 'bigint' || !F.isCanonical(s)) throw new RangeError(`${op}: scalar ${String(s)} is not a canonical field element`);
}

function checkExtScalar(s: Fp2, op: string): void {
  checkScalar(s[0], op);
  checkScalar(s[1], op);
}

/** Copies a vector into kernel memory after checking that every word is canonical (< p). */
function input(e: KernelEngine, a: BigUint64Array, op: string): number {
  const ptr = e.put(a);
  const ranges = splitRange(a.length, sharesFor(a.length));
  let bad = -1;
  if (ranges.length <= 1) {
    bad = e.k.firstNonCanonical(ptr, a.length);
  } else {
    const res = e.alloc(ranges.length); // one i32 per share (a word each, for alignment)
    runCalls(ranges.map(([s, t], i) => call('firstNonCanonicalTo', ptr + 8 * s, t - s, res + 8 * i)));
    const found = new Int32Array(e.memory.buffer, res, 2 * ranges.length);
    for (let i = 0; i < ranges.length && bad < 0; i++) if (found[2 * i] >= 0) bad = ranges[i][0] + found[2 * i];
  }
  if (bad >= 0) throw new RangeError(`${op}: word ${bad} of an input (${a[bad]}) is not a canonical field element (≥ p)`);
  return ptr;
}

/**
 * Runs make(start, end) on each share of [0, n) (a single call below the pool threshold).
 * `work` is the operation's size in elements when n counts something coarser (NTT blocks).
 */
function parallel(n: number, make: (start: number, end: number, share: number) => KernelCall, align = 1, work = n): void {
  runCalls(splitRange(n, sharesFor(work), align).map(([s, e], i) => make(s, e, i)));
}

// ---------------------------------------------------------------- elementwise

/** out[i] = fn(a[i], b[i]) word by word (so also for extension add/sub), in place over a's copy. */
function wordwise(op: string, fn: 'baseAdd' | 'baseSub' | 'baseMul', a: BigUint64Array, b: BigUint64Array): BigUint64Array {
  const e = kernels();
  e.reset();
  const pa = input(e, a, op);
  const pb = input(e, b, op);
  parallel(a.length, (s, t) => call(fn, pa + 8 * s, pa + 8 * s, pb + 8 * s, t - s));
  return e.get(pa, a.length);
}

export function baseAdd(a: BaseVec, b: BaseVec): BaseVec {
  sameLength(a, b, 'baseAdd');
  return wordwise('baseAdd', 'baseAdd', a, b);
}

export function baseSub(a: BaseVec, b: BaseVec): BaseVec {
  sameLength(a, b, 'baseSub');
  return wordwise('baseSub', 'baseSub', a, b);
}

export function baseMul(a: BaseVec, b: BaseVec): BaseVec {
  sameLength(a, b, 'baseMul');
  return wordwise('baseMul', 'baseMul', a, b);
}

export function baseScale(a: BaseVec, s: F.Fp): BaseVec {
  checkScalar(s, 'baseScale');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'baseScale');
  parallel(a.length, (i, j) => call('baseScale', pa + 8 * i, pa + 8 * i, s, j - i));
  return e.get(pa, a.length);
}

export function extAdd(a: ExtVec, b: ExtVec): ExtVec {
  sameLength(a, b, 'extAdd');
  checkEven(a, 'extAdd');
  return wordwise('extAdd', 'baseAdd', a, b);
}

export function extSub(a: ExtVec, b: ExtVec): ExtVec {
  sameLength(a, b, 'extSub');
  checkEven(a, 'extSub');
  return wordwise('extSub', 'baseSub', a, b);
}

export function extMul(a: ExtVec, b: ExtVec): ExtVec {
  sameLength(a, b, 'extMul');
  checkEven(a, 'extMul');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'extMul');
  const pb = input(e, b, 'extMul');
  parallel(a.length >> 1, (s, t) => call('extMul', pa + 16 * s, pa + 16 * s, pb + 16 * s, t - s));
  return e.get(pa, a.length);
}

export function extScale(a: ExtVec, s: Fp2): ExtVec {
  checkEven(a, 'extScale');
  checkExtScalar(s, 'extScale');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'extScale');
  parallel(a.length >> 1, (i, j) => call('extScale', pa + 16 * i, pa + 16 * i, s[0], s[1], j - i));
  return e.get(pa, a.length);
}

export function extMulBase(a: ExtVec, b: BaseVec): ExtVec {
  if (a.length !== 2 * b.length) throw new RangeError(`extMulBase: lengths ${a.length >> 1} and ${b.length} differ`);
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'extMulBase');
  const pb = input(e, b, 'extMulBase');
  parallel(b.length, (s, t) => call('extMulBase', pa + 16 * s, pa + 16 * s, pb + 8 * s, t - s));
  return e.get(pa, a.length);
}

export function baseScaleExt(a: BaseVec, s: Fp2): ExtVec {
  checkExtScalar(s, 'baseScaleExt');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'baseScaleExt');
  const po = e.alloc(2 * a.length);
  parallel(a.length, (i, j) => call('baseScaleExt', po + 16 * i, pa + 8 * i, s[0], s[1], j - i));
  return e.get(po, 2 * a.length);
}

// ---------------------------------------------------------------- reductions

/** Runs a reduction kernel per share (each writes `width` words) and adds the shares' results. */
function reduce(n: number, width: 1 | 2, make: (start: number, end: number, res: number) => KernelCall): bigint[] {
  const e = kernels();
  const ranges = splitRange(n, sharesFor(n));
  const res = e.alloc(2 * Math.max(ranges.length, 1));
  runCalls(ranges.map(([s, t], i) => make(s, t, res + 16 * i)));
  const words = e.words();
  const out: bigint[] = [];
  for (let w = 0; w < width; w++) {
    let acc = 0n;
    for (let i = 0; i < ranges.length; i++) acc += words[res / 8 + 2 * i + w];
    out.push(acc % F.P);
  }
  return out;
}

export function baseSum(a: BaseVec): F.Fp {
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'baseSum');
  return reduce(a.length, 1, (s, t, res) => call('baseSum', pa + 8 * s, t - s, res))[0];
}

export function baseInner(a: BaseVec, b: BaseVec): F.Fp {
  sameLength(a, b, 'baseInner');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'baseInner');
  const pb = input(e, b, 'baseInner');
  return reduce(a.length, 1, (s, t, res) => call('baseInner', pa + 8 * s, pb + 8 * s, t - s, res))[0];
}

export function extSum(a: ExtVec): Fp2 {
  checkEven(a, 'extSum');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'extSum');
  const [c0, c1] = reduce(a.length >> 1, 2, (s, t, res) => call('extSum', pa + 16 * s, t - s, res));
  return [c0, c1];
}

export function extInner(a: ExtVec, b: ExtVec): Fp2 {
  sameLength(a, b, 'extInner');
  checkEven(a, 'extInner');
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'extInner');
  const pb = input(e, b, 'extInner');
  const [c0, c1] = reduce(a.length >> 1, 2, (s, t, res) => call('extInner', pa + 16 * s, pb + 16 * s, t - s, res));
  return [c0, c1];
}

/** Σ a_i·b_i with a in the base field and b in the extension (e.g. an MLE evaluation via an eq table). */
export function baseInnerExt(a: BaseVec, b: ExtVec): Fp2 {
  if (b.length !== 2 * a.length) throw new RangeError(`baseInnerExt: lengths ${a.length} and ${b.length >> 1} differ`);
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'baseInnerExt');
  const pb = input(e, b, 'baseInnerExt');
  const [c0, c1] = reduce(a.length, 2, (s, t, res) => call('baseInnerExt', pa + 8 * s, pb + 16 * s, t - s, res));
  return [c0, c1];
}

// ---------------------------------------------------------------- batch inversion

/** Inverts every element; zero has no inverse and is an error. */
export function baseBatchInverse(a: BaseVec): BaseVec {
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'baseBatchInverse');
  const zero = e.k.findZero(pa, a.length);
  if (zero >= 0) throw new RangeError(`baseBatchInverse: inverse of zero (element ${zero})`);
  const po = e.alloc(a.length);
  // Each share runs its own Montgomery trick (one inversion per share).
  parallel(a.length, (s, t) => call('baseBatchInverse', po + 8 * s, pa + 8 * s, t - s));
  return e.get(po, a.length);
}

export function extBatchInverse(a: ExtVec): ExtVec {
  checkEven(a, 'extBatchInverse');
  const n = a.length >> 1;
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'extBatchInverse');
  const zero = e.k.findZeroExt(pa, n);
  if (zero >= 0) throw new RangeError(`extBatchInverse: inverse of zero (element ${zero})`);
  const po = e.alloc(a.length);
  const scratch = e.alloc(2 * n);
  parallel(n, (s, t) => call('extBatchInverse', po + 16 * s, pa + 16 * s, t - s, scratch + 16 * s));
  return e.get(po, a.length);
}

// ---------------------------------------------------------------- eq tables

/**
 * Variables kept out of the per-thread part of a parallel eq table: the table is the outer
 * product of eq over the 2^HIGH_VARS high corners and eq over the remaining low variables.
 */
const HIGH_VARS = 4;

/** Writes the eq table of k variables whose point is at `rs` (k or 2k words) to `po` in kernel memory. */
function eqTableAt(e: KernelEngine, rs: number, k: number, words: 1 | 2, po: number): void {
  const table = words === 2 ? 'eqTableExt' : 'eqTableBase';
  const shares = sharesFor(2 ** k);
  if (shares === 1 || k <= HIGH_VARS) {
    e.k[table](po, rs, k);
    return;
  }
  const kLo = k - HIGH_VARS;
  const lenLo = 2 ** kLo;
  const lo = e.alloc(words * lenLo);
  const hi = e.alloc(words << HIGH_VARS);
  e.k[table](lo, rs, kLo);
  e.k[table](hi, rs + 8 * words * kLo, HIGH_VARS);
  const outer = words === 2 ? 'eqOuterExt' : 'eqOuterBase';
  runCalls(splitRange(1 << HIGH_VARS, shares).map(([h0, h1]) => call(outer, po, lo, lenLo, hi, h0, h1)));
}

/** The eq table of k variables whose point is `r` (k words for base, 2k for extension). */
function eqTableWith(r: readonly bigint[], words: 1 | 2): BigUint64Array {
  const k = r.length / words;
  if (k > 30) throw new RangeError(`eqTable: ${k} variables is too many`);
  const n = 2 ** k;
  const e = kernels();
  e.reset();
  const rs = e.put(BigUint64Array.from(r));
  const po = e.alloc(words * n);
  eqTableAt(e, rs, k, words, po);
  return e.get(po, words * n);
}

/**
 * The outer product out[h·|lo| + l] = hi[h]·lo[l] (extension vectors): a table that is a
 * product of a function of the low and one of the high variables, built in one pass.
 */
export function extOuter(lo: ExtVec, hi: ExtVec): ExtVec {
  checkEven(lo, 'extOuter');
  checkEven(hi, 'extOuter');
  const lenLo = lo.length >> 1;
  const lenHi = hi.length >> 1;
  const e = kernels();
  e.reset();
  const pl = input(e, lo, 'extOuter');
  const ph = input(e, hi, 'extOuter');
  const po = e.alloc(2 * lenLo * lenHi);
  runCalls(splitRange(lenHi, Math.min(lenHi, sharesFor(lenLo * lenHi))).map(([h0, h1]) => call('eqOuterExt', po, pl, lenLo, ph, h0, h1)));
  return e.get(po, 2 * lenLo * lenHi);
}

/** One piece of extEqCombination: coeff·eq(point, ·) or coeff·weights, cut to `size` entries, at `offset`. */
export type EqPiece = { readonly offset: number; readonly size: number; readonly coeff: Fp2 } & (
  | { readonly point: readonly Fp2[] }
  | { readonly weights: ExtVec }
);

/**
 * Σ_j coeff_j·w_j placed at offset_j in a table of 2^numVars extension entries, where w_j is
 * eq(point_j, ·) over its first size_j entries (size_j ≤ 2^|point_j|) or dense weights (at most
 * size_j of them used). Built in kernel memory: one eq table per distinct point (pieces must
 * list equal points as equal values), accumulated with out += coeff·w, one copy out, instead of
 * a fresh table, scaled copy and sum per piece.
 */
export function extEqCombination(numVars: number, pieces: readonly EqPiece[]): ExtVec {
  if (numVars > 30) throw new RangeError(`extEqCombination: ${numVars} variables is too many`);
  const total = 2 ** numVars;
  for (const p of pieces) {
    checkExtScalar(p.coeff, 'extEqCombination');
    if (!Number.isSafeInteger(p.offset) || p.offset < 0 || p.size < 0 || p.offset + p.size > total) throw new RangeError(`extEqCombination: piece [${p.offset}, +${p.size}) is outside ${total} entries`);
    if ('point' in p) {
      p.point.forEach((x) => checkExtScalar(x, 'extEqCombination'));
      if (p.size > 2 ** p.point.length) throw new RangeError(`extEqCombination: ${p.size} entries of an eq table of ${p.point.length} variables`);
    } else checkEven(p.weights, 'extEqCombination');
  }
  const e = kernels();
  e.reset();
  const out = e.alloc(2 * total);
  new BigUint64Array(e.memory.buffer, out, 2 * total).fill(0n);
  const axpy = (src: number, p: EqPiece, n: number): void => {
    parallel(n, (s, t) => call('extAxpy', out + 16 * (p.offset + s), src + 16 * s, p.coeff[0], p.coeff[1], t - s));
  };
  const byPoint = new Map<string, { point: readonly Fp2[]; pieces: EqPiece[] }>();
  for (const p of pieces) {
    if ('weights' in p) {
      const n = Math.min(p.size, p.weights.length >> 1);
      if (n === 0) continue;
      const mark = e.mark();
      axpy(input(e, p.weights.subarray(0, 2 * n), 'extEqCombination'), p, n);
      e.release(mark);
      continue;
    }
    const key = p.point.map((x) => `${x[0]}.${x[1]}`).join(',');
    const group = byPoint.get(key) ?? { point: p.point, pieces: [] };
    group.pieces.push(p);
    byPoint.set(key, group);
  }
  for (const { point, pieces: list } of byPoint.values()) {
    const size = Math.max(...list.map((p) => p.size));
    if (size === 0) continue;
    const mark = e.mark();
    const rs = e.put(BigUint64Array.from(point.flatMap((x) => [x[0], x[1]])));
    const eq = e.alloc(2 * 2 ** point.length);
    eqTableAt(e, rs, point.length, 2, eq);
    for (const p of list) if (p.size > 0) axpy(eq, p, p.size);
    e.release(mark);
  }
  return e.get(out, 2 * total);
}

/** eq(r, x) for every x in {0,1}^k, little-endian: bit j of the index is x_j, paired with r[j]. */
export function eqTable(r: readonly Fp2[]): ExtVec {
  r.forEach((x) => checkExtScalar(x, 'eqTable'));
  return eqTableWith(r.flatMap((x) => [x[0], x[1]]), 2);
}

export function eqTableBase(r: readonly F.Fp[]): BaseVec {
  r.forEach((x) => checkScalar(x, 'eqTableBase'));
  return eqTableWith(r, 1);
}

// ---------------------------------------------------------------- folds

/** Binds the lowest variable x_0 to r: out[i] = a[2i] + r·(a[2i+1] − a[2i]). Length must be even. */
export function foldBase(a: BaseVec, r: Fp2): ExtVec {
  if (a.length % 2 !== 0) throw new RangeError(`foldBase: odd length ${a.length}`);
  checkExtScalar(r, 'foldBase');
  const m = a.length >> 1;
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'foldBase');
  const po = e.alloc(2 * m);
  parallel(m, (s, t) => call('foldBase', po + 16 * s, pa + 16 * s, t - s, r[0], r[1]));
  return e.get(po, 2 * m);
}

export function foldExt(a: ExtVec, r: Fp2): ExtVec {
  if (a.length % 4 !== 0) throw new RangeError(`foldExt: odd length ${a.length >> 1}`);
  checkExtScalar(r, 'foldExt');
  const m = a.length >> 2;
  const e = kernels();
  e.reset();
  const pa = input(e, a, 'foldExt');
  // Not in place: a later share's outputs would overwrite an earlier share's inputs.
  const po = e.alloc(2 * m);
  parallel(m, (s, t) => call('foldExt', po + 16 * s, pa + 32 * s, t - s, r[0], r[1]));
  return e.get(po, 2 * m);
}

// ---------------------------------------------------------------- NTT

/** Layers of butterflies done block by block, so a block (32 KiB) stays in L1 cache. */
export const NTT_BLOCK_LOG = 12;
/** TILE_LOG of assembly/field.ts: the bit reversal works on 2^4 × 2^4 tiles. */
const BITREV_TILE_LOG = 4;

function log2Exact(n: number, op: string): number {
  const log = Math.log2(n);
  if (!Number.isInteger(log)) throw new RangeError(`${op}: length ${n} is not a power of two`);
  if (log > F.TWO_ADICITY) throw new RangeError(`${op}: length 2^${log} exceeds the field's 2-adicity`);
  return log;
}

const rootCache = new Map<number, { w: bigint; wInv: bigint; nInv: bigint }>();

function roots(logN: number): { w: bigint; wInv: bigint; nInv: bigint } {
  let r = rootCache.get(logN);
  if (r === undefined) {
    const w = F.rootOfUnity(logN);
    r = { w, wInv: F.inv(w), nInv: F.inv(1n << BigInt(logN)) };
    rootCache.set(logN, r);
  }
  return r;
}

/**
 * The twiddle table of the forward size-2^logN (≥ 2) transform in kernel memory (for kernels
 * that run their own transforms, like the commitment's encoding): allocated after whatever the
 * caller allocated since its reset.
 */
export function forwardTwiddles(logN: number): number {
  return twiddles(logN, roots(logN).w);
}

/** The twiddle table of a size-2^logN (≥ 2) transform with root w, in kernel memory (n words). */
function twiddles(logN: number, w: bigint): number {
  const e = kernels();
  const n = 2 ** logN;
  const half = n >> 1;
  const tw = e.alloc(n);
  parallel(half, (s, t) => call('powers', tw + 8 * (half + s), F.pow(w, BigInt(s)), w, t - s), 1, n);
  e.k.nttTwiddlesFill(tw, logN);
  return tw;
}

/** One transform of kernel memory at pa (2^logN ≥ 2 words) into po, each layer split across threads. */
function transformOne(po: number, pa: number, tw: number, logN: number): void {
  const n = 2 ** logN;
  if (logN >= 2 * BITREV_TILE_LOG) {
    parallel(n, (s, t) => call('bitReverseTiles', po, pa, logN, s >> (2 * BITREV_TILE_LOG), t >> (2 * BITREV_TILE_LOG)), 1 << (2 * BITREV_TILE_LOG));
  } else {
    parallel(n, (s, t) => call('bitReverseCopy', po, pa, logN, s, t));
  }
  const logB = Math.min(logN, NTT_BLOCK_LOG);
  parallel(n >> logB, (s, t) => call('nttBlocks', po, tw, logB, s, t), 1, n);
  for (let lenLog = logB + 1; lenLog <= logN; lenLog++) {
    parallel(n >> 1, (s, t) => call('nttLayer', po, tw, lenLog, s, t));
  }
}

type Transform = { kind: 'ntt' } | { kind: 'intt' } | { kind: 'coset'; shift: F.Fp };

/**
 * Applies the transform to every row of length n of a, in place. Many rows are split across
 * threads by rows (each row's transform stays in one thread's cache); few long rows are
 * transformed one at a time with each layer split instead.
 */
function transformRows(a: BaseVec, n: number, t: Transform, op: string): void {
  if (t.kind === 'coset') checkScalar(t.shift, op);
  const logN = log2Exact(n, op);
  if (a.length % n !== 0) throw new RangeError(`${op}: ${a.length} words are not whole rows of length ${n}`);
  const rows = a.length / n;
  if (rows === 0 || (logN === 0 && t.kind !== 'coset')) return;
  const e = kernels();
  e.reset();
  const pa = input(e, a, op);
  if (t.kind === 'coset' && t.shift !== 1n) {
    // Coefficient j of every row times shift^j.
    const pv = e.alloc(n);
    parallel(n, (s, u) => call('powers', pv + 8 * s, F.pow(t.shift, BigInt(s)), t.shift, u - s));
    parallel(rows, (r0, r1) => call('mulRows', pa, pv, n, r0, r1), 1, a.length);
  }
  if (logN === 0) {
    e.getInto(pa, a);
    return;
  }
  const { w, wInv, nInv } = roots(logN);
  const tw = twiddles(logN, t.kind === 'intt' ? wInv : w);
  const po = e.alloc(a.length);
  const shares = sharesFor(a.length);
  if (rows >= 2 * shares) {
    const logB = Math.min(logN, NTT_BLOCK_LOG);
    parallel(rows, (r0, r1) => call('nttRows', po, pa, tw, logN, logB, r0, r1), 1, a.length);
  } else {
    for (let r = 0; r < rows; r++) transformOne(po + 8 * r * n, pa + 8 * r * n, tw, logN);
  }
  if (t.kind === 'intt') parallel(a.length, (s, u) => call('baseScale', po + 8 * s, po + 8 * s, nInv, u - s));
  e.getInto(po, a);
}

/**
 * Forward NTT in place, natural order in and out: a[k] ← Σ_j a[j]·ω^(jk), ω = rootOfUnity(log n).
 */
export function ntt(a: BaseVec): void {
  transformRows(a, a.length, { kind: 'ntt' }, 'ntt');
}

/** Inverse of `ntt`, in place. */
export function intt(a: BaseVec): void {
  transformRows(a, a.length, { kind: 'intt' }, 'intt');
}

/** Evaluates the polynomial with coefficients a on the coset shift·⟨ω⟩, in place. */
export function cosetNtt(a: BaseVec, shift: F.Fp): void {
  transformRows(a, a.length, { kind: 'coset', shift }, 'cosetNtt');
}

/**
 * `ntt` of every row of a, in place: a holds a.length / n rows of length n one after another
 * (e.g. the rows of a tensor-code matrix being encoded).
 */
export function nttBatch(a: BaseVec, n: number): void {
  transformRows(a, n, { kind: 'ntt' }, 'nttBatch');
}

/** `intt` of every row of length n, in place. */
export function inttBatch(a: BaseVec, n: number): void {
  transformRows(a, n, { kind: 'intt' }, 'inttBatch');
}

/** `cosetNtt` of every row of length n with the same shift, in place. */
export function cosetNttBatch(a: BaseVec, n: number, shift: F.Fp): void {
  transformRows(a, n, { kind: 'coset', shift }, 'cosetNttBatch');
}
