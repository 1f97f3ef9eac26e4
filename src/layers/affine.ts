// MlAffine layer: out[i] = x[i]·A[c] + C[c], c = (i / inner) mod |A|, exactly over the integers
// (docs/ops-ml.md, Scaler). With Â, Ĉ the channel vectors broadcast to x's padded table (zero
// on the padding), one zero-sum sumcheck at a random z proves the identity at every entry:
//     Σ_x eq(z,x)·(out(x) − x(x)·Â(x) − Ĉ(x)) = 0.
// A and C are public constants here (the verifier builds Â, Ĉ and evaluates them); with
// private weights Â(r) is a free index map of the committed A when the channels are x's last
// dimension (inner = 1, |A| = F): Â(r) = A(r_F)·I(r_rest), so the same relation then ends in a
// claim on the committed A (docs/protocol.md, MlAffine). Integer soundness needs only the
// plan's bound max|x|·max|A| + max|C| < p/2 from proven ranges.
import type { Fp2 } from '../field/ext.js';
import * as E from '../field/ext.js';
import type { BaseVec } from '../field/vec.js';
import { tile } from '../ir/ml/tile.js';
import { evaluate } from '../poly/mle.js';
import type { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import type { GMaskRef, MaskedRef } from '../sumcheck/session.js';
import type { BatchShape } from '../sumcheck/types.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { paddedTable, totalVars } from './tensor.js';
import { proveZeroRelation, verifyZeroRelation, zeroRelationDegrees, zeroRelationProofShape, type ZeroRelation } from './zero-relation.js';

export interface AffineParams {
  readonly dims: readonly number[];
  readonly a: BigInt64Array;
  readonly c: BigInt64Array;
  readonly inner: number;
}

/** out is null when it is a public output. */
export interface AffineRefs {
  readonly out: MaskedRef | null;
  readonly x: MaskedRef;
}

const MINUS_ONE = E.neg(E.ONE);

function relation(p: AffineParams, refs: AffineRefs): ZeroRelation {
  return {
    label: 'layer/affine/z',
    numVars: totalVars(p.dims),
    refs: [refs.out, refs.x, null, null],
    terms: () => [
      { coeff: E.ONE, tables: [0], eq: true },
      { coeff: MINUS_ONE, tables: [1, 2], eq: true },
      { coeff: MINUS_ONE, tables: [3], eq: true },
    ],
  };
}

/** Â and Ĉ: the channel vectors broadcast to x's padded table. */
export function affineTables(p: AffineParams): { a: BaseVec; c: BaseVec } {
  const n = p.dims.reduce((s, d) => s * d, 1);
  return { a: paddedTable(tile(p.a, p.inner, n), p.dims), c: paddedTable(tile(p.c, p.inner, n), p.dims) };
}

export function affineDegrees(p: AffineParams, refs: AffineRefs): number[] {
  return zeroRelationDegrees(relation(p, refs));
}

export function affineProofShape(p: AffineParams, refs: AffineRefs): BatchShape {
  return zeroRelationProofShape(relation(p, refs));
}

export function proveAffine(p: AffineParams, refs: AffineRefs, w: { out: MaskedPoly | BaseVec; x: MaskedPoly }, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  const t = affineTables(p);
  return proveZeroRelation(relation(p, refs), [w.out, w.x, t.a, t.c], g, gRef, sink, transcript);
}

/** `out`: the public output's padded table when refs.out is null. */
export function verifyAffine(p: AffineParams, refs: AffineRefs, out: BaseVec | null, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  if ((refs.out === null) !== (out !== null)) throw new RangeError('affine: the output must be exactly one of committed or public');
  const t = affineTables(p);
  const pub: (BaseVec | null)[] = [out, null, t.a, t.c];
  verifyZeroRelation(relation(p, refs), (j: number, point: readonly Fp2[]) => evaluate(pub[j]!, point), gRef, proof, sink, transcript);
}
