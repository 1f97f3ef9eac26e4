// Goldilocks scalar arithmetic (p = 2^64 - 2^32 + 1) shared by every kernel in assembly/.
// Branch-free (select), so the timing of the hot loops does not depend on values; inlined
// into each kernel by the compiler. Inputs are canonical (< p) unless a function says otherwise.

export const P: u64 = 0xffffffff00000001;
/** 2^64 mod p = 2^32 - 1. */
export const EPS: u64 = 0xffffffff;
export const LO32: u64 = 0xffffffff;

/**
 * hi·2^64 + lo (any 128-bit value) to a u64 congruent mod p, not always canonical (< p): the
 * reduction without its last conditional subtraction. Uses 2^64 ≡ 2^32 - 1, 2^96 ≡ -1.
 */
// @ts-ignore: decorator
@inline export function reduceLazy(lo: u64, hi: u64): u64 {
  const hh = hi >> 32;
  const hl = hi & LO32;
  // lo - hh; a borrow wrapped by 2^64 ≡ EPS, so take EPS back out (cannot underflow again).
  let t0 = lo - hh;
  t0 = select<u64>(t0 - EPS, t0, lo < hh);
  // hl·(2^32 - 1) < 2^64.
  const t1 = (hl << 32) - hl;
  const t2 = t0 + t1;
  // a carry lost 2^64 ≡ EPS; adding it back cannot overflow again.
  return select<u64>(t2 + EPS, t2, t2 < t1);
}

/** x < 2^64 to its canonical representative. */
// @ts-ignore: decorator
@inline export function canonical(x: u64): u64 {
  return select<u64>(x - P, x, x >= P);
}

/** Reduces hi·2^64 + lo (any 128-bit value) into [0, p). */
// @ts-ignore: decorator
@inline export function reduce128(lo: u64, hi: u64): u64 {
  return canonical(reduceLazy(lo, hi));
}

/** Reduces hi·2^64 + lo with hi < 2^32. */
// @ts-ignore: decorator
@inline export function reduceSmall(lo: u64, hi: u64): u64 {
  const t = (hi << 32) - hi;
  let s = lo + t;
  s = select<u64>(s + EPS, s, s < t);
  return select<u64>(s - P, s, s >= P);
}

/**
 * a·b for any a, b < 2^64, reduced lazily (a u64 congruent mod p, not always < p): for
 * kernels whose consumers accept any u64 (Poseidon2 keeps its state this way).
 */
// @ts-ignore: decorator
@inline export function mulLazy(a: u64, b: u64): u64 {
  const a0 = a & LO32;
  const a1 = a >> 32;
  const b0 = b & LO32;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  // ≤ (2^32-1)^2 + 2·(2^32-1) = 2^64 - 1: no overflow.
  const mid = p01 + (p00 >> 32) + (p10 & LO32);
  const lo = (mid << 32) | (p00 & LO32);
  const hi = p11 + (mid >> 32) + (p10 >> 32);
  return reduceLazy(lo, hi);
}

// @ts-ignore: decorator
@inline export function mul(a: u64, b: u64): u64 {
  return canonical(mulLazy(a, b));
}

/** 7·a, the extension's non-residue times a base element. */
// @ts-ignore: decorator
@inline export function mul7(a: u64): u64 {
  const q0 = (a & LO32) * 7;
  const q1 = (a >> 32) * 7;
  const lo = q0 + (q1 << 32);
  const hi = (q1 >> 32) + u64(lo < q0);
  return reduceSmall(lo, hi);
}

// @ts-ignore: decorator
@inline export function add(a: u64, b: u64): u64 {
  const x = P - b; // in [1, p]
  const r = a - x;
  return select<u64>(r + P, r, a < x);
}

// @ts-ignore: decorator
@inline export function sub(a: u64, b: u64): u64 {
  const r = a - b;
  return select<u64>(r + P, r, a < b);
}
