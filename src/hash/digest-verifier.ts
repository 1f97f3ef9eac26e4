// The digest proof, verifier side. Verifier-safe: no kernels, nothing Node-only. Returns the
// claims on V and K that openings of the caller's commitments must settle; throws a
// VerificationError on any failed check.
import type { Fp2 } from '../field/ext.js';
import { VerificationError } from '../encoding/errors.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { EvalClaim } from '../sumcheck/types.js';
import type { Transcript } from '../transcript/transcript.js';
import { ROUNDS, T } from './digest-relations.js';
import type { DigestClaims, DigestProof } from './digest-proof.js';
import {
  absorbStatement, BATCHES, CAPACITY_WORDS, drawFinalChallenges, drawOutputChallenges, finalPublicEval, finalShape,
  outputPublicEval, outputShape, roundShape, statementInfo, type DigestStatement,
} from './digest-shapes.js';

function valueOf(claims: readonly EvalClaim[], table: number): Fp2 {
  const c = claims.find((x) => x.table === table);
  if (!c) throw new VerificationError('p2digest/claims', `no value for table ${table}`);
  return c.value;
}

export function verifyDigest(statement: DigestStatement, proof: DigestProof, transcript: Transcript): DigestClaims {
  const info = statementInfo(statement);
  if (proof.batches.length !== BATCHES) throw new VerificationError('p2digest/shape', `${proof.batches.length} batches, expected ${BATCHES}`);
  absorbStatement(transcript, statement, info);
  const capacity: { point: readonly Fp2[]; value: Fp2 }[][] = Array.from({ length: CAPACITY_WORDS }, () => []);

  const och = drawOutputChallenges(transcript, info.n);
  const out = verifySumcheck(outputShape(info.n, och, statement.digest), proof.batches[0], transcript, outputPublicEval(och));
  for (let c = 0; c < CAPACITY_WORDS; c++) capacity[c].push({ point: out.point, value: valueOf(out.claims, T + c) });
  let rho = out.point;
  let values = Array.from({ length: T }, (_, s) => valueOf(out.claims, s));

  let b = 1;
  for (let r = ROUNDS - 2; r >= 0; r--, b++) {
    const lambda = transcript.challengeExts('p2digest/lambda', T);
    const step = verifySumcheck(roundShape(r, info.n, lambda, rho, values), proof.batches[b], transcript);
    rho = step.point;
    values = Array.from({ length: T }, (_, s) => valueOf(step.claims, s));
  }

  const fch = drawFinalChallenges(transcript);
  const fin = verifySumcheck(finalShape(info, fch, rho, values), proof.batches[b], transcript, finalPublicEval(info, fch, rho));
  const kPoint = fin.point.slice(0, info.n);
  for (let c = 0; c < CAPACITY_WORDS; c++) capacity[c].push({ point: kPoint, value: valueOf(fin.claims, 2 + c) });
  return { values: { point: fin.point, value: valueOf(fin.claims, 1) }, capacity };
}
