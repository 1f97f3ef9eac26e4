// The polynomial-commitment interface the protocol layer talks to. The hash-based scheme
// implements it now; a KZG/BN254 scheme for EVM verification can implement it later.
//
// A commitment binds a list of base-field vectors ("polynomials": multilinear tables,
// little-endian, zero-padded to a power of two). It is opened exactly once, for a batch of
// linear claims; each claim is Σ_t coeff_t · L_t(poly_t) = value, where L_t is the
// multilinear evaluation at an F_p2 point or an explicit dense functional (for small masks
// whose evaluation is not an MLE evaluation), or — for a scheme that concatenates its vectors
// into one multilinear polynomial (ConcatenatingScheme) — the evaluation of that whole
// concatenation at a point (what a claim reduction, src/sumcheck/reduce.ts, ends in). The opening reveals each claim's value and
// nothing else about the committed vectors (beyond what the hiding bound allows): a claim
// f(r) + Z(r)·R(r) never reveals f(r) alone.
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';

export type ClaimTerm =
  | { readonly poly: number; readonly coeff: Fp2; readonly point: readonly Fp2[] }
  | { readonly poly: number; readonly coeff: Fp2; readonly weights: ExtVec }
  | { readonly coeff: Fp2; readonly layoutPoint: readonly Fp2[] };

export interface LinearClaim {
  readonly terms: readonly ClaimTerm[];
  readonly value: Fp2;
}

/** Public part of a commitment: what the verifier holds and the transcript absorbs. */
export interface Commitment {
  readonly root: Uint8Array;
  /** Length (before padding) of each committed polynomial. */
  readonly sizes: readonly number[];
}

export interface CommitmentScheme<ProverState, OpeningProof> {
  readonly name: string;
  /** Commits with fresh randomness (salts, padding, mask rows) from a cryptographic RNG. */
  commit(polys: readonly BaseVec[]): { commitment: Commitment; state: ProverState };
  /** Opens once; a second call on the same state throws. The transcript must already hold the commitment and claims. */
  open(state: ProverState, claims: readonly LinearClaim[], transcript: Transcript): OpeningProof;
  /** Throws a VerificationError on any failed check. */
  verify(commitment: Commitment, claims: readonly LinearClaim[], proof: OpeningProof, transcript: Transcript): void;
  serializeProof(proof: OpeningProof): Uint8Array;
  deserializeProof(bytes: Uint8Array, commitment: Commitment, claims: readonly LinearClaim[]): OpeningProof;
}

/**
 * Where a scheme puts each committed vector in ONE multilinear polynomial over all of them:
 * vector p occupies entries [offsets[p], offsets[p] + sizes[p]) of a table of 2^numVars
 * entries, each offset a multiple of the vector's padded size 2^⌈log2 size⌉ (so vector p's
 * MLE is the concatenation's MLE with its top variables fixed to the bits of offset/2^ℓ_p).
 * Entries outside every vector hold whatever was committed there (an honest prover: zero).
 */
export interface Concatenation {
  readonly offsets: readonly number[];
  readonly numVars: number;
}

/** A scheme that can open `layoutPoint` claim terms on the concatenation of its vectors. */
export interface ConcatenatingScheme<ProverState, OpeningProof> extends CommitmentScheme<ProverState, OpeningProof> {
  concatenation(sizes: readonly number[]): Concatenation;
}
