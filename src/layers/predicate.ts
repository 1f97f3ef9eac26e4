// A public predicate on a private (committed) output tensor y, proven instead of revealing y
// (docs/protocol.md, "Output predicates"). Each kind is one zero-sum relation (zero-relation.ts)
// over y's padded table, with the public tables E_i (one-hot at flat index i), I (indicator of
// the real entries) and L_k (indicator of the flat indices j < k):
// - atLeast(i, T):  s(x) = E_i(x)·(y(x) − T), s committed and range-checked in [0, 2^b):
//       Σ eq(z,x)·(s − E_i·y + T·E_i) = 0.
// - atMost(i, T):   s(x) = E_i(x)·(T − y(x)), the same with the signs of y and T flipped.
// - argmax(k):      s(x) = I(x)·(y[k] − y(x)) − L_k(x), s in [0, 2^b): y[k] ≥ y[j] for j > k and
//       y[k] > y[j] for j < k (ONNX: ties go to the first index). y[k] is extracted by the
//       unweighted term Σ_x E_k(x)·y(x) = y[k]:
//       Σ eq(z,x)·(s + I·y + L_k) − I(z)·Σ E_k·y = 0.
// - labelIn(i, {l_1..l_m}): Π_j (y[i] − l_j) = 0, no slack:
//       Σ eq(z,x)·E_i(x)·Π_j (y(x) − l_j) = 0   (expanded into powers of y).
// Integer soundness: with y ∈ [lo, hi] proven by its producer and T clamped to [lo, hi + 1]
// (atMost: [lo − 1, hi]),
// every slack value lies in [lo − hi − 1, hi − lo] and 2^b > hi − lo with b ≤ 62, so a negative
// slack cannot pass the range check modulo p; y − l_j ≠ 0 over the integers stays ≠ 0 mod p.
import type { Fp2 } from '../field/ext.js';
import * as E from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec } from '../field/vec.js';
import { evaluate } from '../poly/mle.js';
import type { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import type { GMaskRef, MaskedRef } from '../sumcheck/session.js';
import type { BatchShape } from '../sumcheck/types.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { indicatorAll, paddedTable, totalVars } from './tensor.js';
import { proveZeroRelation, verifyZeroRelation, zeroRelationDegrees, zeroRelationProofShape, type RelationTerm, type ZeroRelation } from './zero-relation.js';

/** The relation proven: the statement's predicate with its threshold already clamped to [lo, hi + 1]. */
export type PredicateRelation =
  | { readonly kind: 'atLeast'; readonly index: number; readonly threshold: bigint }
  | { readonly kind: 'atMost'; readonly index: number; readonly threshold: bigint }
  | { readonly kind: 'argmax'; readonly label: number }
  | { readonly kind: 'labelIn'; readonly index: number; readonly labels: readonly bigint[] };

/** The most labels of one `labelIn` (the relation's degree is m + 2). */
export const MAX_PREDICATE_LABELS = 32;

export interface PredicateParams {
  readonly dims: readonly number[];
  readonly relation: PredicateRelation;
}

/** slack is null exactly for labelIn. */
export interface PredicateRefs {
  readonly out: MaskedRef;
  readonly slack: MaskedRef | null;
}

export function needsSlack(r: PredicateRelation): boolean {
  return r.kind !== 'labelIn';
}

const fe = (x: bigint): bigint => (x < 0n ? F.P + x : x);

/** Coefficients c_0..c_m of Π_j (y − l_j) over F_p. */
function rootPolynomial(labels: readonly bigint[]): bigint[] {
  let c = [1n];
  for (const l of labels) {
    const next = new Array<bigint>(c.length + 1).fill(0n);
    c.forEach((v, m) => {
      next[m + 1] = F.add(next[m + 1], v);
      next[m] = F.sub(next[m], F.mul(v, fe(l)));
    });
    c = next;
  }
  return c;
}

// tables: 0 y, 1 s (or absent), then the public tables
const Y = 0;
const S = 1;

function relation(p: PredicateParams, refs: PredicateRefs): ZeroRelation {
  const numVars = totalVars(p.dims);
  const r = p.relation;
  if (needsSlack(r) !== (refs.slack !== null)) throw new RangeError(`predicate ${r.kind}: slack ${refs.slack ? 'given' : 'missing'}`);
  if (r.kind === 'atLeast' || r.kind === 'atMost') {
    const e = 2;
    // slack = σ·E_i·(y − T), σ = +1 (atLeast) or −1 (atMost)
    const sigma = r.kind === 'atLeast' ? E.ONE : E.neg(E.ONE);
    return {
      label: r.kind === 'atLeast' ? 'predicate/at-least/z' : 'predicate/at-most/z', numVars, refs: [refs.out, refs.slack, null],
      terms: () => [
        { coeff: E.ONE, tables: [S], eq: true },
        { coeff: E.neg(sigma), tables: [e, Y], eq: true },
        { coeff: E.mul(sigma, E.fromBase(fe(r.threshold))), tables: [e], eq: true },
      ],
    };
  }
  if (r.kind === 'argmax') {
    const [i, l, e] = [2, 3, 4];
    return {
      label: 'predicate/argmax/z', numVars, refs: [refs.out, refs.slack, null, null, null],
      terms: (z) => [
        { coeff: E.ONE, tables: [S], eq: true },
        { coeff: E.ONE, tables: [i, Y], eq: true },
        { coeff: E.ONE, tables: [l], eq: true },
        { coeff: E.neg(indicatorAll(p.dims, z)), tables: [e, Y], eq: false },
      ],
    };
  }
  const e = 1;
  const c = rootPolynomial(r.labels);
  return {
    label: 'predicate/label-in/z', numVars, refs: [refs.out, null],
    terms: () => c.flatMap((cm, m): RelationTerm[] => (cm === 0n ? [] : [{ coeff: E.fromBase(cm), tables: [e, ...Array<number>(m).fill(Y)], eq: true }])),
  };
}

function size(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The public tables of the relation, in table order after y and s. */
function publicTables(p: PredicateParams): BaseVec[] {
  const n = size(p.dims);
  const oneHot = (i: number): BaseVec => {
    const v = new BigInt64Array(n);
    v[i] = 1n;
    return paddedTable(v, p.dims);
  };
  const r = p.relation;
  if (r.kind === 'atLeast' || r.kind === 'atMost') return [oneHot(r.index)];
  if (r.kind === 'labelIn') return [oneHot(r.index)];
  const before = new BigInt64Array(n);
  before.fill(1n, 0, r.label);
  return [paddedTable(new BigInt64Array(n).fill(1n), p.dims), paddedTable(before, p.dims), oneHot(r.label)];
}

/** The slack tensor (y's dims) of an honest prover; null for labelIn. */
export function predicateSlack(p: PredicateParams, y: BigInt64Array): BigInt64Array | null {
  const r = p.relation;
  if (r.kind === 'labelIn') return null;
  const s = new BigInt64Array(y.length);
  if (r.kind === 'atLeast') s[r.index] = y[r.index] - r.threshold;
  else if (r.kind === 'atMost') s[r.index] = r.threshold - y[r.index];
  else for (let j = 0; j < y.length; j++) s[j] = y[r.label] - y[j] - (j < r.label ? 1n : 0n);
  return s;
}

export function predicateDegrees(p: PredicateParams, refs: PredicateRefs): number[] {
  return zeroRelationDegrees(relation(p, refs));
}

export function predicateProofShape(p: PredicateParams, refs: PredicateRefs): BatchShape {
  return zeroRelationProofShape(relation(p, refs));
}

export function provePredicate(p: PredicateParams, refs: PredicateRefs, w: { out: MaskedPoly; slack: MaskedPoly | null }, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  const tables: (MaskedPoly | BaseVec)[] = [w.out, ...(w.slack ? [w.slack] : []), ...publicTables(p)];
  return proveZeroRelation(relation(p, refs), tables, g, gRef, sink, transcript);
}

export function verifyPredicate(p: PredicateParams, refs: PredicateRefs, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  const pub = publicTables(p);
  const first = needsSlack(p.relation) ? 2 : 1;
  verifyZeroRelation(relation(p, refs), (j: number, point: readonly Fp2[]) => evaluate(pub[j - first], point), gRef, proof, sink, transcript);
}
