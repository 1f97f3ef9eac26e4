// Public API of the (zero-knowledge) sumcheck. See types.ts for the statement a batch proves,
// mask.ts for the masks, session.ts for commitments and claims, docs/protocol.md (Part 3) for
// the protocol and its security argument.
//
// Typical use by a layer protocol:
//   const shape: BatchShape = { tables, instances, claimedSum, zk: true };
//   const g = SumcheckMask.sample(roundDegrees(shape));       // commit g.polys() beforehand
//   const out = proveSumcheck(shape, tables /* MaskedPoly for private ones */, g, transcript);
//   for (const c of out.claims) session.claim(ref.commitment, maskedClaim(ref, c.point, c.value));
//   session.claim(gRef.commitment, gMaskClaim(gRef, out.point, out.proof.maskValue!));
// and the verifier mirrors it with verifySumcheck.
export type { BatchShape, InstanceShape, TableShape, Term, Factor, EvalClaim } from './types.js';
export { roundDegrees, batchVars, validateShape } from './types.js';
export { proveSumcheck, type ProverTable, type ProverOutput, type ProveOptions } from './prover.js';
export { verifySumcheck, batchedClaim, drawWeights, type VerifierOutput, type PublicEval } from './verifier.js';
export type { SumcheckProof } from './proof.js';
export { serializeSumcheckProof, deserializeSumcheckProof, writeSumcheckProof, readSumcheckProof } from './proof.js';
export { MaskedPoly, SumcheckMask, maskWeights, maskLength, splitExt } from './mask.js';
export { ProverSession, VerifierSession, maskedClaim, gMaskClaim, maskedLayout, specOf } from './session.js';
export type { MaskedRef, GMaskRef, MaskedSpec } from './session.js';
export { eqEval, zEval, interpolateAt } from './poly.js';
export { randomizeClaimsShape } from './claims.js';
export { randomBase, randomExt } from './random.js';
export { ReducingPcs, type ReducedProof, type ReducingState } from './reduce.js';
