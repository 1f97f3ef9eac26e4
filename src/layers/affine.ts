// MlAffine layer: out[i] = x[i]·A[c] + C[c], c = (i / inner) mod |A|, exactly over the integers
// (docs/ops-ml.md, Scaler). With Â, Ĉ the channel vectors broadcast to x's padded table (zero
// on the padding), one zero-sum sumcheck at a random z proves the identity at every entry:
//     Σ_x eq(z,x)·(out(x) − x(x)·Â(x) − Ĉ(x)) = 0.
// Public A and C: the verifier builds Â, Ĉ and evaluates them. Private ones (weights bound to
// the fingerprint): Â and Ĉ are virtual tensors, the broadcast copies the plan adds as public-
// index Gathers of the committed A and C (src/verify/plan-ml.ts), so the same relation ends in
// claims on those copies, which their Gathers reduce to claims on A and C (docs/protocol.md,
// MlAffine). Integer soundness needs only the plan's bound max|x|·max|A| + max|C| < p/2 from
// proven ranges (a private A or C: its proven range, src/verify/private-weights.ts).
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
  /** The channel vectors; null when private (then AffineRefs holds their broadcast copies). */
  readonly a: BigInt64Array | null;
  readonly c: BigInt64Array | null;
  readonly inner: number;
}

/** out is null when it is a public output; a, c: the broadcast copies Â, Ĉ of private A, C. */
export interface AffineRefs {
  readonly out: MaskedRef | null;
  readonly x: MaskedRef;
  readonly a?: MaskedRef | null;
  readonly c?: MaskedRef | null;
}

const MINUS_ONE = E.neg(E.ONE);

function relation(p: AffineParams, refs: AffineRefs): ZeroRelation {
  return {
    label: 'layer/affine/z',
    numVars: totalVars(p.dims),
    refs: [refs.out, refs.x, refs.a ?? null, refs.c ?? null],
    terms: () => [
      { coeff: E.ONE, tables: [0], eq: true },
      { coeff: MINUS_ONE, tables: [1, 2], eq: true },
      { coeff: MINUS_ONE, tables: [3], eq: true },
    ],
  };
}

/** Â and Ĉ: the public channel vectors broadcast to x's padded table (null: private). */
export function affineTables(p: AffineParams): { a: BaseVec | null; c: BaseVec | null } {
  const n = p.dims.reduce((s, d) => s * d, 1);
  const broadcast = (v: BigInt64Array | null): BaseVec | null => (v === null ? null : paddedTable(tile(v, p.inner, n), p.dims));
  return { a: broadcast(p.a), c: broadcast(p.c) };
}

/** The channel index of each entry of x (row-major): the public index map of the broadcast copies Â, Ĉ. */
export function affineChannels(dims: readonly number[], channels: number, inner: number): Int32Array {
  const n = dims.reduce((s, d) => s * d, 1);
  return Int32Array.from({ length: n }, (_, i) => Math.floor(i / inner) % channels);
}

function checkPrivate(p: AffineParams, refs: AffineRefs): void {
  if ((p.a === null) !== !!refs.a || (p.c === null) !== !!refs.c) throw new RangeError('affine: a channel vector is private exactly when its broadcast copy is committed');
}

export function affineDegrees(p: AffineParams, refs: AffineRefs): number[] {
  return zeroRelationDegrees(relation(p, refs));
}

export function affineProofShape(p: AffineParams, refs: AffineRefs): BatchShape {
  return zeroRelationProofShape(relation(p, refs));
}

export function proveAffine(p: AffineParams, refs: AffineRefs, w: { out: MaskedPoly | BaseVec; x: MaskedPoly; a?: MaskedPoly; c?: MaskedPoly }, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  checkPrivate(p, refs);
  const t = affineTables(p);
  return proveZeroRelation(relation(p, refs), [w.out, w.x, w.a ?? t.a!, w.c ?? t.c!], g, gRef, sink, transcript);
}

/** `out`: the public output's padded table when refs.out is null. */
export function verifyAffine(p: AffineParams, refs: AffineRefs, out: BaseVec | null, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  if ((refs.out === null) !== (out !== null)) throw new RangeError('affine: the output must be exactly one of committed or public');
  checkPrivate(p, refs);
  const t = affineTables(p);
  const pub: (BaseVec | null)[] = [out, null, t.a, t.c];
  verifyZeroRelation(relation(p, refs), (j: number, point: readonly Fp2[]) => evaluate(pub[j]!, point), gRef, proof, sink, transcript);
}
