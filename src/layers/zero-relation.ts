// A polynomial identity between tensors of one padded shape, proven at every point of the
// hypercube by one zero-knowledge sumcheck with claimed sum ZERO at a random point z:
//     Σ_x Σ_terms c_t · [eq(z, x)] · Π_{j ∈ t} T_j(x)  =  0
// where each term either carries eq(z, x) (a per-entry relation) or not (a whole-tensor sum,
// e.g. the extraction of one entry by a public one-hot table). Tables are committed masked
// tensors (claims handed to the batched opening) or public tables the verifier evaluates.
// Soundness: if the per-entry part R(x) = Σ_{eq terms} c_t·Π T_j(x) − (the constant from the
// sum terms) is not zero at some x of the cube, its multilinear extension at the random z is
// zero with probability ≤ n/|F_p2| (Schwartz–Zippel), after which the sumcheck's own error
// (Σ degrees / |F_p2|) applies. The MlAffine layer and the output predicates use it.
import type { Fp2 } from '../field/ext.js';
import * as E from '../field/ext.js';
import type { BaseVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, Factor, Term } from '../sumcheck/types.js';
import { roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';

export interface RelationTerm {
  readonly coeff: Fp2;
  /** Table indices multiplied together (a table may repeat: powers). */
  readonly tables: readonly number[];
  /** True: the term is weighted by eq(z, x) (a per-entry relation); false: a plain sum. */
  readonly eq: boolean;
}

export interface ZeroRelation {
  /** Transcript label of the random point z (one per relation kind). */
  readonly label: string;
  readonly numVars: number;
  /** Per table: where it is committed, or null when public. */
  readonly refs: readonly (MaskedRef | null)[];
  /** Random weights λ drawn after z, to combine several identities into one (default 0). */
  readonly lambdas?: number;
  /** The terms, given z and λ (a sum term's coefficient may depend on z). */
  readonly terms: (z: readonly Fp2[], lambda: readonly Fp2[]) => readonly RelationTerm[];
}

function batchShape(rel: ZeroRelation, z: readonly Fp2[], lambda: readonly Fp2[]): BatchShape {
  const n = rel.numVars;
  const tables = rel.refs.map((r) => {
    if (r && r.numVars !== n) throw new RangeError(`${rel.label}: a committed table of ${r.numVars} variables in a relation of ${n}`);
    return r ? { numVars: n, kind: 'committed' as const, maskVars: r.maskVars } : { numVars: n, kind: 'public' as const, maskVars: null };
  });
  const terms: Term[] = rel.terms(z, lambda).map((t) => {
    const factors: Factor[] = t.tables.map((table) => ({ table }));
    if (t.eq) factors.unshift({ eq: z });
    return { coeff: t.coeff, factors };
  });
  return { tables, instances: [{ numVars: n, weight: E.ONE, terms }], claimedSum: E.ZERO, zk: true };
}

const ONES = (n: number): Fp2[] => Array<Fp2>(n).fill(E.ONE);

/** Round degrees of the relation's sumcheck (its mask g's shape). */
export function zeroRelationDegrees(rel: ZeroRelation): number[] {
  return roundDegrees(zeroRelationProofShape(rel));
}

export function zeroRelationProofShape(rel: ZeroRelation): BatchShape {
  return batchShape(rel, ONES(rel.numVars), ONES(rel.lambdas ?? 0));
}

function draw(rel: ZeroRelation, transcript: Transcript): { z: Fp2[]; lambda: Fp2[] } {
  const z = transcript.challengeExts(rel.label, rel.numVars);
  const lambda = (rel.lambdas ?? 0) > 0 ? transcript.challengeExts(`${rel.label}/lambda`, rel.lambdas!) : [];
  return { z, lambda };
}

function emit(rel: ZeroRelation, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  rel.refs.forEach((r, t) => {
    if (r) sink.claim(r.commitment, maskedClaim(r, point, value(t)));
  });
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

/** `tables[j]`: masked exactly when refs[j] is committed, else the public padded table. */
export function proveZeroRelation(rel: ZeroRelation, tables: readonly (MaskedPoly | BaseVec)[], g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  tables.forEach((t, j) => {
    if ((t instanceof MaskedPoly) !== (rel.refs[j] !== null)) throw new RangeError(`${rel.label}: table ${j} must be masked exactly when committed`);
  });
  const { z, lambda } = draw(rel, transcript);
  const out = proveSumcheck(batchShape(rel, z, lambda), tables as ProverTable[], g, transcript);
  emit(rel, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

/** `publicEval(j, point)`: the verifier's own value of public table j. */
export function verifyZeroRelation(rel: ZeroRelation, publicEval: (table: number, point: readonly Fp2[]) => Fp2, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  const { z, lambda } = draw(rel, transcript);
  const shape = batchShape(rel, z, lambda);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError(`${rel.label}/mask`, 'the round mask does not fit the relation');
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (rel.refs[table] !== null) throw new RangeError(`${rel.label}: table ${table} is committed`);
    return publicEval(table, point);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emit(rel, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}
