// The verifier's side of private parameters (docs/protocol.md (Part 5) §8): the sizes of the
// digest proof's mask commitment, and the digest proof that binds the committed V to the
// fingerprint in the statement. Imports nothing Node-only.
import { deserializeDigestProof } from '../hash/digest-proof.js';
import { statementInfo } from '../hash/digest-shapes.js';
import { claimAll, maskCommitmentSizes, maskRefs } from '../hash/digest-commitments.js';
import { verifyDigest } from '../hash/digest-verifier.js';
import type { VerifierSession } from '../sumcheck/session.js';
import type { Transcript } from '../transcript/transcript.js';
import { WEIGHTS_VECTOR, type ModelPlan, type PrivatePlan } from './plan.js';

/** Sizes of the commitment holding the digest proof's masks (commitment 1). */
export function fingerprintCommitmentSizes(priv: PrivatePlan): number[] {
  return maskCommitmentSizes(statementInfo(priv.statement));
}

/** Verifies the digest proof and hands its claims (on V and on the masks) to the session. */
export function verifyFingerprint(plan: ModelPlan, bytes: Uint8Array, maskCommitment: number, session: VerifierSession<unknown, unknown>, transcript: Transcript): void {
  const priv = plan.weights!;
  const claims = verifyDigest(priv.statement, deserializeDigestProof(bytes, priv.statement), transcript);
  claimAll(session, claims, plan.refs.get(WEIGHTS_VECTOR)!, maskRefs(statementInfo(priv.statement), maskCommitment));
}
