// The sumcheck verifier for a batch (types.ts), plain or zero-knowledge (mask.ts). Imports
// nothing Node-only and no kernels: it runs in browsers.
//
// It checks every round against the running claim and the final value against the tables'
// values, and returns what remains to be checked elsewhere: one claim per committed table
// (to a PCS opening or a later protocol) and, for a zero-knowledge batch, the claim g(r) on
// the masking polynomial (see `maskWeights` for its PCS functional).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import { VerificationError } from '../encoding/errors.js';
import type { Transcript } from '../transcript/transcript.js';
import { interpolateAt, eqEval, pow2 } from './poly.js';
import type { SumcheckProof } from './proof.js';
import { absorbProofHead, absorbRound, absorbTail } from './proof.js';
import type { BatchShape, EvalClaim } from './types.js';
import { batchVars, isEqFactor, roundDegrees, validateShape } from './types.js';

export interface VerifierOutput {
  readonly point: readonly Fp2[];
  readonly claims: readonly EvalClaim[];
  /** For a zero-knowledge batch: g(point) as sent (check it with the PCS). */
  readonly maskValue: Fp2 | null;
}

/** Evaluates a public table at a point (the verifier's own computation). */
export type PublicEval = (table: number, point: readonly Fp2[]) => Fp2;

const noPublic: PublicEval = (table) => {
  throw new RangeError(`verifySumcheck: table ${table} is public but no publicEval was given`);
};

export function verifySumcheck(shape: BatchShape, proof: SumcheckProof, transcript: Transcript, publicEval: PublicEval = noPublic): VerifierOutput {
  validateShape(shape);
  const degrees = roundDegrees(shape);
  const n = batchVars(shape);
  const committedCount = shape.tables.filter((t) => t.kind === 'committed').length;
  if (proof.rounds.length !== n || proof.rounds.some((r, k) => r.length !== degrees[k])) throw new VerificationError('sumcheck/shape', 'round messages do not match the round degrees');
  if (proof.values.length !== committedCount) throw new VerificationError('sumcheck/shape', 'wrong number of table values');
  if ((proof.maskSum === null) === shape.zk || (proof.maskValue === null) === shape.zk) throw new VerificationError('sumcheck/shape', 'mask values present iff zero knowledge');

  const rho = absorbProofHead(transcript, degrees, shape.claimedSum, proof.maskSum);
  let claim = shape.zk ? E.add(shape.claimedSum, E.mul(rho, proof.maskSum!)) : shape.claimedSum;
  const point: Fp2[] = [];
  for (let k = 0; k < n; k++) {
    const sent = proof.rounds[k];
    const evals = [sent[0], E.sub(claim, sent[0]), ...sent.slice(1)];
    const r = absorbRound(transcript, sent);
    claim = interpolateAt(evals, r);
    point.push(r);
  }
  absorbTail(transcript, proof.values, proof.maskValue);

  // the final value from the tables
  const values: Fp2[] = [];
  const claims: EvalClaim[] = [];
  let c = 0;
  shape.tables.forEach((t, j) => {
    const p = point.slice(0, t.numVars);
    if (t.kind === 'committed') {
      values.push(proof.values[c++]);
      claims.push({ table: j, point: p, value: values[j] });
    } else {
      values.push(publicEval(j, p));
    }
  });
  let expected: Fp2 = E.ZERO;
  // terms of an instance share eq factors (the same point array): evaluate each once
  const eqValues = new Map<readonly Fp2[], Fp2>();
  const eqAt = (eq: readonly Fp2[], p: readonly Fp2[]): Fp2 => {
    let v = eqValues.get(eq);
    if (v === undefined) {
      v = eqEval(eq, p);
      eqValues.set(eq, v);
    }
    return v;
  };
  for (const inst of shape.instances) {
    const p = point.slice(0, inst.numVars);
    let f: Fp2 = E.ZERO;
    for (const term of inst.terms) {
      let prod = term.coeff;
      for (const fac of term.factors) prod = E.mul(prod, isEqFactor(fac) ? eqAt(fac.eq, p) : values[fac.table]);
      f = E.add(f, prod);
    }
    expected = E.add(expected, E.mul(inst.weight, f));
  }
  if (shape.zk) expected = E.add(expected, E.mul(rho, proof.maskValue!));
  if (!E.eq(expected, claim)) throw new VerificationError('sumcheck/final', 'the final round does not match the table values');
  return { point, claims, maskValue: proof.maskValue };
}

/** The claimed sum of a batch from per-instance sums S_i: Σ_i weight_i·2^(n−n_i)·S_i. */
export function batchedClaim(shape: Pick<BatchShape, 'instances'>, sums: readonly Fp2[]): Fp2 {
  const n = shape.instances.reduce((m, i) => Math.max(m, i.numVars), 0);
  return shape.instances.reduce((acc, inst, i) => E.add(acc, E.mul(E.mulBase(inst.weight, pow2(n - inst.numVars)), sums[i])), E.ZERO as Fp2);
}

/** Random batching weights λ_i drawn from the transcript (after the per-instance claims are absorbed). */
export function drawWeights(transcript: Transcript, count: number): Fp2[] {
  return transcript.challengeExts('sumcheck/batch', count);
}
