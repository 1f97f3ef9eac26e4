// Gather layer (data movement with a public index map: Pad, Slice, Concat, Transpose, layout-
// changing Reshape, broadcasts, im2col windows, nearest upsampling, constant-index Gather):
//     y[i] = S[idx[i]]   (S the concatenation of the sources), or a public constant (fill, or an
//                        element of a public source).
// With every tensor a padded table (tensor.ts), pos_y(i) and pos_s(j) the padded positions of
// real elements, the MLE of y at any point r is a public linear functional of the sources:
//     ỹ(r) = Σ_s Σ_j x_s(j)·W_{s,r}(j) + C(r),   W_{s,r}(j) = Σ_{i: idx[i] ↦ (s, j)} eq(r, pos_y(i)),
//     C(r) = Σ_{i constant} eq(r, pos_y(i))·c_i.
// W vanishes on the sources' padding (no idx points there), and ỹ is zero on y's padding by
// construction, so prover-chosen padding of either side cannot enter (review F1).
// One zero-knowledge sumcheck proves it for a combination of output claims:
// - 'public' y (a model output): at a fresh random r, Σ_s Σ_j x̂_s(j)·W_s(j) = ỹ(r) − C(r).
// - 'committed' y: at a fresh random r, Σ_x eq(r,x)·ŷ(x) − Σ_s Σ_j x̂_s(j)·W_s(j) = C(r).
// - 'virtual' y (only its mask R is committed; docs/protocol.md "Virtual tensors"): the
//   consumers revealed v_k = ŷ(r_k) = ỹ(r_k) + Z(r_k)·R(r_k,top); with random λ_k,
//     Σ_s Σ_j x̂_s(j)·W_s(j) + Σ_t R̂(t)·M(t) = Σ_k λ_k·v_k − Σ_k λ_k·C(r_k),
//   W built from e(i) = Σ_k λ_k·eq(r_k, i), M(t) = Σ_k λ_k·Z(r_k)·eq(r_k,top, t), and R̂ = R + Z·c
//   masked once more (R is revealed at one fresh point only through R̂).
// The sumcheck ends in masked claims on the sources (and ŷ or R̂) and on its round mask g.
// Costs: prover O(|y| + Σ|x_s|) field operations for the tables, verifier the same for W_s(ρ)
// (gathered eq tables and one inner product, in the vector kernels).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { evaluate } from '../poly/mle.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { eqEval, zEval } from '../sumcheck/poly.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, InstanceShape, TableShape } from '../sumcheck/types.js';
import { alignmentWeight, roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';

/** The pairs (output position, source position) that read one private source. */
export interface GatherSourceMap {
  readonly numVars: number;
  readonly yPos: Int32Array;
  readonly xPos: Int32Array;
}

/** The public structure of one Gather, in padded positions. */
export interface GatherMap {
  readonly yVars: number;
  /** One per distinct private source tensor. */
  readonly sources: readonly GatherSourceMap[];
  /** Output positions holding a public value, and those values (canonical field words). */
  readonly constPos: Int32Array;
  readonly constValues: BaseVec;
}

/** How the output is known: public (a model output), committed masked, or virtual (only R committed). */
export type GatherOutput =
  | { readonly kind: 'public' }
  | { readonly kind: 'committed'; readonly ref: MaskedRef }
  /** `mask`: R as a masked extension polynomial over y's top `mask.numVars` variables (its own mask: one coefficient). */
  | { readonly kind: 'virtual'; readonly mask: MaskedRef };

export interface GatherRefs {
  /** One per entry of map.sources (committed or virtual: both are masked tables). */
  readonly sources: readonly MaskedRef[];
  readonly out: GatherOutput;
}

/** A revealed value ŷ(point) = value of a virtual output, produced by a consumer layer. */
export interface PointClaim {
  readonly point: readonly Fp2[];
  readonly value: Fp2;
}

/** Prover side: the sources masked; the output masked (committed), its table (public) or its mask R̂ (virtual). */
export interface GatherWitness {
  readonly sources: readonly MaskedPoly[];
  readonly out: MaskedPoly | BaseVec | { readonly virtualMask: MaskedPoly };
}


/** out[i] = src[pos[i]] for extension vectors (word copies, no field arithmetic). */
export function gatherExt(src: ExtVec, pos: Int32Array): ExtVec {
  const out = new BigUint64Array(2 * pos.length);
  const s = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
  const o = new Uint32Array(out.buffer);
  for (let i = 0; i < pos.length; i++) {
    const a = 4 * pos[i];
    const b = 4 * i;
    o[b] = s[a];
    o[b + 1] = s[a + 1];
    o[b + 2] = s[a + 2];
    o[b + 3] = s[a + 3];
  }
  return out;
}

/** out[i] = src[pos[i]] for base vectors. */
export function gatherBase(src: BaseVec, pos: Int32Array): BaseVec {
  const out = new BigUint64Array(pos.length);
  const s = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
  const o = new Uint32Array(out.buffer);
  for (let i = 0; i < pos.length; i++) {
    o[2 * i] = s[2 * pos[i]];
    o[2 * i + 1] = s[2 * pos[i] + 1];
  }
  return out;
}

/**
 * out[j] = Σ_{i: pos[i] = j} vals[i] over 2^numVars entries. Entries with the same target are
 * split into injective layers (the k-th occurrence of each target), each a word copy, summed
 * by the vector kernel: cost (max multiplicity)·2^numVars additions plus |pos| copies.
 */
export function scatterAddExt(numVars: number, vals: ExtVec, pos: Int32Array): ExtVec {
  const n = 1 << numVars;
  if (vals.length !== 2 * pos.length) throw new RangeError(`scatterAddExt: ${vals.length >> 1} values for ${pos.length} positions`);
  const count = new Int32Array(n);
  const rank = new Int32Array(pos.length);
  let layers = 0;
  for (let i = 0; i < pos.length; i++) {
    const r = count[pos[i]]++;
    rank[i] = r;
    if (r + 1 > layers) layers = r + 1;
  }
  const v = new Uint32Array(vals.buffer, vals.byteOffset, 2 * vals.length);
  let acc: ExtVec | null = null;
  for (let l = 0; l < Math.max(1, layers); l++) {
    const layer = new BigUint64Array(2 * n);
    const o = new Uint32Array(layer.buffer);
    for (let i = 0; i < pos.length; i++) {
      if (rank[i] !== l) continue;
      const a = 4 * i;
      const b = 4 * pos[i];
      o[b] = v[a];
      o[b + 1] = v[a + 1];
      o[b + 2] = v[a + 2];
      o[b + 3] = v[a + 3];
    }
    acc = acc === null ? layer : V.extAdd(acc, layer);
  }
  return acc!;
}

function check(map: GatherMap, refs: GatherRefs): void {
  if (refs.sources.length !== map.sources.length) throw new RangeError(`gather: ${refs.sources.length} source references for ${map.sources.length} sources`);
  if (map.sources.length === 0) throw new RangeError('gather: no private source (a public gather is a public constant)');
  refs.sources.forEach((r, s) => {
    if (r.numVars !== map.sources[s].numVars || r.f.length > 1) throw new RangeError(`gather: source ${s} reference does not match the map`);
  });
  if (refs.out.kind === 'committed' && refs.out.ref.numVars !== map.yVars) throw new RangeError('gather: output reference does not match the map');
  if (refs.out.kind === 'virtual' && (refs.out.mask.numVars > map.yVars || refs.out.mask.maskVars !== 0 || refs.out.mask.f.length !== 2)) {
    throw new RangeError('gather: a virtual output mask is an extension polynomial over the top output variables with a one-coefficient mask');
  }
}

/**
 * Tables: x_s (s < S), W_s, then ŷ (committed) or R̂ and M (virtual). `weight` is the claim
 * side's public data: the point r (public/committed) or nothing (virtual, M is a table).
 */
function batchShape(map: GatherMap, refs: GatherRefs, r: readonly Fp2[], claimedSum: Fp2): BatchShape {
  check(map, refs);
  const S = map.sources.length;
  const tables: TableShape[] = [
    ...refs.sources.map((x): TableShape => ({ numVars: x.numVars, kind: 'committed', maskVars: x.maskVars })),
    ...map.sources.map((x): TableShape => ({ numVars: x.numVars, kind: 'public', maskVars: null })),
  ];
  const out = refs.out;
  const sizes = map.sources.map((x) => x.numVars);
  if (out.kind === 'committed') sizes.push(map.yVars);
  if (out.kind === 'virtual') sizes.push(out.mask.numVars);
  const N = Math.max(...sizes);
  const sign = out.kind === 'committed' ? E.neg(E.ONE) : E.ONE;
  const instances: InstanceShape[] = map.sources.map((x, s) => ({ numVars: x.numVars, weight: alignmentWeight(x.numVars, N), terms: [{ coeff: sign, factors: [{ table: s }, { table: S + s }] }] }));
  if (out.kind === 'committed') {
    tables.push({ numVars: map.yVars, kind: 'committed', maskVars: out.ref.maskVars });
    instances.push({ numVars: map.yVars, weight: alignmentWeight(map.yVars, N), terms: [{ coeff: E.ONE, factors: [{ eq: r }, { table: 2 * S }] }] });
  }
  if (out.kind === 'virtual') {
    const m = out.mask.numVars;
    tables.push({ numVars: m, kind: 'committed', maskVars: 0 }, { numVars: m, kind: 'public', maskVars: null });
    instances.push({ numVars: m, weight: alignmentWeight(m, N), terms: [{ coeff: E.ONE, factors: [{ table: 2 * S }, { table: 2 * S + 1 }] }] });
  }
  return { tables, instances, claimedSum, zk: true };
}

/** Round degrees of the layer's sumcheck: sample its mask g for these before committing. */
export function gatherDegrees(map: GatherMap, refs: GatherRefs): number[] {
  return roundDegrees(gatherProofShape(map, refs));
}

/** The layer's proof bytes are the sumcheck's (the shape fixes every count). */
export function gatherProofShape(map: GatherMap, refs: GatherRefs): BatchShape {
  return batchShape(map, refs, Array<Fp2>(map.yVars).fill(E.ONE), E.ZERO);
}

/** e over y's table: eq(r, ·) for a drawn point, Σ λ_k·eq(r_k, ·) for virtual claims. */
interface ClaimSide {
  readonly e: ExtVec;
  /** The point drawn by the layer (public / committed output). */
  readonly r: readonly Fp2[];
  /** Σ λ_k·v_k (virtual) — the combination of the revealed values. */
  readonly combined: Fp2;
  readonly lambda: readonly Fp2[];
}

function claimSide(map: GatherMap, out: GatherOutput, claims: readonly PointClaim[], transcript: Transcript): ClaimSide {
  if (out.kind !== 'virtual') {
    if (claims.length !== 0) throw new RangeError('gather: output claims are routed only to a virtual output');
    const r = transcript.challengeExts('layer/gather/r', map.yVars);
    return { e: V.eqTable(r), r, combined: E.ZERO, lambda: [] };
  }
  // capacity and independence of the revealed values are the prover's MaskedPoly checks
  if (claims.length === 0) throw new RangeError('gather: a virtual output without claims');
  for (const c of claims) if (c.point.length !== map.yVars) throw new RangeError('gather: a claim point does not fit the output');
  const lambda = transcript.challengeExts('layer/gather/lambda', claims.length);
  let e: ExtVec | null = null;
  let combined: Fp2 = E.ZERO;
  claims.forEach((c, k) => {
    const t = V.extScale(V.eqTable(c.point), lambda[k]);
    e = e === null ? t : V.extAdd(e, t);
    combined = E.add(combined, E.mul(lambda[k], c.value));
  });
  return { e: e!, r: [], combined, lambda };
}

/** C = Σ_{i constant} e(pos_y(i))·c_i. */
function constantPart(map: GatherMap, e: ExtVec): Fp2 {
  if (map.constPos.length === 0) return E.ZERO;
  return V.baseInnerExt(map.constValues, gatherExt(e, map.constPos));
}

/** M(t) = Σ_k λ_k·Z(r_k)·eq(r_k,top, t) over the m mask variables (2^m entries, tiny). */
function maskWeightTable(claims: readonly PointClaim[], lambda: readonly Fp2[], m: number): ExtVec {
  let acc: ExtVec = new BigUint64Array(2 << m);
  claims.forEach((c, k) => {
    const top = c.point.slice(c.point.length - m);
    acc = V.extAdd(acc, V.extScale(V.eqTable(top), E.mul(lambda[k], zEval(c.point))));
  });
  return acc;
}

function maskWeightEval(claims: readonly PointClaim[], lambda: readonly Fp2[], m: number, point: readonly Fp2[]): Fp2 {
  let acc: Fp2 = E.ZERO;
  claims.forEach((c, k) => {
    acc = E.add(acc, E.mul(E.mul(lambda[k], zEval(c.point)), eqEval(c.point.slice(c.point.length - m), point)));
  });
  return acc;
}

function claimedSum(out: GatherOutput, side: ClaimSide, c: Fp2, yAtR: Fp2 | null): Fp2 {
  if (out.kind === 'committed') return c;
  if (out.kind === 'public') return E.sub(yAtR!, c);
  return E.sub(side.combined, c);
}

function emit(map: GatherMap, refs: GatherRefs, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  const S = map.sources.length;
  refs.sources.forEach((r, s) => sink.claim(r.commitment, maskedClaim(r, point.slice(0, r.numVars), value(s))));
  const out = refs.out;
  if (out.kind === 'committed') sink.claim(out.ref.commitment, maskedClaim(out.ref, point.slice(0, map.yVars), value(2 * S)));
  if (out.kind === 'virtual') sink.claim(out.mask.commitment, maskedClaim(out.mask, point.slice(0, out.mask.numVars), value(2 * S)));
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

export function proveGather(
  map: GatherMap,
  refs: GatherRefs,
  w: GatherWitness,
  claims: readonly PointClaim[],
  g: SumcheckMask,
  gRef: GMaskRef,
  sink: ClaimSink,
  transcript: Transcript,
): SumcheckProof {
  check(map, refs);
  if (w.sources.length !== map.sources.length) throw new RangeError('gather: one masked table per source');
  const out = refs.out;
  const outOk = out.kind === 'committed' ? w.out instanceof MaskedPoly : out.kind === 'public' ? w.out instanceof BigUint64Array : 'virtualMask' in w.out;
  if (!outOk) throw new RangeError(`gather: the output witness does not match a ${out.kind} output`);
  const side = claimSide(map, out, claims, transcript);
  const c = constantPart(map, side.e);
  const yAtR = out.kind === 'public' ? evaluate(w.out as BaseVec, side.r) : null;
  const shape = batchShape(map, refs, side.r, claimedSum(out, side, c, yAtR));
  const weights = map.sources.map((x) => scatterAddExt(x.numVars, gatherExt(side.e, x.yPos), x.xPos));
  const tables: ProverTable[] = [...w.sources, ...weights];
  if (out.kind === 'committed') tables.push(w.out as MaskedPoly);
  if (out.kind === 'virtual') tables.push((w.out as { virtualMask: MaskedPoly }).virtualMask, maskWeightTable(claims, side.lambda, out.mask.numVars));
  const res = proveSumcheck(shape, tables, g, transcript);
  emit(map, refs, res.point, (t) => res.values[t], gRef, res.proof.maskValue!, sink);
  return res.proof;
}

/** `publicY`: the output's padded table when it is public, else null. */
export function verifyGather(
  map: GatherMap,
  refs: GatherRefs,
  publicY: BaseVec | null,
  claims: readonly PointClaim[],
  gRef: GMaskRef,
  proof: SumcheckProof,
  sink: ClaimSink,
  transcript: Transcript,
): void {
  check(map, refs);
  const out = refs.out;
  if ((out.kind === 'public') !== (publicY !== null)) throw new RangeError('gather: the output table is given exactly when the output is public');
  const side = claimSide(map, out, claims, transcript);
  const c = constantPart(map, side.e);
  const yAtR = publicY !== null ? evaluate(publicY, side.r) : null;
  const shape = batchShape(map, refs, side.r, claimedSum(out, side, c, yAtR));
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('gather/mask', 'the round mask does not fit the layer');
  const S = map.sources.length;
  const res = verifySumcheck(shape, proof, transcript, (table, point) => {
    if (table >= S && table < 2 * S) {
      // W_s(ρ) = Σ_pairs e(pos_y)·eq(ρ, pos_x)
      const x = map.sources[table - S];
      return V.extInner(gatherExt(side.e, x.yPos), gatherExt(V.eqTable(point), x.xPos));
    }
    if (table === 2 * S + 1 && out.kind === 'virtual') return maskWeightEval(claims, side.lambda, out.mask.numVars, point);
    throw new RangeError(`gather: table ${table} is not public`);
  });
  const values = new Map(res.claims.map((x) => [x.table, x.value]));
  emit(map, refs, res.point, (t) => values.get(t)!, gRef, res.maskValue!, sink);
}
