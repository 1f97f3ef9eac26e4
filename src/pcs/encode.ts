// The Reed–Solomon encoding of the commitment: a message of k coefficients is evaluated on the
// coset g·⟨ω⟩ of size N (g = the multiplicative generator 7). Non-systematic: no codeword
// symbol equals a message symbol in general, and with the t top coefficients uniformly random
// any t codeword symbols are uniform (their map from those coefficients is a scaled
// Vandermonde matrix on distinct nonzero points, hence invertible).
import { MULTIPLICATIVE_GENERATOR } from '../field/goldilocks.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';

export const COSET_SHIFT = MULTIPLICATIVE_GENERATOR;

/** The codeword (N symbols) of a base-field message of ≤ N coefficients. */
export function encodeBase(message: BaseVec, N: number): BaseVec {
  if (message.length > N) throw new RangeError(`encode: ${message.length} coefficients for length ${N}`);
  const buf = new BigUint64Array(N);
  buf.set(message);
  V.cosetNtt(buf, COSET_SHIFT);
  return buf;
}

/** Splits an F_p2 vector into its c0 and c1 coordinate vectors. */
export function splitExt(v: ExtVec): [BaseVec, BaseVec] {
  const n = v.length >> 1;
  const a = new BigUint64Array(n);
  const b = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = v[2 * i];
    b[i] = v[2 * i + 1];
  }
  return [a, b];
}

/** c0 + X·c1 as an F_p2 vector. */
export function joinExt(c0: BaseVec, c1: BaseVec): ExtVec {
  if (c0.length !== c1.length) throw new RangeError('joinExt: lengths differ');
  const out = new BigUint64Array(2 * c0.length);
  for (let i = 0; i < c0.length; i++) {
    out[2 * i] = c0[i];
    out[2 * i + 1] = c1[i];
  }
  return out;
}

/** The codeword of an F_p2 message (the code is F_p-linear, so coordinate by coordinate). */
export function encodeExt(message: ExtVec, N: number): { c0: BaseVec; c1: BaseVec } {
  const [a, b] = splitExt(message);
  return { c0: encodeBase(a, N), c1: encodeBase(b, N) };
}
