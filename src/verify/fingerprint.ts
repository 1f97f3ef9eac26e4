// The verifier's side of private parameters (docs/protocol.md (Part 5) §8): the digest proof
// that binds the committed V to the fingerprint in the statement. Imports nothing Node-only.
import { deserializeDigestProof } from '../hash/digest-proof.js';
import { statementInfo } from '../hash/digest-shapes.js';
import { claimAll, maskRefs } from '../hash/digest-commitments.js';
import { verifyDigest } from '../hash/digest-verifier.js';
import type { VerifierSession } from '../sumcheck/session.js';
import type { Transcript } from '../transcript/transcript.js';
import { WEIGHTS_VECTOR, type ModelPlan } from './plan.js';

/** Verifies the digest proof and hands its claims (on V and on its masks, both in commitment 0) to the session. */
export function verifyFingerprint(plan: ModelPlan, bytes: Uint8Array, session: VerifierSession<unknown, unknown>, transcript: Transcript): void {
  const priv = plan.weights!;
  const claims = verifyDigest(priv.statement, deserializeDigestProof(bytes, priv.statement), transcript);
  claimAll(session, claims, plan.refs.get(WEIGHTS_VECTOR)!, maskRefs(statementInfo(priv.statement), 0, plan.digestMasks.get(WEIGHTS_VECTOR)!));
}
