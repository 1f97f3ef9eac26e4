// The hash-based hiding commitment as a CommitmentScheme (src/pcs/types.ts).
import type { BaseVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import type { Commitment, Concatenation, ConcatenatingScheme, LinearClaim } from './types.js';
import { DEFAULT_PARAMS, checkParams, type HashPcsParams, type Shape } from './params.js';
import { commit, open, type HashPcsState } from './prover.js';
import { layoutFor, verify } from './verifier.js';
import { checkClaims, comboCount, layoutVars, makeLayout } from './layout.js';
import { SALT_BYTES, deserializeProof, serializeProof, type HashPcsProof } from './proof.js';
import { FormatError } from '../encoding/errors.js';

export class HashPcs implements ConcatenatingScheme<HashPcsState, HashPcsProof> {
  readonly name = 'ligero-sha256-goldilocks/v1';
  readonly params: HashPcsParams;

  constructor(params: Partial<HashPcsParams> = {}) {
    this.params = { ...DEFAULT_PARAMS, ...params };
    checkParams(this.params);
  }

  commit(polys: readonly BaseVec[]): { commitment: Commitment; state: HashPcsState } {
    return commit(this.params, polys);
  }

  open(state: HashPcsState, claims: readonly LinearClaim[], transcript: Transcript): HashPcsProof {
    if (state.params !== this.params && JSON.stringify(state.params) !== JSON.stringify(this.params)) throw new RangeError('pcs open: state made by a scheme with other parameters');
    return open(state, claims, transcript);
  }

  verify(commitment: Commitment, claims: readonly LinearClaim[], proof: HashPcsProof, transcript: Transcript): void {
    verify(this.params, commitment, claims, proof, transcript);
  }

  /** The matrix read row-major as one vector (layout.ts): vector offsets and its variables. */
  concatenation(sizes: readonly number[]): Concatenation {
    const layout = makeLayout(sizes, this.params);
    return { offsets: layout.placements.map((p) => p.offset), numVars: layoutVars(layout) };
  }

  /** The matrix shape, code and query count a commitment to vectors of these sizes uses. */
  shape(sizes: readonly number[]): Shape {
    return layoutFor({ root: new Uint8Array(32), sizes }, this.params).shape;
  }

  /**
   * The largest serialized opening for vectors of these sizes and `combos` row combinations
   * (all q queries distinct, no shared Merkle siblings); actual proofs are a little smaller.
   */
  maxProofBytes(sizes: readonly number[], combos: number): number {
    const s = this.shape(sizes);
    const cols = Math.min(s.q, s.N);
    return 1 + 16 + (1 + combos) * 16 * s.k + 4 + cols * (SALT_BYTES + 8 * s.rows) + 4 + 32 * cols * s.logN;
  }

  serializeProof(proof: HashPcsProof): Uint8Array {
    return serializeProof(proof);
  }

  deserializeProof(bytes: Uint8Array, commitment: Commitment, claims: readonly LinearClaim[]): HashPcsProof {
    let shape: Shape;
    let combos: number;
    try {
      const layout = layoutFor(commitment, this.params);
      checkClaims(layout, claims);
      shape = layout.shape;
      combos = comboCount(layout, claims);
    } catch (e) {
      throw new FormatError(`pcs proof: commitment or claims do not describe an opening (${(e as Error).message})`);
    }
    return deserializeProof(bytes, shape, combos);
  }
}

/** The scheme with the default (proven ≥ 100-bit) parameters. */
export const hashPcs = new HashPcs();
