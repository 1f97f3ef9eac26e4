// One zero-knowledge digest proof as a model proof makes it, phase by phase (wall and CPU ms):
// the witness; the digest's masks sampled and committed through the model's commitment scheme
// (MODEL_PCS: the hash PCS behind the claim reduction); the proof; the opening of that mask
// commitment with the proof's claims on it. V's own commitment and range check are the model
// proof's (commitment 0 holds all private weights), so V's claim is left out. Used by
// hash.bench.ts and, in a fresh process, by hash-first.ts.
import { digestWitness, releaseDigestWitness, type DigestWitness } from '../src/hash/digest-witness.js';
import { digestStatement, proveDigest, sampleDigestMasks, digestCommitPolys } from '../src/hash/digest-prover.js';
import { statementInfo, type DigestStatement } from '../src/hash/digest-shapes.js';
import { claimAll, maskRefs } from '../src/hash/digest-commitments.js';
import type { DigestProof } from '../src/hash/digest-proof.js';
import { verifyDigest } from '../src/hash/digest-verifier.js';
import type { Commitment } from '../src/pcs/types.js';
import type { DigestOptions } from '../src/hash/digest.js';
import { MaskedPoly } from '../src/sumcheck/mask.js';
import { maskedLayout, ProverSession, VerifierSession, type MaskedRef } from '../src/sumcheck/session.js';
import { Transcript } from '../src/transcript/transcript.js';
import { MODEL_PCS } from '../src/verify/plan.js';

/** Mask variables of V in a model proof (TENSOR_MASK_VARS): its mask is V's, not the digest's. */
const VALUE_MASK_VARS = 2;
/** A commitment index no session has: V's claim goes to the model's commitment 0, not here. */
const MODEL_COMMITMENT_0 = -1;

export interface Phase {
  readonly wall: number;
  readonly cpu: number;
}

export interface DigestProofPhases {
  readonly witness: Phase;
  readonly masks: Phase;
  readonly prove: Phase;
  readonly open: Phase;
  readonly w: DigestWitness;
  readonly statement: DigestStatement;
  readonly proof: DigestProof;
  readonly commitment: Commitment;
  readonly opening: ReturnType<typeof MODEL_PCS.open>;
  /** Bytes of the mask commitment's opening. */
  readonly openingBytes: number;
}

/** V's place in the model's commitment 0 (a claim there is left to the model proof). */
function valueRef(statement: DigestStatement): MaskedRef {
  return maskedLayout(MODEL_COMMITMENT_0, [{ numVars: statementInfo(statement).nV, maskVars: VALUE_MASK_VARS, ext: false }])[0];
}

/** Hands a digest proof's claims to a session, all but V's (the model's commitment 0). */
function claimMasks(session: { claim(c: number, claim: Parameters<ProverSession<unknown, unknown>['claim']>[1]): void }, statement: DigestStatement, claims: Parameters<typeof claimAll>[1], commitment: number): void {
  claimAll({ claim: (c, claim) => (c === MODEL_COMMITMENT_0 ? undefined : session.claim(c, claim)) }, claims, valueRef(statement), maskRefs(statementInfo(statement), commitment));
}

function timed<T>(fn: () => T): [T, Phase] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [out, { wall, cpu: (c.user + c.system) / 1000 }];
}

export function digestProofPhases(values: Int8Array, salt: readonly [bigint, bigint], options: DigestOptions): DigestProofPhases {
  const [w, witness] = timed(() => digestWitness(values, salt, options));
  const V = MaskedPoly.sample(w.valueVector, Math.log2(w.valueVector.length), VALUE_MASK_VARS);
  const statement = digestStatement(w, VALUE_MASK_VARS);
  const transcript = new Transcript('bench');
  const session = new ProverSession(MODEL_PCS, transcript);
  const [{ masks, commitment }, maskPhase] = timed(() => {
    const masks = sampleDigestMasks(w, statement);
    return { masks, commitment: session.commit(digestCommitPolys(masks)) };
  });
  const [{ proof, claims }, prove] = timed(() => proveDigest(w, transcript, { masks, values: V }));
  const [openings, open] = timed(() => {
    claimMasks(session, statement, claims, commitment);
    return session.finish();
  });
  return {
    witness, masks: maskPhase, prove, open, w, statement, proof,
    commitment: session.commitments[0], opening: openings[0], openingBytes: MODEL_PCS.serializeProof(openings[0]).length,
  };
}

/** The verifier's side of digestProofPhases: the digest proof and the mask commitment's opening. Throws VerificationError. */
export function verifyDigestProofPhases(p: Pick<DigestProofPhases, 'statement' | 'proof' | 'commitment' | 'opening'>): void {
  const transcript = new Transcript('bench');
  const session = new VerifierSession(MODEL_PCS, transcript, [p.commitment]);
  const commitment = session.receive();
  const claims = verifyDigest(p.statement, p.proof, transcript);
  claimMasks(session, p.statement, claims, commitment);
  session.finish([p.opening]);
}

export { releaseDigestWitness };
