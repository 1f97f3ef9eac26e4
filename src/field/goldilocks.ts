// Scalar arithmetic in the Goldilocks field F_p, p = 2^64 - 2^32 + 1.
// BigInt is fine here: this API serves verifier-side code and tests. Bulk work goes
// through the vector kernels in ./vec.ts. Every function expects and returns canonical
// values in [0, p); `fromBigInt` is the checked entry point for anything else.

export const P = 0xffffffff00000001n;
/** 2^32-th primitive root of unity source: 7 generates F_p^*. */
export const MULTIPLICATIVE_GENERATOR = 7n;
export const TWO_ADICITY = 32;

export type Fp = bigint;

export function isCanonical(x: bigint): boolean {
  return x >= 0n && x < P;
}

/** Reduces any integer (negative included) into [0, p). */
export function fromBigInt(x: bigint): Fp {
  const r = x % P;
  return r < 0n ? r + P : r;
}

/** Maps a signed integer that fits in a JS safe integer into the field. */
export function fromInt(x: number): Fp {
  if (!Number.isSafeInteger(x)) throw new RangeError(`fromInt: ${x} is not a safe integer`);
  return fromBigInt(BigInt(x));
}

/** Interprets a canonical element as a signed integer in (-p/2, p/2). */
export function toSigned(x: Fp): bigint {
  return x > P >> 1n ? x - P : x;
}

export function add(a: Fp, b: Fp): Fp {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function sub(a: Fp, b: Fp): Fp {
  return a >= b ? a - b : a + P - b;
}

export function neg(a: Fp): Fp {
  return a === 0n ? 0n : P - a;
}

export function mul(a: Fp, b: Fp): Fp {
  return (a * b) % P;
}

export function pow(a: Fp, e: bigint): Fp {
  if (e < 0n) return pow(inv(a), -e);
  let result = 1n;
  let base = a % P;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % P;
    base = (base * base) % P;
    e >>= 1n;
  }
  return result;
}

/** a^(2^k) by k squarings. */
function sqrn(a: Fp, k: number): Fp {
  for (let i = 0; i < k; i++) a = (a * a) % P;
  return a;
}

/**
 * a^(p−2) by an addition chain: p − 2 is 31 ones, a zero, 32 ones in binary, so with
 * e_k = a^(2^k − 1) it is e_31^(2^33)·e_32 — 64 squarings and 9 products instead of the 126
 * of square-and-multiply (the provers invert a few times per sumcheck round).
 */
export function inv(a: Fp): Fp {
  if (a === 0n) throw new RangeError('inverse of zero');
  const e2 = mul(sqrn(a, 1), a);
  const e3 = mul(sqrn(e2, 1), a);
  const e6 = mul(sqrn(e3, 3), e3);
  const e12 = mul(sqrn(e6, 6), e6);
  const e24 = mul(sqrn(e12, 12), e12);
  const e30 = mul(sqrn(e24, 6), e6);
  const e31 = mul(sqrn(e30, 1), a);
  const e32 = mul(sqrn(e31, 1), a);
  return mul(sqrn(e31, 33), e32);
}

/** A primitive 2^logN-th root of unity. */
export function rootOfUnity(logN: number): Fp {
  if (!Number.isInteger(logN) || logN < 0 || logN > TWO_ADICITY) {
    throw new RangeError(`rootOfUnity: log size ${logN} outside [0, ${TWO_ADICITY}]`);
  }
  return pow(pow(MULTIPLICATIVE_GENERATOR, (P - 1n) >> 32n), 1n << BigInt(TWO_ADICITY - logN));
}
