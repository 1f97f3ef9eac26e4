// WeightedSum layer (residual Add, Sub, rescaled sums): out = offset + Σ_j c_j·x_j elementwise,
// all tensors of one shape. One zero-knowledge sumcheck with claimed sum ZERO at a random z:
//     Σ_x eq(z,x)·(out(x) − offset·I(x) − Σ_j c_j·x_j(x)) = 0
// (I: indicator of the unpadded entries, so the offset is not added on the zero padding). Every
// term is linear, so integer soundness needs only the op's bound B_sum < p/2 (from the compiler,
// recomputed by the plan from proven ranges).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { evaluate } from '../poly/mle.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, TableShape, Term } from '../sumcheck/types.js';
import { roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { indicatorAll, paddedTable, totalVars } from './tensor.js';

export interface WeightedSumParams {
  readonly dims: readonly number[];
  readonly coeffs: readonly bigint[];
  readonly offset: bigint;
}

/** refs[0] is out, refs[1 + j] is x_j; null: public (its padded table is given to the verifier). */
export type WeightedSumRefs = readonly (MaskedRef | null)[];

const field = (x: bigint): bigint => (x < 0n ? F.P + x : x);

function batchShape(p: WeightedSumParams, refs: WeightedSumRefs, z: readonly Fp2[]): BatchShape {
  const n = totalVars(p.dims);
  if (refs.length !== p.coeffs.length + 1) throw new RangeError(`weighted sum: ${refs.length} tensors for ${p.coeffs.length} coefficients`);
  const tables: TableShape[] = refs.map((r) => {
    if (r && (r.numVars !== n || r.f.length !== 1)) throw new RangeError('weighted sum: a committed tensor does not match the shape');
    return r ? { numVars: n, kind: 'committed', maskVars: r.maskVars } : { numVars: n, kind: 'public', maskVars: null };
  });
  tables.push({ numVars: n, kind: 'public', maskVars: null }); // I
  const terms: Term[] = [
    { coeff: E.ONE, factors: [{ eq: z }, { table: 0 }] },
    ...p.coeffs.map((c, j) => ({ coeff: E.neg(E.fromBase(field(c))), factors: [{ eq: z }, { table: 1 + j }] })),
  ];
  if (p.offset !== 0n) terms.push({ coeff: E.neg(E.fromBase(field(p.offset))), factors: [{ eq: z }, { table: refs.length }] });
  return { tables, instances: [{ numVars: n, weight: E.ONE, terms }], claimedSum: E.ZERO, zk: true };
}

export function weightedSumDegrees(p: WeightedSumParams, refs: WeightedSumRefs): number[] {
  return roundDegrees(batchShape(p, refs, Array<Fp2>(totalVars(p.dims)).fill(E.ONE)));
}

export function weightedSumProofShape(p: WeightedSumParams, refs: WeightedSumRefs): BatchShape {
  return batchShape(p, refs, Array<Fp2>(totalVars(p.dims)).fill(E.ONE));
}

function emit(refs: WeightedSumRefs, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  refs.forEach((r, t) => {
    if (r) sink.claim(r.commitment, maskedClaim(r, point, value(t)));
  });
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

/** tables[0] = out, tables[1 + j] = x_j: masked when committed, padded tables when public. */
export function proveWeightedSum(p: WeightedSumParams, refs: WeightedSumRefs, tables: readonly (MaskedPoly | BaseVec)[], g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  tables.forEach((t, i) => {
    if ((t instanceof MaskedPoly) !== (refs[i] !== null)) throw new RangeError(`weighted sum: tensor ${i} must be masked exactly when committed`);
  });
  const z = transcript.challengeExts('layer/weighted-sum/z', totalVars(p.dims));
  const shape = batchShape(p, refs, z);
  const ind = paddedTable(new BigInt64Array(p.dims.reduce((a, b) => a * b, 1)).fill(1n), p.dims);
  const out = proveSumcheck(shape, [...tables, ind] as ProverTable[], g, transcript);
  emit(refs, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

/** `publics[i]`: the padded table of tensor i when refs[i] is null. */
export function verifyWeightedSum(p: WeightedSumParams, refs: WeightedSumRefs, publics: readonly (BaseVec | null)[], gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  refs.forEach((r, i) => {
    if ((r === null) !== (publics[i] !== null && publics[i] !== undefined)) throw new RangeError(`weighted sum: tensor ${i} must be exactly one of committed or public`);
  });
  const z = transcript.challengeExts('layer/weighted-sum/z', totalVars(p.dims));
  const shape = batchShape(p, refs, z);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('weighted-sum/mask', 'the round mask does not fit the layer');
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table === refs.length) return indicatorAll(p.dims, point);
    const t = publics[table];
    if (t) return evaluate(t, point);
    throw new RangeError(`weighted sum: table ${table} is not public`);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emit(refs, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}
