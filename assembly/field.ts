// Goldilocks vector kernels, p = 2^64 - 2^32 + 1, and its quadratic extension F_p[X]/(X^2 - 7).
//
// Every kernel works on raw pointers into linear memory that the JS side (src/field/kernel.ts)
// manages; no allocation happens here. Values are u64 words; every input is canonical (< p)
// and every output is canonical. Extension elements are two adjacent words (c0, c1).
// Kernels that a worker pool splits take a plain range (a pointer offset and a count), so a
// share of the work is the same call on a sub-range.
//
// Arithmetic is branch-free (select) so the hot loops have no data-dependent branches.

import { P, EPS, LO32, reduce128, reduceSmall, mul, mul7, add, sub } from './lib/goldilocks';
// Extension products leave their result in e0, e1 (lib/ext.ts).
import { extMul as extMulTo, r0 as e0, r1 as e1 } from './lib/ext';
// Two lanes at once (SIMD): lib/simd.ts.
import { ult2, mul2, add2, sub2, extMul2To, v0, v1, loadC0, loadC1, storeExt2 } from './lib/simd';

// ---------------------------------------------------------------- scalar arithmetic

// @ts-ignore: decorator
@inline function canon(a: u64): u64 {
  return select<u64>(a - P, a, a >= P);
}

function pow(a: u64, e: u64): u64 {
  let r: u64 = 1;
  let b = a;
  while (e != 0) {
    if (e & 1) r = mul(r, b);
    b = mul(b, b);
    e >>= 1;
  }
  return r;
}

function inv(a: u64): u64 {
  return pow(a, P - 2);
}

/** Finishes a lazy sum: acc + carries·2^64 with carries < 2^32. */
// @ts-ignore: decorator
@inline function finishSum(acc: u64, carries: u64): u64 {
  return add(canon(acc), canon(carries * EPS));
}

// ---------------------------------------------------------------- memory layout helpers

/** First byte the JS side may use for scratch. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Index of the first word ≥ p among n, or -1: the boundary check that inputs are canonical.
 * The scan has no early exit (it ANDs per-lane masks), so the common all-canonical case runs at
 * memory speed; only a failure pays for the second, locating pass.
 */
export function firstNonCanonical(a: usize, n: i32): i32 {
  const pv = i64x2.splat(<i64>P);
  let ok = i64x2.splat(-1);
  let i = 0;
  for (; i + 1 < n; i += 2) ok = v128.and(ok, ult2(v128.load(a + (<usize>i << 3)), pv));
  let good = i64x2.all_true(ok);
  if (i < n) good = good && load<u64>(a + (<usize>i << 3)) < P;
  if (good) return -1;
  for (let j = 0; j < n; j++) {
    if (load<u64>(a + (<usize>j << 3)) >= P) return j;
  }
  return -1;
}

/** firstNonCanonical for a share of a pool: writes the index (or -1) as an i32 at res. */
export function firstNonCanonicalTo(a: usize, n: i32, res: usize): void {
  store<i32>(res, firstNonCanonical(a, n));
}

// ---------------------------------------------------------------- elementwise, base field

export function baseAdd(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, add2(v128.load(a + o), v128.load(b + o)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<u64>(out + o, add(load<u64>(a + o), load<u64>(b + o)));
  }
}

export function baseSub(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, sub2(v128.load(a + o), v128.load(b + o)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<u64>(out + o, sub(load<u64>(a + o), load<u64>(b + o)));
  }
}

export function baseMul(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, mul2(v128.load(a + o), v128.load(b + o)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<u64>(out + o, mul(load<u64>(a + o), load<u64>(b + o)));
  }
}

export function baseScale(out: usize, a: usize, s: u64, n: i32): void {
  const sv = i64x2.splat(<i64>s);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, mul2(v128.load(a + o), sv));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<u64>(out + o, mul(load<u64>(a + o), s));
  }
}

// ---------------------------------------------------------------- elementwise, extension

export function extMul(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    extMul2To(loadC0(a + o), loadC1(a + o), loadC0(b + o), loadC1(b + o));
    storeExt2(out + o, v0, v1);
  }
  if (i < n) {
    const o = <usize>i << 4;
    extMulTo(load<u64>(a + o), load<u64>(a + o, 8), load<u64>(b + o), load<u64>(b + o, 8));
    store<u64>(out + o, e0);
    store<u64>(out + o, e1, 8);
  }
}

export function extScale(out: usize, a: usize, s0: u64, s1: u64, n: i32): void {
  const b0 = i64x2.splat(<i64>s0);
  const b1 = i64x2.splat(<i64>s1);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    extMul2To(loadC0(a + o), loadC1(a + o), b0, b1);
    storeExt2(out + o, v0, v1);
  }
  if (i < n) {
    const o = <usize>i << 4;
    extMulTo(load<u64>(a + o), load<u64>(a + o, 8), s0, s1);
    store<u64>(out + o, e0);
    store<u64>(out + o, e1, 8);
  }
}

/** out[i] += s·a[i] (extension): accumulates a scaled table, e.g. a claim's eq weights. */
export function extAxpy(out: usize, a: usize, s0: u64, s1: u64, n: i32): void {
  const b0 = i64x2.splat(<i64>s0);
  const b1 = i64x2.splat(<i64>s1);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    extMul2To(loadC0(a + o), loadC1(a + o), b0, b1);
    storeExt2(out + o, add2(loadC0(out + o), v0), add2(loadC1(out + o), v1));
  }
  if (i < n) {
    const o = <usize>i << 4;
    extMulTo(load<u64>(a + o), load<u64>(a + o, 8), s0, s1);
    store<u64>(out + o, add(load<u64>(out + o), e0));
    store<u64>(out + o, add(load<u64>(out + o, 8), e1), 8);
  }
}

/** out[i] = a[i]·b[i], a in the extension, b in the base field. */
export function extMulBase(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    const x = v128.load(b + (<usize>i << 3));
    storeExt2(out + o, mul2(loadC0(a + o), x), mul2(loadC1(a + o), x));
  }
  if (i < n) {
    const o = <usize>i << 4;
    const x = load<u64>(b + (<usize>i << 3));
    store<u64>(out + o, mul(load<u64>(a + o), x));
    store<u64>(out + o, mul(load<u64>(a + o, 8), x), 8);
  }
}

/** out[i] = s·a[i], a in the base field, s in the extension. */
export function baseScaleExt(out: usize, a: usize, s0: u64, s1: u64, n: i32): void {
  const b0 = i64x2.splat(<i64>s0);
  const b1 = i64x2.splat(<i64>s1);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = v128.load(a + (<usize>i << 3));
    storeExt2(out + (<usize>i << 4), mul2(x, b0), mul2(x, b1));
  }
  if (i < n) {
    const o = <usize>i << 4;
    const x = load<u64>(a + (<usize>i << 3));
    store<u64>(out + o, mul(x, s0));
    store<u64>(out + o, mul(x, s1), 8);
  }
}

// ---------------------------------------------------------------- reductions
// Each writes its canonical result to `res` (one or two words) so a pool can combine shares.

/** Σ a[i] over n words (an extension vector of m elements is summed by stride 2 below). */
export function baseSum(a: usize, n: i32, res: usize): void {
  let acc: u64 = 0;
  let c: u64 = 0;
  for (let i = 0; i < n; i++) {
    const x = load<u64>(a + (<usize>i << 3));
    acc += x;
    c += u64(acc < x);
  }
  store<u64>(res, finishSum(acc, c));
}

export function extSum(a: usize, n: i32, res: usize): void {
  let acc0: u64 = 0;
  let c0: u64 = 0;
  let acc1: u64 = 0;
  let c1: u64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    const x = load<u64>(a + o);
    const y = load<u64>(a + o, 8);
    acc0 += x;
    c0 += u64(acc0 < x);
    acc1 += y;
    c1 += u64(acc1 < y);
  }
  store<u64>(res, finishSum(acc0, c0));
  store<u64>(res, finishSum(acc1, c1), 8);
}

export function baseInner(a: usize, b: usize, n: i32, res: usize): void {
  let acc = i64x2.splat(0);
  let carries = i64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    const x = mul2(v128.load(a + o), v128.load(b + o));
    acc = i64x2.add(acc, x);
    carries = i64x2.sub(carries, ult2(acc, x)); // a carry mask is −1
  }
  let s = add(finishSum(i64x2.extract_lane(acc, 0), i64x2.extract_lane(carries, 0)), finishSum(i64x2.extract_lane(acc, 1), i64x2.extract_lane(carries, 1)));
  if (i < n) s = add(s, mul(load<u64>(a + (<usize>i << 3)), load<u64>(b + (<usize>i << 3))));
  store<u64>(res, s);
}

export function extInner(a: usize, b: usize, n: i32, res: usize): void {
  let acc0 = i64x2.splat(0);
  let c0 = i64x2.splat(0);
  let acc1 = i64x2.splat(0);
  let c1 = i64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    extMul2To(loadC0(a + o), loadC1(a + o), loadC0(b + o), loadC1(b + o));
    acc0 = i64x2.add(acc0, v0);
    c0 = i64x2.sub(c0, ult2(acc0, v0));
    acc1 = i64x2.add(acc1, v1);
    c1 = i64x2.sub(c1, ult2(acc1, v1));
  }
  let s0 = add(finishSum(i64x2.extract_lane(acc0, 0), i64x2.extract_lane(c0, 0)), finishSum(i64x2.extract_lane(acc0, 1), i64x2.extract_lane(c0, 1)));
  let s1 = add(finishSum(i64x2.extract_lane(acc1, 0), i64x2.extract_lane(c1, 0)), finishSum(i64x2.extract_lane(acc1, 1), i64x2.extract_lane(c1, 1)));
  if (i < n) {
    const o = <usize>i << 4;
    extMulTo(load<u64>(a + o), load<u64>(a + o, 8), load<u64>(b + o), load<u64>(b + o, 8));
    s0 = add(s0, e0);
    s1 = add(s1, e1);
  }
  store<u64>(res, s0);
  store<u64>(res, s1, 8);
}

/** Σ a[i]·b[i], a in the base field, b in the extension. */
export function baseInnerExt(a: usize, b: usize, n: i32, res: usize): void {
  let acc0 = i64x2.splat(0);
  let c0 = i64x2.splat(0);
  let acc1 = i64x2.splat(0);
  let c1 = i64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = v128.load(a + (<usize>i << 3));
    const o = <usize>i << 4;
    const y0 = mul2(x, loadC0(b + o));
    const y1 = mul2(x, loadC1(b + o));
    acc0 = i64x2.add(acc0, y0);
    c0 = i64x2.sub(c0, ult2(acc0, y0));
    acc1 = i64x2.add(acc1, y1);
    c1 = i64x2.sub(c1, ult2(acc1, y1));
  }
  let s0 = add(finishSum(i64x2.extract_lane(acc0, 0), i64x2.extract_lane(c0, 0)), finishSum(i64x2.extract_lane(acc0, 1), i64x2.extract_lane(c0, 1)));
  let s1 = add(finishSum(i64x2.extract_lane(acc1, 0), i64x2.extract_lane(c1, 0)), finishSum(i64x2.extract_lane(acc1, 1), i64x2.extract_lane(c1, 1)));
  if (i < n) {
    const x = load<u64>(a + (<usize>i << 3));
    const o = <usize>i << 4;
    s0 = add(s0, mul(x, load<u64>(b + o)));
    s1 = add(s1, mul(x, load<u64>(b + o, 8)));
  }
  store<u64>(res, s0);
  store<u64>(res, s1, 8);
}

// ---------------------------------------------------------------- batch inversion

/** Index of the first zero word among n, or -1. */
export function findZero(a: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (load<u64>(a + (<usize>i << 3)) == 0) return i;
  }
  return -1;
}

/** Index of the first zero extension element among n, or -1. */
export function findZeroExt(a: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    if ((load<u64>(a + o) | load<u64>(a + o, 8)) == 0) return i;
  }
  return -1;
}

/** out[i] = 1/a[i] by Montgomery's trick (one inversion); no a[i] may be zero (checked by the caller). */
export function baseBatchInverse(out: usize, a: usize, n: i32): void {
  let acc: u64 = 1;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<u64>(out + o, acc);
    acc = mul(acc, load<u64>(a + o));
  }
  let t = inv(acc);
  for (let i = n - 1; i >= 0; i--) {
    const o = <usize>i << 3;
    store<u64>(out + o, mul(load<u64>(out + o), t));
    t = mul(t, load<u64>(a + o));
  }
}

/**
 * out[i] = 1/a[i] in the extension: 1/(c0 + c1 X) = (c0 - c1 X)/(c0^2 - 7 c1^2); the norms are
 * inverted together by Montgomery's trick. `scratch` holds 2n words. No element may be zero.
 */
export function extBatchInverse(out: usize, a: usize, n: i32, scratch: usize): void {
  const norms = scratch;
  const normInv = scratch + (<usize>n << 3);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    const c0 = load<u64>(a + o);
    const c1 = load<u64>(a + o, 8);
    store<u64>(norms + (<usize>i << 3), sub(mul(c0, c0), mul7(mul(c1, c1))));
  }
  baseBatchInverse(normInv, norms, n);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    const t = load<u64>(normInv + (<usize>i << 3));
    store<u64>(out + o, mul(load<u64>(a + o), t));
    store<u64>(out + o, mul(sub(0, load<u64>(a + o, 8)), t), 8);
  }
}

// ---------------------------------------------------------------- eq tables
// eq(r, x) = Π_j (r_j x_j + (1 - r_j)(1 - x_j)), little-endian: bit j of the index is x_j.

/** out (2^k extension elements) ← eq(r, ·) for r = k extension elements at rs. */
export function eqTableExt(out: usize, rs: usize, k: i32): void {
  store<u64>(out, 1);
  store<u64>(out, 0, 8);
  for (let j = 0; j < k; j++) {
    const r0 = load<u64>(rs + (<usize>j << 4));
    const r1 = load<u64>(rs + (<usize>j << 4), 8);
    const len = 1 << j;
    const hi = out + (<usize>len << 4);
    // t·r goes up, t·(1 - r) = t - t·r stays: one product per new entry.
    if (len == 1) {
      const t0 = load<u64>(out);
      const t1 = load<u64>(out, 8);
      extMulTo(t0, t1, r0, r1);
      store<u64>(hi, e0);
      store<u64>(hi, e1, 8);
      store<u64>(out, sub(t0, e0));
      store<u64>(out, sub(t1, e1), 8);
      continue;
    }
    const b0 = i64x2.splat(<i64>r0);
    const b1 = i64x2.splat(<i64>r1);
    for (let i = 0; i < len; i += 2) {
      const o = <usize>i << 4;
      const t0 = loadC0(out + o);
      const t1 = loadC1(out + o);
      extMul2To(t0, t1, b0, b1);
      storeExt2(hi + o, v0, v1);
      storeExt2(out + o, sub2(t0, v0), sub2(t1, v1));
    }
  }
}

export function eqTableBase(out: usize, rs: usize, k: i32): void {
  store<u64>(out, 1);
  for (let j = 0; j < k; j++) {
    const r = load<u64>(rs + (<usize>j << 3));
    const len = 1 << j;
    const hi = out + (<usize>len << 3);
    if (len == 1) {
      const t = load<u64>(out);
      const v = mul(t, r);
      store<u64>(hi, v);
      store<u64>(out, sub(t, v));
      continue;
    }
    const rv = i64x2.splat(<i64>r);
    for (let i = 0; i < len; i += 2) {
      const o = <usize>i << 3;
      const t = v128.load(out + o);
      const v = mul2(t, rv);
      v128.store(hi + o, v);
      v128.store(out + o, sub2(t, v));
    }
  }
}

/**
 * The outer product that joins an eq table of the low variables (lo, lenLo entries) with one of
 * the high variables (hi): out[h·lenLo + l] = hi[h]·lo[l] for h in [h0, h1). Splits across a pool.
 */
export function eqOuterExt(out: usize, lo: usize, lenLo: i32, hi: usize, h0: i32, h1: i32): void {
  for (let h = h0; h < h1; h++) {
    const x0 = load<u64>(hi + (<usize>h << 4));
    const x1 = load<u64>(hi + (<usize>h << 4), 8);
    extScale(out + ((<usize>h * <usize>lenLo) << 4), lo, x0, x1, lenLo);
  }
}

export function eqOuterBase(out: usize, lo: usize, lenLo: i32, hi: usize, h0: i32, h1: i32): void {
  for (let h = h0; h < h1; h++) {
    baseScale(out + ((<usize>h * <usize>lenLo) << 3), lo, load<u64>(hi + (<usize>h << 3)), lenLo);
  }
}

// ---------------------------------------------------------------- folds
// Bind the lowest variable x_0 to r: out[i] = a[2i] + r·(a[2i+1] - a[2i]); m = output length.

export function foldBase(out: usize, a: usize, m: i32, r0: u64, r1: u64): void {
  const b0 = i64x2.splat(<i64>r0);
  const b1 = i64x2.splat(<i64>r1);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const x = v128.load(a + (<usize>i << 4)); // a[2i], a[2i+1]
    const y = v128.load(a + (<usize>i << 4), 16); // a[2i+2], a[2i+3]
    const lo = v128.shuffle<i64>(x, y, 0, 2);
    const d = sub2(v128.shuffle<i64>(x, y, 1, 3), lo);
    storeExt2(out + (<usize>i << 4), add2(lo, mul2(b0, d)), mul2(b1, d));
  }
  if (i < m) {
    const lo = load<u64>(a + (<usize>i << 4));
    const d = sub(load<u64>(a + (<usize>i << 4), 8), lo);
    const o = <usize>i << 4;
    store<u64>(out + o, add(lo, mul(r0, d)));
    store<u64>(out + o, mul(r1, d), 8);
  }
}

export function foldExt(out: usize, a: usize, m: i32, r0: u64, r1: u64): void {
  const b0 = i64x2.splat(<i64>r0);
  const b1 = i64x2.splat(<i64>r1);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const ia = a + (<usize>i << 5);
    const l = v128.load(ia); // element 2i (lo of output i)
    const h = v128.load(ia, 16); // element 2i+1
    const l2 = v128.load(ia, 32); // element 2i+2 (lo of output i+1)
    const h2 = v128.load(ia, 48);
    const lo0 = v128.shuffle<i64>(l, l2, 0, 2);
    const lo1 = v128.shuffle<i64>(l, l2, 1, 3);
    extMul2To(sub2(v128.shuffle<i64>(h, h2, 0, 2), lo0), sub2(v128.shuffle<i64>(h, h2, 1, 3), lo1), b0, b1);
    storeExt2(out + (<usize>i << 4), add2(lo0, v0), add2(lo1, v1));
  }
  if (i < m) {
    const ia = <usize>i << 5;
    const l0 = load<u64>(a + ia);
    const l1 = load<u64>(a + ia, 8);
    extMulTo(sub(load<u64>(a + ia, 16), l0), sub(load<u64>(a + ia, 24), l1), r0, r1);
    const o = <usize>i << 4;
    store<u64>(out + o, add(l0, e0));
    store<u64>(out + o, add(l1, e1), 8);
  }
}

// ---------------------------------------------------------------- NTT
// Radix-2 decimation in time: a bit-reversal permutation, then layers of butterflies
// (u, v) ← (u + w·v, u - w·v). Twiddles are stored per layer, contiguously: for a layer of
// half-size h, tw[h + k] = ω_{2h}^k (k < h), so tw has n words and index 0 is unused.

/** out[i] = start·w^i for i < n (twiddles, coset shifts; a pool splits it with start = w^offset). */
export function powers(out: usize, start: u64, w: u64, n: i32): void {
  // Four independent chains (two SIMD vectors stepping by w^4) instead of one: a single chain
  // waits out the latency of every product.
  const w2 = mul(w, w);
  const w4 = i64x2.splat(<i64>mul(w2, w2));
  const s1 = mul(start, w);
  let x = i64x2.replace_lane(i64x2.splat(<i64>start), 1, <i64>s1); // start, start·w
  let y = i64x2.replace_lane(i64x2.splat(<i64>mul(start, w2)), 1, <i64>mul(s1, w2)); // ·w^2, ·w^3
  let i = 0;
  for (; i + 3 < n; i += 4) {
    v128.store(out + (<usize>i << 3), x);
    v128.store(out + (<usize>i << 3), y, 16);
    x = mul2(x, w4);
    y = mul2(y, w4);
  }
  let t = i64x2.extract_lane(x, 0); // start·w^i
  for (; i < n; i++) {
    store<u64>(out + (<usize>i << 3), t);
    t = mul(t, w);
  }
}

/** a[r·n + i] ← a[r·n + i]·v[i] for rows r in [r0, r1): one vector applied to every row. */
export function mulRows(a: usize, v: usize, n: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) baseMul(a + ((<usize>r * <usize>n) << 3), a + ((<usize>r * <usize>n) << 3), v, n);
}

/** The lower layers of the twiddle table from the top one: tw[h + k] = tw[2h + 2k]. */
export function nttTwiddlesFill(tw: usize, logN: i32): void {
  for (let h = (1 << (logN - 1)) >> 1; h >= 1; h >>= 1) {
    for (let k = 0; k < h; k++) {
      store<u64>(tw + (<usize>(h + k) << 3), load<u64>(tw + (<usize>(2 * h + 2 * k) << 3)));
    }
  }
}

// @ts-ignore: decorator
@inline function rev32(x: u32): u32 {
  x = ((x >> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return (x >> 16) | (x << 16);
}

/** out[rev(i)] = a[i] for i in [i0, i1), rev reversing logN ≥ 1 bits. */
export function bitReverseCopy(out: usize, a: usize, logN: i32, i0: i32, i1: i32): void {
  const shift = 32 - logN;
  for (let i = i0; i < i1; i++) {
    const j = rev32(<u32>i) >> shift;
    store<u64>(out + (<usize>j << 3), load<u64>(a + (<usize>i << 3)));
  }
}

/** Bits of the row and column index of a bit-reversal tile: tiles are 2^4 × 2^4 words. */
const TILE_LOG: i32 = 4;

/**
 * out[rev(i)] = a[i] by tiles, for logN ≥ 2·TILE_LOG, over the middle indices [m0, m1). Write
 * i = hi·2^(logN-4) + mid·2^4 + lo; then rev(i) = rev4(lo)·2^(logN-4) + rev(mid)·2^4 + rev4(hi).
 * For one mid the 16 source rows and the 16 destination rows are each a full cache line pair,
 * where an element-by-element reversal would miss the cache on nearly every write.
 */
export function bitReverseTiles(out: usize, a: usize, logN: i32, m0: i32, m1: i32): void {
  const rowShift = logN - TILE_LOG;
  const midBits = logN - 2 * TILE_LOG;
  const tile = 1 << TILE_LOG;
  for (let mid = m0; mid < m1; mid++) {
    const rmid = midBits == 0 ? 0 : rev32(<u32>mid) >> (32 - midBits);
    for (let hi = 0; hi < tile; hi++) {
      const src = a + ((<usize>(hi << rowShift) + (<usize>mid << TILE_LOG)) << 3);
      const dstCol = (<usize>rmid << TILE_LOG) + <usize>(rev32(<u32>hi) >> (32 - TILE_LOG));
      for (let lo = 0; lo < tile; lo++) {
        const rlo = <usize>(rev32(<u32>lo) >> (32 - TILE_LOG));
        store<u64>(out + (((rlo << rowShift) + dstCol) << 3), load<u64>(src + (<usize>lo << 3)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function butterfly(pu: usize, pv: usize, w: u64): void {
  const u = load<u64>(pu);
  const v = mul(load<u64>(pv), w);
  store<u64>(pu, add(u, v));
  store<u64>(pv, sub(u, v));
}

/** Two adjacent butterflies at once (k and k+1 share the block, their twiddles are adjacent). */
// @ts-ignore: decorator
@inline function butterfly2(pu: usize, pv: usize, w: v128): void {
  const u = v128.load(pu);
  const v = mul2(v128.load(pv), w);
  v128.store(pu, add2(u, v));
  v128.store(pv, sub2(u, v));
}

/**
 * Runs the first logB layers on each block of 2^logB words with index in [b0, b1): blocks are
 * independent, and a block that fits in cache is finished before the next is touched.
 */
export function nttBlocks(a: usize, tw: usize, logB: i32, b0: i32, b1: i32): void {
  const size = 1 << logB;
  for (let b = b0; b < b1; b++) {
    const base = a + ((<usize>b << logB) << 3);
    // Layer h = 1: the twiddle is 1, so (u, v) ← (u + v, u − v) without a product.
    if (size == 2) {
      const u = load<u64>(base);
      const v = load<u64>(base, 8);
      store<u64>(base, add(u, v));
      store<u64>(base, sub(u, v), 8);
      continue;
    }
    for (let s = 0; s < size; s += 4) {
      const x = v128.load(base + (<usize>s << 3)); // u0 v0
      const y = v128.load(base + (<usize>s << 3), 16); // u1 v1
      const u = v128.shuffle<i64>(x, y, 0, 2);
      const v = v128.shuffle<i64>(x, y, 1, 3);
      const sum = add2(u, v);
      const dif = sub2(u, v);
      v128.store(base + (<usize>s << 3), v128.shuffle<i64>(sum, dif, 0, 2));
      v128.store(base + (<usize>s << 3), v128.shuffle<i64>(sum, dif, 1, 3), 16);
    }
    for (let h = 2; h < size; h <<= 1) {
      const twh = tw + (<usize>h << 3);
      const hb = <usize>h << 3;
      for (let s = 0; s < size; s += 2 * h) {
        const ps = base + (<usize>s << 3);
        for (let k = 0; k < h; k += 2) {
          butterfly2(ps + (<usize>k << 3), ps + (<usize>k << 3) + hb, v128.load(twh + (<usize>k << 3)));
        }
      }
    }
  }
}

/**
 * One layer of half-size h = 2^(lenLog-1) over the butterflies t in [t0, t1) of that layer
 * (n/2 in all; butterfly t pairs j = (t / h)·2h + t mod h with j + h).
 */
export function nttLayer(a: usize, tw: usize, lenLog: i32, t0: i32, t1: i32): void {
  const hLog = lenLog - 1;
  const h = 1 << hLog;
  const hb = <usize>h << 3;
  let t = t0;
  while (t < t1) {
    const blk = t >> hLog;
    const k0 = t & (h - 1);
    const kEnd = min(h, k0 + (t1 - t));
    const ps = a + ((<usize>blk << lenLog) << 3);
    let k = k0;
    for (; k + 1 < kEnd; k += 2) {
      const o = <usize>k << 3;
      butterfly2(ps + o, ps + o + hb, v128.load(tw + hb + o));
    }
    if (k < kEnd) {
      const o = <usize>k << 3;
      butterfly(ps + o, ps + o + hb, load<u64>(tw + hb + o));
    }
    t += kEnd - k0;
  }
}

/**
 * Whole NTTs of the rows r in [r0, r1) of length 2^logN ≥ 2: bit-reversed copy from a to out,
 * then every layer (the first logB by blocks). Rows are independent, so a pool splits by rows.
 */
export function nttRows(out: usize, a: usize, tw: usize, logN: i32, logB: i32, r0: i32, r1: i32): void {
  const n = 1 << logN;
  for (let r = r0; r < r1; r++) {
    const src = a + ((<usize>r << logN) << 3);
    const dst = out + ((<usize>r << logN) << 3);
    if (logN >= 2 * TILE_LOG) bitReverseTiles(dst, src, logN, 0, 1 << (logN - 2 * TILE_LOG));
    else bitReverseCopy(dst, src, logN, 0, n);
    nttBlocks(dst, tw, logB, 0, n >> logB);
    for (let lenLog = logB + 1; lenLog <= logN; lenLog++) nttLayer(dst, tw, lenLog, 0, n >> 1);
  }
}

// ---------------------------------------------------------------- Reed–Solomon encoding (src/pcs)

/**
 * The codewords of the messages of rows [r0, r1): row r's k coefficients at msgs + 8·r·k, times
 * pows[i] (the coset shift's powers), zero-padded to 2^logN ≥ 8 and transformed like `nttRows`,
 * into cw + 8·r·2^logN. Needs k ≤ 2^(logN−1) (blowup ≥ 2). The zero padding is used: after the
 * bit reversal, block s of 4 words holds coefficients x, x + N/2, x + N/4, x + 3N/4 with
 * x = rev(s) on logN − 2 bits, and the two of them at ≥ N/2 are zero, so the first two layers
 * reduce to (a + b, a + ω4·b, a − b, a − ω4·b) with a, b the coefficients x and x + N/4
 * (the same values the full layers give: the arithmetic is exact).
 */
export function encodeRows(cw: usize, msgs: usize, k: i32, pows: usize, tw: usize, logN: i32, logB: i32, r0: i32, r1: i32): void {
  if (logN < 3) {
    encodeRowsSmall(cw, msgs, k, pows, tw, logN, r0, r1);
    return;
  }
  const q = 1 << (logN - 2);
  const qShift = 32 - (logN - 2);
  const w4 = load<u64>(tw + 24); // tw[3] = ω_4
  const size = 1 << logB;
  for (let r = r0; r < r1; r++) {
    const src = msgs + ((<usize>r * <usize>k) << 3);
    const dst = cw + ((<usize>r << logN) << 3);
    for (let s = 0; s < q; s++) {
      const x = <i32>(rev32(<u32>s) >> qShift);
      let a: u64 = 0;
      if (x < k) a = mul(load<u64>(src + (<usize>x << 3)), load<u64>(pows + (<usize>x << 3)));
      const o = dst + (<usize>s << 5);
      if (x + q < k) {
        const b = mul(load<u64>(src + (<usize>(x + q) << 3)), load<u64>(pows + (<usize>(x + q) << 3)));
        const wb = mul(b, w4);
        store<u64>(o, add(a, b));
        store<u64>(o, add(a, wb), 8);
        store<u64>(o, sub(a, b), 16);
        store<u64>(o, sub(a, wb), 24);
      } else {
        // b = 0 (all but the t top coefficients): the block is a four times
        const v = i64x2.splat(<i64>a);
        v128.store(o, v);
        v128.store(o, v, 16);
      }
    }
    // The remaining layers: h = 4 … size/2 block by block, then one pass per layer.
    for (let blk = 0; blk < (1 << logN) >> logB; blk++) {
      const base = dst + ((<usize>blk << logB) << 3);
      for (let h = 4; h < size; h <<= 1) {
        const twh = tw + (<usize>h << 3);
        const hb = <usize>h << 3;
        for (let s = 0; s < size; s += 2 * h) {
          const ps = base + (<usize>s << 3);
          for (let j = 0; j < h; j += 2) {
            butterfly2(ps + (<usize>j << 3), ps + (<usize>j << 3) + hb, v128.load(twh + (<usize>j << 3)));
          }
        }
      }
    }
    for (let lenLog = logB + 1; lenLog <= logN; lenLog++) nttLayer(dst, tw, lenLog, 0, 1 << (logN - 1));
  }
}

/** encodeRows for 2^logN ∈ {2, 4}: scaled coefficients scattered in bit-reversed order, then every layer. */
function encodeRowsSmall(cw: usize, msgs: usize, k: i32, pows: usize, tw: usize, logN: i32, r0: i32, r1: i32): void {
  const n = 1 << logN;
  for (let r = r0; r < r1; r++) {
    const src = msgs + ((<usize>r * <usize>k) << 3);
    const dst = cw + ((<usize>r << logN) << 3);
    memory.fill(dst, 0, <usize>n << 3);
    for (let i = 0; i < k; i++) {
      const j = rev32(<u32>i) >> (32 - logN);
      store<u64>(dst + (<usize>j << 3), mul(load<u64>(src + (<usize>i << 3)), load<u64>(pows + (<usize>i << 3))));
    }
    nttBlocks(dst, tw, logN, 0, 1);
  }
}

/**
 * Leaves [j0, j1) of a commitment into out (leafBytes each, consecutive): leaf j is the 16-byte
 * salt j, then symbol j of each of the `rows` codewords (cw: rows × 2^logN words, row-major).
 * Eight leaves at a time, so each row's read is one cache line and each leaf is written in order.
 */
export function transposeLeaves(out: usize, leafBytes: i32, cw: usize, rows: i32, logN: i32, salts: usize, j0: i32, j1: i32): void {
  for (let j = j0; j < j1; j++) v128.store(out + <usize>(j - j0) * <usize>leafBytes, v128.load(salts + (<usize>j << 4)));
  let j = j0;
  for (; j + 8 <= j1; j += 8) {
    const o = out + <usize>(j - j0) * <usize>leafBytes + 16;
    const lb = <usize>leafBytes;
    for (let r = 0; r < rows; r++) {
      const src = cw + (((<usize>r << logN) + <usize>j) << 3);
      const d = o + (<usize>r << 3);
      store<u64>(d, load<u64>(src));
      store<u64>(d + lb, load<u64>(src, 8));
      store<u64>(d + 2 * lb, load<u64>(src, 16));
      store<u64>(d + 3 * lb, load<u64>(src, 24));
      store<u64>(d + 4 * lb, load<u64>(src, 32));
      store<u64>(d + 5 * lb, load<u64>(src, 40));
      store<u64>(d + 6 * lb, load<u64>(src, 48));
      store<u64>(d + 7 * lb, load<u64>(src, 56));
    }
  }
  for (; j < j1; j++) {
    const o = out + <usize>(j - j0) * <usize>leafBytes + 16;
    for (let r = 0; r < rows; r++) store<u64>(o + (<usize>r << 3), load<u64>(cw + (((<usize>r << logN) + <usize>j) << 3)));
  }
}

/** Columns per tile of combineRows: the accumulators of a tile stay in L1 cache. */
const COMBINE_TILE: i32 = 256;

/**
 * Row combinations: out[c] = Σ_i w[c][i]·msgs[i] for c < combos over columns [c0, c1) (c0 even),
 * with msgs `rows` base-field rows of k words, w `combos` × `rows` F_p2 weights (zero weights
 * skipped), out `combos` F_p2 rows of k elements. acc: 2·COMBINE_TILE words per combination of
 * scratch for this call (the two coordinates apart, so two columns go in one SIMD product).
 */
export function combineRows(out: usize, msgs: usize, k: i32, rows: i32, w: usize, combos: i32, c0: i32, c1: i32, acc: usize): void {
  for (let t0 = c0; t0 < c1; t0 += COMBINE_TILE) {
    const t1 = min(c1, t0 + COMBINE_TILE);
    const len = t1 - t0;
    memory.fill(acc, 0, (<usize>combos * <usize>COMBINE_TILE) << 4);
    for (let i = 0; i < rows; i++) {
      const row = msgs + ((<usize>i * <usize>k + <usize>t0) << 3);
      for (let c = 0; c < combos; c++) {
        const pw = w + ((<usize>c * <usize>rows + <usize>i) << 4);
        const w0 = load<u64>(pw);
        const w1 = load<u64>(pw, 8);
        if ((w0 | w1) == 0) continue;
        const a0 = acc + ((<usize>c * <usize>COMBINE_TILE) << 4);
        const a1 = a0 + (<usize>COMBINE_TILE << 3);
        const v0w = i64x2.splat(<i64>w0);
        const v1w = i64x2.splat(<i64>w1);
        let j = 0;
        for (; j + 1 < len; j += 2) {
          const o = <usize>j << 3;
          const m = v128.load(row + o);
          v128.store(a0 + o, add2(v128.load(a0 + o), mul2(m, v0w)));
          v128.store(a1 + o, add2(v128.load(a1 + o), mul2(m, v1w)));
        }
        if (j < len) {
          const o = <usize>j << 3;
          const m = load<u64>(row + o);
          store<u64>(a0 + o, add(load<u64>(a0 + o), mul(m, w0)));
          store<u64>(a1 + o, add(load<u64>(a1 + o), mul(m, w1)));
        }
      }
    }
    for (let c = 0; c < combos; c++) {
      const a0 = acc + ((<usize>c * <usize>COMBINE_TILE) << 4);
      const a1 = a0 + (<usize>COMBINE_TILE << 3);
      const po = out + ((<usize>c * <usize>k + <usize>t0) << 4);
      for (let j = 0; j < len; j++) {
        store<u64>(po + (<usize>j << 4), load<u64>(a0 + (<usize>j << 3)));
        store<u64>(po + (<usize>j << 4), load<u64>(a1 + (<usize>j << 3)), 8);
      }
    }
  }
}

// ---------------------------------------------------------------- benchmark loops
// Many multiplications in place, so a benchmark measures arithmetic, not copies or calls.

export function mulLoop(a: usize, n: i32, iters: i32, c: u64): void {
  for (let it = 0; it < iters; it++) baseScale(a, a, c, n);
}

export function extMulLoop(a: usize, n: i32, iters: i32, c0: u64, c1: u64): void {
  for (let it = 0; it < iters; it++) extScale(a, a, c0, c1, n);
}

// ---------------------------------------------------------------- Merkle nodes (src/pcs)
export { merkleNodes } from './lib/sha256';
