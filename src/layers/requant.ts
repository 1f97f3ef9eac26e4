// Requant layer: q = clamp(q′, lo, hi), q′ = floor((x·M_c + h) / 2^s), h = 2^(s−1) (0 for s = 0),
// M_c the multiplier of x's channel (public here: the multipliers of a model with public weights).
//
// Committed columns (masked, same shape as x): q′, r, u1, u2, w, and x, q (q may be public).
// One zero-knowledge sumcheck with claimed sum ZERO proves, at a random z with random λ,
//     Σ_x eq(z,x)·Σ_k λ_k·R_k(x) = 0, where on every entry
//   R1: x·M + h·I − 2^s·q′ − r = 0       (I: indicator of the unpadded entries)
//   R2: u1 − q + lo·I = 0                 (u1 = q − lo)
//   R3: u2 + q − hi·I = 0                 (u2 = hi − q)
//   R4: w − (q′ − q)·(2q − (lo+hi)·I)·(hi − lo)⁻¹ = 0   (the inverse taken in F_p)
//   R5: (q′ − q)·u1·u2 = 0
//   R6: r = 0                             (only for s = 0: Clip is Requant with M = 1, s = 0)
// and range checks (src/lookup/range.ts, run by the caller) prove r ∈ [0, 2^s), q′ in a signed
// range, and u1, u2, w ≥ 0 (in [0, 2^b)). Then over the integers (every term < p/2, checked by
// `requantRangeBits`): lo ≤ q ≤ hi (R2, R3); q′ = q unless q ∈ {lo, hi} (R5: a product is 0 mod p
// only if a factor is, and each factor is below p in absolute value); then R4 reads w ≡ 0
// (q′ = q), w ≡ q′ − hi (q = hi) or w ≡ lo − q′ (q = lo), integers of absolute value at most
// |q′| + max(|lo|, |hi|) < p/2, so w ∈ [0, 2^b) makes them equal and forces q′ ≥ hi, resp.
// q′ ≤ lo; so q = clamp(q′). (Dividing by hi − lo keeps w as small as q′: the product form
// (q′ − q)·(2q − lo − hi) would need |q′|·(hi − lo) < p/2, which wide accumulators such as an
// MlAffine's do not meet.) R1 with 0 ≤ r < 2^s makes q′ the rounded quotient. Nothing but
// masked values is revealed.
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
import type { BatchShape, Factor, Term } from '../sumcheck/types.js';
import { roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { dimPoints, indicator, indicatorAll, paddedTable, phantomFactor, totalVars } from './tensor.js';

export interface RequantParams {
  /** Dims of x (and of every column). */
  readonly dims: readonly number[];
  /** One multiplier (per tensor) or one per index of dimension `channelAxis`. */
  readonly mults: readonly bigint[];
  readonly channelAxis: number | null;
  readonly shift: number;
  readonly lo: bigint;
  readonly hi: bigint;
  /**
   * Private multipliers (a model with private weights): `mults` is empty for the verifier, the
   * table M_b is committed (a view of the private-weights vector, broadcast over x) and the
   * proof establishes |M| ≤ bound; `count` multipliers.
   */
  readonly privateMults?: { readonly count: number; readonly bound: bigint };
}

export const REQUANT_COLUMNS = ['qp', 'r', 'u1', 'u2', 'w'] as const;
export type RequantColumn = (typeof REQUANT_COLUMNS)[number];

export interface RequantRefs {
  readonly x: MaskedRef;
  /** null: q is public. */
  readonly q: MaskedRef | null;
  readonly cols: Readonly<Record<RequantColumn, MaskedRef>>;
  /** The committed multiplier table (a view over x's variables) when the multipliers are private. */
  readonly m?: MaskedRef | null;
}

export interface RequantWitness {
  readonly x: MaskedPoly;
  readonly q: MaskedPoly | BaseVec;
  readonly cols: Readonly<Record<RequantColumn, MaskedPoly>>;
  /** Private multipliers: M_b masked (its mask is the view's R). */
  readonly m?: MaskedPoly;
}

/**
 * The channel axis of an IR Requant node (c = (i / inner) mod #M): the dimension of size #M
 * whose trailing dimensions hold exactly `inner` entries; null for a single multiplier.
 */
export function channelAxis(dims: readonly number[], count: number, inner: number): number | null {
  if (count === 1) return null;
  for (let p = 0; p < dims.length; p++) {
    const trailing = dims.slice(p + 1).reduce((a, b) => a * b, 1);
    if (dims[p] === count && trailing === inner) return p;
  }
  throw new RangeError(`requant: ${count} multipliers with inner ${inner} do not follow one dimension of [${dims}]`);
}

/** Number of multipliers (public even when their values are not). */
function multCount(p: RequantParams): number {
  return p.privateMults ? p.privateMults.count : p.mults.length;
}

function check(p: RequantParams): number {
  const n = totalVars(p.dims);
  if (n < 1) throw new RangeError('requant: a single-element tensor cannot be masked');
  if (!p.privateMults && (p.mults.length === 0 || p.mults.some((m) => m < 1n))) throw new RangeError('requant: multipliers must be positive');
  const count = multCount(p);
  if ((p.channelAxis === null) !== (count === 1)) throw new RangeError('requant: a channel axis iff several multipliers');
  if (p.channelAxis !== null && p.dims[p.channelAxis] !== count) throw new RangeError('requant: multipliers do not match the channel dimension');
  if (!Number.isInteger(p.shift) || p.shift < 0 || p.shift > 62) throw new RangeError(`requant: shift ${p.shift}`);
  if (!(p.lo < p.hi)) throw new RangeError(`requant: clamp [${p.lo}, ${p.hi}] needs lo < hi`);
  return n;
}

const field = (x: bigint): bigint => (x < 0n ? F.P + x : x);

/** The broadcast multiplier table M_b over x's padded layout (prover side). */
export function multiplierTable(p: RequantParams): BaseVec {
  const size = p.dims.reduce((a, b) => a * b, 1);
  const inner = p.channelAxis === null ? size : p.dims.slice(p.channelAxis + 1).reduce((a, b) => a * b, 1);
  const data = new BigInt64Array(size);
  for (let i = 0; i < size; i++) data[i] = p.mults.length === 1 ? p.mults[0] : p.mults[Math.floor(i / inner) % p.mults.length];
  return paddedTable(data, p.dims);
}

/**
 * M_b = m̃(channel coordinates)·rest: the point of the multiplier vector m (its phantom
 * coordinate 0 for a single multiplier) and the public factor (indicators of the other
 * dimensions, the phantom factor).
 */
export function multiplierView(p: RequantParams, point: readonly Fp2[]): { point: Fp2[]; coeff: Fp2 } {
  const per = dimPoints(p.dims, point);
  let coeff: Fp2 = phantomFactor(p.dims, point);
  let at: Fp2[] = [E.ZERO];
  per.forEach((coords, d) => {
    if (d === p.channelAxis) at = coords.length === 0 ? [E.ZERO] : [...coords];
    else coeff = E.mul(coeff, indicator(p.dims[d], coords));
  });
  return { point: at, coeff };
}

/** M_b's MLE at a point (verifier side): M̃ on the channel coordinates × indicators of the others. */
function multiplierEval(p: RequantParams, point: readonly Fp2[]): Fp2 {
  const per = dimPoints(p.dims, point);
  let acc: Fp2 = E.mul(p.mults.length === 1 ? E.fromBase(field(p.mults[0])) : E.ONE, phantomFactor(p.dims, point));
  per.forEach((coords, d) => {
    if (d === p.channelAxis) {
      const m = new BigUint64Array(1 << coords.length);
      p.mults.forEach((x, i) => (m[i] = field(x)));
      acc = E.mul(acc, coords.length === 0 ? E.fromBase(m[0]) : evaluate(m, coords));
    } else {
      acc = E.mul(acc, indicator(p.dims[d], coords));
    }
  });
  return acc;
}

/** The columns of the relation from x (prover side): q′, r, u1, u2, w and q, as signed integers. */
export function requantColumns(p: RequantParams, x: BigInt64Array): Record<RequantColumn | 'q', BigInt64Array> {
  check(p);
  if (p.mults.length !== multCount(p)) throw new RangeError('requant: the prover needs the multipliers');
  const size = x.length;
  const inner = p.channelAxis === null ? size : p.dims.slice(p.channelAxis + 1).reduce((a, b) => a * b, 1);
  const s = BigInt(p.shift);
  const h = p.shift > 0 ? 1n << (s - 1n) : 0n;
  const out = { q: new BigInt64Array(size), qp: new BigInt64Array(size), r: new BigInt64Array(size), u1: new BigInt64Array(size), u2: new BigInt64Array(size), w: new BigInt64Array(size) };
  for (let i = 0; i < size; i++) {
    const m = p.mults.length === 1 ? p.mults[0] : p.mults[Math.floor(i / inner) % p.mults.length];
    const num = x[i] * m + h;
    const qp = num >> s; // floor division by 2^s (BigInt shifts round toward −∞)
    const q = qp < p.lo ? p.lo : qp > p.hi ? p.hi : qp;
    out.qp[i] = qp;
    out.r[i] = num - (qp << s);
    out.q[i] = q;
    out.u1[i] = q - p.lo;
    out.u2[i] = p.hi - q;
    out.w[i] = ((qp - q) * (2n * q - p.lo - p.hi)) / (p.hi - p.lo); // exact: 0, qp − hi or lo − qp
  }
  return out;
}

// table indices of the batch
const T = { x: 0, q: 1, qp: 2, r: 3, u1: 4, u2: 5, w: 6, m: 7, ind: 8 } as const;

function batchShape(p: RequantParams, refs: Pick<RequantRefs, 'x' | 'q' | 'cols' | 'm'>, z: readonly Fp2[], lambda: readonly Fp2[]): BatchShape {
  const n = check(p);
  if (!!p.privateMults !== !!refs.m) throw new RangeError('requant: the multiplier table is committed exactly when the multipliers are private');
  if (refs.m && (refs.m.numVars !== n || !refs.m.view)) throw new RangeError('requant: the multiplier view does not match the tensor');
  for (const ref of [refs.x, refs.q, ...Object.values(refs.cols)]) {
    if (ref && (ref.numVars !== n || ref.f.length !== 1)) throw new RangeError('requant: a committed column does not match the tensor');
  }
  const committed = (ref: MaskedRef) => ({ numVars: n, kind: 'committed' as const, maskVars: ref.maskVars });
  const pub = { numVars: n, kind: 'public' as const, maskVars: null };
  const tables = [
    committed(refs.x),
    refs.q ? committed(refs.q) : pub,
    committed(refs.cols.qp),
    committed(refs.cols.r),
    committed(refs.cols.u1),
    committed(refs.cols.u2),
    committed(refs.cols.w),
    refs.m ? committed(refs.m) : pub,
    pub,
  ];
  const s = F.pow(2n, BigInt(p.shift));
  const h = p.shift > 0 ? F.pow(2n, BigInt(p.shift - 1)) : 0n;
  const [l1, l2, l3, l4, l5, l6] = lambda;
  const c = (x: bigint): Fp2 => E.fromBase(field(x));
  const eq: Factor = { eq: z };
  const t = (coeff: Fp2, ...tables: number[]): Term => ({ coeff, factors: [eq, ...tables.map((table) => ({ table }))] });
  const lohi = c(p.lo + p.hi);
  const l4s = E.mulBase(l4, F.inv(field(p.hi - p.lo))); // λ4·(hi − lo)⁻¹
  const terms: Term[] = [
    t(l1, T.x, T.m),
    t(E.mul(l1, E.fromBase(h)), T.ind),
    t(E.neg(E.mulBase(l1, s)), T.qp),
    t(E.neg(l1), T.r),
    t(l2, T.u1),
    t(E.neg(l2), T.q),
    t(E.mul(l2, c(p.lo)), T.ind),
    t(l3, T.u2),
    t(l3, T.q),
    t(E.neg(E.mul(l3, c(p.hi))), T.ind),
    t(l4, T.w),
    t(E.neg(E.mulBase(l4s, 2n)), T.qp, T.q),
    t(E.mul(l4s, lohi), T.qp, T.ind),
    t(E.mulBase(l4s, 2n), T.q, T.q),
    t(E.neg(E.mul(l4s, lohi)), T.q, T.ind),
    t(l5, T.qp, T.u1, T.u2),
    t(E.neg(l5), T.q, T.u1, T.u2),
    ...(p.shift === 0 ? [t(l6, T.r)] : []),
  ];
  return { tables, instances: [{ numVars: n, weight: E.ONE, terms }], claimedSum: E.ZERO, zk: true };
}

function draw(p: RequantParams, t: Transcript): { z: Fp2[]; lambda: Fp2[] } {
  return { z: t.challengeExts('layer/requant/z', totalVars(p.dims)), lambda: t.challengeExts('layer/requant/lambda', 6) };
}

const dummy = (p: RequantParams) => ({ z: Array<Fp2>(totalVars(p.dims)).fill(E.ONE), lambda: Array<Fp2>(6).fill(E.ONE) });

export function requantDegrees(p: RequantParams, refs: Pick<RequantRefs, 'x' | 'q' | 'cols' | 'm'>): number[] {
  const d = dummy(p);
  return roundDegrees(batchShape(p, refs, d.z, d.lambda));
}

export function requantProofShape(p: RequantParams, refs: RequantRefs): BatchShape {
  const d = dummy(p);
  return batchShape(p, refs, d.z, d.lambda);
}

function emitClaims(p: RequantParams, refs: RequantRefs, point: readonly Fp2[], value: (table: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  const send = (ref: MaskedRef, table: number) => sink.claim(ref.commitment, maskedClaim(ref, point, value(table)));
  send(refs.x, T.x);
  if (refs.q) send(refs.q, T.q);
  if (refs.m) sink.claim(refs.m.commitment, maskedClaim(refs.m, point, value(T.m), multiplierView(p, point)));
  for (const col of REQUANT_COLUMNS) send(refs.cols[col], T[col]);
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

export function proveRequant(p: RequantParams, refs: RequantRefs, w: RequantWitness, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  if ((w.q instanceof MaskedPoly) !== (refs.q !== null)) throw new RangeError('requant: q must be masked exactly when it is committed');
  if (!!w.m !== !!refs.m) throw new RangeError('requant: M_b must be masked exactly when it is committed');
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const ind = paddedTable(new BigInt64Array(p.dims.reduce((a, b) => a * b, 1)).fill(1n), p.dims);
  const tables: ProverTable[] = [w.x, w.q, w.cols.qp, w.cols.r, w.cols.u1, w.cols.u2, w.cols.w, w.m ?? multiplierTable(p), ind];
  const out = proveSumcheck(shape, tables, g, transcript);
  emitClaims(p, refs, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

/** `publicQ`: the padded table of a public q (refs.q === null). */
export function verifyRequant(p: RequantParams, refs: RequantRefs, publicQ: BaseVec | null, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  if ((publicQ === null) === (refs.q === null)) throw new RangeError('requant: q must be exactly one of committed or public');
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('requant/mask', 'the round mask does not fit the layer');
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table === T.q && publicQ) return evaluate(publicQ, point);
    if (table === T.m) return multiplierEval(p, point);
    if (table === T.ind) return indicatorAll(p.dims, point);
    throw new RangeError(`requant: table ${table} is not public`);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emitClaims(p, refs, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}

/**
 * Bits of the range checks: r unsigned `shift` (none for s = 0: R6 forces r = 0), q′ signed,
 * u1/u2/w unsigned (non-negativity).
 */
export function requantRangeBits(p: RequantParams, xBound: bigint): { r: number; qp: number; nonneg: number } {
  const mMax = p.privateMults ? p.privateMults.bound : p.mults.reduce((a, b) => (a > b ? a : b), 0n);
  const h = p.shift > 0 ? 1n << BigInt(p.shift - 1) : 0n;
  const qBound = ((xBound * mMax + h) >> BigInt(p.shift)) + 1n; // |q′| ≤ qBound
  let qp = 1;
  while (1n << BigInt(qp - 1) <= qBound) qp++;
  const span = p.hi - p.lo;
  const wMax = (1n << BigInt(qp - 1)) + (p.lo < 0n ? -p.lo : p.lo) + (p.hi < 0n ? -p.hi : p.hi);
  let nonneg = 1;
  while (1n << BigInt(nonneg) <= (wMax > span ? wMax : span)) nonneg++;
  // every relation term below p/2: x·M + h, 2^s·q′, r, and w's factors
  const half = (F.P - 1n) / 2n;
  const terms = [xBound * mMax + h, (1n << BigInt(p.shift)) * (1n << BigInt(qp - 1)), 1n << BigInt(nonneg)];
  if (terms.some((x) => x >= half / 4n) || nonneg > 62 || qp > 62) {
    throw new RangeError('requant: relation terms do not fit below p/2 under the proven ranges');
  }
  return { r: p.shift, qp, nonneg };
}
