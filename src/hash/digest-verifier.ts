// The digest proof, verifier side. Verifier-safe: no kernels, nothing Node-only. Returns the
// claims on V, K and the masks that openings of the commitments must settle; throws a
// VerificationError on any failed check.
import type { Fp2 } from '../field/ext.js';
import { VerificationError } from '../encoding/errors.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { EvalClaim } from '../sumcheck/types.js';
import type { Transcript } from '../transcript/transcript.js';
import { isFullRound, ROUNDS, T } from './digest-relations.js';
import type { DigestClaims, DigestEvalClaim, DigestProof } from './digest-proof.js';
import {
  absorbStatement, BATCHES, CAPACITY_WORDS, drawFinalChallenges, drawOutputChallenges, finalPublicEval, finalShape,
  nextLayerClaim, outputPublicEval, outputShape, revealedWidth, roundShape, roundWeights, statementInfo, type DigestStatement,
} from './digest-shapes.js';

function claimOf(claims: readonly EvalClaim[], table: number): EvalClaim {
  const c = claims.find((x) => x.table === table);
  if (!c) throw new VerificationError('p2digest/claims', `no value for table ${table}`);
  return c;
}

export function verifyDigest(statement: DigestStatement, proof: DigestProof, transcript: Transcript): DigestClaims {
  const info = statementInfo(statement);
  if (proof.batches.length !== BATCHES) throw new VerificationError('p2digest/shape', `${proof.batches.length} batches, expected ${BATCHES}`);
  absorbStatement(transcript, statement, info);
  const capacity: DigestEvalClaim[][] = Array.from({ length: CAPACITY_WORDS }, () => []);
  const layerMasks: { round: number; slot: number; point: readonly Fp2[]; value: Fp2 }[] = [];
  const sumcheckMasks: DigestEvalClaim[] = [];
  const noteMask = (point: readonly Fp2[], value: Fp2 | null) => {
    if (value) sumcheckMasks.push({ point, value });
  };

  const och = drawOutputChallenges(transcript, info.n);
  const out = verifySumcheck(outputShape(info.n, och, statement.digest, info.zk), proof.batches[0], transcript, outputPublicEval(och));
  for (let c = 0; c < CAPACITY_WORDS; c++) capacity[c].push({ point: claimOf(out.claims, T + c).point, value: claimOf(out.claims, T + c).value });
  noteMask(out.point, out.maskValue);
  let rho = out.point;
  let values = Array.from({ length: T }, (_, s) => claimOf(out.claims, s).value);

  let partialWeights: Fp2[] | null = null;
  let b = 1;
  for (let r = ROUNDS - 2; r >= 0; r--, b++) {
    const claim = nextLayerClaim(transcript, values, partialWeights);
    const width = revealedWidth(r);
    const step = verifySumcheck(roundShape(r, info.n, claim, rho, info.zk), proof.batches[b], transcript);
    for (const c of step.claims) if (c.table >= width) layerMasks.push({ round: r + 1, slot: c.table - width, point: c.point, value: c.value });
    noteMask(step.point, step.maskValue);
    rho = step.point;
    values = Array.from({ length: width }, (_, s) => claimOf(step.claims, s).value);
    partialWeights = isFullRound(r) ? null : roundWeights(r, claim);
  }

  const fch = drawFinalChallenges(transcript);
  const fin = verifySumcheck(finalShape(info, fch, rho, values), proof.batches[b], transcript, finalPublicEval(info, fch));
  for (const c of fin.claims) {
    if (c.table >= 2 && c.table < 2 + CAPACITY_WORDS) capacity[c.table - 2].push({ point: c.point, value: c.value });
    if (c.table >= 2 + CAPACITY_WORDS) layerMasks.push({ round: 0, slot: c.table - 2 - CAPACITY_WORDS, point: c.point, value: c.value });
  }
  noteMask(fin.point, fin.maskValue);
  const v = claimOf(fin.claims, 1);
  // V(ρ, ·)'s value at r_x is V's at (ρ, r_x)
  return { values: { point: [...rho, ...v.point], value: v.value }, capacity, layerMasks, sumcheckMasks };
}
