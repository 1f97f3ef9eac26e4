// The rounds of Poseidon2 over Goldilocks (width 12, the HorizenLabs instance) on a state of 12
// u64 words in memory, shared by the permutation kernel (assembly/poseidon2.ts) and the sponge
// trace's layer recovery (./poseidon2-layers.ts, part of the sumcheck module so that it runs on
// that module's worker pool). See assembly/poseidon2.ts for the constants' layout and for why the
// arithmetic is lazy, works on 32-bit halves and runs partly two lanes per v128.

import { P, EPS, LO32, canonical, mulLazy, reduceLazy } from './goldilocks';

export const T: i32 = 12;
/** 2^63, for unsigned comparisons of i64x2 lanes (below). */
export const MSB: u64 = 0x8000000000000000;
export const HALF_FULL: i32 = 4;
export const PARTIAL: i32 = 22;
export const OFF_INTERNAL: usize = <usize>(HALF_FULL * T) << 3;
export const OFF_FINAL: usize = OFF_INTERNAL + (<usize>PARTIAL << 3);
export const OFF_DIAG: usize = OFF_FINAL + (<usize>(HALF_FULL * T) << 3);

// ---------------------------------------------------------------- field arithmetic

/** a² for any a < 2^64 (three partial products), not always canonical. */
// @ts-ignore: decorator
@inline export function sqrLazy(a: u64): u64 {
  const a0 = a & LO32;
  const a1 = a >> 32;
  const p00 = a0 * a0;
  const p01 = a0 * a1;
  const p11 = a1 * a1;
  // 2·a0·a1 < 2^65: add its halves separately.
  const mid = (p00 >> 32) + ((p01 & LO32) << 1); // < 2^34
  return reduceLazy((mid << 32) | (p00 & LO32), p11 + (mid >> 32) + ((p01 >> 32) << 1));
}

// @ts-ignore: decorator
@inline export function sbox(x: u64): u64 {
  const x2 = sqrLazy(x);
  const x3 = mulLazy(x2, x);
  const x4 = sqrLazy(x2);
  return mulLazy(x3, x4);
}

/** L + H·2^32 for L, H < 2^40, congruent mod p, not always canonical: the recombination of a linear layer computed on halves. */
// @ts-ignore: decorator
@inline export function reduceHalvesLazy(l: u64, h: u64): u64 {
  // H·2^32 = (H >> 32)·2^64 + (H mod 2^32)·2^32 ≡ (H >> 32)·EPS + (H mod 2^32)·2^32.
  const a = l + (h >> 32) * EPS; // < 2^41
  const b = (h & LO32) << 32;
  const s = a + b;
  return select<u64>(s + EPS, s, s < b); // after a wrap s < 2^41, so no second carry
}

// @ts-ignore: decorator
@inline export function reduceHalves(l: u64, h: u64): u64 {
  return canonical(reduceHalvesLazy(l, h));
}

// ---------------------------------------------------------------- linear layers on a state

/** Scratch words of externalLayer: the halves of the M4 outputs (12 low halves, then 12 high halves). */
export const HALVES_WORDS: i32 = 2 * T;
let scratch: usize = 0;

/** Where externalLayer keeps its halves (HALVES_WORDS words): a region of the calling thread's own. */
export function useHalvesScratch(at: usize): void {
  scratch = at;
}

/** M4 on halves (x0..x3 < 2^32 each): writes 4 outputs < 2^36 at `out`. Paper, Appendix B. */
// @ts-ignore: decorator
@inline export function m4Halves(x0: u64, x1: u64, x2: u64, x3: u64, out: usize): void {
  const t0 = x0 + x1;
  const t1 = x2 + x3;
  const t2 = (x1 << 1) + t1;
  const t3 = (x3 << 1) + t0;
  const t4 = (t1 << 2) + t3;
  const t5 = (t0 << 2) + t2;
  store<u64>(out, t3 + t5); // 5 7 1 3
  store<u64>(out, t5, 8); // 4 6 1 1
  store<u64>(out, t2 + t4, 16); // 1 3 5 7
  store<u64>(out, t4, 24); // 1 1 4 6
}

/** state ← M_E·state = circ(2·M4, M4, M4)·state. */
export function externalLayer(s: usize): void {
  const lo = scratch;
  const hi = scratch + (<usize>T << 3);
  for (let g: usize = 0; g < <usize>T; g += 4) {
    const a0 = load<u64>(s + (g << 3));
    const a1 = load<u64>(s + (g << 3), 8);
    const a2 = load<u64>(s + (g << 3), 16);
    const a3 = load<u64>(s + (g << 3), 24);
    m4Halves(a0 & LO32, a1 & LO32, a2 & LO32, a3 & LO32, lo + (g << 3));
    m4Halves(a0 >> 32, a1 >> 32, a2 >> 32, a3 >> 32, hi + (g << 3));
  }
  for (let k: usize = 0; k < 4; k++) {
    const o = k << 3;
    const l0 = load<u64>(lo + o);
    const l1 = load<u64>(lo + o, 32);
    const l2 = load<u64>(lo + o, 64);
    const h0 = load<u64>(hi + o);
    const h1 = load<u64>(hi + o, 32);
    const h2 = load<u64>(hi + o, 64);
    const ls = l0 + l1 + l2;
    const hs = h0 + h1 + h2;
    store<u64>(s + o, reduceHalvesLazy(l0 + ls, h0 + hs));
    store<u64>(s + o, reduceHalvesLazy(l1 + ls, h1 + hs), 32);
    store<u64>(s + o, reduceHalvesLazy(l2 + ls, h2 + hs), 64);
  }
}

/** y = sum + x·d with sum < p (one wrap leaves room for + EPS); not always canonical. */
// @ts-ignore: decorator
@inline export function internalOne(sum: u64, x: u64, d: u64): u64 {
  const y = sum + mulLazy(d, x);
  return select<u64>(y + EPS, y, y < sum);
}

/** x + c for any x < 2^64 and c < p, not always canonical: a wrap lost 2^64 ≡ EPS, and x + c − 2^64 < c leaves room for it. */
// @ts-ignore: decorator
@inline export function addLazy(x: u64, c: u64): u64 {
  const y = x + c;
  return select<u64>(y + EPS, y, y < c);
}

// ---------------------------------------------------------------- two field elements per v128

// i64x2 has no unsigned compare and no 64×64 multiply: a <u b is (a ^ MSB) <s (b ^ MSB), and the
// 32×32 → 64 partial products come from extmul on the 32-bit halves, gathered by a shuffle as
// [a0 low, a1 low, a0 high, a1 high] ("split" form). A comparison's mask is all ones per true
// lane; mask >>u 32 is then EPS.

/** a <u b per lane, as a mask. */
// @ts-ignore: decorator
@inline export function ltU2(a: v128, b: v128, msb: v128): v128 {
  return i64x2.gt_s(v128.xor(b, msb), v128.xor(a, msb));
}

/** hi·2^64 + lo per lane (lanes of a 128-bit product) to a u64 congruent mod p, not always canonical. */
// @ts-ignore: decorator
@inline export function reduceLazy2(lo: v128, hi: v128, lom: v128, msb: v128): v128 {
  // hi·2^64 ≡ hl·EPS − hh (hh, hl the halves of hi). t = hl·EPS − hh wraps only if hl = 0 (by
  // 2^64 ≡ EPS, taken back out: then t − EPS is still congruent, also for hh = 0, where it is
  // p); an equality mask costs less than the unsigned comparison a borrow test needs.
  const hh = i64x2.shr_u(hi, 32);
  const hl = v128.and(hi, lom);
  const t = i64x2.sub(i64x2.sub(i64x2.sub(i64x2.shl(hl, 32), hl), hh), i64x2.shr_u(i64x2.eq(hl, i64x2.splat(0)), 32));
  // A carry of lo + t lost 2^64 ≡ EPS; t ≤ 2^64 − 2^32 + 1 leaves room to add it back.
  const r = i64x2.add(lo, t);
  return i64x2.add(r, i64x2.shr_u(ltU2(r, t, msb), 32));
}

/**
 * a·d per lane for any a < 2^64, not always canonical; d is given split (dSplit) and split with
 * its halves swapped (dSwap). With plusEps the result is a·d + EPS instead, which saves a
 * borrow: for the internal layer, whose caller adds sum − EPS.
 */
// @ts-ignore: decorator
@inline export function mulSplit2(a: v128, dSplit: v128, dSwap: v128, lom: v128, msb: v128, plusEps: bool): v128 {
  const as = i32x4.shuffle(a, a, 0, 2, 1, 3);
  const p00 = i64x2.extmul_low_i32x4_u(as, dSplit);
  const p11 = i64x2.extmul_high_i32x4_u(as, dSplit);
  const p01 = i64x2.extmul_low_i32x4_u(as, dSwap);
  const p10 = i64x2.extmul_high_i32x4_u(as, dSwap);
  // As mulLazy: mid ≤ 2^64 - 1, then lo = mid·2^32 + (p00 mod 2^32), hi = p11 + ⌊mid/2^32⌋ + ⌊p10/2^32⌋.
  const mid = i64x2.add(i64x2.add(p01, i64x2.shr_u(p00, 32)), v128.and(p10, lom));
  const lo = v128.or(i64x2.shl(mid, 32), v128.and(p00, lom));
  const hi = i64x2.add(i64x2.add(p11, i64x2.shr_u(mid, 32)), i64x2.shr_u(p10, 32));
  if (!plusEps) return reduceLazy2(lo, hi, lom, msb);
  // lo + hi·2^64 + EPS ≡ lo + t1 with t1 = (hl + 1)·EPS − hh ∈ [0, 2^64 − 2^32] (hh, hl the
  // halves of hi): no borrow. A carry of lo + t1 lost 2^64 ≡ EPS; adding it back cannot wrap.
  const hh = i64x2.shr_u(hi, 32);
  const hl = v128.and(hi, lom);
  const t1 = i64x2.sub(i64x2.add(i64x2.sub(i64x2.shl(hl, 32), hl), lom), hh);
  const r = i64x2.add(lo, t1);
  return i64x2.add(r, i64x2.shr_u(ltU2(r, t1, msb), 32));
}

/** a·b per lane for any a, b < 2^64, not always canonical. */
// @ts-ignore: decorator
@inline export function mul2(a: v128, b: v128, lom: v128, msb: v128): v128 {
  return mulSplit2(a, i32x4.shuffle(b, b, 0, 2, 1, 3), i32x4.shuffle(b, b, 1, 3, 0, 2), lom, msb, false);
}

/** a² per lane for any a < 2^64 (three products per lane), not always canonical. */
// @ts-ignore: decorator
@inline export function sqr2(a: v128, lom: v128, msb: v128): v128 {
  const as = i32x4.shuffle(a, a, 0, 2, 1, 3);
  const p00 = i64x2.extmul_low_i32x4_u(as, as);
  const p11 = i64x2.extmul_high_i32x4_u(as, as);
  const p01 = i64x2.extmul_low_i32x4_u(as, i32x4.shuffle(a, a, 1, 3, 0, 2));
  const mid = i64x2.add(i64x2.shr_u(p00, 32), i64x2.shl(v128.and(p01, lom), 1)); // < 2^34
  const lo = v128.or(i64x2.shl(mid, 32), v128.and(p00, lom));
  return reduceLazy2(lo, i64x2.add(i64x2.add(p11, i64x2.shr_u(mid, 32)), i64x2.shl(i64x2.shr_u(p01, 32), 1)), lom, msb);
}

// @ts-ignore: decorator
@inline export function sbox2(x: v128, lom: v128, msb: v128): v128 {
  const x2 = sqr2(x, lom, msb);
  const x3 = mul2(x2, x, lom, msb);
  const x4 = sqr2(x2, lom, msb);
  return mul2(x3, x4, lom, msb);
}

/** x + c per lane for any x < 2^64 and c < p, as addLazy. */
// @ts-ignore: decorator
@inline export function addLazy2(x: v128, c: v128, msb: v128): v128 {
  const y = i64x2.add(x, c);
  return i64x2.add(y, i64x2.shr_u(ltU2(y, c, msb), 32));
}

/** x + sum per lane for any x < 2^64 and sum < p (both lanes), as internalOne; sumX is sum ^ MSB. */
// @ts-ignore: decorator
@inline export function addSum2(x: v128, sum: v128, sumX: v128, msb: v128): v128 {
  const y = i64x2.add(x, sum);
  return i64x2.add(y, i64x2.shr_u(i64x2.gt_s(sumX, v128.xor(y, msb)), 32));
}

/** x mod p per lane for any x < 2^64. */
// @ts-ignore: decorator
@inline export function canonical2(x: v128, pX: v128, msb: v128): v128 {
  // x ≥ p ⟺ ¬(x <u p); p ^ MSB is given.
  return i64x2.sub(x, v128.andnot(v128.xor(pX, msb), i64x2.gt_s(pX, v128.xor(x, msb))));
}

/**
 * One full round's constants (none with c = 0) and S-boxes at `s` (then M_E, externalLayer).
 * With rec ≠ 0 the S-box inputs are stored there, canonical. Per group of six slots four run
 * as two SIMD pairs and two in scalar code: the vector and scalar ports work side by side (all
 * twelve in SIMD was 20% slower than this, half and half 3% slower).
 */
// @ts-ignore: decorator
@inline export function fullRoundSboxes(s: usize, c: usize, rec: usize): void {
  const lom = i64x2.splat(LO32);
  const msb = i64x2.splat(MSB);
  const pX = i64x2.splat(P ^ MSB);
  for (let o: usize = 0; o < <usize>(T << 3); o += 48) {
    let v = v128.load(s + o), w = v128.load(s + o, 16), u4 = load<u64>(s + o, 32), u5 = load<u64>(s + o, 40);
    if (c != 0) {
      v = addLazy2(v, v128.load(c + o), msb);
      w = addLazy2(w, v128.load(c + o, 16), msb);
      u4 = addLazy(u4, load<u64>(c + o, 32));
      u5 = addLazy(u5, load<u64>(c + o, 40));
    }
    if (rec != 0) {
      v128.store(rec + o, canonical2(v, pX, msb));
      v128.store(rec + o, canonical2(w, pX, msb), 16);
      store<u64>(rec + o, canonical(u4), 32);
      store<u64>(rec + o, canonical(u5), 40);
    }
    v128.store(s + o, sbox2(v, lom, msb));
    v128.store(s + o, sbox2(w, lom, msb), 16);
    store<u64>(s + o, sbox(u4), 32);
    store<u64>(s + o, sbox(u5), 40);
  }
}

/** One partial round after its constant, in memory: S-box on slot 0, then the internal layer (not always canonical). */
export function partialRound(s: usize, consts: usize): void {
  const dg = consts + OFF_DIAG;
  const x0 = sbox(load<u64>(s));
  let l = x0 & LO32;
  let h = x0 >> 32;
  for (let i: usize = 1; i < <usize>T; i++) {
    const x = load<u64>(s + (i << 3));
    l += x & LO32;
    h += x >> 32;
  }
  const sum = reduceHalves(l, h);
  store<u64>(s, internalOne(sum, x0, load<u64>(dg)));
  for (let i: usize = 1; i < <usize>T; i++) store<u64>(s + (i << 3), internalOne(sum, load<u64>(s + (i << 3)), load<u64>(dg + (i << 3))));
}
