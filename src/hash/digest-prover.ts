// The digest proof, prover side (docs/protocol-poseidon2.md): proves that the sponge run of
// the witness hashes V (with the salt in K) to the public digest, by one sumcheck per round
// from the output back to the input, and returns the claims on V and K that the caller's
// commitment openings must settle.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import { eqTable, extScale } from '../field/vec.js';
import { proveSumcheck } from '../sumcheck/prover.js';
import type { Transcript } from '../transcript/transcript.js';
import { layerColumn, type DigestWitness } from './digest-witness.js';
import { ROUNDS, T } from './digest-relations.js';
import type { DigestClaims, DigestProof } from './digest-proof.js';
import {
  absorbStatement, CAPACITY_WORDS, drawFinalChallenges, drawOutputChallenges, finalMu, finalShape, outputShape,
  roundShape, slotWeights, statementInfo, type DigestStatement,
} from './digest-shapes.js';

export function digestStatement(w: DigestWitness): DigestStatement {
  return { digest: w.digest, options: w.options, count: w.layout.count };
}

/** Layer of u_r (the S-box input of round r) in the witness trace. */
const uLayer = (r: number) => 1 + r;

function uTables(w: DigestWitness, r: number): BigUint64Array[] {
  return Array.from({ length: T }, (_, s) => layerColumn(w, uLayer(r), s));
}

/** Shift(τ, y) = eq(τ, y − 1) for y ≥ 1, 0 for y = 0 (extension table). */
function shiftTable(tau: readonly Fp2[]): BigUint64Array {
  const eq = eqTable(tau);
  const out = new BigUint64Array(eq.length);
  out.set(eq.subarray(0, eq.length - 2), 2);
  return out;
}

export interface ProveDigestOptions {
  /**
   * Tests only: a cheating prover. Proves every batch from its actual sum even where that differs
   * from the claimed one (which the honest prover refuses), so tests can check the verifier rejects.
   */
  readonly unsafeAllowFalseClaim?: boolean;
}

export function proveDigest(w: DigestWitness, transcript: Transcript, options: ProveDigestOptions = {}): { proof: DigestProof; claims: DigestClaims } {
  const opts = { unsafeAllowFalseClaim: options.unsafeAllowFalseClaim === true };
  const statement = digestStatement(w);
  const info = statementInfo(statement);
  if (info.blocks !== w.blocks) throw new Error('proveDigest: witness and statement disagree on the number of permutations');
  absorbStatement(transcript, statement, info);
  const capacity = Array.from({ length: CAPACITY_WORDS }, (_, c) => layerColumn(w, 0, 8 + c));
  const capacityClaims: { point: readonly Fp2[]; value: Fp2 }[][] = capacity.map(() => []);
  const batches = [];

  // Batch 0: the output layer (digest and chaining) through round 29.
  const och = drawOutputChallenges(transcript, info.n);
  const out = proveSumcheck(outputShape(info.n, och, statement.digest), [...uTables(w, ROUNDS - 1), ...capacity, shiftTable(och.tau)], null, transcript, opts);
  batches.push(out.proof);
  for (let c = 0; c < CAPACITY_WORDS; c++) capacityClaims[c].push({ point: out.point, value: out.values[T + c] });
  let rho = out.point;
  let values = out.values.slice(0, T);

  // Batches 1 … 29: round r from a claim on u_{r+1} to one on u_r.
  for (let r = ROUNDS - 2; r >= 0; r--) {
    const lambda = transcript.challengeExts('p2digest/lambda', T);
    const step = proveSumcheck(roundShape(r, info.n, lambda, rho, values), uTables(w, r), null, transcript, opts);
    batches.push(step.proof);
    rho = step.point;
    values = step.values.slice(0, T);
  }

  // Batch 30: u_0 = M_E·In + c_0 with In = (packing of V, K).
  const fch = drawFinalChallenges(transcript);
  const mu = finalMu(fch);
  const slots = slotWeights(info.layout, fch.eta);
  const eq = eqTable(rho);
  const P = info.blocks;
  const W = new BigUint64Array(2 * P * 8 * info.layout.slots);
  for (let l = 0; l < info.layout.slots; l++) {
    for (let s = 0; s < 8; s++) W.set(extScale(eq, E.mul(mu[s], slots[l])), 2 * P * (s + 8 * l));
  }
  const fin = proveSumcheck(finalShape(info, fch, rho, values), [W, w.valueVector, ...capacity], null, transcript, opts);
  batches.push(fin.proof);
  const kPoint = fin.point.slice(0, info.n);
  for (let c = 0; c < CAPACITY_WORDS; c++) capacityClaims[c].push({ point: kPoint, value: fin.values[2 + c] });
  return { proof: { batches }, claims: { values: { point: fin.point, value: fin.values[1] }, capacity: capacityClaims } };
}
