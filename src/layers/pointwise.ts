// Pointwise layer: polynomial relations that hold entry by entry between tensors of one shape
// (Mul, Max/Min, Compare, Where, Sqrt; the relations of each op are in pointwise-ops.ts).
//
// Tensors t_0 … t_{T−1} (committed masked, or public padded tables) share one padded layout.
// A relation is a sum of terms c·Π t_i(x) (·I(x)), I the public indicator of the unpadded
// entries; the op's relations R_k must vanish on every entry. One zero-knowledge sumcheck with
// claimed sum ZERO proves, at a random z with random λ_k,
//     Σ_x eq(z,x)·Σ_k λ_k·R_k(x) = 0,
// which by Schwartz–Zippel (over z, then over λ) means every R_k vanishes on the whole
// hypercube except with probability ≤ (n + K)/|F_p2| (n variables, K relations). The sumcheck
// ends in one masked claim per committed tensor (maskedClaim) and the claim g(ρ) on the round
// mask; nothing but masked values is revealed. Over the integers the relations hold because
// every term is bounded below p/2 under the proven ranges (pointwise-ops.ts checks it).
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

/** c·Π_{i ∈ tensors} t_i(x), times I(x) when `indicator`. */
export interface PointwiseTerm {
  readonly coeff: bigint;
  readonly tensors: readonly number[];
  readonly indicator?: boolean;
}

export interface PointwiseParams {
  readonly dims: readonly number[];
  /** Number of tensors. */
  readonly tensors: number;
  /** Each relation (a list of terms) vanishes on every entry. */
  readonly relations: readonly (readonly PointwiseTerm[])[];
  /**
   * Range checks of PUBLIC tensors (a public output the relations need bounded): the verifier
   * checks every entry of the table it builds, zero padding included, against [lo, hi] ∋ 0.
   */
  readonly publicRanges?: readonly { readonly tensor: number; readonly lo: bigint; readonly hi: bigint }[];
}

/** One per tensor: where it is committed, or null when it is public. */
export type PointwiseRefs = readonly (MaskedRef | null)[];

const field = (x: bigint): bigint => (x < 0n ? F.P + x : x);

function check(p: PointwiseParams, refs: PointwiseRefs): number {
  const n = totalVars(p.dims);
  if (refs.length !== p.tensors) throw new RangeError(`pointwise: ${refs.length} references for ${p.tensors} tensors`);
  if (p.relations.length === 0) throw new RangeError('pointwise: no relation');
  for (const rel of p.relations) {
    for (const t of rel) {
      if (t.tensors.some((i) => !Number.isInteger(i) || i < 0 || i >= p.tensors)) throw new RangeError('pointwise: a term names a tensor that does not exist');
      // a constant must not be asserted on the zero padding
      if (t.tensors.length === 0 && !t.indicator) throw new RangeError('pointwise: a constant term needs the indicator');
    }
  }
  for (const r of refs) if (r && (r.numVars !== n || r.f.length !== 1)) throw new RangeError('pointwise: a committed tensor does not match the shape');
  return n;
}

function batchShape(p: PointwiseParams, refs: PointwiseRefs, z: readonly Fp2[], lambda: readonly Fp2[]): BatchShape {
  const n = check(p, refs);
  const tables: TableShape[] = refs.map((r) => (r ? { numVars: n, kind: 'committed', maskVars: r.maskVars } : { numVars: n, kind: 'public', maskVars: null }));
  const ind = tables.length;
  tables.push({ numVars: n, kind: 'public', maskVars: null });
  const terms: Term[] = [];
  p.relations.forEach((rel, k) => {
    for (const t of rel) {
      if (t.coeff === 0n) continue;
      const factors = [{ eq: z }, ...t.tensors.map((table) => ({ table })), ...(t.indicator ? [{ table: ind }] : [])];
      terms.push({ coeff: E.mul(lambda[k], E.fromBase(field(t.coeff))), factors });
    }
  });
  return { tables, instances: [{ numVars: n, weight: E.ONE, terms }], claimedSum: E.ZERO, zk: true };
}

function draw(p: PointwiseParams, t: Transcript): { z: Fp2[]; lambda: Fp2[] } {
  return { z: t.challengeExts('layer/pointwise/z', totalVars(p.dims)), lambda: t.challengeExts('layer/pointwise/lambda', p.relations.length) };
}

function dummyShape(p: PointwiseParams, refs: PointwiseRefs): BatchShape {
  return batchShape(p, refs, Array<Fp2>(totalVars(p.dims)).fill(E.ONE), Array<Fp2>(p.relations.length).fill(E.ONE));
}

export function pointwiseDegrees(p: PointwiseParams, refs: PointwiseRefs): number[] {
  return roundDegrees(dummyShape(p, refs));
}

export function pointwiseProofShape(p: PointwiseParams, refs: PointwiseRefs): BatchShape {
  return dummyShape(p, refs);
}

function emit(refs: PointwiseRefs, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  refs.forEach((r, t) => {
    if (r) sink.claim(r.commitment, maskedClaim(r, point, value(t)));
  });
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

/** tables[i]: tensor i, masked when committed, its padded table when public. */
export function provePointwise(p: PointwiseParams, refs: PointwiseRefs, tables: readonly (MaskedPoly | BaseVec)[], g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  tables.forEach((t, i) => {
    if ((t instanceof MaskedPoly) !== (refs[i] !== null)) throw new RangeError(`pointwise: tensor ${i} must be masked exactly when committed`);
  });
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const ind = paddedTable(new BigInt64Array(p.dims.reduce((a, b) => a * b, 1)).fill(1n), p.dims);
  const out = proveSumcheck(shape, [...tables, ind] as ProverTable[], g, transcript);
  emit(refs, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

/** `publics[i]`: the padded table of tensor i when refs[i] is null. */
export function verifyPointwise(p: PointwiseParams, refs: PointwiseRefs, publics: readonly (BaseVec | null)[], gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  refs.forEach((r, i) => {
    if ((r === null) !== (publics[i] !== null && publics[i] !== undefined)) throw new RangeError(`pointwise: tensor ${i} must be exactly one of committed or public`);
  });
  for (const r of p.publicRanges ?? []) {
    const t = publics[r.tensor];
    if (!t) throw new RangeError(`pointwise: range-checked tensor ${r.tensor} is not public`);
    for (let i = 0; i < t.length; i++) {
      const v = F.toSigned(t[i]);
      if (v < r.lo || v > r.hi) throw new VerificationError('pointwise/public-range', `public tensor ${r.tensor} entry ${i} = ${v} outside [${r.lo}, ${r.hi}]`);
    }
  }
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('pointwise/mask', 'the round mask does not fit the layer');
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table === refs.length) return indicatorAll(p.dims, point);
    const t = publics[table];
    if (t) return evaluate(t, point);
    throw new RangeError(`pointwise: table ${table} is not public`);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emit(refs, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}
