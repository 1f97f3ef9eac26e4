// Instances for the commitment tests: vectors, claims over them and their true values.
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import * as V from '../../src/field/vec.js';
import { evaluate, numVars } from '../../src/poly/mle.js';
import type { LinearClaim, ClaimTerm } from '../../src/pcs/types.js';
import { randomBase } from '../../src/pcs/random.js';
import { Rng } from '../field/helpers.js';

export { Rng };

export function vecOf(rng: Rng, n: number): BigUint64Array {
  // Large vectors come from the platform RNG (a BigInt generator is too slow for 2^22).
  if (n > 1 << 16) return randomBase(n);
  return BigUint64Array.from({ length: n }, () => rng.u64() % F.P);
}

export function pointOf(rng: Rng, k: number): Fp2[] {
  return Array.from({ length: k }, () => [rng.u64() % F.P, rng.u64() % F.P] as const);
}

export function extOf(rng: Rng): Fp2 {
  return [rng.u64() % F.P, rng.u64() % F.P];
}

/** Σ_i w_i·v_i (the value of a dense-weight term), in BigInt. */
export function denseValue(v: BigUint64Array, w: BigUint64Array): Fp2 {
  let acc: Fp2 = E.ZERO;
  for (let i = 0; i < w.length >> 1; i++) {
    const x = i < v.length ? v[i] : 0n;
    acc = E.add(acc, E.mulBase([w[2 * i], w[2 * i + 1]], x));
  }
  return acc;
}

export function termValue(polys: readonly BigUint64Array[], t: ClaimTerm): Fp2 {
  if ('layoutPoint' in t) throw new Error('termValue: a layout term needs the scheme\'s concatenation');
  const v = polys[t.poly];
  const raw = 'point' in t ? evaluate(v, t.point) : denseValue(v, t.weights);
  return E.mul(t.coeff, raw);
}

export function claimOf(polys: readonly BigUint64Array[], terms: ClaimTerm[]): LinearClaim {
  return { terms, value: terms.reduce((acc, t) => E.add(acc, termValue(polys, t)), E.ZERO as Fp2) };
}

/**
 * A typical batch: the first vector at two points (the second claim adding a term on the last
 * vector, like f(r) + Z(r)·R(r)), and dense weights on the smallest vector.
 */
export function typicalClaims(rng: Rng, polys: readonly BigUint64Array[]): LinearClaim[] {
  const last = polys.length - 1;
  const k0 = numVars(polys[0].length);
  const kl = numVars(polys[last].length);
  const claims: LinearClaim[] = [claimOf(polys, [{ poly: 0, coeff: E.ONE, point: pointOf(rng, k0) }])];
  claims.push(claimOf(polys, [
    { poly: 0, coeff: E.ONE, point: pointOf(rng, k0) },
    { poly: last, coeff: extOf(rng), point: pointOf(rng, kl) },
  ]));
  const wlen = Math.min(2 ** kl, 64);
  const w = V.extFromElements(Array.from({ length: wlen }, () => extOf(rng)));
  claims.push(claimOf(polys, [{ poly: last, coeff: extOf(rng), weights: w }]));
  return claims;
}
