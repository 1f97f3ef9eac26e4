// Attested inputs, the prover's and the issuer's side (docs/protocol.md (Part 5) §9; the
// verifier's side is src/verify/attested.ts). The issuer hashes the raw integer fields with a
// fresh salt under a schema id and signs the digest; the holder proves with the fields and the
// salt; the proof binds the model's input to that digest.
import { ed25519 } from '@noble/curves/ed25519.js';
import { serializeDigestProof } from '../hash/digest-proof.js';
import { proveDigest, sampleDigestMasks, type DigestMasks } from '../hash/digest-prover.js';
import { statementInfo } from '../hash/digest-shapes.js';
import { claimAll, maskRefs } from '../hash/digest-commitments.js';
import { digestWitness, type DigestWitness } from '../hash/digest-witness.js';
import { digest, randomSalt, type Digest, type Salt } from '../hash/digest.js';
import type { BaseVec } from '../field/vec.js';
import type { IrTensor } from '../ir/types.js';
import { paddedTable } from '../layers/tensor.js';
import { MaskedPoly, splitExt } from '../sumcheck/mask.js';
import type { ProverSession } from '../sumcheck/session.js';
import type { Transcript } from '../transcript/transcript.js';
import { attestationMessage, attestedOptions, attestedStatement, type AttestedPlan } from '../verify/attested.js';
import type { ModelPlan } from '../verify/plan.js';
import type { UnsafeWeightsTest } from './fingerprint.js';

/** What an issuer hands the holder: the digest, the salt (secret: it hides the fields) and the signature. */
export interface IssuedAttestation {
  readonly schema: number;
  readonly digest: Digest;
  readonly salt: Salt;
  readonly signature: Uint8Array;
}

/** The digest of `fields` (integers in the signed 32-bit range) under `schema` with `salt`. */
export function attestedDigest(schema: number, fields: readonly number[] | Int32Array, salt: Salt): Digest {
  return digest(fields instanceof Int32Array ? fields : Array.from(fields), salt, attestedOptions(schema));
}

/** The issuer: hashes the fields with a fresh salt and signs (schema, digest) with its Ed25519 secret key. */
export function issueAttestation(issuerSecretKey: Uint8Array, schema: number, fields: readonly number[] | Int32Array, salt: Salt = randomSalt()): IssuedAttestation {
  const d = attestedDigest(schema, fields, salt);
  return { schema, digest: d, salt, signature: ed25519.sign(attestationMessage(schema, d), issuerSecretKey) };
}

export interface AttestedWitness {
  readonly plan: AttestedPlan;
  readonly witness: DigestWitness;
  /** V_a, masked (committed in commitment 0). */
  readonly vector: MaskedPoly;
  /** The model input x with its own mask (a view of V_a: only the mask is committed). */
  readonly view: MaskedPoly;
}

/** Hashes each attested input's values with its issuer's salt (`salts` by input name). */
export function attestedWitnesses(plan: ModelPlan, inputs: ReadonlyMap<string, IrTensor>, salts: ReadonlyMap<string, Salt>, unsafe: UnsafeWeightsTest = {}): AttestedWitness[] {
  return plan.attested.map((a) => {
    const salt = salts.get(a.input);
    if (salt === undefined) throw new RangeError(`prove: attested input ${a.input} needs the salt of its attestation (options.salts)`);
    const x = inputs.get(a.input)!;
    const fields = Int32Array.from(x.data, (v) => Number(v));
    if (fields.some((v, i) => BigInt(v) !== x.data[i])) throw new RangeError(`prove: attested input ${a.input} has a value outside the signed 32-bit range`);
    const honest = digestWitness(fields, salt, a.options);
    const forged = unsafe.forgeAttested?.get(a.input);
    const witness = forged ? { ...honest, digest: forged } : honest;
    const vRef = plan.refs.get(a.vector)!;
    const xRef = plan.refs.get(a.input)!;
    return {
      plan: a,
      witness,
      vector: MaskedPoly.sample(witness.valueVector, a.nV, vRef.maskVars),
      view: MaskedPoly.sample(paddedTable(x.data, x.dims), a.numVars, xRef.maskVars),
    };
  });
}

/** The views' masks R, in plan order (commitment 0, after the virtual tensors' masks). */
export function attestedViewMaskPolys(list: readonly AttestedWitness[]): BaseVec[] {
  return list.flatMap((a) => splitExt(a.view.mask));
}

/** Attested input `aw`'s digest-proof masks (sampled before the first challenge, committed at commitment 0's tail: plan.digestMasks). */
export function sampleAttestedMasks(aw: AttestedWitness): DigestMasks {
  return sampleDigestMasks(aw.witness, attestedStatement(aw.plan, aw.witness.digest));
}

/** The digest proof that V_a hashes to the statement's digest; its claims go to the session. */
export function proveAttested(aw: AttestedWitness, plan: ModelPlan, masks: DigestMasks, session: ProverSession<unknown, unknown>, transcript: Transcript, unsafe: UnsafeWeightsTest = {}): Uint8Array {
  const { proof, claims } = proveDigest(aw.witness, transcript, { masks, values: aw.vector }, { unsafeAllowFalseClaim: unsafe.forgeAttested?.has(aw.plan.input) === true });
  claimAll(session, claims, plan.refs.get(aw.plan.vector)!, maskRefs(statementInfo(attestedStatement(aw.plan, aw.witness.digest)), 0, plan.digestMasks.get(aw.plan.vector)!));
  return serializeDigestProof(proof);
}
