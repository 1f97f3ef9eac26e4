// Goldilocks and F_p2 arithmetic on two lanes at once (WebAssembly SIMD), shared by the kernels
// in assembly/ (field, sumcheck, LogUp-GKR): the arithmetic of lib/goldilocks.ts and lib/ext.ts on
// i64x2 vectors, two independent elements per instruction. WebAssembly SIMD has no 64-bit
// multiply-high, but i64x2.extmul_{low,high}_i32x4_u give two 32×32→64 products at once, and
// comparisons produce all-ones masks, so the fix-ups are and/add instead of selects. Measured
// 1.5× the scalar multiplication throughput.

import { P, LO32 } from './goldilocks';

/** Unsigned a < b per lane, as an all-ones mask (flip the sign bits, compare signed). */
// @ts-ignore: decorator
@inline export function ult2(a: v128, b: v128): v128 {
  const sign = i64x2.splat(<i64>0x8000000000000000);
  return i64x2.gt_s(v128.xor(b, sign), v128.xor(a, sign));
}

/** hi·2^64 + lo → [0, p) per lane; same steps as reduce128. */
// @ts-ignore: decorator
@inline export function reduce2(lo: v128, hi: v128): v128 {
  const m32 = i64x2.splat(<i64>LO32);
  const pv = i64x2.splat(<i64>P);
  const hh = i64x2.shr_u(hi, 32);
  const hl = v128.and(hi, m32);
  const t0 = i64x2.sub(i64x2.sub(lo, hh), v128.and(ult2(lo, hh), m32));
  const t1 = i64x2.sub(i64x2.shl(hl, 32), hl);
  const s = i64x2.add(t0, t1);
  const t2 = i64x2.add(s, v128.and(ult2(s, t1), m32));
  return i64x2.sub(t2, v128.andnot(pv, ult2(t2, pv)));
}

// @ts-ignore: decorator
@inline export function mul2(x: v128, y: v128): v128 {
  const m32 = i64x2.splat(<i64>LO32);
  // 32-bit halves regrouped so that extmul pairs lane i of x with lane i of y.
  const xs = v128.shuffle<i32>(x, x, 0, 2, 1, 3); // x.lo0 x.lo1 x.hi0 x.hi1
  const ys = v128.shuffle<i32>(y, y, 0, 2, 1, 3);
  const yw = v128.shuffle<i32>(y, y, 1, 3, 0, 2); // y.hi0 y.hi1 y.lo0 y.lo1
  const p00 = i64x2.extmul_low_i32x4_u(xs, ys);
  const p11 = i64x2.extmul_high_i32x4_u(xs, ys);
  const p01 = i64x2.extmul_low_i32x4_u(xs, yw);
  const p10 = i64x2.extmul_high_i32x4_u(xs, yw);
  const mid = i64x2.add(i64x2.add(p01, i64x2.shr_u(p00, 32)), v128.and(p10, m32));
  const lo = v128.or(i64x2.shl(mid, 32), v128.and(p00, m32));
  const hi = i64x2.add(i64x2.add(p11, i64x2.shr_u(mid, 32)), i64x2.shr_u(p10, 32));
  return reduce2(lo, hi);
}

// @ts-ignore: decorator
@inline export function add2(a: v128, b: v128): v128 {
  const pv = i64x2.splat(<i64>P);
  const x = i64x2.sub(pv, b);
  return i64x2.add(i64x2.sub(a, x), v128.and(ult2(a, x), pv));
}

// @ts-ignore: decorator
@inline export function sub2(a: v128, b: v128): v128 {
  const pv = i64x2.splat(<i64>P);
  return i64x2.add(i64x2.sub(a, b), v128.and(ult2(a, b), pv));
}

/** 7·a per lane: 7a = 8a − a as a 67-bit value, then a short reduction (hi < 8). */
// @ts-ignore: decorator
@inline export function mul7x2(a: v128): v128 {
  const m32 = i64x2.splat(<i64>LO32);
  const pv = i64x2.splat(<i64>P);
  const s = i64x2.shl(a, 3);
  const lo = i64x2.sub(s, a);
  const hi = i64x2.add(i64x2.shr_u(a, 61), ult2(s, a)); // a borrow mask is −1
  const t = i64x2.sub(i64x2.shl(hi, 32), hi);
  const r = i64x2.add(lo, t);
  const r2 = i64x2.add(r, v128.and(ult2(r, t), m32));
  return i64x2.sub(r2, v128.andnot(pv, ult2(r2, pv)));
}

// Two extension products (lanes = elements) leave their coordinates here.
export let v0: v128 = i64x2.splat(0);
export let v1: v128 = i64x2.splat(0);

/** (a0 + a1 X)(b0 + b1 X) for two elements per lane pair, Karatsuba as extMul (lib/ext.ts). */
// @ts-ignore: decorator
@inline export function extMul2To(a0: v128, a1: v128, b0: v128, b1: v128): void {
  const m0 = mul2(a0, b0);
  const m1 = mul2(a1, b1);
  const m2 = mul2(add2(a0, a1), add2(b0, b1));
  v0 = add2(m0, mul7x2(m1));
  v1 = sub2(sub2(m2, m0), m1);
}

/** Coordinate c0 of two adjacent extension elements at p (element-interleaved in memory). */
// @ts-ignore: decorator
@inline export function loadC0(p: usize): v128 {
  return v128.shuffle<i64>(v128.load(p), v128.load(p, 16), 0, 2);
}

// @ts-ignore: decorator
@inline export function loadC1(p: usize): v128 {
  return v128.shuffle<i64>(v128.load(p), v128.load(p, 16), 1, 3);
}

/** Stores two extension elements given by coordinate vectors (c0 lanes, c1 lanes). */
// @ts-ignore: decorator
@inline export function storeExt2(p: usize, c0: v128, c1: v128): void {
  v128.store(p, v128.shuffle<i64>(c0, c1, 0, 2));
  v128.store(p, v128.shuffle<i64>(c0, c1, 1, 3), 16);
}
