// Attested inputs (docs/protocol.md (Part 5) §9), the verifier's side. An issuer signs
//   D = Poseidon2-digest(schema id ‖ fields ‖ salt)      (src/hash/digest.ts; schema id in the IV)
// over the raw integer fields as signed 32-bit values. The proof commits V_a (the fields, zero-
// padded) in commitment 0 and makes the model's input x a view of V_a's first block (its own
// mask R, like a private weight tensor's view of the fingerprint's vector), range-checks V_a to
// 32 bits (the packing's injectivity) and x to its declared range, and runs a digest proof that
// V_a hashes to the statement's D. The issuer's Ed25519 signature over (schema id, D) is checked
// here, outside the proof. Imports nothing Node-only.
import { ed25519 } from '@noble/curves/ed25519.js';
import { VerificationError } from '../encoding/errors.js';
import { Purpose, type Digest, type DigestOptions } from '../hash/digest.js';
import { deserializeDigestProof } from '../hash/digest-proof.js';
import { statementInfo, type DigestStatement } from '../hash/digest-shapes.js';
import { claimAll, maskRefs } from '../hash/digest-commitments.js';
import { verifyDigest } from '../hash/digest-verifier.js';
import type { MaskedRef, VerifierSession } from '../sumcheck/session.js';
import type { Transcript } from '../transcript/transcript.js';
import { totalVars } from '../layers/tensor.js';
import type { VkInput } from './vk.js';

/** The issuer's fields are hashed as signed 32-bit integers, whatever the model's input type. */
export const ATTESTED_BITS = 32;

/** V_a's mask variables (revealed twice: its range check and the digest proof). */
export const ATTESTED_MASK_VARS = 2;

export interface AttestedPlan {
  /** The model input (a view of V_a). */
  readonly input: string;
  /** The committed vector V_a's name in the plan. */
  readonly vector: string;
  readonly options: DigestOptions;
  /** Number of fields. */
  readonly count: number;
  /** log2 of V_a's committed length. */
  readonly nV: number;
  /** The input's variables (x's padded table is V_a's first 2^numVars entries). */
  readonly numVars: number;
}

export function attestedOptions(schema: number): DigestOptions {
  return { format: { bits: ATTESTED_BITS, signed: true }, purpose: Purpose.attestedInput, schema };
}

/**
 * The plan of attested input `i`, or a reason it cannot be attested: the fields must be the
 * model's integer input itself (scale 1) laid out as one vector, so that x's padded table is
 * the first block of V_a.
 */
export function planAttested(i: VkInput): AttestedPlan | string {
  const count = i.dims.reduce((a, b) => a * b, 1);
  if (i.scale !== 1) {
    return `attested input ${i.name} is read on a real-valued grid (scale ${i.scale}): attest integer fields (compile it with integerInputs / --integer-input ${i.name}=lo:hi)`;
  }
  if (i.dims.filter((d) => d !== 1).length > 1) return `attested input ${i.name} must be a vector (dims [${i.dims}])`;
  if (i.lo < -(2n ** 31n) || i.hi >= 2n ** 31n) return `attested input ${i.name} has a range wider than 32 bits`;
  const options = attestedOptions(i.schema ?? 0);
  const numVars = totalVars(i.dims);
  const nV = statementInfo({ digest: [0n, 0n, 0n, 0n], options, count, valueMaskVars: ATTESTED_MASK_VARS }).nV;
  if (nV < numVars) return `attested input ${i.name}: V_a is shorter than the input's table`;
  return { input: i.name, vector: `#attested/${i.name}`, options, count, nV, numVars };
}

/** x as a view of V_a's first block (suffix all zero), with its own mask at vectors r. */
export function attestedView(a: AttestedPlan, vRef: MaskedRef, r: readonly [number, number], maskVars: number): MaskedRef {
  return { commitment: vRef.commitment, f: [vRef.f[0]], r, numVars: a.numVars, maskVars, view: [{ coeff: 1n, suffix: Array<bigint>(a.nV - a.numVars).fill(0n) }] };
}

/** The digest statement of attested input `a` with the digest the proof's statement holds. */
export function attestedStatement(a: AttestedPlan, digest: Digest): DigestStatement {
  return { digest, options: a.options, count: a.count, valueMaskVars: ATTESTED_MASK_VARS };
}

/**
 * Verifies attested input `a`'s digest proof against `digest`; its claims go to the session (on
 * V_a, and on the proof's masks at vector `masksAt` of commitment 0 on).
 */
export function verifyAttested(a: AttestedPlan, vRef: MaskedRef, digest: Digest, bytes: Uint8Array, masksAt: number, session: VerifierSession<unknown, unknown>, transcript: Transcript): void {
  const st = attestedStatement(a, digest);
  const claims = verifyDigest(st, deserializeDigestProof(bytes, st), transcript);
  claimAll(session, claims, vRef, maskRefs(statementInfo(st), 0, masksAt));
}

const TAG = new TextEncoder().encode('zkinfer/attested/v1');

/**
 * The bytes an issuer signs: "zkinfer/attested/v1" ‖ schema id (u32 LE) ‖ digest (4 × u64 LE).
 * The schema id is also inside the digest; signing it in clear lets a verifier see which schema
 * the issuer meant before checking anything else.
 */
export function attestationMessage(schema: number, digest: Digest): Uint8Array {
  if (!Number.isInteger(schema) || schema < 0 || schema > 0xffffffff) throw new RangeError(`attestation: schema id ${schema} is not a u32`);
  const out = new Uint8Array(TAG.length + 4 + 32);
  out.set(TAG);
  const view = new DataView(out.buffer);
  view.setUint32(TAG.length, schema, true);
  digest.forEach((d, i) => view.setBigUint64(TAG.length + 4 + 8 * i, d, true));
  return out;
}

/** An issuer's Ed25519 public key (32 bytes) and its signature (64 bytes) over attestationMessage. */
export interface Attestation {
  readonly issuerPublicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** Throws VerificationError unless `att` is the issuer's valid signature over (schema, digest). */
export function checkAttestation(input: string, schema: number, digest: Digest, att: Attestation | undefined): void {
  if (att === undefined) throw new VerificationError('statement/attestation', `attested input ${input}: no issuer public key and signature given`);
  if (att.issuerPublicKey.length !== 32 || att.signature.length !== 64) throw new VerificationError('statement/attestation', `attested input ${input}: an Ed25519 key is 32 bytes and a signature 64`);
  let ok = false;
  try {
    ok = ed25519.verify(att.signature, attestationMessage(schema, digest), att.issuerPublicKey);
  } catch {
    ok = false;
  }
  if (!ok) throw new VerificationError('statement/attestation', `attested input ${input}: the issuer's signature does not match the digest`);
}
