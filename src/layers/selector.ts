// Selector layer: a committed 0/1 matrix S [R, L] whose every row is one-hot and points at the
// row's index: for every row t < R, exactly one a < L has S[t, a] = 1 and idx[t] = a. A MatMul
// y = S·D then reads row idx[t] of D (GatherDynamic, TopK: src/verify/plan-dynamic.ts).
// With `wrap` (indices that may be negative, counted from the end as ONNX Gather does) a
// committed bit column neg [R] joins: idx[t] = a − L·neg[t], so a = idx[t] + L·[idx[t] < 0].
//
// S's table has the row variables high and the L axis low; idx is laid out as [R]. z is a
// random point of S's table, z_y its row coordinates (the point of idx's table), I_a(x) = [a < L]
// (a the column of x, on every row), I_y the indicator of idx's unpadded entries,
// Ey(x) = eq(z_y, x_y), A(x) = I_a(x)·a.
// One zero-knowledge sumcheck with claimed sum ZERO batches, with random λ:
//   R1 Σ_x eq(z, x)·(S² − S) = 0                   S is a bit everywhere
//   R2 Σ_x Ey·I_a·S − Σ_y eq(z_y, y)·I_y = 0        Σ_{a<L} S(t, a) = I_y(t) for every t
//   R3 Σ_x Ey·A·S − Σ_y eq(z_y, y)·idx = 0          Σ_{a<L} a·S(t, a) = idx(t) for every t
//   R4 Σ_x eq(z, x)·(1 − I_a)·S = 0                 S = 0 in the padded columns
// and with wrap, R3's right side is idx + L·neg, and
//   R5 Σ_y eq(z_y, y)·(neg² − I_y·neg) = 0          neg is a bit on real rows, 0 on padded ones
// By Schwartz–Zippel over z (then λ) each holds on the whole cube except with probability
// ≤ (n_S + 4)/|F_p2|. Then on every real row: the L ≤ 2^30 bits sum to 1 in F_p, so exactly one
// a < L has S = 1, and idx(t) = a; a padded row is zero (so S·D and column sums of S see
// nothing there) and idx = 0 there; whatever D holds in its padding is never selected.
// With wrap: on a real row idx = a − L·neg with a ∈ [0, L), neg ∈ {0, 1}, an integer in [−L, L)
// equal to idx mod p; idx's proven range is below p/2, so as integers idx = a − L·neg: neg = 1
// exactly when idx < 0 (a = idx + L), the row ONNX reads. No bound on idx's proven range is
// needed beyond |idx| < p/2 (an index outside [−L, L) has no proof; the executor refuses it too).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { eqEval, evaluate } from '../poly/mle.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProveOptions, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, Factor, TableShape, Term } from '../sumcheck/types.js';
import { alignInstances, roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { dimVars, indicator, indicatorAll, paddedTable, positionWeight, totalVars } from './tensor.js';

export interface SelectorParams {
  /** Rows R (idx has R entries) and columns L (the valid indices [0, L)). */
  readonly rows: number;
  readonly len: number;
  /** Negative indices count from the end (a committed bit column neg); absent: indices are in [0, L). */
  readonly wrap?: boolean;
}

/** idx may be public (null). S is always committed. */
export interface SelectorRefs {
  readonly s: MaskedRef;
  readonly idx: MaskedRef | null;
  /** The sign bits (committed exactly when p.wrap). */
  readonly neg?: MaskedRef | null;
}

interface Layout {
  readonly nx: number;
  readonly ny: number;
  /** Variables of the L axis (the low ones of S's table). */
  readonly nax: number;
  readonly sDims: number[];
  readonly yDims: number[];
}

function layout(p: SelectorParams): Layout {
  if (!Number.isInteger(p.rows) || p.rows < 1 || !Number.isInteger(p.len) || p.len < 2) throw new RangeError(`selector: ${p.rows} rows of ${p.len} columns (at least 2)`);
  const sDims = [p.rows, p.len];
  return { nx: totalVars(sDims), ny: totalVars([p.rows]), nax: dimVars(p.len), sDims, yDims: [p.rows] };
}

/** z without the column coordinates: the point of idx's table (empty for a single row). */
function rowPoint(l: Layout, z: readonly Fp2[]): Fp2[] {
  return z.slice(l.nax);
}

const T = { s: 0, idx: 1, Ia: 2, Iy: 3, Ey: 4, A: 5, neg: 6 } as const;

function batchShape(p: SelectorParams, refs: SelectorRefs, z: readonly Fp2[], lambda: readonly Fp2[]): BatchShape {
  const l = layout(p);
  if (refs.s.numVars !== l.nx || (refs.idx && refs.idx.numVars !== l.ny)) throw new RangeError('selector: committed tensors do not match the dims');
  const neg = refs.neg ?? null;
  if ((neg !== null) !== (p.wrap === true) || (neg && neg.numVars !== l.ny)) throw new RangeError('selector: the sign bits are committed exactly when indices wrap');
  const zy = rowPoint(l, z);
  const pub = (nv: number): TableShape => ({ numVars: nv, kind: 'public', maskVars: null });
  const tables: TableShape[] = [
    { numVars: l.nx, kind: 'committed', maskVars: refs.s.maskVars },
    refs.idx ? { numVars: l.ny, kind: 'committed', maskVars: refs.idx.maskVars } : pub(l.ny),
    pub(l.nx), pub(l.ny), pub(l.nx), pub(l.nx),
    ...(neg ? [{ numVars: l.ny, kind: 'committed' as const, maskVars: neg.maskVars }] : []),
  ];
  const t = (table: number): Factor => ({ table });
  const eqz: Factor = { eq: z };
  const Py: Factor[] = zy.length === 0 ? [] : [{ eq: zy }];
  const [l1, l2, l3, l4] = lambda;
  const X: Term[] = [
    { coeff: l1, factors: [eqz, t(T.s), t(T.s)] },
    { coeff: E.neg(l1), factors: [eqz, t(T.s)] },
    { coeff: l2, factors: [t(T.Ey), t(T.Ia), t(T.s)] },
    { coeff: l3, factors: [t(T.Ey), t(T.A), t(T.s)] },
    { coeff: l4, factors: [eqz, t(T.s)] },
    { coeff: E.neg(l4), factors: [eqz, t(T.Ia), t(T.s)] },
  ];
  const Y: Term[] = [
    { coeff: E.neg(l2), factors: [...Py, t(T.Iy)] },
    { coeff: E.neg(l3), factors: [...Py, t(T.idx)] },
  ];
  if (neg) {
    const l5 = lambda[4];
    Y.push(
      { coeff: E.neg(E.mulBase(l3, BigInt(p.len))), factors: [...Py, t(T.neg)] },
      { coeff: l5, factors: [...Py, t(T.neg), t(T.neg)] },
      { coeff: E.neg(l5), factors: [...Py, t(T.Iy), t(T.neg)] },
    );
  }
  return {
    tables,
    instances: alignInstances([{ numVars: l.nx, terms: X }, { numVars: l.ny, terms: Y }]),
    claimedSum: E.ZERO,
    zk: true,
  };
}

function draw(p: SelectorParams, t: Transcript): { z: Fp2[]; lambda: Fp2[] } {
  return { z: t.challengeExts('layer/selector/z', layout(p).nx), lambda: t.challengeExts('layer/selector/lambda', lambdas(p)) };
}

const lambdas = (p: SelectorParams): number => (p.wrap ? 5 : 4);

function dummy(p: SelectorParams, refs: SelectorRefs): BatchShape {
  return batchShape(p, refs, Array<Fp2>(layout(p).nx).fill(E.ONE), Array<Fp2>(lambdas(p)).fill(E.ONE));
}

export function selectorDegrees(p: SelectorParams, refs: SelectorRefs): number[] {
  return roundDegrees(dummy(p, refs));
}

export function selectorProofShape(p: SelectorParams, refs: SelectorRefs): BatchShape {
  return dummy(p, refs);
}

/** The public tables at the final point (verifier side); `point` has S's variables. */
function publicEval(p: SelectorParams, l: Layout, z: readonly Fp2[], table: number, point: readonly Fp2[]): Fp2 {
  switch (table) {
    case T.Ia:
      return indicator(p.len, point.slice(0, l.nax));
    case T.Iy:
      return indicatorAll(l.yDims, point);
    case T.Ey: {
      const zy = rowPoint(l, z);
      return zy.length === 0 ? E.ONE : eqEval(zy, rowPoint(l, point));
    }
    case T.A:
      return positionWeight(p.len, point.slice(0, l.nax));
    default:
      throw new RangeError(`selector: table ${table} is not public`);
  }
}

/** The public tables (prover side). */
function publicTables(p: SelectorParams, l: Layout, z: readonly Fp2[]): (BaseVec | ExtVec)[] {
  const eqy = V.eqTable(rowPoint(l, z));
  const axis = 1 << l.nax;
  const Ey = new BigUint64Array(2 << l.nx);
  const Ia = new BigUint64Array(1 << l.nx);
  const A = new BigUint64Array(1 << l.nx);
  for (let t = 0; t < 1 << (l.nx - l.nax); t++) {
    for (let a = 0; a < axis; a++) {
      const at = t * axis + a;
      Ey[2 * at] = eqy[2 * t];
      Ey[2 * at + 1] = eqy[2 * t + 1];
      if (a < p.len) {
        Ia[at] = 1n;
        A[at] = BigInt(a);
      }
    }
  }
  return [Ia, paddedTable(new BigInt64Array(p.rows).fill(1n), l.yDims), Ey, A];
}

function emit(refs: SelectorRefs, l: Layout, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  sink.claim(refs.s.commitment, maskedClaim(refs.s, point.slice(0, l.nx), value(T.s)));
  if (refs.idx) sink.claim(refs.idx.commitment, maskedClaim(refs.idx, point.slice(0, l.ny), value(T.idx)));
  if (refs.neg) sink.claim(refs.neg.commitment, maskedClaim(refs.neg, point.slice(0, l.ny), value(T.neg)));
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

/** `unsafe`: tests only (a cheating prover's false relation, which the verifier must reject). */
export function proveSelector(p: SelectorParams, refs: SelectorRefs, w: { readonly s: MaskedPoly; readonly idx: MaskedPoly | BaseVec; readonly neg?: MaskedPoly }, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript, unsafe: ProveOptions = {}): SumcheckProof {
  if ((w.idx instanceof MaskedPoly) !== (refs.idx !== null)) throw new RangeError('selector: idx must be masked exactly when committed');
  if ((w.neg !== undefined) !== (p.wrap === true)) throw new RangeError('selector: the sign bits are given exactly when indices wrap');
  const l = layout(p);
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const tables: ProverTable[] = [w.s, w.idx, ...publicTables(p, l, z), ...(w.neg ? [w.neg] : [])];
  const out = proveSumcheck(shape, tables, g, transcript, unsafe);
  emit(refs, l, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

/** `publicIdx`: idx's padded table when its ref is null. */
export function verifySelector(p: SelectorParams, refs: SelectorRefs, publicIdx: BaseVec | null, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  if ((publicIdx === null) === (refs.idx === null)) throw new RangeError('selector: idx must be exactly one of committed or public');
  const l = layout(p);
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('selector/mask', 'the round mask does not fit the layer');
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table === T.idx && publicIdx) return evaluate(publicIdx, point);
    return publicEval(p, l, z, table, table === T.Iy ? point.slice(0, l.ny) : point);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emit(refs, l, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}

/**
 * The one-hot rows of S from the indices (prover side, row-major [rows, len]); a negative index
 * counts from the end (its row is idx + len); null if some index is outside [−len, len).
 */
export function selectorMatrix(p: SelectorParams, idx: BigInt64Array): BigInt64Array | null {
  if (idx.length !== p.rows) throw new RangeError(`selector: ${idx.length} indices for ${p.rows} rows`);
  const s = new BigInt64Array(p.rows * p.len);
  for (let t = 0; t < p.rows; t++) {
    const a = idx[t] < 0n ? idx[t] + BigInt(p.len) : idx[t];
    if (a < 0n || a >= BigInt(p.len)) return null;
    s[t * p.len + Number(a)] = 1n;
  }
  return s;
}

/** The sign bits neg[t] = [idx[t] < 0] (prover side, with wrap). */
export function selectorSigns(idx: BigInt64Array): BigInt64Array {
  return idx.map((v) => (v < 0n ? 1n : 0n));
}
