// Sumcheck prover kernels over Goldilocks (p = 2^64 - 2^32 + 1) and F_p2 = F_p[X]/(X^2 - 7).
//
// The JS side (src/sumcheck/kernel.ts) owns this module's memory: it copies bookkeeping tables
// in once per proof, then every round is one `roundTerm` call per product term and one `fold`
// call per table, all on pointers. Tables are little-endian multilinear tables: the pair of
// entries (2i, 2i+1) differs only in the variable bound next. Base tables are one u64 word per
// entry, extension tables two (c0, c1). Every input and output word is canonical (< p).
//
// Arithmetic is branch-free (select) so the timing of the hot loops does not depend on values.

import { P, EPS, LO32, add as addp, sub as subp, reduce128 as reduce, mul as mulp, mul7 } from './lib/goldilocks';
import { r0, r1, extMul, setExt } from './lib/ext';
import { mul2, add2, sub2, extMul2To, v0 as x0, v1 as x1, loadC0, loadC1, storeExt2 } from './lib/simd';

// The LogUp-GKR fraction tree's kernels: in this module so the tree lives in this memory and its passes run on the pool.
export * from './lib/logup-gkr';
// The sponge trace's layer recovery: the digest prover copies the stored columns here and recovers the other layers on the pool.
export * from './lib/poseidon2-layers';

/** Pairs per block of `roundTerm`: the accumulators of a block stay in L1. */
const BLOCK: i32 = 128;

/**
 * Accumulates into `out` the evaluations at t = 0, 1, …, d of the round polynomial of one
 * product term: out[t] += Σ_{i} Π_j (lo_ij + t·(hi_ij − lo_ij)), lo_ij = f_j[2i], hi_ij =
 * f_j[2i+1], over the pairs i in [pairOffset, pairOffset + nPairs). With skipOne = 1 the point
 * t = 1 is not computed (out[1] is left alone): the prover derives it from the running claim.
 *
 * `desc` holds k factor descriptors of two u32 words: the table pointer and 1 if the table is
 * an extension table (0 if base). Base factors must come first, so the block accumulators stay
 * in the base field until the first extension factor (the prover's "base until bound" rule).
 * `scratch` needs (d+1)·BLOCK·16 bytes; `out` holds d+1 extension elements.
 */
export function roundTerm(desc: usize, k: i32, pairOffset: i32, nPairs: i32, d: i32, skipOne: i32, scratch: usize, out: usize): void {
  roundTermWeighted(desc, k, pairOffset, nPairs, d, skipOne, 0, scratch, out);
}

/**
 * roundTerm with a weight per pair: out[t] += Σ_i w_i · Π_j f_j(t), w an extension table
 * indexed like the pairs (w_i at weights + 16·(pairOffset + i)); weights = 0 means w_i = 1.
 * The eq-factored prover (Gruen) passes eq(ρ_{>k}, ·) here instead of folding an eq table.
 */
export function roundTermWeighted(desc: usize, k: i32, pairOffset: i32, nPairs: i32, d: i32, skipOne: i32, weights: usize, scratch: usize, out: usize): void {
  const tStart = skipOne != 0 ? 2 : 1;
  const stride = <usize>BLOCK << 4;
  for (let b0 = 0; b0 < nPairs; b0 += BLOCK) {
    const bn = min<i32>(BLOCK, nPairs - b0);
    const first = pairOffset + b0;
    let accExt = false;
    for (let j = 0; j < k; j++) {
      const ptr = <usize>load<u32>(desc + (<usize>j << 3));
      const isExt = load<u32>(desc + (<usize>j << 3), 4) != 0;
      if (!isExt) {
        // base factor; the accumulators are still base (base factors come first)
        for (let i = 0; i < bn; i++) {
          const a = ptr + (<usize>(first + i) << 4);
          const lo = load<u64>(a);
          const hi = load<u64>(a, 8);
          const diff = subp(hi, lo);
          const s0 = scratch + (<usize>i << 4);
          if (j == 0) store<u64>(s0, lo);
          else store<u64>(s0, mulp(load<u64>(s0), lo));
          let v = tStart == 1 ? hi : addp(hi, diff);
          let s = s0 + stride * <usize>tStart;
          for (let t = tStart; t <= d; t++) {
            if (j == 0) store<u64>(s, v);
            else store<u64>(s, mulp(load<u64>(s), v));
            v = addp(v, diff);
            s += stride;
          }
        }
      } else {
        if (!accExt && j > 0) {
          // promote the base accumulators to the extension: c1 = 0
          for (let t = 0; t <= d; t++) {
            for (let i = 0; i < bn; i++) store<u64>(scratch + stride * <usize>t + (<usize>i << 4), 0, 8);
          }
        }
        for (let i = 0; i < bn; i++) {
          const a = ptr + (<usize>(first + i) << 5);
          const lo0 = load<u64>(a);
          const lo1 = load<u64>(a, 8);
          const hi0 = load<u64>(a, 16);
          const hi1 = load<u64>(a, 24);
          const d0 = subp(hi0, lo0);
          const d1 = subp(hi1, lo1);
          const s0 = scratch + (<usize>i << 4);
          if (j == 0) {
            store<u64>(s0, lo0);
            store<u64>(s0, lo1, 8);
          } else {
            extMul(load<u64>(s0), load<u64>(s0, 8), lo0, lo1);
            store<u64>(s0, r0);
            store<u64>(s0, r1, 8);
          }
          let v0 = tStart == 1 ? hi0 : addp(hi0, d0);
          let v1 = tStart == 1 ? hi1 : addp(hi1, d1);
          let s = s0 + stride * <usize>tStart;
          for (let t = tStart; t <= d; t++) {
            if (j == 0) {
              store<u64>(s, v0);
              store<u64>(s, v1, 8);
            } else {
              extMul(load<u64>(s), load<u64>(s, 8), v0, v1);
              store<u64>(s, r0);
              store<u64>(s, r1, 8);
            }
            v0 = addp(v0, d0);
            v1 = addp(v1, d1);
            s += stride;
          }
        }
        accExt = true;
      }
    }
    // add the block's products into out
    for (let t = 0; t <= d; t++) {
      if (t == 1 && skipOne != 0) continue;
      const o = out + (<usize>t << 4);
      let s0 = load<u64>(o);
      let s1 = load<u64>(o, 8);
      const base = scratch + stride * <usize>t;
      if (weights != 0) {
        const wb = weights + (<usize>first << 4);
        for (let i = 0; i < bn; i++) {
          const s = base + (<usize>i << 4);
          const w = wb + (<usize>i << 4);
          if (accExt) {
            extMul(load<u64>(s), load<u64>(s, 8), load<u64>(w), load<u64>(w, 8));
            s0 = addp(s0, r0);
            s1 = addp(s1, r1);
          } else {
            const v = load<u64>(s);
            s0 = addp(s0, mulp(v, load<u64>(w)));
            s1 = addp(s1, mulp(v, load<u64>(w, 8)));
          }
        }
      } else if (accExt) {
        for (let i = 0; i < bn; i++) {
          const s = base + (<usize>i << 4);
          s0 = addp(s0, load<u64>(s));
          s1 = addp(s1, load<u64>(s, 8));
        }
      } else {
        for (let i = 0; i < bn; i++) s0 = addp(s0, load<u64>(base + (<usize>i << 4)));
      }
      store<u64>(o, s0);
      store<u64>(o, s1, 8);
    }
  }
}

/**
 * Binds the lowest variable of a base table of 2m entries to (c0 + c1 X), in place: the
 * extension entry i (words 2i, 2i+1) becomes lo + c·(hi − lo). foldBaseTo with out = a: each
 * step (entries i, i + 1) overwrites exactly the four words it reads, so in place is safe.
 */
export function foldBaseInPlace(a: usize, m: i32, c0: u64, c1: u64): void {
  foldBaseTo(a, a, m, c0, c1);
}

/**
 * Binds the lowest variable of an extension table of 2m entries, in place (entry i ← pair i):
 * foldExtTo with out = a; a step writes words 4i … 4i + 3 after reading 8i … 8i + 7, below every
 * later read.
 */
export function foldExtInPlace(a: usize, m: i32, c0: u64, c1: u64): void {
  foldExtTo(a, a, m, c0, c1);
}

/**
 * eq(r, x) for x in {0,1}^k into `out` (2^k extension entries), little-endian: bit j of the
 * index is x_j. `rs` holds k extension elements.
 */
export function eqTable(out: usize, rs: usize, k: i32): void {
  store<u64>(out, 1);
  store<u64>(out, 0, 8);
  for (let j = 0; j < k; j++) {
    const c0 = load<u64>(rs + (<usize>j << 4));
    const c1 = load<u64>(rs + (<usize>j << 4), 8);
    const half = 1 << j;
    // two entries per step on SIMD lanes (from j = 1 on)
    const k0 = i64x2.splat(<i64>c0), k1 = i64x2.splat(<i64>c1);
    let i = 0;
    for (; i + 1 < half; i += 2) {
      const lo = out + (<usize>i << 4);
      const hi = out + (<usize>(i + half) << 4);
      const a0 = loadC0(lo), a1 = loadC1(lo);
      extMul2To(a0, a1, k0, k1);
      storeExt2(hi, x0, x1);
      storeExt2(lo, sub2(a0, x0), sub2(a1, x1));
    }
    for (; i < half; i++) {
      const lo = out + (<usize>i << 4);
      const hi = out + (<usize>(i + half) << 4);
      const a0 = load<u64>(lo);
      const a1 = load<u64>(lo, 8);
      extMul(a0, a1, c0, c1);
      store<u64>(hi, r0);
      store<u64>(hi, r1, 8);
      // a·(1 − r) = a − a·r
      store<u64>(lo, subp(a0, r0));
      store<u64>(lo, subp(a1, r1), 8);
    }
  }
}

/** Σ of n extension entries, written to res (two words). */
export function extSum(a: usize, n: i32, res: usize): void {
  let s0: u64 = 0;
  let s1: u64 = 0;
  for (let i = 0; i < n; i++) {
    s0 = addp(s0, load<u64>(a + (<usize>i << 4)));
    s1 = addp(s1, load<u64>(a + (<usize>i << 4), 8));
  }
  store<u64>(res, s0);
  store<u64>(res, s1, 8);
}

/** out[i] = 1/(α − a[i]) for base a, α = (c0 + c1 X) not in F_p (so every α − a[i] ≠ 0). Montgomery batch inversion; out holds n extension entries, used as scratch for the prefix products. Returns 0, or 1 if some α − a[i] was zero. */
export function invShiftedBase(out: usize, a: usize, n: i32, c0: u64, c1: u64): i32 {
  return invShifted(out, a, n, c0, c1, false);
}

/** As invShiftedBase for an extension vector a. */
export function invShiftedExt(out: usize, a: usize, n: i32, c0: u64, c1: u64): i32 {
  return invShifted(out, a, n, c0, c1, true);
}

// @ts-ignore: decorator
@inline function shifted0(a: usize, i: i32, c0: u64, isExt: bool): u64 {
  return subp(c0, load<u64>(a + (isExt ? <usize>i << 4 : <usize>i << 3)));
}
// @ts-ignore: decorator
@inline function shifted1(a: usize, i: i32, c1: u64, isExt: bool): u64 {
  return isExt ? subp(c1, load<u64>(a + (<usize>i << 4), 8)) : c1;
}

function powp(a: u64, e: u64): u64 {
  let r: u64 = 1;
  let b = a;
  while (e != 0) {
    if (e & 1) r = mulp(r, b);
    b = mulp(b, b);
    e >>= 1;
  }
  return r;
}

function invShifted(out: usize, a: usize, n: i32, c0: u64, c1: u64, isExt: bool): i32 {
  if (n == 0) return 0;
  // prefix products: out[i] = Π_{j ≤ i} (α − a_j)
  let p0: u64 = 1;
  let p1: u64 = 0;
  for (let i = 0; i < n; i++) {
    extMul(p0, p1, shifted0(a, i, c0, isExt), shifted1(a, i, c1, isExt));
    p0 = r0;
    p1 = r1;
    store<u64>(out + (<usize>i << 4), p0);
    store<u64>(out + (<usize>i << 4), p1, 8);
  }
  // (p0 + p1 X)^-1 = (p0 − p1 X) / (p0^2 − 7 p1^2)
  const norm = subp(mulp(p0, p0), mul7(mulp(p1, p1)));
  if (norm == 0) return 1;
  const ni = powp(norm, P - 2);
  let q0 = mulp(p0, ni);
  let q1 = mulp(subp(0, p1), ni);
  for (let i = n - 1; i > 0; i--) {
    // out[i] = q · prefix[i-1]; q ← q · (α − a_i)
    const prev = out + (<usize>(i - 1) << 4);
    extMul(q0, q1, load<u64>(prev), load<u64>(prev, 8));
    const o = out + (<usize>i << 4);
    store<u64>(o, r0);
    store<u64>(o, r1, 8);
    extMul(q0, q1, shifted0(a, i, c0, isExt), shifted1(a, i, c1, isExt));
    q0 = r0;
    q1 = r1;
  }
  store<u64>(out, q0);
  store<u64>(out, q1, 8);
  return 0;
}

/**
 * out[i] = Σ_j c_j·a_j[i] for i < n: a linear combination of k base tables (their pointers at
 * `ptrs`, one u32 each) with extension coefficients (at `coeffs`, two words each) into an
 * extension table. Column by column, so each table streams through once.
 */
export function combineBase(out: usize, ptrs: usize, coeffs: usize, k: i32, n: i32): void {
  for (let j = 0; j < k; j++) {
    const a = <usize>load<u32>(ptrs + (<usize>j << 2));
    const c0 = load<u64>(coeffs + (<usize>j << 4));
    const c1 = load<u64>(coeffs + (<usize>j << 4), 8);
    for (let i = 0; i < n; i++) {
      const x = load<u64>(a + (<usize>i << 3));
      const o = out + (<usize>i << 4);
      const y0 = mulp(c0, x);
      const y1 = mulp(c1, x);
      if (j === 0) {
        store<u64>(o, y0);
        store<u64>(o, y1, 8);
      } else {
        store<u64>(o, addp(load<u64>(o), y0));
        store<u64>(o, addp(load<u64>(o, 8), y1), 8);
      }
    }
  }
}

/** out[i] = a[i]·b[i] with a in the extension and b in the base field (out may be a). */
export function extMulBase(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = load<u64>(b + (<usize>i << 3));
    const o = <usize>i << 4;
    const a0 = load<u64>(a + o);
    const a1 = load<u64>(a + o, 8);
    store<u64>(out + o, mulp(a0, x));
    store<u64>(out + o, mulp(a1, x), 8);
  }
}

/**
 * The common case of `roundTerm` without scratch: a product of two tables and degree 2.
 * Accumulates Σ_i f(t)·g(t) for t = 0, 2 (and t = 1 when withOne ≠ 0) into out[0..2].
 * aExt/bExt say whether each table is an extension table; when only one is, it must be b.
 */
export function roundProd2(a: usize, aExt: i32, b: usize, bExt: i32, nPairs: i32, withOne: i32, out: usize): void {
  // two pairs per step on SIMD lanes; an odd last pair by the scalar loop
  const even = nPairs & ~1;
  let s00 = i64x2.splat(0), s01 = i64x2.splat(0), s10 = i64x2.splat(0), s11 = i64x2.splat(0), s20 = i64x2.splat(0), s21 = i64x2.splat(0);
  if (aExt == 0 && bExt == 0) {
    for (let i = 0; i < even; i += 2) {
      const pa = a + (<usize>i << 4);
      const pb = b + (<usize>i << 4);
      const xa = v128.load(pa), ya = v128.load(pa, 16);
      const xb = v128.load(pb), yb = v128.load(pb, 16);
      const alo = v128.shuffle<i64>(xa, ya, 0, 2), ahi = v128.shuffle<i64>(xa, ya, 1, 3);
      const blo = v128.shuffle<i64>(xb, yb, 0, 2), bhi = v128.shuffle<i64>(xb, yb, 1, 3);
      s00 = add2(s00, mul2(alo, blo));
      if (withOne != 0) s10 = add2(s10, mul2(ahi, bhi));
      s20 = add2(s20, mul2(add2(ahi, sub2(ahi, alo)), add2(bhi, sub2(bhi, blo))));
    }
  } else if (aExt == 0) {
    for (let i = 0; i < even; i += 2) {
      const pa = a + (<usize>i << 4);
      const pb = b + (<usize>i << 5);
      const xa = v128.load(pa), ya = v128.load(pa, 16);
      const alo = v128.shuffle<i64>(xa, ya, 0, 2), ahi = v128.shuffle<i64>(xa, ya, 1, 3);
      const l = v128.load(pb), h = v128.load(pb, 16), l2 = v128.load(pb, 32), h2 = v128.load(pb, 48);
      const blo0 = v128.shuffle<i64>(l, l2, 0, 2), blo1 = v128.shuffle<i64>(l, l2, 1, 3);
      const bhi0 = v128.shuffle<i64>(h, h2, 0, 2), bhi1 = v128.shuffle<i64>(h, h2, 1, 3);
      s00 = add2(s00, mul2(alo, blo0));
      s01 = add2(s01, mul2(alo, blo1));
      if (withOne != 0) {
        s10 = add2(s10, mul2(ahi, bhi0));
        s11 = add2(s11, mul2(ahi, bhi1));
      }
      const a2 = add2(ahi, sub2(ahi, alo));
      s20 = add2(s20, mul2(a2, add2(bhi0, sub2(bhi0, blo0))));
      s21 = add2(s21, mul2(a2, add2(bhi1, sub2(bhi1, blo1))));
    }
  } else {
    for (let i = 0; i < even; i += 2) {
      const pa = a + (<usize>i << 5);
      const pb = b + (<usize>i << 5);
      const la = v128.load(pa), ha = v128.load(pa, 16), la2 = v128.load(pa, 32), ha2 = v128.load(pa, 48);
      const lb = v128.load(pb), hb = v128.load(pb, 16), lb2 = v128.load(pb, 32), hb2 = v128.load(pb, 48);
      const alo0 = v128.shuffle<i64>(la, la2, 0, 2), alo1 = v128.shuffle<i64>(la, la2, 1, 3);
      const ahi0 = v128.shuffle<i64>(ha, ha2, 0, 2), ahi1 = v128.shuffle<i64>(ha, ha2, 1, 3);
      const blo0 = v128.shuffle<i64>(lb, lb2, 0, 2), blo1 = v128.shuffle<i64>(lb, lb2, 1, 3);
      const bhi0 = v128.shuffle<i64>(hb, hb2, 0, 2), bhi1 = v128.shuffle<i64>(hb, hb2, 1, 3);
      extMul2To(alo0, alo1, blo0, blo1);
      s00 = add2(s00, x0);
      s01 = add2(s01, x1);
      if (withOne != 0) {
        extMul2To(ahi0, ahi1, bhi0, bhi1);
        s10 = add2(s10, x0);
        s11 = add2(s11, x1);
      }
      extMul2To(add2(ahi0, sub2(ahi0, alo0)), add2(ahi1, sub2(ahi1, alo1)), add2(bhi0, sub2(bhi0, blo0)), add2(bhi1, sub2(bhi1, blo1)));
      s20 = add2(s20, x0);
      s21 = add2(s21, x1);
    }
  }
  addLanes(out, 0, s00, s01);
  if (withOne != 0) addLanes(out, 1, s10, s11);
  addLanes(out, 2, s20, s21);
  if (even < nPairs) roundProd2Scalar(a + (<usize>even << (aExt != 0 ? 5 : 4)), aExt, b + (<usize>even << (bExt != 0 ? 5 : 4)), bExt, nPairs - even, withOne, out);
}

/** out[t] += (lanes of c0 summed, lanes of c1 summed): a SIMD accumulator into extension entry t. */
// @ts-ignore: decorator
@inline function addLanes(out: usize, t: i32, c0: v128, c1: v128): void {
  const o = out + (<usize>t << 4);
  store<u64>(o, addp(load<u64>(o), addp(<u64>i64x2.extract_lane(c0, 0), <u64>i64x2.extract_lane(c0, 1))));
  store<u64>(o, addp(load<u64>(o, 8), addp(<u64>i64x2.extract_lane(c1, 0), <u64>i64x2.extract_lane(c1, 1))), 8);
}

/** roundProd2 one pair at a time (an odd last pair). */
function roundProd2Scalar(a: usize, aExt: i32, b: usize, bExt: i32, nPairs: i32, withOne: i32, out: usize): void {
  let s00: u64 = 0, s01: u64 = 0, s10: u64 = 0, s11: u64 = 0, s20: u64 = 0, s21: u64 = 0;
  if (aExt == 0 && bExt == 0) {
    for (let i = 0; i < nPairs; i++) {
      const pa = a + (<usize>i << 4);
      const pb = b + (<usize>i << 4);
      const alo = load<u64>(pa), ahi = load<u64>(pa, 8);
      const blo = load<u64>(pb), bhi = load<u64>(pb, 8);
      s00 = addp(s00, mulp(alo, blo));
      if (withOne != 0) s10 = addp(s10, mulp(ahi, bhi));
      s20 = addp(s20, mulp(addp(ahi, subp(ahi, alo)), addp(bhi, subp(bhi, blo))));
    }
  } else if (aExt == 0) {
    for (let i = 0; i < nPairs; i++) {
      const pa = a + (<usize>i << 4);
      const pb = b + (<usize>i << 5);
      const alo = load<u64>(pa), ahi = load<u64>(pa, 8);
      const blo0 = load<u64>(pb), blo1 = load<u64>(pb, 8), bhi0 = load<u64>(pb, 16), bhi1 = load<u64>(pb, 24);
      s00 = addp(s00, mulp(alo, blo0));
      s01 = addp(s01, mulp(alo, blo1));
      if (withOne != 0) {
        s10 = addp(s10, mulp(ahi, bhi0));
        s11 = addp(s11, mulp(ahi, bhi1));
      }
      const a2 = addp(ahi, subp(ahi, alo));
      s20 = addp(s20, mulp(a2, addp(bhi0, subp(bhi0, blo0))));
      s21 = addp(s21, mulp(a2, addp(bhi1, subp(bhi1, blo1))));
    }
  } else {
    for (let i = 0; i < nPairs; i++) {
      const pa = a + (<usize>i << 5);
      const pb = b + (<usize>i << 5);
      const alo0 = load<u64>(pa), alo1 = load<u64>(pa, 8), ahi0 = load<u64>(pa, 16), ahi1 = load<u64>(pa, 24);
      const blo0 = load<u64>(pb), blo1 = load<u64>(pb, 8), bhi0 = load<u64>(pb, 16), bhi1 = load<u64>(pb, 24);
      extMul(alo0, alo1, blo0, blo1);
      s00 = addp(s00, r0);
      s01 = addp(s01, r1);
      if (withOne != 0) {
        extMul(ahi0, ahi1, bhi0, bhi1);
        s10 = addp(s10, r0);
        s11 = addp(s11, r1);
      }
      extMul(addp(ahi0, subp(ahi0, alo0)), addp(ahi1, subp(ahi1, alo1)), addp(bhi0, subp(bhi0, blo0)), addp(bhi1, subp(bhi1, blo1)));
      s20 = addp(s20, r0);
      s21 = addp(s21, r1);
    }
  }
  store<u64>(out, addp(load<u64>(out), s00));
  store<u64>(out, addp(load<u64>(out, 8), s01), 8);
  if (withOne != 0) {
    store<u64>(out, addp(load<u64>(out, 16), s10), 16);
    store<u64>(out, addp(load<u64>(out, 24), s11), 24);
  }
  store<u64>(out, addp(load<u64>(out, 32), s20), 32);
  store<u64>(out, addp(load<u64>(out, 40), s21), 40);
}

/** Splits n extension entries at src into their c0 words (out0) and c1 words (out1). */
export function deinterleave(out0: usize, out1: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const s = src + (<usize>i << 4);
    store<u64>(out0 + (<usize>i << 3), load<u64>(s));
    store<u64>(out1 + (<usize>i << 3), load<u64>(s, 8));
  }
}

/**
 * roundTerm for three factors a·b·c without scratch, d ≤ 3: a base or extension, b and c
 * extension tables. Accumulates t = 0, 2..d (and t = 1 when withOne ≠ 0) into out[0..d].
 */
export function roundProd3(a: usize, aExt: i32, b: usize, c: usize, nPairs: i32, d: i32, withOne: i32, out: usize): void {
  let s00: u64 = 0, s01: u64 = 0, s10: u64 = 0, s11: u64 = 0, s20: u64 = 0, s21: u64 = 0, s30: u64 = 0, s31: u64 = 0;
  for (let i = 0; i < nPairs; i++) {
    let alo0: u64, alo1: u64 = 0, ad0: u64, ad1: u64 = 0;
    if (aExt != 0) {
      const pa = a + (<usize>i << 5);
      alo0 = load<u64>(pa);
      alo1 = load<u64>(pa, 8);
      ad0 = subp(load<u64>(pa, 16), alo0);
      ad1 = subp(load<u64>(pa, 24), alo1);
    } else {
      const pa = a + (<usize>i << 4);
      alo0 = load<u64>(pa);
      ad0 = subp(load<u64>(pa, 8), alo0);
    }
    const pb = b + (<usize>i << 5);
    const blo0 = load<u64>(pb), blo1 = load<u64>(pb, 8);
    const bd0 = subp(load<u64>(pb, 16), blo0), bd1 = subp(load<u64>(pb, 24), blo1);
    const pc = c + (<usize>i << 5);
    const clo0 = load<u64>(pc), clo1 = load<u64>(pc, 8);
    const cd0 = subp(load<u64>(pc, 16), clo0), cd1 = subp(load<u64>(pc, 24), clo1);
    let a0 = alo0, a1 = alo1, b0 = blo0, b1 = blo1, c0 = clo0, c1 = clo1;
    for (let t = 0; t <= d; t++) {
      if (t != 1 || withOne != 0) {
        let p0: u64, p1: u64;
        if (aExt != 0) {
          extMul(a0, a1, b0, b1);
          p0 = r0;
          p1 = r1;
        } else {
          p0 = mulp(a0, b0);
          p1 = mulp(a0, b1);
        }
        extMul(p0, p1, c0, c1);
        if (t == 0) {
          s00 = addp(s00, r0);
          s01 = addp(s01, r1);
        } else if (t == 1) {
          s10 = addp(s10, r0);
          s11 = addp(s11, r1);
        } else if (t == 2) {
          s20 = addp(s20, r0);
          s21 = addp(s21, r1);
        } else {
          s30 = addp(s30, r0);
          s31 = addp(s31, r1);
        }
      }
      a0 = addp(a0, ad0);
      a1 = addp(a1, ad1);
      b0 = addp(b0, bd0);
      b1 = addp(b1, bd1);
      c0 = addp(c0, cd0);
      c1 = addp(c1, cd1);
    }
  }
  store<u64>(out, addp(load<u64>(out), s00));
  store<u64>(out, addp(load<u64>(out, 8), s01), 8);
  if (withOne != 0) {
    store<u64>(out, addp(load<u64>(out, 16), s10), 16);
    store<u64>(out, addp(load<u64>(out, 24), s11), 24);
  }
  if (d >= 2) {
    store<u64>(out, addp(load<u64>(out, 32), s20), 32);
    store<u64>(out, addp(load<u64>(out, 40), s21), 40);
  }
  if (d >= 3) {
    store<u64>(out, addp(load<u64>(out, 48), s30), 48);
    store<u64>(out, addp(load<u64>(out, 56), s31), 56);
  }
}

/** (a0 + a1 X)^2 with X^2 = 7: three base products. */
// @ts-ignore: decorator
@inline function extSqr(a0: u64, a1: u64): void {
  const m0 = mulp(a0, a0);
  const m1 = mulp(a1, a1);
  const m2 = mulp(a0, a1);
  setExt(addp(m0, mul7(m1)), addp(m2, m2));
}

/** x^e in the base field for 1 ≤ e ≤ 2^16 (left-to-right square and multiply on e's bits). */
// @ts-ignore: decorator
@inline function basePow(x: u64, e: i32, top: i32): u64 {
  let y = x;
  for (let bit = top - 1; bit >= 0; bit--) {
    y = mulp(y, y);
    if ((e >> bit) & 1) y = mulp(y, x);
  }
  return y;
}

/** (x0 + x1 X)^e into (r0, r1), as basePow. */
// @ts-ignore: decorator
@inline function extPow(x0: u64, x1: u64, e: i32, top: i32): void {
  let y0 = x0;
  let y1 = x1;
  for (let bit = top - 1; bit >= 0; bit--) {
    extSqr(y0, y1);
    y0 = r0;
    y1 = r1;
    if ((e >> bit) & 1) {
      extMul(y0, y1, x0, x1);
      y0 = r0;
      y1 = r1;
    }
  }
  setExt(y0, y1);
}

/** x^7 (the S-box): x², x³, x⁶, x⁷. */
// @ts-ignore: decorator
@inline function basePow7(x: u64): u64 {
  const x2 = mulp(x, x);
  const x3 = mulp(x2, x);
  const x6 = mulp(x3, x3);
  return mulp(x6, x);
}

// @ts-ignore: decorator
@inline function extPow7(x0: u64, x1: u64): void {
  extSqr(x0, x1);
  extMul(r0, r1, x0, x1);
  const y0 = r0, y1 = r1;
  extSqr(y0, y1);
  extMul(r0, r1, x0, x1);
}

/** Index of the highest set bit of e > 0. */
function topBit(e: i32): i32 {
  return 31 - clz<i32>(e);
}

/**
 * The power factor: acc[t] += Σ_i w_i · f_i(t)^e for t = 0, 2, 3, …, dq (and t = 1 when
 * withOne ≠ 0), f_i(t) = lo_i + t·(hi_i − lo_i) from the pair i of table a (base or
 * extension), w an extension table of nPairs entries (w = 0: every w_i = 1). The table is read
 * once per pair and raised to e by square and multiply, instead of being multiplied as e
 * separate factors. acc holds dq + 1 extension entries.
 */
export function roundPowWeighted(a: usize, aExt: i32, e: i32, w: usize, nPairs: i32, dq: i32, withOne: i32, acc: usize): void {
  if (e == 1 && w != 0) {
    roundLinWeighted(a, aExt, w, nPairs, dq, withOne, acc);
    return;
  }
  const top = topBit(e);
  for (let i = 0; i < nPairs; i++) {
    let v0: u64, v1: u64 = 0, d0: u64, d1: u64 = 0;
    if (aExt != 0) {
      const pa = a + (<usize>i << 5);
      v0 = load<u64>(pa);
      v1 = load<u64>(pa, 8);
      d0 = subp(load<u64>(pa, 16), v0);
      d1 = subp(load<u64>(pa, 24), v1);
    } else {
      const pa = a + (<usize>i << 4);
      v0 = load<u64>(pa);
      d0 = subp(load<u64>(pa, 8), v0);
    }
    let w0: u64 = 1, w1: u64 = 0;
    if (w != 0) {
      w0 = load<u64>(w + (<usize>i << 4));
      w1 = load<u64>(w + (<usize>i << 4), 8);
    }
    for (let t = 0; t <= dq; t++) {
      if (t != 1 || withOne != 0) {
        const o = acc + (<usize>t << 4);
        if (aExt != 0) {
          if (e == 7) extPow7(v0, v1);
          else extPow(v0, v1, e, top);
          extMul(r0, r1, w0, w1);
        } else {
          const p = e == 7 ? basePow7(v0) : basePow(v0, e, top);
          setExt(mulp(p, w0), mulp(p, w1));
        }
        store<u64>(o, addp(load<u64>(o), r0));
        store<u64>(o, addp(load<u64>(o, 8), r1), 8);
      }
      v0 = addp(v0, d0);
      v1 = addp(v1, d1);
    }
  }
}

/**
 * roundPowWeighted for e = 1 with weights: acc[t] += Σ_i w_i·a_i(t) for t = 0..dq (t = 1
 * skipped when withOne = 0), a a base or an extension table. a_i(t) is linear in t, so the sums
 * at 0 and 1 give every value: Σ w·hi is skipped when neither t = 1 nor t ≥ 2 is asked for. Two
 * pairs per step on SIMD lanes.
 */
function roundLinWeighted(a: usize, aExt: i32, w: usize, nPairs: i32, dq: i32, withOne: i32, acc: usize): void {
  const needHi = withOne != 0 || dq >= 2;
  const even = nPairs & ~1;
  let l0 = i64x2.splat(0), l1 = i64x2.splat(0), h0 = i64x2.splat(0), h1 = i64x2.splat(0);
  if (aExt == 0) {
    // base entries: a base-by-extension product is two base products
    for (let i = 0; i < even; i += 2) {
      const o = <usize>i << 4;
      const w0 = loadC0(w + o), w1 = loadC1(w + o);
      const x = v128.load(a + o), y = v128.load(a + o, 16); // pairs i and i + 1: lo, hi
      const lo = v128.shuffle<i64>(x, y, 0, 2);
      l0 = add2(l0, mul2(lo, w0));
      l1 = add2(l1, mul2(lo, w1));
      if (needHi) {
        const hi = v128.shuffle<i64>(x, y, 1, 3);
        h0 = add2(h0, mul2(hi, w0));
        h1 = add2(h1, mul2(hi, w1));
      }
    }
  } else for (let i = 0; i < even; i += 2) {
    const o = <usize>i << 5;
    const w0 = loadC0(w + (<usize>i << 4)), w1 = loadC1(w + (<usize>i << 4));
    const al = v128.load(a + o), ah = v128.load(a + o, 16), al2 = v128.load(a + o, 32), ah2 = v128.load(a + o, 48);
    extMul2To(v128.shuffle<i64>(al, al2, 0, 2), v128.shuffle<i64>(al, al2, 1, 3), w0, w1);
    l0 = add2(l0, x0);
    l1 = add2(l1, x1);
    if (needHi) {
      extMul2To(v128.shuffle<i64>(ah, ah2, 0, 2), v128.shuffle<i64>(ah, ah2, 1, 3), w0, w1);
      h0 = add2(h0, x0);
      h1 = add2(h1, x1);
    }
  }
  let sl0 = addp(<u64>i64x2.extract_lane(l0, 0), <u64>i64x2.extract_lane(l0, 1));
  let sl1 = addp(<u64>i64x2.extract_lane(l1, 0), <u64>i64x2.extract_lane(l1, 1));
  let sh0 = addp(<u64>i64x2.extract_lane(h0, 0), <u64>i64x2.extract_lane(h0, 1));
  let sh1 = addp(<u64>i64x2.extract_lane(h1, 0), <u64>i64x2.extract_lane(h1, 1));
  if (even < nPairs) {
    const pw = w + (<usize>even << 4);
    const w0 = load<u64>(pw), w1 = load<u64>(pw, 8);
    if (aExt == 0) {
      const pa = a + (<usize>even << 4);
      const lo = load<u64>(pa), hi = load<u64>(pa, 8);
      sl0 = addp(sl0, mulp(lo, w0));
      sl1 = addp(sl1, mulp(lo, w1));
      sh0 = addp(sh0, mulp(hi, w0));
      sh1 = addp(sh1, mulp(hi, w1));
    } else {
      const pa = a + (<usize>even << 5);
      extMul(load<u64>(pa), load<u64>(pa, 8), w0, w1);
      sl0 = addp(sl0, r0);
      sl1 = addp(sl1, r1);
      extMul(load<u64>(pa, 16), load<u64>(pa, 24), w0, w1);
      sh0 = addp(sh0, r0);
      sh1 = addp(sh1, r1);
    }
  }
  // Σ w·a(t) = Σ w·lo + t·(Σ w·hi − Σ w·lo)
  const d0 = subp(sh0, sl0), d1 = subp(sh1, sl1);
  for (let t = 0; t <= dq; t++) {
    if (t == 1 && withOne == 0) continue;
    const o = acc + (<usize>t << 4);
    store<u64>(o, addp(load<u64>(o), addp(sl0, mulp(<u64>t, d0))));
    store<u64>(o, addp(load<u64>(o, 8), addp(sl1, mulp(<u64>t, d1))), 8);
  }
}

/**
 * roundProd2Weighted for two extension tables, two pairs per step on SIMD lanes (the odd last
 * pair on the scalar path).
 */
function roundProd2WeightedExt(a: usize, b: usize, w: usize, nPairs: i32, withOne: i32, acc: usize): void {
  const even = nPairs & ~1;
  let s00 = i64x2.splat(0), s01 = i64x2.splat(0), s10 = i64x2.splat(0), s11 = i64x2.splat(0), s20 = i64x2.splat(0), s21 = i64x2.splat(0);
  for (let i = 0; i < even; i += 2) {
    const o = <usize>i << 5;
    const w0 = loadC0(w + (<usize>i << 4)), w1 = loadC1(w + (<usize>i << 4));
    const al = v128.load(a + o), ah = v128.load(a + o, 16), al2 = v128.load(a + o, 32), ah2 = v128.load(a + o, 48);
    const bl = v128.load(b + o), bh = v128.load(b + o, 16), bl2 = v128.load(b + o, 32), bh2 = v128.load(b + o, 48);
    const alo0 = v128.shuffle<i64>(al, al2, 0, 2), alo1 = v128.shuffle<i64>(al, al2, 1, 3);
    const ahi0 = v128.shuffle<i64>(ah, ah2, 0, 2), ahi1 = v128.shuffle<i64>(ah, ah2, 1, 3);
    const blo0 = v128.shuffle<i64>(bl, bl2, 0, 2), blo1 = v128.shuffle<i64>(bl, bl2, 1, 3);
    const bhi0 = v128.shuffle<i64>(bh, bh2, 0, 2), bhi1 = v128.shuffle<i64>(bh, bh2, 1, 3);
    extMul2To(alo0, alo1, blo0, blo1);
    extMul2To(x0, x1, w0, w1);
    s00 = add2(s00, x0);
    s01 = add2(s01, x1);
    if (withOne != 0) {
      extMul2To(ahi0, ahi1, bhi0, bhi1);
      extMul2To(x0, x1, w0, w1);
      s10 = add2(s10, x0);
      s11 = add2(s11, x1);
    }
    extMul2To(add2(ahi0, sub2(ahi0, alo0)), add2(ahi1, sub2(ahi1, alo1)), add2(bhi0, sub2(bhi0, blo0)), add2(bhi1, sub2(bhi1, blo1)));
    extMul2To(x0, x1, w0, w1);
    s20 = add2(s20, x0);
    s21 = add2(s21, x1);
  }
  addLanes(acc, 0, s00, s01);
  if (withOne != 0) addLanes(acc, 1, s10, s11);
  addLanes(acc, 2, s20, s21);
  if (even < nPairs) roundProd2WeightedScalar(a + (<usize>even << 5), 1, b + (<usize>even << 5), 1, w + (<usize>even << 4), 1, withOne, acc);
}

/**
 * Two factors with a weight: acc[t] += Σ_i w_i · f_i(t)·g_i(t) for t = 0, 2 (and 1 when
 * withOne ≠ 0); f, g base or extension tables (when only one is, it must be g), w extension.
 */
export function roundProd2Weighted(a: usize, aExt: i32, b: usize, bExt: i32, w: usize, nPairs: i32, withOne: i32, acc: usize): void {
  if (aExt != 0 && bExt != 0) roundProd2WeightedExt(a, b, w, nPairs, withOne, acc);
  else roundProd2WeightedScalar(a, aExt, b, bExt, w, nPairs, withOne, acc);
}

function roundProd2WeightedScalar(a: usize, aExt: i32, b: usize, bExt: i32, w: usize, nPairs: i32, withOne: i32, acc: usize): void {
  let s00: u64 = 0, s01: u64 = 0, s10: u64 = 0, s11: u64 = 0, s20: u64 = 0, s21: u64 = 0;
  for (let i = 0; i < nPairs; i++) {
    const pw = w + (<usize>i << 4);
    const w0 = load<u64>(pw), w1 = load<u64>(pw, 8);
    let alo0: u64, alo1: u64 = 0, ahi0: u64, ahi1: u64 = 0;
    if (aExt != 0) {
      const pa = a + (<usize>i << 5);
      alo0 = load<u64>(pa); alo1 = load<u64>(pa, 8); ahi0 = load<u64>(pa, 16); ahi1 = load<u64>(pa, 24);
    } else {
      const pa = a + (<usize>i << 4);
      alo0 = load<u64>(pa); ahi0 = load<u64>(pa, 8);
    }
    let blo0: u64, blo1: u64 = 0, bhi0: u64, bhi1: u64 = 0;
    if (bExt != 0) {
      const pb = b + (<usize>i << 5);
      blo0 = load<u64>(pb); blo1 = load<u64>(pb, 8); bhi0 = load<u64>(pb, 16); bhi1 = load<u64>(pb, 24);
    } else {
      const pb = b + (<usize>i << 4);
      blo0 = load<u64>(pb); bhi0 = load<u64>(pb, 8);
    }
    const a20 = addp(ahi0, subp(ahi0, alo0)), a21 = addp(ahi1, subp(ahi1, alo1));
    const b20 = addp(bhi0, subp(bhi0, blo0)), b21 = addp(bhi1, subp(bhi1, blo1));
    if (bExt == 0) {
      // both base: products in the base field, then one base-by-extension product each
      const p0 = mulp(alo0, blo0);
      s00 = addp(s00, mulp(p0, w0));
      s01 = addp(s01, mulp(p0, w1));
      if (withOne != 0) {
        const p1 = mulp(ahi0, bhi0);
        s10 = addp(s10, mulp(p1, w0));
        s11 = addp(s11, mulp(p1, w1));
      }
      const p2 = mulp(a20, b20);
      s20 = addp(s20, mulp(p2, w0));
      s21 = addp(s21, mulp(p2, w1));
    } else {
      let p0: u64, p1: u64;
      if (aExt != 0) { extMul(alo0, alo1, blo0, blo1); p0 = r0; p1 = r1; } else { p0 = mulp(alo0, blo0); p1 = mulp(alo0, blo1); }
      extMul(p0, p1, w0, w1);
      s00 = addp(s00, r0);
      s01 = addp(s01, r1);
      if (withOne != 0) {
        if (aExt != 0) { extMul(ahi0, ahi1, bhi0, bhi1); p0 = r0; p1 = r1; } else { p0 = mulp(ahi0, bhi0); p1 = mulp(ahi0, bhi1); }
        extMul(p0, p1, w0, w1);
        s10 = addp(s10, r0);
        s11 = addp(s11, r1);
      }
      if (aExt != 0) { extMul(a20, a21, b20, b21); p0 = r0; p1 = r1; } else { p0 = mulp(a20, b20); p1 = mulp(a20, b21); }
      extMul(p0, p1, w0, w1);
      s20 = addp(s20, r0);
      s21 = addp(s21, r1);
    }
  }
  store<u64>(acc, addp(load<u64>(acc), s00));
  store<u64>(acc, addp(load<u64>(acc, 8), s01), 8);
  if (withOne != 0) {
    store<u64>(acc, addp(load<u64>(acc, 16), s10), 16);
    store<u64>(acc, addp(load<u64>(acc, 24), s11), 24);
  }
  store<u64>(acc, addp(load<u64>(acc, 32), s20), 32);
  store<u64>(acc, addp(load<u64>(acc, 40), s21), 40);
}

/**
 * a[i] = a[2i] + a[2i+1] for i < m, extension entries, in place: eq(ρ_{>k}, ·) becomes
 * eq(ρ_{>k+1}, ·), since eq(ρ_{k+1}, 0) + eq(ρ_{k+1}, 1) = 1.
 */
export function sumPairsExtInPlace(a: usize, m: i32): void {
  for (let i = 0; i < m; i++) {
    const src = a + (<usize>i << 5);
    const dst = a + (<usize>i << 4);
    const x0 = addp(load<u64>(src), load<u64>(src, 16));
    const x1 = addp(load<u64>(src, 8), load<u64>(src, 24));
    store<u64>(dst, x0);
    store<u64>(dst, x1, 8);
  }
}

/**
 * Out-of-place folds for the worker pool: entry i of `out` ← lo + c·(hi − lo) of pair i of `a`.
 * The in-place folds cannot be split across threads (entry i overwrites words that pair i/2
 * reads), so a pooled table folds into a second buffer and the two swap every round.
 */
export function foldBaseTo(out: usize, a: usize, m: i32, c0: u64, c1: u64): void {
  const b0 = i64x2.splat(<i64>c0);
  const b1 = i64x2.splat(<i64>c1);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const x = v128.load(a + (<usize>i << 4)); // lo, hi of pair i
    const y = v128.load(a + (<usize>i << 4), 16); // pair i + 1
    const lo = v128.shuffle<i64>(x, y, 0, 2);
    const diff = sub2(v128.shuffle<i64>(x, y, 1, 3), lo);
    storeExt2(out + (<usize>i << 4), add2(lo, mul2(b0, diff)), mul2(b1, diff));
  }
  if (i < m) {
    const p = a + (<usize>i << 4);
    const lo = load<u64>(p);
    const diff = subp(load<u64>(p, 8), lo);
    const o = out + (<usize>i << 4);
    store<u64>(o, addp(lo, mulp(c0, diff)));
    store<u64>(o, mulp(c1, diff), 8);
  }
}

export function foldExtTo(out: usize, a: usize, m: i32, c0: u64, c1: u64): void {
  const b0 = i64x2.splat(<i64>c0);
  const b1 = i64x2.splat(<i64>c1);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const src = a + (<usize>i << 5);
    const l = v128.load(src); // lo of pair i
    const h = v128.load(src, 16); // hi of pair i
    const l2 = v128.load(src, 32);
    const h2 = v128.load(src, 48);
    const lo0 = v128.shuffle<i64>(l, l2, 0, 2);
    const lo1 = v128.shuffle<i64>(l, l2, 1, 3);
    extMul2To(sub2(v128.shuffle<i64>(h, h2, 0, 2), lo0), sub2(v128.shuffle<i64>(h, h2, 1, 3), lo1), b0, b1);
    storeExt2(out + (<usize>i << 4), add2(lo0, x0), add2(lo1, x1));
  }
  if (i < m) {
    const src = a + (<usize>i << 5);
    const lo0 = load<u64>(src);
    const lo1 = load<u64>(src, 8);
    extMul(subp(load<u64>(src, 16), lo0), subp(load<u64>(src, 24), lo1), c0, c1);
    const dst = out + (<usize>i << 4);
    store<u64>(dst, addp(lo0, r0));
    store<u64>(dst, addp(lo1, r1), 8);
  }
}

// fold-and-round: the folded next pair of one table, as (t = 0, t = 2) lanes per coordinate
let ft0: v128 = i64x2.splat(0);
let ft1: v128 = i64x2.splat(0);

/**
 * Folds source pairs 2j, 2j + 1 of an extension table (entries at src … src + 63) by c into the
 * next round's pair j (stored at dst), and leaves that pair's values at t = 0 and t = 2
 * (lo and 2·hi − lo) in the lanes of ft0 (c0) and ft1 (c1).
 */
// @ts-ignore: decorator
@inline function foldPairLanes(src: usize, dst: usize, k0: v128, k1: v128): void {
  const e0 = v128.load(src), e1 = v128.load(src, 16), e2 = v128.load(src, 32), e3 = v128.load(src, 48);
  const lo0 = v128.shuffle<i64>(e0, e2, 0, 2), lo1 = v128.shuffle<i64>(e0, e2, 1, 3);
  extMul2To(sub2(v128.shuffle<i64>(e1, e3, 0, 2), lo0), sub2(v128.shuffle<i64>(e1, e3, 1, 3), lo1), k0, k1);
  const f0 = add2(lo0, x0), f1 = add2(lo1, x1); // lanes: the new pair's lo, hi
  storeExt2(dst, f0, f1);
  const odd = i64x2(0, -1);
  const l0 = v128.shuffle<i64>(f0, f0, 0, 0), d0 = sub2(v128.shuffle<i64>(f0, f0, 1, 1), l0);
  const l1 = v128.shuffle<i64>(f1, f1, 0, 0), d1 = sub2(v128.shuffle<i64>(f1, f1, 1, 1), l1);
  ft0 = add2(l0, v128.and(add2(d0, d0), odd));
  ft1 = add2(l1, v128.and(add2(d1, d1), odd));
}

/**
 * Adds a weighted fold's lane sums to the round accumulator: lane 0 holds the value at t = 0
 * (c0 in s0, c1 in s1), lane 1 the value at t = 2; acc holds F_p2 values at t = 0, 1, 2.
 */
// @ts-ignore: decorator
@inline function addRoundSums(acc: usize, s0: v128, s1: v128): void {
  store<u64>(acc, addp(load<u64>(acc), <u64>i64x2.extract_lane(s0, 0)));
  store<u64>(acc, addp(load<u64>(acc, 8), <u64>i64x2.extract_lane(s1, 0)), 8);
  store<u64>(acc, addp(load<u64>(acc, 32), <u64>i64x2.extract_lane(s0, 1)), 32);
  store<u64>(acc, addp(load<u64>(acc, 40), <u64>i64x2.extract_lane(s1, 1)), 40);
}

/**
 * A LogUp-GKR layer's fold and the next round in one pass: binds the lowest variable of four
 * extension tables a, b, c, d (4·nPairs entries each) to (c0 + c1 X), writing the 2·nPairs
 * folded entries, and adds into acc the next round's Σ_j w_j·(A_j(t)·B_j(t) + C_j(t)·D_j(t)) at
 * t = 0 and t = 2 over its nPairs pairs (t = 1 is not computed: the caller derives it). `ptrs`
 * holds eight u32 pointers: the destinations of a, b, c, d, then their sources; a destination
 * may equal its source (pair j is written after pairs 2j, 2j + 1 are read, below every later
 * read), or be a second buffer (the worker pool's chunks).
 */
export function foldRound2x2Weighted(ptrs: usize, w: usize, nPairs: i32, c0: u64, c1: u64, acc: usize): void {
  const k0 = i64x2.splat(<i64>c0), k1 = i64x2.splat(<i64>c1);
  const da = <usize>load<u32>(ptrs), db = <usize>load<u32>(ptrs, 4), dc = <usize>load<u32>(ptrs, 8), dd = <usize>load<u32>(ptrs, 12);
  const sa = <usize>load<u32>(ptrs, 16), sb = <usize>load<u32>(ptrs, 20), sc = <usize>load<u32>(ptrs, 24), sd = <usize>load<u32>(ptrs, 28);
  let s0 = i64x2.splat(0), s1 = i64x2.splat(0);
  for (let j = 0; j < nPairs; j++) {
    const so = <usize>j << 6, dO = <usize>j << 5;
    foldPairLanes(sa + so, da + dO, k0, k1);
    const a0 = ft0, a1 = ft1;
    foldPairLanes(sb + so, db + dO, k0, k1);
    const b0 = ft0, b1 = ft1;
    foldPairLanes(sc + so, dc + dO, k0, k1);
    const g0 = ft0, g1 = ft1;
    foldPairLanes(sd + so, dd + dO, k0, k1);
    extMul2To(g0, g1, ft0, ft1);
    const p0 = x0, p1 = x1;
    extMul2To(a0, a1, b0, b1);
    const wp = w + (<usize>j << 4);
    extMul2To(add2(p0, x0), add2(p1, x1), i64x2.splat(load<u64>(wp)), i64x2.splat(load<u64>(wp, 8)));
    s0 = add2(s0, x0);
    s1 = add2(s1, x1);
  }
  addRoundSums(acc, s0, s1);
}

/**
 * foldRound2x2Weighted for one product: folds two extension tables a, b and adds the next
 * round's Σ_j w_j·A_j(t)·B_j(t) at t = 0 and 2. `ptrs`: the destinations of a, b, then their
 * sources (u32 each).
 */
export function foldRound2Weighted(ptrs: usize, w: usize, nPairs: i32, c0: u64, c1: u64, acc: usize): void {
  const k0 = i64x2.splat(<i64>c0), k1 = i64x2.splat(<i64>c1);
  const da = <usize>load<u32>(ptrs), db = <usize>load<u32>(ptrs, 4);
  const sa = <usize>load<u32>(ptrs, 8), sb = <usize>load<u32>(ptrs, 12);
  let s0 = i64x2.splat(0), s1 = i64x2.splat(0);
  for (let j = 0; j < nPairs; j++) {
    const so = <usize>j << 6, dO = <usize>j << 5;
    foldPairLanes(sa + so, da + dO, k0, k1);
    const a0 = ft0, a1 = ft1;
    foldPairLanes(sb + so, db + dO, k0, k1);
    extMul2To(a0, a1, ft0, ft1);
    const wp = w + (<usize>j << 4);
    extMul2To(x0, x1, i64x2.splat(load<u64>(wp)), i64x2.splat(load<u64>(wp, 8)));
    s0 = add2(s0, x0);
    s1 = add2(s1, x1);
  }
  addRoundSums(acc, s0, s1);
}

/**
 * foldRound2x2Weighted for one linear factor: folds an extension table a and adds the next
 * round's Σ_j w_j·A_j(t) at t = 0 and 2. `ptrs`: the destination of a, then its source (u32 each).
 */
export function foldRound1Weighted(ptrs: usize, w: usize, nPairs: i32, c0: u64, c1: u64, acc: usize): void {
  const k0 = i64x2.splat(<i64>c0), k1 = i64x2.splat(<i64>c1);
  const da = <usize>load<u32>(ptrs), sa = <usize>load<u32>(ptrs, 4);
  let s0 = i64x2.splat(0), s1 = i64x2.splat(0);
  for (let j = 0; j < nPairs; j++) {
    foldPairLanes(sa + (<usize>j << 6), da + (<usize>j << 5), k0, k1);
    const wp = w + (<usize>j << 4);
    extMul2To(ft0, ft1, i64x2.splat(load<u64>(wp)), i64x2.splat(load<u64>(wp, 8)));
    s0 = add2(s0, x0);
    s1 = add2(s1, x1);
  }
  addRoundSums(acc, s0, s1);
}

/** First byte past the module's static data (the JS side allocates from here). */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * The power factor in coefficient form: acc[j] += Σ_i w_i·lo_i^(e−j)·d_i^j for j = 0..e,
 * d_i = hi_i − lo_i, so that Σ_i w_i·(lo_i + t·d_i)^e = Σ_j C(e, j)·acc[j]·t^j. Per pair this
 * takes the powers of lo and d once (2(e − 1) products) and e − 1 cross products plus e + 1
 * weight products, instead of e + 1 evaluations of a power: for e = 7, 26 products in place of
 * 35–40. With top = 0 the last coefficient (j = e) is not computed (acc[e] is left alone): the
 * prover derives it from the running claim, and d^e and its product go. `scratch` holds
 * 6(e + 1) extension entries; acc holds e + 1.
 */
export function roundPowCoeffs(a: usize, aExt: i32, e: i32, w: usize, nPairs: i32, top: i32, scratch: usize, acc: usize): void {
  const last = top != 0 ? e : e - 1;
  if (nPairs < 2) {
    roundPowCoeffsScalar(a, aExt, e, last, w, nPairs, scratch, acc);
    return;
  }
  const even = nPairs & ~1;
  if (aExt != 0) roundPowCoeffsExt2(a, e, last, w, even, scratch, acc);
  else roundPowCoeffsBase2(a, e, last, w, even, scratch, acc);
  if (even < nPairs) roundPowCoeffsScalar(a + (<usize>even << (aExt != 0 ? 5 : 4)), aExt, e, last, w + (<usize>even << 4), 1, scratch, acc);
}

/** Zeroes the per-lane sums of coefficients 0..last (c0 lanes, c1 lanes; 32 bytes each) at sp. */
// @ts-ignore: decorator
@inline function clearLaneSums(sp: usize, last: i32): void {
  const zero = i64x2.splat(0);
  for (let j = 0; j <= last; j++) {
    v128.store(sp + (<usize>j << 5), zero);
    v128.store(sp + (<usize>j << 5), zero, 16);
  }
}

/** acc[j] += the two lanes of sum j, for j = 0..last. */
// @ts-ignore: decorator
@inline function addLaneSums(sp: usize, last: i32, acc: usize): void {
  for (let j = 0; j <= last; j++) {
    const s0 = v128.load(sp + (<usize>j << 5));
    const s1 = v128.load(sp + (<usize>j << 5), 16);
    const o = acc + (<usize>j << 4);
    store<u64>(o, addp(load<u64>(o), addp(i64x2.extract_lane(s0, 0), i64x2.extract_lane(s0, 1))));
    store<u64>(o, addp(load<u64>(o, 8), addp(i64x2.extract_lane(s1, 0), i64x2.extract_lane(s1, 1))), 8);
  }
}

/**
 * roundPowCoeffs on an extension table, two pairs per step (lane 0 the even pair, lane 1 the
 * odd one): the same products on i64x2 vectors, summed per lane in scratch and added to acc at
 * the end. nPairs even; scratch holds 6(e + 1) extension entries.
 */
function roundPowCoeffsExt2(a: usize, e: i32, last: i32, w: usize, nPairs: i32, scratch: usize, acc: usize): void {
  const stride = <usize>(e + 1) << 5; // e + 1 lane pairs (c0 lanes, c1 lanes) of 32 bytes
  const lp = scratch; // w·lo^k
  const dp = scratch + stride; // d^k
  const sp = scratch + 2 * stride; // per-lane sums
  clearLaneSums(sp, last);
  for (let i = 0; i < nPairs; i += 2) {
    const pa = a + (<usize>i << 5);
    const A = v128.load(pa);
    const B = v128.load(pa, 16);
    const C = v128.load(pa, 32);
    const D = v128.load(pa, 48);
    const l0 = v128.shuffle<i64>(A, C, 0, 2);
    const l1 = v128.shuffle<i64>(A, C, 1, 3);
    const d0 = sub2(v128.shuffle<i64>(B, D, 0, 2), l0);
    const d1 = sub2(v128.shuffle<i64>(B, D, 1, 3), l1);
    let p0 = loadC0(w + (<usize>i << 4));
    let p1 = loadC1(w + (<usize>i << 4));
    v128.store(lp, p0);
    v128.store(lp, p1, 16);
    let q0 = d0;
    let q1 = d1;
    for (let k = 1; k <= e; k++) {
      extMul2To(p0, p1, l0, l1);
      p0 = x0;
      p1 = x1;
      if (k > 1 && k <= last) {
        extMul2To(q0, q1, d0, d1);
        q0 = x0;
        q1 = x1;
      }
      const o = <usize>k << 5;
      v128.store(lp + o, p0);
      v128.store(lp + o, p1, 16);
      v128.store(dp + o, q0);
      v128.store(dp + o, q1, 16);
    }
    // sums[j] += (w·lo^(e−j))·d^j
    for (let j = 0; j <= last; j++) {
      const x = lp + (<usize>(e - j) << 5);
      let y0 = v128.load(x);
      let y1 = v128.load(x, 16);
      if (j > 0) {
        const y = dp + (<usize>j << 5);
        extMul2To(y0, y1, v128.load(y), v128.load(y, 16));
        y0 = x0;
        y1 = x1;
      }
      const o = sp + (<usize>j << 5);
      v128.store(o, add2(v128.load(o), y0));
      v128.store(o, add2(v128.load(o, 16), y1), 16);
    }
  }
  addLaneSums(sp, last, acc);
}

/**
 * roundPowCoeffs on a base table (a round 0 of the digest proof's S-box terms), two pairs per
 * step on the lanes as in roundPowCoeffsExt2: w·lo^k in the extension (two base products per
 * power: lo is in the base field), d^k and the products with it in the base field. nPairs even.
 */
function roundPowCoeffsBase2(a: usize, e: i32, last: i32, w: usize, nPairs: i32, scratch: usize, acc: usize): void {
  const stride = <usize>(e + 1) << 5;
  const lp = scratch; // w·lo^k (c0 lanes, c1 lanes)
  const dp = scratch + stride; // d^k (base lanes, 16 bytes each)
  const sp = scratch + 2 * stride; // per-lane sums
  clearLaneSums(sp, last);
  for (let i = 0; i < nPairs; i += 2) {
    const pa = a + (<usize>i << 4);
    const A = v128.load(pa); // lo, hi of pair i
    const B = v128.load(pa, 16); // of pair i + 1
    const l = v128.shuffle<i64>(A, B, 0, 2);
    const d = sub2(v128.shuffle<i64>(A, B, 1, 3), l);
    let p0 = loadC0(w + (<usize>i << 4));
    let p1 = loadC1(w + (<usize>i << 4));
    v128.store(lp, p0);
    v128.store(lp, p1, 16);
    let q = d;
    for (let k = 1; k <= e; k++) {
      p0 = mul2(p0, l);
      p1 = mul2(p1, l);
      if (k > 1 && k <= last) q = mul2(q, d);
      const o = <usize>k << 5;
      v128.store(lp + o, p0);
      v128.store(lp + o, p1, 16);
      v128.store(dp + (<usize>k << 4), q);
    }
    // sums[j] += (w·lo^(e−j))·d^j
    for (let j = 0; j <= last; j++) {
      const x = lp + (<usize>(e - j) << 5);
      let y0 = v128.load(x);
      let y1 = v128.load(x, 16);
      if (j > 0) {
        const dj = v128.load(dp + (<usize>j << 4));
        y0 = mul2(y0, dj);
        y1 = mul2(y1, dj);
      }
      const o = sp + (<usize>j << 5);
      v128.store(o, add2(v128.load(o), y0));
      v128.store(o, add2(v128.load(o, 16), y1), 16);
    }
  }
  addLaneSums(sp, last, acc);
}

function roundPowCoeffsScalar(a: usize, aExt: i32, e: i32, last: i32, w: usize, nPairs: i32, scratch: usize, acc: usize): void {
  const lp = scratch; // lo^k, k = 0..e
  const dp = scratch + (<usize>(e + 1) << 4); // d^k
  for (let i = 0; i < nPairs; i++) {
    let l0: u64, l1: u64 = 0, d0: u64, d1: u64 = 0;
    if (aExt != 0) {
      const pa = a + (<usize>i << 5);
      l0 = load<u64>(pa);
      l1 = load<u64>(pa, 8);
      d0 = subp(load<u64>(pa, 16), l0);
      d1 = subp(load<u64>(pa, 24), l1);
    } else {
      const pa = a + (<usize>i << 4);
      l0 = load<u64>(pa);
      d0 = subp(load<u64>(pa, 8), l0);
    }
    const w0 = load<u64>(w + (<usize>i << 4));
    const w1 = load<u64>(w + (<usize>i << 4), 8);
    // powers: x^0 = w (the weight folded into lo's powers), x^1, … x^e
    store<u64>(lp, w0);
    store<u64>(lp, w1, 8);
    store<u64>(dp, 1);
    store<u64>(dp, 0, 8);
    let p0 = w0, p1 = w1, q0: u64 = 1, q1: u64 = 0;
    for (let k = 1; k <= e; k++) {
      if (aExt != 0) {
        extMul(p0, p1, l0, l1);
        p0 = r0;
        p1 = r1;
        if (k == 1) {
          q0 = d0;
          q1 = d1;
        } else if (k <= last) {
          extMul(q0, q1, d0, d1);
          q0 = r0;
          q1 = r1;
        }
      } else {
        // w·lo^k is an extension element (w is); d^k stays in the base field
        p0 = mulp(p0, l0);
        p1 = mulp(p1, l0);
        q0 = k == 1 ? d0 : k <= last ? mulp(q0, d0) : q0;
      }
      const o = <usize>k << 4;
      store<u64>(lp + o, p0);
      store<u64>(lp + o, p1, 8);
      store<u64>(dp + o, q0);
      store<u64>(dp + o, q1, 8);
    }
    // acc[j] += (w·lo^(e−j))·d^j
    for (let j = 0; j <= last; j++) {
      const x = lp + (<usize>(e - j) << 4);
      const y = dp + (<usize>j << 4);
      const o = acc + (<usize>j << 4);
      if (j == 0) {
        setExt(load<u64>(x), load<u64>(x, 8));
      } else if (aExt != 0) {
        extMul(load<u64>(x), load<u64>(x, 8), load<u64>(y), load<u64>(y, 8));
      } else {
        const dj = load<u64>(y);
        setExt(mulp(load<u64>(x), dj), mulp(load<u64>(x, 8), dj));
      }
      store<u64>(o, addp(load<u64>(o), r0));
      store<u64>(o, addp(load<u64>(o, 8), r1), 8);
    }
  }
}

/**
 * Two products sharing a weight, all four tables extension tables (a LogUp-GKR layer:
 * eq·(T·R_q + R_p·L_q)): acc[t] += Σ_i w_i·(a_i(t)·b_i(t) + c_i(t)·d_i(t)) for t = 0, 2 (and
 * 1 when withOne ≠ 0). One weight product per point instead of one per term; two pairs per
 * step on SIMD lanes.
 */
export function roundProd2x2Weighted(a: usize, b: usize, c: usize, d: usize, w: usize, nPairs: i32, withOne: i32, acc: usize): void {
  const even = nPairs & ~1;
  let s00 = i64x2.splat(0), s01 = i64x2.splat(0), s10 = i64x2.splat(0), s11 = i64x2.splat(0), s20 = i64x2.splat(0), s21 = i64x2.splat(0);
  for (let i = 0; i < even; i += 2) {
    const o = <usize>i << 5;
    const w0 = loadC0(w + (<usize>i << 4)), w1 = loadC1(w + (<usize>i << 4));
    const al = v128.load(a + o), ah = v128.load(a + o, 16), al2 = v128.load(a + o, 32), ah2 = v128.load(a + o, 48);
    const bl = v128.load(b + o), bh = v128.load(b + o, 16), bl2 = v128.load(b + o, 32), bh2 = v128.load(b + o, 48);
    const cl = v128.load(c + o), ch = v128.load(c + o, 16), cl2 = v128.load(c + o, 32), ch2 = v128.load(c + o, 48);
    const dl = v128.load(d + o), dh = v128.load(d + o, 16), dl2 = v128.load(d + o, 32), dh2 = v128.load(d + o, 48);
    const alo0 = v128.shuffle<i64>(al, al2, 0, 2), alo1 = v128.shuffle<i64>(al, al2, 1, 3);
    const ahi0 = v128.shuffle<i64>(ah, ah2, 0, 2), ahi1 = v128.shuffle<i64>(ah, ah2, 1, 3);
    const blo0 = v128.shuffle<i64>(bl, bl2, 0, 2), blo1 = v128.shuffle<i64>(bl, bl2, 1, 3);
    const bhi0 = v128.shuffle<i64>(bh, bh2, 0, 2), bhi1 = v128.shuffle<i64>(bh, bh2, 1, 3);
    const clo0 = v128.shuffle<i64>(cl, cl2, 0, 2), clo1 = v128.shuffle<i64>(cl, cl2, 1, 3);
    const chi0 = v128.shuffle<i64>(ch, ch2, 0, 2), chi1 = v128.shuffle<i64>(ch, ch2, 1, 3);
    const dlo0 = v128.shuffle<i64>(dl, dl2, 0, 2), dlo1 = v128.shuffle<i64>(dl, dl2, 1, 3);
    const dhi0 = v128.shuffle<i64>(dh, dh2, 0, 2), dhi1 = v128.shuffle<i64>(dh, dh2, 1, 3);
    // t = 0
    extMul2To(alo0, alo1, blo0, blo1);
    let p0 = x0, p1 = x1;
    extMul2To(clo0, clo1, dlo0, dlo1);
    extMul2To(add2(p0, x0), add2(p1, x1), w0, w1);
    s00 = add2(s00, x0);
    s01 = add2(s01, x1);
    if (withOne != 0) {
      extMul2To(ahi0, ahi1, bhi0, bhi1);
      p0 = x0;
      p1 = x1;
      extMul2To(chi0, chi1, dhi0, dhi1);
      extMul2To(add2(p0, x0), add2(p1, x1), w0, w1);
      s10 = add2(s10, x0);
      s11 = add2(s11, x1);
    }
    // t = 2: 2·hi − lo
    extMul2To(add2(ahi0, sub2(ahi0, alo0)), add2(ahi1, sub2(ahi1, alo1)), add2(bhi0, sub2(bhi0, blo0)), add2(bhi1, sub2(bhi1, blo1)));
    p0 = x0;
    p1 = x1;
    extMul2To(add2(chi0, sub2(chi0, clo0)), add2(chi1, sub2(chi1, clo1)), add2(dhi0, sub2(dhi0, dlo0)), add2(dhi1, sub2(dhi1, dlo1)));
    extMul2To(add2(p0, x0), add2(p1, x1), w0, w1);
    s20 = add2(s20, x0);
    s21 = add2(s21, x1);
  }
  addLanes(acc, 0, s00, s01);
  if (withOne != 0) addLanes(acc, 1, s10, s11);
  addLanes(acc, 2, s20, s21);
  if (even < nPairs) {
    // the odd last pair: the two single-product kernels (the weight applied per term)
    const o = <usize>even << 5;
    roundProd2Weighted(a + o, 1, b + o, 1, w + (<usize>even << 4), 1, withOne, acc);
    roundProd2Weighted(c + o, 1, d + o, 1, w + (<usize>even << 4), 1, withOne, acc);
  }
}
