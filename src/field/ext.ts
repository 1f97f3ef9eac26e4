// Scalar arithmetic in the quadratic extension F_{p^2} = F_p[X]/(X^2 - 7).
// An element c0 + c1·X is the pair [c0, c1]. Every soundness challenge lives here.
import * as F from './goldilocks.js';

export type Fp2 = readonly [bigint, bigint];

/** The non-residue W with X^2 = W. 7 is a quadratic non-residue mod p. */
export const W = 7n;

export const ZERO: Fp2 = [0n, 0n];
export const ONE: Fp2 = [1n, 0n];

export function fromBase(a: F.Fp): Fp2 {
  return [a, 0n];
}

export function isBase(a: Fp2): boolean {
  return a[1] === 0n;
}

export function eq(a: Fp2, b: Fp2): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

export function add(a: Fp2, b: Fp2): Fp2 {
  return [F.add(a[0], b[0]), F.add(a[1], b[1])];
}

export function sub(a: Fp2, b: Fp2): Fp2 {
  return [F.sub(a[0], b[0]), F.sub(a[1], b[1])];
}

export function neg(a: Fp2): Fp2 {
  return [F.neg(a[0]), F.neg(a[1])];
}

export function mul(a: Fp2, b: Fp2): Fp2 {
  const c0 = (a[0] * b[0] + W * ((a[1] * b[1]) % F.P)) % F.P;
  const c1 = (a[0] * b[1] + a[1] * b[0]) % F.P;
  return [c0, c1];
}

export function mulBase(a: Fp2, b: F.Fp): Fp2 {
  return [F.mul(a[0], b), F.mul(a[1], b)];
}

export function square(a: Fp2): Fp2 {
  return mul(a, a);
}

export function inv(a: Fp2): Fp2 {
  // (c0 + c1 X)^-1 = (c0 - c1 X) / (c0^2 - W c1^2)
  const norm = F.sub(F.mul(a[0], a[0]), F.mul(W, F.mul(a[1], a[1])));
  const ni = F.inv(norm);
  return [F.mul(a[0], ni), F.mul(F.neg(a[1]), ni)];
}

/** Left-to-right square and multiply: no product by 1 and no square past the top bit (a^7 in 4 products). */
export function pow(a: Fp2, e: bigint): Fp2 {
  if (e < 0n) return pow(inv(a), -e);
  if (e === 0n) return ONE;
  let result = a;
  for (let bit = BigInt(e.toString(2).length - 2); bit >= 0n; bit--) {
    result = mul(result, result);
    if ((e >> bit) & 1n) result = mul(result, a);
  }
  return result;
}

export function isCanonical(a: Fp2): boolean {
  return F.isCanonical(a[0]) && F.isCanonical(a[1]);
}
