// The sumcheck batches of the digest proof (docs/protocol.md (Part 4)), built identically by
// prover and verifier from the public statement and the transcript's challenges.
// Verifier-safe: no kernels, nothing Node-only.
//
//   batch 0 ("output"): Σ_i Σ_o w(o, i)·Out_o(i) = Σ_{o<4} β_o·D_o, Out written through round 29
//       w(o, i) = β_o·[i = P−1] (o < 4) + γ_c·eq(τ, i)·[i < P−1] (o = 8 + c), minus the
//       chaining Σ_c γ_c Σ_y Shift(τ, y)·K_c(y): the last output's rate is the digest, every
//       other output's capacity is the next permutation's input capacity.
//   batches 1 … 29: round r = 28 … 0, from a claim on u_{r+1} to one on u_r (a partial round
//       reveals u_r[0] and one random combination of its 11 linear slots, see roundShape).
//   batch 30 ("final"): u_0 = M_E·In + c_0, In = (packing of V, K), K(·, 0) = public IV part;
//       V enters through V(ρ, ·), its partial evaluation at the round-0 point (see finalShape).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BatchShape, Factor, Term } from '../sumcheck/types.js';
import type { Transcript } from '../transcript/transcript.js';
import { packingLayout, type PackingLayout } from './packing.js';
import { countWord, domainWord, type Digest, type DigestOptions } from './digest.js';
import { combineClaims, combineRows, hasSbox, isFullRound, linearOf, M_E, pow2Field, roundConstants, ROUNDS, shiftEval, smallMle, T } from './digest-relations.js';
import { eqEval, zEval } from '../sumcheck/poly.js';

export const CAPACITY_WORDS = 4;
/** Number of sumcheck batches in a digest proof. */
export const BATCHES = ROUNDS + 1;

export interface DigestStatement {
  readonly digest: Digest;
  readonly options: DigestOptions;
  /** Number of values N (public: part of the IV). */
  readonly count: number;
  /**
   * Zero knowledge: the number of mask variables of the caller's MaskedPoly for V (public).
   * Absent: a plain (not zero-knowledge) proof, for tests and public data.
   */
  readonly valueMaskVars?: number;
}

export interface StatementInfo {
  readonly zk: boolean;
  readonly valueMaskVars: number | null;
  readonly layout: PackingLayout;
  readonly blocks: number;
  readonly n: number;
  /** log2 of V's length: n + 3 + slotBits. */
  readonly nV: number;
  readonly ivPublic: readonly [bigint, bigint];
}

export function statementInfo(st: DigestStatement): StatementInfo {
  const layout = packingLayout(st.options.format, st.count);
  const blocks = layout.elements / 8;
  const n = Math.log2(blocks);
  const nV = n + 3 + layout.slotBits;
  const valueMaskVars = st.valueMaskVars ?? null;
  if (valueMaskVars !== null && (!Number.isInteger(valueMaskVars) || valueMaskVars < 1 || valueMaskVars > Math.min(8, nV))) {
    throw new RangeError(`digest proof: V's mask of ${valueMaskVars} variables is outside 1 … ${Math.min(8, nV)}`);
  }
  return { zk: valueMaskVars !== null, valueMaskVars, layout, blocks, n, nV, ivPublic: [domainWord(st.options), countWord(st.options, st.count)] };
}

export function absorbStatement(t: Transcript, st: DigestStatement, info: StatementInfo): void {
  for (const d of st.digest) if (!F.isCanonical(d)) throw new RangeError('digest proof: the digest is not canonical');
  t.absorbBases('p2digest/statement', [...st.digest, ...info.ivPublic, BigInt(info.layout.elements), BigInt(info.layout.slots), BigInt(info.valueMaskVars ?? 0)]);
}

const sboxFactors = (table: number, sbox: boolean): Factor[] => Array.from({ length: sbox ? 7 : 1 }, () => ({ table }));
/** Mask variables of every private table the digest proof itself creates (u layers, K, R): one, two reveals at most. */
export const OWN_MASK_VARS = 1;
const committed = (numVars: number, zk: boolean) => ({ numVars, kind: 'committed' as const, maskVars: zk ? OWN_MASK_VARS : null });

/**
 * Zero knowledge: the claim on a batch's incoming layer is on û = u + Z·R_o (R_o over u's top
 * variable), so the batch also proves Z(ρ)·Σ_o b_o R_o(ρ_top) through an instance on one
 * variable: Σ_y Z(ρ)·b_o·eq(ρ_top, y)·R_o(y), weighted 2^−(batch variables − 1).
 * R_o are tables firstTable … firstTable + 11 (committed, masked themselves).
 */
function maskCorrection(coeffs: readonly Fp2[], rho: readonly Fp2[], firstTable: number, batchVars: number) {
  const z = zEval(rho);
  const top = [rho[rho.length - 1]];
  const terms: Term[] = coeffs.map((b, o) => ({ coeff: E.mul(z, b), factors: [{ eq: top }, { table: firstTable + o }] }));
  return { numVars: 1, weight: E.fromBase(F.inv(pow2Field(batchVars - 1))), terms };
}

export interface OutputChallenges {
  readonly beta: readonly Fp2[];
  readonly gamma: readonly Fp2[];
  readonly tau: readonly Fp2[];
}

export function drawOutputChallenges(t: Transcript, n: number): OutputChallenges {
  return { beta: t.challengeExts('p2digest/beta', 4), gamma: t.challengeExts('p2digest/gamma', CAPACITY_WORDS), tau: t.challengeExts('p2digest/tau', n) };
}

/** Tables: 0–11 u_29 (S-box inputs of the last round), 12–15 K_c, 16 Shift(τ, ·) (public). */
export function outputShape(n: number, ch: OutputChallenges, digest: Digest, zk: boolean): BatchShape {
  const last = ROUNDS - 1;
  const L = linearOf(last);
  const A = combineRows(L.slice(0, 4), ch.beta);
  const B = combineRows(L.slice(8, 12), ch.gamma);
  const ones = new Array<Fp2>(n).fill(E.ONE);
  const eqTauOnes = eqEval(ch.tau, ones);
  const terms: Term[] = [];
  for (let s = 0; s < T; s++) {
    terms.push({ coeff: E.sub(A[s], E.mul(eqTauOnes, B[s])), factors: [{ eq: ones }, ...sboxFactors(s, hasSbox(last, s))] });
    terms.push({ coeff: B[s], factors: [{ eq: ch.tau }, ...sboxFactors(s, hasSbox(last, s))] });
  }
  for (let c = 0; c < CAPACITY_WORDS; c++) terms.push({ coeff: E.neg(ch.gamma[c]), factors: [{ table: 16 }, { table: 12 + c }] });
  let claimedSum: Fp2 = E.ZERO;
  for (let o = 0; o < 4; o++) claimedSum = E.add(claimedSum, E.mulBase(ch.beta[o], digest[o]));
  return {
    tables: [...Array.from({ length: T + CAPACITY_WORDS }, () => committed(n, zk)), { numVars: n, kind: 'public', maskVars: null }],
    instances: [{ numVars: n, weight: E.ONE, terms }],
    claimedSum,
    zk,
  };
}

export function outputPublicEval(ch: OutputChallenges): (table: number, point: readonly Fp2[]) => Fp2 {
  return (table, point) => {
    if (table !== 16) throw new RangeError(`digest proof: table ${table} of the output batch is not public`);
    return shiftEval(ch.tau, point);
  };
}

/**
 * The claim a round batch starts from: Σ_o coeffs_o·û_{r+1}[o](ρ) = value, one random
 * combination of what the batch above revealed about layer r + 1.
 */
export interface LayerClaim {
  readonly coeffs: readonly Fp2[];
  readonly value: Fp2;
}

/**
 * Values a round batch reveals about its layer u_r: all 12 slots after a full round; after a
 * partial round û_r[0] and L̂_r = Σ_{s≥1} a_s·û_r[s] only (its 11 linear slots enter the
 * sumcheck as that one combination, so they are never folded or opened one by one).
 */
export function revealedWidth(r: number): number {
  return isFullRound(r) ? T : 2;
}

/** a = Lᵀ·b: the weight of each slot of σ(u_r) in the batch's claim (L the round's matrix). */
export function roundWeights(r: number, claim: LayerClaim): Fp2[] {
  return combineRows(linearOf(r), claim.coeffs);
}

/**
 * The claim on layer r from what batch r revealed about it: 12 slot values after a full round,
 * combined with 12 fresh challenges; (û_r[0], L̂_r) after a partial round, combined as
 * û_r[0] + λ·L̂_r, so the coefficients are (1, λ·a_1, …, λ·a_11). A false revealed value
 * survives with probability 1/|F_p2| per batch.
 * `partialWeights`: batch r's weights a when round r is partial, null when it is full.
 */
export function nextLayerClaim(t: Transcript, revealed: readonly Fp2[], partialWeights: readonly Fp2[] | null): LayerClaim {
  if (partialWeights === null) {
    if (revealed.length !== T) throw new RangeError(`digest proof: ${revealed.length} values of a full layer`);
    const lambda = t.challengeExts('p2digest/lambda', T);
    let value: Fp2 = E.ZERO;
    for (let o = 0; o < T; o++) value = E.add(value, E.mul(lambda[o], revealed[o]));
    return { coeffs: lambda, value };
  }
  if (revealed.length !== 2) throw new RangeError(`digest proof: ${revealed.length} values of a partial layer`);
  const lambda = t.challengeExt('p2digest/lambda-partial');
  return { coeffs: [E.ONE, ...partialWeights.slice(1).map((a) => E.mul(lambda, a))], value: E.add(revealed[0], E.mul(lambda, revealed[1])) };
}

/**
 * Round r (0 … 28), from the claim on u_{r+1} at rho to values of u_r. Full round: tables 0–11
 * are u_r, terms a_s·eq(ρ)·u_r[s]^7. Partial round: table 0 is u_r[0], table 1 is
 * L_r = Σ_{s≥1} a_s·u_r[s], terms a_0·eq(ρ)·u_r[0]^7 + eq(ρ)·L_r.
 * Zero knowledge: the 12 tables after those are the masks R of u_{r+1} (see maskCorrection).
 */
export function roundShape(r: number, n: number, claim: LayerClaim, rho: readonly Fp2[], zk: boolean): BatchShape {
  const a = roundWeights(r, claim);
  const width = revealedWidth(r);
  const terms: Term[] = isFullRound(r)
    ? Array.from({ length: T }, (_, s) => ({ coeff: a[s], factors: [{ eq: rho }, ...sboxFactors(s, true)] }))
    : [
        { coeff: a[0], factors: [{ eq: rho }, ...sboxFactors(0, true)] },
        { coeff: E.ONE, factors: [{ eq: rho }, { table: 1 }] },
      ];
  const instances = [{ numVars: n, weight: E.ONE, terms }];
  if (zk) instances.push(maskCorrection(claim.coeffs, rho, width, n));
  const constants = roundConstants(r + 1);
  let claimedSum = claim.value;
  for (let o = 0; o < T; o++) claimedSum = E.sub(claimedSum, E.mulBase(claim.coeffs[o], constants[o]));
  return {
    tables: [...Array.from({ length: width }, () => committed(n, zk)), ...(zk ? Array.from({ length: T }, () => committed(OWN_MASK_VARS, true)) : [])],
    instances,
    claimedSum,
    zk,
  };
}

export interface FinalChallenges {
  readonly lambda: readonly Fp2[];
  readonly delta: readonly Fp2[];
  readonly eta: Fp2;
}

export function drawFinalChallenges(t: Transcript): FinalChallenges {
  return { lambda: t.challengeExts('p2digest/lambda', T), delta: t.challengeExts('p2digest/delta', 2), eta: t.challengeExt('p2digest/eta') };
}

/** Weights of V's value slots l: 2^(w·l) for l < k, η for the empty slots l ≥ k (which must hold 0). */
export function slotWeights(layout: PackingLayout, eta: Fp2): Fp2[] {
  return Array.from({ length: layout.slots }, (_, l) => (l < layout.perElement ? E.fromBase(pow2Field(layout.format.bits * l)) : eta));
}

/** μ = M_Eᵀλ: In's slot weights. */
export function finalMu(ch: FinalChallenges): Fp2[] {
  return combineRows(M_E, ch.lambda);
}

/** Variables of V above a permutation's index: s (3 bits, the rate slot) then l (the value slot). */
export function slotVars(info: StatementInfo): number {
  return info.nV - info.n;
}

/** Mask variables of V(ρ, ·), the table the final batch sums V through (see finalShape). */
export function partialValueMaskVars(info: StatementInfo): number | null {
  return info.valueMaskVars === null ? null : Math.min(info.valueMaskVars, slotVars(info));
}

/**
 * The final batch. The claim on u_0 at ρ is linear in In(ρ), so V enters only through
 * V(ρ, x) = Σ_i eq(ρ, i)·V(i, x) at the 2^(nV−n) slot indices x = (s, l): the prover computes
 * those with one pass over V and the batch sums over x alone, ending in one claim on V at
 * (ρ, r_x).
 * Tables: 0 C (public: C(s, l) = μ_s·slotWeight_l), 1 V(ρ, ·) (committed: its value is V's at
 * (ρ, r_x)), 2–5 K_c. Instance 0 (x's variables, s then l): Σ C·V(ρ, ·); instance 1 (n
 * variables): Σ_c μ_{8+c}·eq(ρ)·K_c + Σ_{c<2} δ_c·eq(0)·K_c; each weighted 2^−(N − its
 * variables), N the larger count, so both count once.
 * Zero knowledge: tables 6–17 are the masks R of u_0 (see maskCorrection).
 */
export function finalShape(info: StatementInfo, ch: FinalChallenges, rho: readonly Fp2[], u0: readonly Fp2[]): BatchShape {
  const zk = info.zk;
  const { n, layout } = info;
  const nx = slotVars(info);
  const N = Math.max(n, nx);
  const mu = finalMu(ch);
  const zeros = new Array<Fp2>(n).fill(E.ZERO);
  const kTerms: Term[] = [];
  for (let c = 0; c < CAPACITY_WORDS; c++) kTerms.push({ coeff: mu[8 + c], factors: [{ eq: rho }, { table: 2 + c }] });
  for (let c = 0; c < 2; c++) kTerms.push({ coeff: ch.delta[c], factors: [{ eq: zeros }, { table: 2 + c }] });
  // Σ_{l<k} 2^(w·l)·offset: the packing's constant, times the rate slots' weights.
  let offsetSum = 0n;
  for (let l = 0; l < layout.perElement; l++) offsetSum = F.add(offsetSum, F.mul(pow2Field(layout.format.bits * l), BigInt(layout.offset)));
  let rateMu: Fp2 = E.ZERO;
  for (let q = 0; q < 8; q++) rateMu = E.add(rateMu, mu[q]);
  let claimedSum = combineClaims(ch.lambda, u0, roundConstants(0));
  claimedSum = E.sub(claimedSum, E.mulBase(rateMu, offsetSum));
  claimedSum = E.add(claimedSum, E.add(E.mulBase(ch.delta[0], info.ivPublic[0]), E.mulBase(ch.delta[1], info.ivPublic[1])));
  const weight = (vars: number) => E.fromBase(F.inv(pow2Field(N - vars)));
  return {
    tables: [
      { numVars: nx, kind: 'public', maskVars: null },
      { numVars: nx, kind: 'committed', maskVars: partialValueMaskVars(info) },
      ...Array.from({ length: CAPACITY_WORDS }, () => committed(n, zk)),
      ...(zk ? Array.from({ length: T }, () => committed(OWN_MASK_VARS, true)) : []),
    ],
    instances: [
      { numVars: nx, weight: weight(nx), terms: [{ coeff: E.ONE, factors: [{ table: 0 }, { table: 1 }] }] },
      { numVars: n, weight: weight(n), terms: kTerms },
      ...(zk ? [maskCorrection(ch.lambda, rho, 2 + CAPACITY_WORDS, N)] : []),
    ],
    claimedSum,
    zk,
  };
}

/** C(s, l) = μ_s·slotWeight_l over x = s + 8l: the final batch's public table. */
export function slotCoefficients(info: StatementInfo, ch: FinalChallenges): Fp2[] {
  const mu = finalMu(ch);
  return slotWeights(info.layout, ch.eta).flatMap((w) => mu.slice(0, 8).map((m) => E.mul(m, w)));
}

export function finalPublicEval(info: StatementInfo, ch: FinalChallenges): (table: number, point: readonly Fp2[]) => Fp2 {
  const mu = finalMu(ch).slice(0, 8);
  const slots = slotWeights(info.layout, ch.eta);
  return (table, point) => {
    if (table !== 0) throw new RangeError(`digest proof: table ${table} of the final batch is not public`);
    return E.mul(smallMle(mu, point.slice(0, 3)), smallMle(slots, point.slice(3)));
  };
}

/** Shapes with the right counts and degrees (dummy challenges), for parsing a proof's bytes. */
export function skeletonShapes(info: StatementInfo): BatchShape[] {
  const z = (k: number) => new Array<Fp2>(k).fill(E.ZERO);
  const shapes: BatchShape[] = [outputShape(info.n, { beta: z(4), gamma: z(4), tau: z(info.n) }, [0n, 0n, 0n, 0n], info.zk)];
  for (let r = ROUNDS - 2; r >= 0; r--) shapes.push(roundShape(r, info.n, { coeffs: z(T), value: E.ZERO }, z(info.n), info.zk));
  shapes.push(finalShape(info, { lambda: z(T), delta: z(2), eta: E.ZERO }, z(info.n), z(T)));
  return shapes;
}
