// The digest proof object and its canonical bytes: the 31 sumcheck proofs in batch order
// (output, rounds 28 … 0, final), each as the sumcheck engine writes it. Counts and degrees are
// fixed by the statement, so the bytes carry no lengths. Verifier-safe.
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import { readSumcheckProof, writeSumcheckProof, type SumcheckProof } from '../sumcheck/proof.js';
import type { Fp2 } from '../field/ext.js';
import { skeletonShapes, statementInfo, type DigestStatement } from './digest-shapes.js';

export const DIGEST_PROOF_VERSION = 2;

export interface DigestProof {
  readonly batches: readonly SumcheckProof[];
}

/** A claim the digest proof hands to the commitment scheme: poly(point) = value. */
export interface DigestEvalClaim {
  readonly point: readonly Fp2[];
  readonly value: Fp2;
}

/**
 * What a verified digest proof leaves to be checked by openings of the commitments: V (the
 * value vector) at one point, each capacity column K_c (c < 4) at two points and, for a
 * zero-knowledge proof, every layer mask R_{r,s} at one point and each batch's Libra mask g at
 * its batch point (empty lists for a plain proof). Values of masked polynomials are f̂ = f + Z·R.
 */
export interface DigestClaims {
  readonly values: DigestEvalClaim;
  readonly capacity: readonly (readonly DigestEvalClaim[])[];
  readonly layerMasks: readonly { readonly round: number; readonly slot: number; readonly point: readonly Fp2[]; readonly value: Fp2 }[];
  readonly sumcheckMasks: readonly DigestEvalClaim[];
}

export function serializeDigestProof(proof: DigestProof): Uint8Array {
  const w = new ByteWriter();
  w.u8(DIGEST_PROOF_VERSION);
  for (const b of proof.batches) writeSumcheckProof(w, b);
  return w.finish();
}

/** The statement fixes every count (zero knowledge included), so the bytes carry none. */
export function deserializeDigestProof(bytes: Uint8Array, statement: DigestStatement): DigestProof {
  const r = new ByteReader(bytes, 'digest proof');
  const version = r.u8('digest proof version');
  if (version !== DIGEST_PROOF_VERSION) throw new FormatError(`digest proof: version ${version}, expected ${DIGEST_PROOF_VERSION}`);
  const batches = skeletonShapes(statementInfo(statement)).map((shape) => readSumcheckProof(r, shape));
  r.end();
  return { batches };
}
