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

export function inv(a: Fp): Fp {
  if (a === 0n) throw new RangeError('inverse of zero');
  return pow(a, P - 2n);
}

/** A primitive 2^logN-th root of unity. */
export function rootOfUnity(logN: number): Fp {
  if (!Number.isInteger(logN) || logN < 0 || logN > TWO_ADICITY) {
    throw new RangeError(`rootOfUnity: log size ${logN} outside [0, ${TWO_ADICITY}]`);
  }
  return pow(pow(MULTIPLICATIVE_GENERATOR, (P - 1n) >> 32n), 1n << BigInt(TWO_ADICITY - logN));
}
