// MatMul / Gemm layer: C[b,i,j] = Σ_κ A[b,i,κ]·B[b',κ,j] + bias, b' = b (batchB = batch) or 0
// (batchB = 1: shared weights); bias per column j (biasMode 1) or per row (b,i) (biasMode 2).
//
// Every tensor is a committed masked polynomial or a public table, laid out as in
// tensor.ts: A over [κ | i | b], B over [j | κ | b'], C over [j | i | b] (low to high).
// The verifier draws a random point r = (r_j, r_i, r_b) and one zero-knowledge batched sumcheck
// proves, with claimed sum ZERO (so no value of C, A·B or the bias is revealed),
//     Σ_x eq(r,x)·Ĉ(x)  −  Σ_κ Â(r_b,r_i,κ)·B̂(κ,r_j)  −  I·Σ_y eq(r_bias,y)·biaŝ(y)  =  0
// (shared weights, batchB = 1), or with a batched B the middle sum over (κ, b) jointly:
//     Σ_{κ,b} eq(r_b,b)·Â(b,r_i,κ)·B̂(b,κ,r_j)
// (the product of two MLEs in a shared variable is not the MLE of the product, so the batch
// variable is summed, not bound). I is the indicator of the unpadded range of the dimensions
// the bias is broadcast over (tensor.ts `indicator`). The first sum is C̃(r) (masks vanish on
// the hypercube), the second Thaler's matmul sumcheck, the third the bias at r. When B is
// committed and k < 2^kv, the product also carries the public indicator I_k(κ) of κ < k:
// nothing forces committed padding to zero (an input's range check only bounds it), so
// without it a prover could add Σ_{κ ≥ k} A[i,κ]·B[κ,j] to every output (review F1). A public
// B is the verifier's own zero-padded table and needs no indicator. By
// Schwartz–Zippel a C ≠ A·B + bias passes with probability ≤ (deg)/|F_p2| per layer.
// The sumcheck ends in masked claims on A, B, C, bias at full points (maskedClaim), which go to
// the batched opening, and the claim g(ρ) on the round mask.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { bindHigh, bindLow, evaluate } from '../poly/mle.js';
import type { LinearClaim } from '../pcs/types.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { eqEval } from '../sumcheck/poly.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, InstanceShape, TableShape } from '../sumcheck/types.js';
import { alignmentWeight, roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import { VerificationError } from '../encoding/errors.js';
import { sliceMaskVars, maskedSlice } from './masked-slice.js';
import { dimVars, indicator } from './tensor.js';

export interface MatmulDims {
  readonly batch: number;
  /** 1 (B shared by every batch) or batch. */
  readonly batchB: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** 0 none, 1 per column (length n), 2 per row (dims [batch, m]). */
  readonly biasMode: 0 | 1 | 2;
}

/**
 * Where the layer's private tensors sit in the commitments. null: the tensor is public (B and
 * bias for public weights, C for a public output); a bias exists iff biasMode ≠ 0.
 */
export interface MatmulRefs {
  /** null: A is public (public weights on the left, as a convolution's [Cout, C·K] filter matrix). */
  readonly a: MaskedRef | null;
  readonly b: MaskedRef | null;
  readonly c: MaskedRef | null;
  readonly bias: MaskedRef | null;
}

/** Each tensor masked (private, committed) or as its public padded table. */
export interface MatmulWitness {
  readonly a: MaskedPoly | BaseVec;
  readonly b: MaskedPoly | BaseVec;
  readonly c: MaskedPoly | BaseVec;
  readonly bias: MaskedPoly | BaseVec | null;
}

/** The padded tables of the public tensors (verifier side); each present iff its ref is null. */
export interface MatmulPublics {
  readonly a?: BaseVec;
  readonly b?: BaseVec;
  readonly c?: BaseVec;
  readonly bias?: BaseVec;
}

/** Where claims go: a ProverSession or VerifierSession (or a test's collector). */
export interface ClaimSink {
  claim(commitment: number, c: LinearClaim): void;
}

interface Vars {
  kv: number;
  mv: number;
  nv: number;
  bv: number;
  bBv: number;
  /** k < 2^kv: the inner dimension has padding entries. */
  kPadded: boolean;
  aVars: number;
  bVars: number;
  cVars: number;
  biasVars: number;
  cPhantom: boolean;
  biasPhantom: boolean;
}

function vars(d: MatmulDims): Vars {
  for (const [name, x] of Object.entries(d)) if (name !== 'biasMode' && (!Number.isInteger(x) || x < 1)) throw new RangeError(`matmul: ${name} = ${x}`);
  if (d.batchB !== 1 && d.batchB !== d.batch) throw new RangeError(`matmul: batchB ${d.batchB} must be 1 or batch ${d.batch}`);
  if (d.biasMode !== 0 && d.biasMode !== 1 && d.biasMode !== 2) throw new RangeError(`matmul: biasMode ${String(d.biasMode)}`);
  const kv = dimVars(d.k);
  const mv = dimVars(d.m);
  const nv = dimVars(d.n);
  const bv = dimVars(d.batch);
  const bBv = d.batchB === 1 ? 0 : bv;
  const biasVars = d.biasMode === 1 ? nv : d.biasMode === 2 ? mv + bv : 0;
  // A table without variables cannot carry the Z·R mask (src/sumcheck/types.ts): such layers
  // are refused until the caller pads them.
  if (kv === 0) throw new RangeError('matmul: inner dimension k = 1 is not supported (no sumcheck variable)');
  // single-element C or bias: one phantom variable (tensor.ts totalVars), table [v, 0]
  const cPhantom = nv + mv + bv === 0;
  const biasPhantom = d.biasMode !== 0 && biasVars === 0;
  return { kv, mv, nv, bv, bBv, kPadded: d.k < 2 ** kv, aVars: kv + mv + bv, bVars: nv + kv + bBv, cVars: cPhantom ? 1 : nv + mv + bv, biasVars: biasPhantom ? 1 : biasVars, cPhantom, biasPhantom };
}

/** The dims of A, B, C and bias as tensors (for tensor.ts paddedTable). */
export function matmulTensorDims(d: MatmulDims): { a: number[]; b: number[]; c: number[]; bias: number[] | null } {
  return {
    a: [d.batch, d.m, d.k],
    b: [d.batchB, d.k, d.n],
    c: [d.batch, d.m, d.n],
    bias: d.biasMode === 1 ? [d.n] : d.biasMode === 2 ? [d.batch, d.m] : null,
  };
}

interface Spec {
  readonly numVars: number;
  readonly maskVars: number;
}

interface LayerSpecs {
  readonly a: Spec | null;
  readonly b: Spec | null;
  readonly c: Spec | null;
  readonly bias: Spec | null;
}


/**
 * The sumcheck's public shape at the point r. Tables: 0 C, 1 A slice, 2 B slice, then the bias
 * (if any), then the public inner weight table eq(r_b, b)·I_k(κ) over (κ, b) (if innerWeighted).
 */
function batchShape(d: MatmulDims, s: LayerSpecs, r: readonly Fp2[]): BatchShape {
  const v = vars(d);
  if ((s.a && s.a.numVars !== v.aVars) || (s.b && s.b.numVars !== v.bVars) || (s.c && s.c.numVars !== v.cVars) || (s.bias && s.bias.numVars !== v.biasVars)) {
    throw new RangeError('matmul: committed tensor sizes do not match the layer dims');
  }
  if (s.bias !== null && d.biasMode === 0) throw new RangeError('matmul: a bias reference without a bias');
  const rj = r.slice(0, v.nv);
  const ri = r.slice(v.nv, v.nv + v.mv);
  const rb = r.slice(v.nv + v.mv, v.nv + v.mv + v.bv);
  // a phantom C is [c, 0]: C̃(r) = (1 − r_0)·c, so the product and the bias carry that factor
  const pf: Fp2 = v.cPhantom ? E.sub(E.ONE, r[0]) : E.ONE;
  const inner = v.kv + v.bBv;
  const N = Math.max(v.cVars, inner, v.biasVars);
  const free = freeVars(v);
  const tables: TableShape[] = [
    s.c ? { numVars: v.cVars, kind: 'committed', maskVars: s.c.maskVars } : { numVars: v.cVars, kind: 'public', maskVars: null },
    s.a ? { numVars: inner, kind: 'committed', maskVars: sliceMaskVars(s.a.maskVars, free.a) } : { numVars: inner, kind: 'public', maskVars: null },
    s.b ? { numVars: inner, kind: 'committed', maskVars: sliceMaskVars(s.b.maskVars, free.b) } : { numVars: inner, kind: 'public', maskVars: null },
  ];
  const instances: InstanceShape[] = [
    { numVars: v.cVars, weight: alignmentWeight(v.cVars, N), terms: [{ coeff: E.ONE, factors: [{ eq: r }, { table: 0 }] }] },
  ];
  if (d.biasMode !== 0) {
    tables.push(s.bias ? { numVars: v.biasVars, kind: 'committed', maskVars: s.bias.maskVars } : { numVars: v.biasVars, kind: 'public', maskVars: null });
    // broadcast: per column, the bias is added on the unpadded rows and batches; per row, on the unpadded columns
    const ind = E.mul(pf, d.biasMode === 1 ? E.mul(indicator(d.m, ri), indicator(d.batch, rb)) : indicator(d.n, rj));
    // a phantom bias [b, 0] is read at its entry 0
    const at = v.biasPhantom ? [E.ZERO] : d.biasMode === 1 ? rj : [...ri, ...rb];
    instances.push({ numVars: v.biasVars, weight: alignmentWeight(v.biasVars, N), terms: [{ coeff: E.neg(ind), factors: [{ eq: at }, { table: 3 }] }] });
  }
  const product = [{ table: 1 }, { table: 2 }];
  if (innerWeighted(v, s.a !== null, s.b !== null)) {
    // one public table for both the batch eq and the κ < k indicator: one factor, not two
    product.push({ table: tables.length });
    tables.push({ numVars: inner, kind: 'public', maskVars: null });
  }
  instances.push({ numVars: inner, weight: alignmentWeight(inner, N), terms: [{ coeff: E.neg(pf), factors: product }] });
  return { tables, instances, claimedSum: E.ZERO, zk: true };
}

/**
 * Whether the product term carries the public inner weight table: B batched (eq(r_b, b) binds
 * A's and B's batch together) or both operands committed over a padded inner dimension
 * (I_k(κ), F1). A public operand is the verifier's own zero-padded table: the product
 * vanishes on the padding whatever the other operand holds there.
 */
function innerWeighted(v: Vars, aCommitted: boolean, bCommitted: boolean): boolean {
  return v.bBv > 0 || (aCommitted && bCommitted && v.kPadded);
}

/** Which variables of A and B stay free in the product sumcheck (the rest are bound to r). */
function freeVars(v: Vars): { a: boolean[]; b: boolean[] } {
  const fill = (n: number, x: boolean): boolean[] => Array<boolean>(n).fill(x);
  return {
    a: [...fill(v.kv, true), ...fill(v.mv, false), ...fill(v.bv, v.bBv > 0)],
    b: [...fill(v.nv, false), ...fill(v.kv, true), ...fill(v.bBv, true)],
  };
}

function specsOf(refs: MatmulRefs): LayerSpecs {
  const sp = (x: MaskedRef): Spec => ({ numVars: x.numVars, maskVars: x.maskVars });
  for (const x of [refs.a, refs.b, refs.c, refs.bias]) if (x && x.f.length !== 1) throw new RangeError('matmul: tensors are base-field polynomials');
  return { a: refs.a ? sp(refs.a) : null, b: refs.b ? sp(refs.b) : null, c: refs.c ? sp(refs.c) : null, bias: refs.bias ? sp(refs.bias) : null };
}

/** Round degrees of the layer's sumcheck: sample its mask g for these before committing. */
export function matmulDegrees(d: MatmulDims, refs: MatmulRefs): number[] {
  const v = vars(d);
  return roundDegrees(batchShape(d, specsOf(refs), Array<Fp2>(v.cVars).fill(E.ONE)));
}

function fullPoints(d: MatmulDims, r: readonly Fp2[], rho: readonly Fp2[]) {
  const v = vars(d);
  const rj = r.slice(0, v.nv);
  const ri = r.slice(v.nv, v.nv + v.mv);
  const rb = r.slice(v.nv + v.mv, v.nv + v.mv + v.bv);
  const rk = rho.slice(0, v.kv);
  // batched B: the batch coordinates of A and B come from the sumcheck; shared B: A's from r
  const rbA = v.bBv > 0 ? rho.slice(v.kv, v.kv + v.bBv) : rb;
  const rbB = rho.slice(v.kv, v.kv + v.bBv);
  return { a: [...rk, ...ri, ...rbA], b: [...rj, ...rk, ...rbB], rj, ri, rb };
}

/** A over [κ | i | b] with the middle (row) variables bound: a table over [κ | b]. */
function bindMiddle(a: BaseVec, kv: number, ri: readonly Fp2[], bv: number): ExtVec {
  const block = 1 << (kv + ri.length);
  const out = new BigUint64Array(2 << (kv + bv));
  for (let b = 0; b < 1 << bv; b++) out.set(bindHigh(a.subarray(b * block, (b + 1) * block), ri), (2 << kv) * b);
  return out;
}

/** The public inner weight table eq(r_b, b)·I_k(κ) over (κ, b) (rb empty: just I_k(κ)). */
function innerWeightTable(kv: number, k: number, rb: readonly Fp2[]): ExtVec {
  const eq = V.eqTable(rb);
  const out = new BigUint64Array(2 << (kv + rb.length));
  for (let b = 0; b < 1 << rb.length; b++) {
    for (let kappa = 0; kappa < k; kappa++) {
      out[2 * ((b << kv) + kappa)] = eq[2 * b];
      out[2 * ((b << kv) + kappa) + 1] = eq[2 * b + 1];
    }
  }
  return out;
}

/** The MLE of innerWeightTable at (κ-point, b-point): a product, the two sit in disjoint variables. */
function innerWeightEval(kv: number, k: number, rb: readonly Fp2[], point: readonly Fp2[]): Fp2 {
  return E.mul(indicator(k, point.slice(0, kv)), eqEval(point.slice(kv), rb));
}

function drawPoint(d: MatmulDims, t: Transcript): Fp2[] {
  return t.challengeExts('layer/matmul/r', vars(d).cVars);
}

export function proveMatmul(
  d: MatmulDims,
  refs: MatmulRefs,
  w: MatmulWitness,
  g: SumcheckMask,
  gRef: GMaskRef,
  sink: ClaimSink,
  transcript: Transcript,
): SumcheckProof {
  const v = vars(d);
  const specs = specsOf(refs);
  if (w.a instanceof MaskedPoly && (w.a.numVars !== v.aVars || w.a.maskVars !== specs.a?.maskVars || w.a.isExt)) throw new RangeError('matmul: A does not match its reference');
  if (w.b instanceof MaskedPoly && (w.b.numVars !== v.bVars || w.b.maskVars !== specs.b?.maskVars || w.b.isExt)) throw new RangeError('matmul: B does not match its reference');
  const masked = (x: unknown, ref: MaskedRef | null, what: string): void => {
    if ((x instanceof MaskedPoly) !== (ref !== null)) throw new RangeError(`matmul: ${what} must be masked exactly when it is committed`);
  };
  masked(w.a, refs.a, 'A');
  masked(w.b, refs.b, 'B');
  masked(w.c, refs.c, 'C');
  if ((w.bias !== null) !== (d.biasMode !== 0)) throw new RangeError('matmul: bias presence and biasMode disagree');
  if (w.bias !== null) masked(w.bias, refs.bias, 'bias');
  const r = drawPoint(d, transcript);
  const shape = batchShape(d, specs, r);
  const p = fullPoints(d, r, []);
  const free = freeVars(v);
  const fixedOf = (mask: boolean[], coords: readonly Fp2[]): (Fp2 | null)[] => {
    let next = 0;
    return mask.map((isFree) => (isFree ? null : coords[next++]));
  };
  // Â and B̂ with the row/column (and, for shared B, batch) variables bound: Thaler's tables.
  const aTable = w.a instanceof MaskedPoly ? w.a.values : w.a;
  const aValues = v.bBv > 0 ? bindMiddle(aTable, v.kv, p.ri, v.bv) : bindHigh(aTable, [...p.ri, ...p.rb]);
  const bValues = bindLow(w.b instanceof MaskedPoly ? w.b.values : w.b, p.rj);
  const aSlice = w.a instanceof MaskedPoly ? maskedSlice(w.a, aValues, fixedOf(free.a, v.bBv > 0 ? p.ri : [...p.ri, ...p.rb])) : aValues;
  const bSlice = w.b instanceof MaskedPoly ? maskedSlice(w.b, bValues, fixedOf(free.b, p.rj)) : bValues;
  const tables: ProverTable[] = [w.c, aSlice, bSlice, ...(w.bias ? [w.bias] : [])];
  if (innerWeighted(v, refs.a !== null, refs.b !== null)) tables.push(innerWeightTable(v.kv, d.k, v.bBv > 0 ? p.rb : []));
  const out = proveSumcheck(shape, tables, g, transcript);
  const full = fullPoints(d, r, out.point);
  // The slices were revealed once each: count the reveal on the committed tensors themselves.
  if (w.a instanceof MaskedPoly) w.a.noteReveal(full.a);
  if (w.b instanceof MaskedPoly) w.b.noteReveal(full.b);
  const value = (table: number): Fp2 => out.values[table];
  if (refs.a) sink.claim(refs.a.commitment, maskedClaim(refs.a, full.a, value(1)));
  if (refs.b) sink.claim(refs.b.commitment, maskedClaim(refs.b, full.b, value(2)));
  if (refs.c) sink.claim(refs.c.commitment, maskedClaim(refs.c, out.point.slice(0, v.cVars), value(0)));
  if (refs.bias) sink.claim(refs.bias.commitment, maskedClaim(refs.bias, out.point.slice(0, v.biasVars), value(3)));
  sink.claim(gRef.commitment, gMaskClaim(gRef, out.point, out.proof.maskValue!));
  return out.proof;
}

/**
 * Checks the layer's sumcheck and hands the resulting claims to the sink (to be checked by the
 * batched opening). `publicC` is the padded table of a public C (refs.c === null).
 */
export function verifyMatmul(
  d: MatmulDims,
  refs: MatmulRefs,
  publics: MatmulPublics,
  gRef: GMaskRef,
  proof: SumcheckProof,
  sink: ClaimSink,
  transcript: Transcript,
): void {
  const v = vars(d);
  const check = (t: BaseVec | undefined, ref: MaskedRef | null, present: boolean, nv: number, what: string): void => {
    if (present && (t === undefined) === (ref === null)) throw new RangeError(`matmul: ${what} must be exactly one of committed or public`);
    if (t !== undefined && t.length !== 1 << nv) throw new RangeError(`matmul: public ${what} of ${t.length} entries, expected ${1 << nv}`);
  };
  check(publics.a, refs.a, true, v.aVars, 'A');
  check(publics.b, refs.b, true, v.bVars, 'B');
  check(publics.c, refs.c, true, v.cVars, 'C');
  check(publics.bias, refs.bias, d.biasMode !== 0, v.biasVars, 'bias');
  const specs = specsOf(refs);
  const r = drawPoint(d, transcript);
  const shape = batchShape(d, specs, r);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('matmul/mask', 'the round mask does not fit the layer');
  let full = fullPoints(d, r, []);
  const out = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table === 0 && publics.c) return evaluate(publics.c, point);
    // A's slice at (κ, b): Ã(κ, r_i, b) with batched B, Ã(κ, r_i, r_b) with shared B
    if (table === 1 && publics.a) return evaluate(publics.a, [...point.slice(0, v.kv), ...full.ri, ...(v.bBv > 0 ? point.slice(v.kv) : full.rb)]);
    // B's slice at (κ, b'): B̃(r_j, κ, b'), with the sumcheck's coordinates
    if (table === 2 && publics.b) return evaluate(publics.b, [...full.rj, ...point]);
    if (table === 3 && publics.bias) return evaluate(publics.bias, point);
    if (table === shape.tables.length - 1 && innerWeighted(v, refs.a !== null, refs.b !== null)) return innerWeightEval(v.kv, d.k, v.bBv > 0 ? full.rb : [], point);
    throw new RangeError(`matmul: table ${table} is not public`);
  });
  full = fullPoints(d, r, out.point);
  const byTable = new Map(out.claims.map((c) => [c.table, c.value]));
  if (refs.a) sink.claim(refs.a.commitment, maskedClaim(refs.a, full.a, byTable.get(1)!));
  if (refs.b) sink.claim(refs.b.commitment, maskedClaim(refs.b, full.b, byTable.get(2)!));
  if (refs.c) sink.claim(refs.c.commitment, maskedClaim(refs.c, out.point.slice(0, v.cVars), byTable.get(0)!));
  if (refs.bias) sink.claim(refs.bias.commitment, maskedClaim(refs.bias, out.point.slice(0, v.biasVars), byTable.get(3)!));
  sink.claim(gRef.commitment, gMaskClaim(gRef, out.point, out.maskValue!));
}

/** The layer's proof bytes are the sumcheck's (the shape fixes every count). */
export function matmulProofShape(d: MatmulDims, refs: MatmulRefs): BatchShape {
  return batchShape(d, specsOf(refs), Array<Fp2>(vars(d).cVars).fill(E.ONE));
}
