// Randomizing a claim before anything about a private polynomial is revealed.
//
// A claim f(p) = v at a point p with a boolean coordinate (Slice, Split, constant Gather,
// strided downsampling produce such points) cannot be opened as f̂(p): Z(p) = 0, so f̂(p) = f(p)
// would be unmasked (MaskedPoly.noteReveal refuses it). Instead prove v = Σ_x eq(p, x)·f̂(x)
// (true because f̂ = f on the hypercube) with a zero-knowledge sumcheck; it ends in a masked
// reveal f̂(r) at a random r. Several claims on the same table batch into one instance: with
// random weights λ_j, Σ_j λ_j v_j = Σ_x (Σ_j λ_j eq(p_j, x))·f̂(x).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { BatchShape } from './types.js';

/**
 * The zero-knowledge batch that reduces claims f(p_j) = v_j on one masked table (table 0, with
 * `maskVars` mask variables) to one masked reveal at a random point. `weights` are random
 * F_p2 elements drawn by the caller from the transcript after absorbing the claims.
 */
export function randomizeClaimsShape(numVars: number, maskVars: number, claims: readonly { point: readonly Fp2[]; value: Fp2 }[], weights: readonly Fp2[]): BatchShape {
  if (claims.length === 0 || weights.length !== claims.length) throw new RangeError('randomizeClaimsShape: one weight per claim, at least one claim');
  let claimedSum: Fp2 = E.ZERO;
  claims.forEach((c, j) => (claimedSum = E.add(claimedSum, E.mul(weights[j], c.value))));
  return {
    tables: [{ numVars, kind: 'committed', maskVars }],
    instances: [{ numVars, weight: E.ONE, terms: claims.map((c, j) => ({ coeff: weights[j], factors: [{ eq: c.point }, { table: 0 }] })) }],
    claimedSum,
    zk: true,
  };
}
