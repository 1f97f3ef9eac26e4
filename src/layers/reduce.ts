// Reduce layer: out = sum / max / min / argmax / argmin of x over one axis (the axis removed;
// argmax/argmin ties → the first index, as ONNX).
//
// x has dims D (axis a of length L ≥ 2), out the dims without the axis; y denotes out's entries
// and (y, j) x's. z is a random point of x's table, z_y its coordinates without the axis (the
// point of out's table), I_x, I_out the indicators of the unpadded entries. Public weights:
//   W1(x) = eq(z, x)·I_x(x),  W3(x) = eq(z_y, x_y)·I_x(x),  P(y) = eq(z_y, y)·I_out(y),
//   c = Σ_{j<L} eq(z_a, j)  (so Σ_x W1(x)·v(y) = c·Σ_y P(y)·v(y) for any v over out's layout).
// One zero-knowledge sumcheck with claimed sum ZERO batches, with random λ:
//   sum:      Σ_x W3·x − Σ_y P·out = 0                               (out(y) = Σ_{j<L} x(y, j))
//   max-like: committed one-hot selector s and gaps d (x's layout), keys x' = σ·L'·x + K,
//             M = σ·out (max/min) or a committed M (argmax/argmin):
//     R1 Σ_x W1·(d + x') − c·Σ_y P·M = 0           d = M − x' on every unpadded entry
//     R2 Σ_x eq(z,x)·(s² − s) = 0                  s is a bit everywhere
//     R3 Σ_x W3·s − Σ_y P = 0                      Σ_{j<L} s(y, j) = 1 on every unpadded y
//     R4 Σ_x W3·s·d = 0                            Σ_{j<L} s(y, j)·d(y, j) = 0
//     R5 Σ_x W3·J·s − Σ_y P·out = 0 (arg only)     out(y) = Σ_{j<L} j·s(y, j)
//   and the range check d ∈ [0, 2^k) (by the caller, in the merged LogUp).
// max/min: σ = ±1, L' = 1, K = 0; argmax/argmin: σ = ±1, L' = L, K(y, j) = L − 1 − j, so the
// keys x' are distinct and order x with ties broken toward the lower index. Then for every
// unpadded y: exactly one unpadded j* has s = 1 (R2, R3; a sum of L ≤ 2^30 bits), d(y, j*) = 0
// (R4), M(y) = x'(y, j*) ≥ x'(y, j) for every j (R1 and d ≥ 0): j* is the first maximizer of σ·x,
// out = x(y, j*) (max/min) or out = j* (R5). Integer meaning: |x'| + 2^k < p/2 (plan).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { eqEval, evaluate } from '../poly/mle.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, Factor, TableShape, Term } from '../sumcheck/types.js';
import { alignInstances, roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { dimVars, indicator, indicatorAll, layoutVars, paddedTable, positionWeight, totalVars } from './tensor.js';

export type ReduceMode = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

export interface ReduceParams {
  /** Dims of x. */
  readonly dims: readonly number[];
  readonly axis: number;
  readonly mode: ReduceMode;
}

/** x and out may be public (null); s, d (and m for arg modes) are helper columns. */
export interface ReduceRefs {
  readonly x: MaskedRef | null;
  readonly out: MaskedRef | null;
  readonly s: MaskedRef | null;
  readonly d: MaskedRef | null;
  readonly m: MaskedRef | null;
}

export interface ReduceWitness {
  readonly x: MaskedPoly | BaseVec;
  readonly out: MaskedPoly | BaseVec;
  readonly s: MaskedPoly | null;
  readonly d: MaskedPoly | null;
  readonly m: MaskedPoly | null;
}

interface Layout {
  readonly nx: number;
  readonly ny: number;
  /** First variable of the axis and its count. */
  readonly start: number;
  readonly nax: number;
  readonly len: number;
  readonly outDims: number[];
  readonly selector: boolean;
  readonly arg: boolean;
  readonly sigma: bigint;
}

function layout(p: ReduceParams): Layout {
  if (!Number.isInteger(p.axis) || p.axis < 0 || p.axis >= p.dims.length) throw new RangeError(`reduce: axis ${p.axis} of a rank-${p.dims.length} tensor`);
  const len = p.dims[p.axis];
  if (len < 2) throw new RangeError('reduce: an axis of length 1 is an alias, not a layer');
  const vars = layoutVars(p.dims);
  const start = vars.slice(p.axis + 1).reduce((a, b) => a + b, 0);
  const outDims = p.dims.filter((_, d) => d !== p.axis);
  const arg = p.mode === 'argmax' || p.mode === 'argmin';
  return {
    nx: totalVars(p.dims),
    ny: totalVars(outDims),
    start,
    nax: dimVars(len),
    len,
    outDims,
    selector: p.mode !== 'sum',
    arg,
    sigma: p.mode === 'max' || p.mode === 'argmax' ? 1n : -1n,
  };
}

/** z without the axis coordinates: the point of out's table (empty for a single-element out). */
function outPoint(l: Layout, z: readonly Fp2[]): Fp2[] {
  return [...z.slice(0, l.start), ...z.slice(l.start + l.nax)];
}

const field = (x: bigint): bigint => (x < 0n ? F.P + x : x);
const T = { x: 0, out: 1, s: 2, d: 3, m: 4 } as const;

/**
 * Public tables after the committed ones: Ix, Iy (indicators of x and out), Ey (eq(z_y, x_y)
 * spread over the axis), and for arg modes J (j on the axis) and K (L − 1 − j on the axis).
 * Each is a function of one variable group, so its MLE is closed-form; eq(z, ·) is a factor.
 */
function publicNames(l: Layout): string[] {
  if (!l.selector) return ['Ix', 'Iy', 'Ey'];
  return l.arg ? ['Ix', 'Iy', 'Ey', 'J', 'K'] : ['Ix', 'Iy', 'Ey'];
}

function checkRefs(l: Layout, refs: ReduceRefs): void {
  if ((refs.x && refs.x.numVars !== l.nx) || (refs.out && refs.out.numVars !== l.ny)) throw new RangeError('reduce: committed tensors do not match the dims');
  const helpers = [refs.s, refs.d];
  if (l.selector !== helpers.every((h) => h !== null) || helpers.some((h) => h && h.numVars !== l.nx)) throw new RangeError('reduce: selector and gaps exactly for max-like modes');
  if (l.arg !== (refs.m !== null) || (refs.m && refs.m.numVars !== l.ny)) throw new RangeError('reduce: M exactly for argmax/argmin');
}

function batchShape(p: ReduceParams, refs: ReduceRefs, z: readonly Fp2[], lambda: readonly Fp2[]): BatchShape {
  const l = layout(p);
  checkRefs(l, refs);
  const zy = outPoint(l, z);
  const za = z.slice(l.start, l.start + l.nax);
  const c = indicator(l.len, za);
  const cm = (r: MaskedRef, nv: number): TableShape => ({ numVars: nv, kind: 'committed', maskVars: r.maskVars });
  const pub = (nv: number): TableShape => ({ numVars: nv, kind: 'public', maskVars: null });
  const tables: TableShape[] = [refs.x ? cm(refs.x, l.nx) : pub(l.nx), refs.out ? cm(refs.out, l.ny) : pub(l.ny)];
  if (l.selector) tables.push(cm(refs.s!, l.nx), cm(refs.d!, l.nx));
  if (l.arg) tables.push(cm(refs.m!, l.ny));
  const names = publicNames(l);
  const base = tables.length;
  for (const n of names) tables.push(pub(n === 'Iy' ? l.ny : l.nx));
  const P = (n: string): Factor => ({ table: base + names.indexOf(n) });
  const t = (table: number): Factor => ({ table });
  const k = (x: bigint): Fp2 => E.fromBase(field(x));
  const eqz: Factor = { eq: z };
  // W1 = eq(z, x)·I_x, W3 = eq(z_y, x_y)·I_x, P = eq(z_y, y)·I_out (no eq for a single-element out)
  const W1 = [eqz, P('Ix')];
  const W3 = [P('Ey'), P('Ix')];
  const Py = zy.length === 0 ? [P('Iy')] : [{ eq: zy }, P('Iy')];
  const X: Term[] = [];
  const Y: Term[] = [];
  const [l1, l2, l3, l4, l5] = lambda;
  if (!l.selector) {
    X.push({ coeff: l1, factors: [...W3, t(T.x)] });
    Y.push({ coeff: E.neg(l1), factors: [...Py, t(T.out)] });
  } else {
    const scale = l.arg ? BigInt(l.len) : 1n;
    X.push({ coeff: l1, factors: [...W1, t(T.d)] }, { coeff: E.mul(l1, k(l.sigma * scale)), factors: [...W1, t(T.x)] });
    if (l.arg) X.push({ coeff: l1, factors: [...W1, P('K')] });
    // M = σ·out for max/min
    Y.push(l.arg ? { coeff: E.neg(E.mul(l1, c)), factors: [...Py, t(T.m)] } : { coeff: E.neg(E.mul(E.mul(l1, c), k(l.sigma))), factors: [...Py, t(T.out)] });
    X.push({ coeff: l2, factors: [eqz, t(T.s), t(T.s)] }, { coeff: E.neg(l2), factors: [eqz, t(T.s)] });
    X.push({ coeff: l3, factors: [...W3, t(T.s)] });
    Y.push({ coeff: E.neg(l3), factors: Py });
    X.push({ coeff: l4, factors: [...W3, t(T.s), t(T.d)] });
    if (l.arg) {
      // J vanishes off the unpadded axis; padded y carry s = 0 or fail R3's Σ over real j
      X.push({ coeff: l5, factors: [P('Ey'), P('J'), t(T.s)] });
      Y.push({ coeff: E.neg(l5), factors: [...Py, t(T.out)] });
    }
  }
  return {
    tables,
    instances: alignInstances([{ numVars: l.nx, terms: X }, { numVars: l.ny, terms: Y }]),
    claimedSum: E.ZERO,
    zk: true,
  };
}

function draw(p: ReduceParams, t: Transcript): { z: Fp2[]; lambda: Fp2[] } {
  return { z: t.challengeExts('layer/reduce/z', totalVars(p.dims)), lambda: t.challengeExts('layer/reduce/lambda', 5) };
}

function dummy(p: ReduceParams, refs: ReduceRefs): BatchShape {
  return batchShape(p, refs, Array<Fp2>(totalVars(p.dims)).fill(E.ONE), Array<Fp2>(5).fill(E.ONE));
}

export function reduceDegrees(p: ReduceParams, refs: ReduceRefs): number[] {
  return roundDegrees(dummy(p, refs));
}

export function reduceProofShape(p: ReduceParams, refs: ReduceRefs): BatchShape {
  return dummy(p, refs);
}

/** The public tables at the final point (verifier side). */
function publicEval(p: ReduceParams, l: Layout, z: readonly Fp2[], name: string, point: readonly Fp2[]): Fp2 {
  const pa = point.slice(l.start, l.start + l.nax);
  switch (name) {
    case 'Ix':
      return indicatorAll(p.dims, point);
    case 'Iy':
      return indicatorAll(l.outDims, point);
    case 'Ey': {
      const zy = outPoint(l, z);
      return zy.length === 0 ? E.ONE : eqEval(zy, outPoint(l, point));
    }
    case 'J':
      return positionWeight(l.len, pa);
    case 'K':
      return E.sub(E.mulBase(indicator(l.len, pa), BigInt(l.len - 1)), positionWeight(l.len, pa));
    default:
      throw new RangeError(`reduce: public table ${name}`);
  }
}

/** The public tables (prover side), over their variables. */
function publicTables(p: ReduceParams, l: Layout, z: readonly Fp2[]): (BaseVec | ExtVec)[] {
  const size = p.dims.reduce((a, b) => a * b, 1);
  const zy = outPoint(l, z);
  const eqy = V.eqTable(zy);
  // eq(z_y, x_y) spread over the axis: blocks of 2^start entries, 2^nax copies per outer block
  const inner = 1 << l.start;
  const axis = 1 << l.nax;
  const blocks = eqy.length / (2 * inner);
  const Ey = new BigUint64Array(2 << l.nx);
  const J = new BigUint64Array(1 << l.nx);
  const K = new BigUint64Array(1 << l.nx);
  for (let o = 0; o < blocks; o++) {
    const src = eqy.subarray(2 * o * inner, 2 * (o + 1) * inner);
    for (let j = 0; j < axis; j++) {
      const at = (o * axis + j) * inner;
      Ey.set(src, 2 * at);
      if (j < l.len) {
        J.fill(BigInt(j), at, at + inner);
        K.fill(BigInt(l.len - 1 - j), at, at + inner);
      }
    }
  }
  const tables: Record<string, BaseVec | ExtVec> = {
    Ix: paddedTable(new BigInt64Array(size).fill(1n), p.dims),
    Iy: paddedTable(new BigInt64Array(size / l.len).fill(1n), l.outDims),
    Ey,
    J,
    K,
  };
  return publicNames(l).map((n) => tables[n]);
}

function emit(refs: ReduceRefs, l: Layout, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  const send = (r: MaskedRef | null, table: number, nv: number) => {
    if (r) sink.claim(r.commitment, maskedClaim(r, point.slice(0, nv), value(table)));
  };
  send(refs.x, T.x, l.nx);
  send(refs.out, T.out, l.ny);
  send(refs.s, T.s, l.nx);
  send(refs.d, T.d, l.nx);
  send(refs.m, T.m, l.ny);
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

export function proveReduce(p: ReduceParams, refs: ReduceRefs, w: ReduceWitness, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  if ((w.out instanceof MaskedPoly) !== (refs.out !== null) || (w.x instanceof MaskedPoly) !== (refs.x !== null)) throw new RangeError('reduce: x and out must be masked exactly when committed');
  const l = layout(p);
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const tables: ProverTable[] = [w.x, w.out];
  if (l.selector) tables.push(w.s!, w.d!);
  if (l.arg) tables.push(w.m!);
  tables.push(...publicTables(p, l, z));
  const out = proveSumcheck(shape, tables, g, transcript);
  emit(refs, l, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

/** `publicX`, `publicOut`: the padded tables of x and out when their refs are null. */
export function verifyReduce(p: ReduceParams, refs: ReduceRefs, publicX: BaseVec | null, publicOut: BaseVec | null, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  if ((publicOut === null) === (refs.out === null) || (publicX === null) === (refs.x === null)) throw new RangeError('reduce: x and out must each be exactly one of committed or public');
  const l = layout(p);
  const { z, lambda } = draw(p, transcript);
  const shape = batchShape(p, refs, z, lambda);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('reduce/mask', 'the round mask does not fit the layer');
  const names = publicNames(l);
  const base = shape.tables.length - names.length;
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table === T.out && publicOut) return evaluate(publicOut, point);
    if (table === T.x && publicX) return evaluate(publicX, point);
    if (table >= base) return publicEval(p, l, z, names[table - base], point);
    throw new RangeError(`reduce: table ${table} is not public`);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emit(refs, l, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}

/**
 * The helper columns from x (prover side, unpadded row-major): the one-hot selector of the first
 * maximizer of σ·x, the gaps d = M − x′, and M (arg modes). Sum needs none.
 */
export function reduceHelpers(p: ReduceParams, x: BigInt64Array): { s: BigInt64Array; d: BigInt64Array; m: BigInt64Array } | null {
  const l = layout(p);
  if (!l.selector) return null;
  const inner = p.dims.slice(p.axis + 1).reduce((a, b) => a * b, 1);
  const outer = x.length / (inner * l.len);
  const s = new BigInt64Array(x.length);
  const d = new BigInt64Array(x.length);
  const m = new BigInt64Array(outer * inner);
  const scale = l.arg ? BigInt(l.len) : 1n;
  const key = (i: number, j: number): bigint => l.sigma * scale * x[i] + (l.arg ? BigInt(l.len - 1 - j) : 0n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let j = 1; j < l.len; j++) if (key((o * l.len + j) * inner + i, j) > key((o * l.len + best) * inner + i, best)) best = j;
      const M = key((o * l.len + best) * inner + i, best);
      m[o * inner + i] = M;
      for (let j = 0; j < l.len; j++) {
        const at = (o * l.len + j) * inner + i;
        d[at] = M - key(at, j);
        s[at] = j === best ? 1n : 0n;
      }
    }
  }
  return { s, d, m };
}

/** Bits of the gap range check and the largest |term| of R1 (plan side, from x's proven range). */
export function reduceGapBits(p: ReduceParams, lo: bigint, hi: bigint): { bits: number; bound: bigint } {
  const l = layout(p);
  const scale = l.arg ? BigInt(l.len) : 1n;
  const span = scale * (hi - lo) + (l.arg ? BigInt(l.len - 1) : 0n);
  let bits = 1;
  while (1n << BigInt(bits) <= span) bits++;
  const mag = (lo < 0n ? -lo : lo) > (hi < 0n ? -hi : hi) ? (lo < 0n ? -lo : lo) : hi < 0n ? -hi : hi;
  return { bits, bound: (1n << BigInt(bits)) + 2n * (scale * mag + BigInt(l.len)) };
}
