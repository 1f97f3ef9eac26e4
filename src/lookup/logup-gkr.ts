// LogUp-GKR (Papini–Haböck 2023), zero-knowledge: the same lookups as logup.ts without
// committed inverse columns. Prover and verifier side by side; docs/protocol.md Part 3 §3b has
// the argument (what the verifier sees, the simulator, the soundness error).
//
// The fraction tree. Every looked-up column of relation r contributes 2^n leaves 1/(α_r − a(x))
// (a tuple folded as a = Σ_c β^c a_c), every table 2^m leaves −m(y)/(α_r − t(y)). The leaves
// of all relations are ONE vector: sections sorted by size (largest first, so each starts at a
// multiple of its size), zero fractions 0/1 after them up to 2^D entries. Layer J has 2^J
// fractions p_J/q_J; the child bit is the TOP variable: p_J(x) = p_{J+1}(x,0)q_{J+1}(x,1) +
// p_{J+1}(x,1)q_{J+1}(x,0), q_J(x) = q_{J+1}(x,0)q_{J+1}(x,1). The statement is p_0 = 0: the
// total of all fractions is zero (a separate α_r per relation keeps relations apart). q_0 ≠ 0
// unless some α_r hits an entry. Nothing else about the root is revealed.
//
// Zero knowledge. Layer values are private and not committed. Each layer's halves
// L(x) = p_{J+1}(x, 0), R(x) = p_{J+1}(x, 1) (and q's) enter the layer-J sumcheck as masked
// tables L̂ = L + Z(x)·M_L(x_{J−1}) (Z = Π x_i(1 − x_i), M_L a random multilinear polynomial in
// the top variable, committed before α), so the values the sumcheck reveals, L̂(r), are uniform.
// The next layer's claim (1 − μ)L̂(r) + μR̂(r) = p_{J+1}(r, μ) + Z(r)·[(1 − μ)M_L + μM_R](r_{J−1})
// carries those mask terms; the next sumcheck proves them as a one-variable instance
// Σ_w eq(r_{J−1}, w)·M̂(w) over the committed M's (each itself masked, M̂ = M + w(1 − w)·c), so
// it ends in one more masked reveal M̂(s), opened by the PCS. Every sumcheck is masked by its
// own Libra polynomial g (all committed with the multiplicities, before α).
//   Root (layer 0, no variables): 0 = Σ_{x ∈ {0,1}} P_1(x)·Q_1(1 − x), a one-variable sumcheck
//   on P̂_1 and the swapped Q̂_1; it ends at r_0 with claims on p_1(r_0) and q_1(1 − r_0).
//   Layers J = 1 … D − 1: the sumcheck of Σ_x eq(ρ_p, x)(L_p·R_q + R_p·L_q) + λ·eq(ρ_q, x)·L_q·R_q
//   plus the mask instance; claimed sum c_p + λ·c_q. Then μ: the claims on layer J + 1.
//   Link: the claims on the leaf layer at ρ reduced to the committed columns by one sumcheck
//   over the sections, Σ_s eq(ρ_hi, s)·Σ_x eq(ρ_lo, x)·leaf_s(x) (public parts moved to the
//   claimed sum), plus the mask instance and the caller's linear checks. It ends in one masked
//   reveal per committed column, extra and multiplicity vector, as in logup.ts.
// Commitments: ONE (multiplicities, the M's, every g) before α. The looked-up columns and
// extras are the caller's.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { VerificationError } from '../encoding/errors.js';
import { MaskedPoly, SumcheckMask, maskLength } from '../sumcheck/mask.js';
import { zEval } from '../sumcheck/poly.js';
import { proveSumcheck, type ProverOutput, type ProverTable } from '../sumcheck/prover.js';
import { sumcheckKernel, type SumcheckKernel } from '../sumcheck/kernel.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { readSumcheckProof, writeSumcheckProof } from '../sumcheck/proof.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import { randomExt } from '../sumcheck/random.js';
import type { BatchShape, InstanceShape, TableShape, Term } from '../sumcheck/types.js';
import { roundDegrees } from '../sumcheck/types.js';
import type { GMaskRef, MaskedRef } from '../sumcheck/session.js';
import { gMaskClaim, maskedClaim, maskedLayout } from '../sumcheck/session.js';
import type { CommitPort, LookupProveOptions, LookupRefs, LookupShape, LookupWitness } from './logup.js';
import { foldTuple, multiplicities, validateLookupShape } from './logup.js';
import { GkrTree } from './gkr-kernel.js';
import { proveLeafLayer, proveMiddleLayer, proveNextLayer } from './gkr-leaf.js';

/** Mask variables of the multiplicities (revealed once). */
const M_MASK_VARS = 1;

export interface LookupGkrProveOptions extends LookupProveOptions {
  /** Tests only (the zero-knowledge test's control): every mask of this protocol is zero. */
  readonly unsafeZeroMasks?: boolean;
  /** Tests only: every layer on the generic sumcheck prover (gkr-leaf.ts must send the same). */
  readonly genericLayers?: boolean;
}

/** The verifier's challenges, returned for composition and tests. */
export interface LookupGkrChallenges {
  readonly alphas: readonly Fp2[];
  readonly beta: Fp2;
  /** λ of layers 1 … D − 1, then the link's. */
  readonly lambdas: readonly Fp2[];
  /** The point of each of the D + 1 sumchecks. */
  readonly points: readonly (readonly Fp2[])[];
}

export interface LookupGkrProof {
  /** Root, layers 1 … D − 1, link: D + 1 sumchecks. */
  readonly sumchecks: readonly SumcheckProof[];
}

/** One block of leaves: a looked-up column or a table, at an offset of the leaf vector. */
interface Section {
  readonly kind: 'column' | 'table';
  readonly relation: number;
  readonly column: number;
  readonly numVars: number;
  readonly offset: number;
}

interface Plan {
  readonly sections: readonly Section[];
  /** The leaf layer has 2^D entries. */
  readonly D: number;
}

function plan(shape: LookupShape): Plan {
  const list: Omit<Section, 'offset'>[] = [];
  shape.relations.forEach((rel, r) => {
    rel.columns.forEach((c, l) => list.push({ kind: 'column', relation: r, column: l, numVars: c.numVars }));
    list.push({ kind: 'table', relation: r, column: -1, numVars: rel.table.numVars });
  });
  list.sort((a, b) => b.numVars - a.numVars); // stable: ties keep the order above
  let offset = 0;
  const sections = list.map((s) => {
    const out = { ...s, offset };
    offset += 2 ** s.numVars;
    return out;
  });
  let D = 0;
  while (2 ** D < offset) D++;
  if (D < 2) throw new RangeError('logup-gkr: fewer than 4 leaves');
  if (D > 30) throw new RangeError(`logup-gkr: 2^${D} leaves`);
  return { sections, D };
}

/** A claim's mask term: weight·M_i(t), M_i the companion of virtual table i. */
interface MaskTerm {
  readonly companion: number;
  readonly t: Fp2;
  readonly weight: Fp2;
  readonly part: 'p' | 'q';
}

/** Claims on a layer: p at pointP, q at pointQ, each plus its mask terms. */
interface Incoming {
  readonly pointP: readonly Fp2[];
  readonly pointQ: readonly Fp2[];
  readonly valueP: Fp2;
  readonly valueQ: Fp2;
  readonly masks: readonly MaskTerm[];
}

/** Virtual (masked, uncommitted) tables: root [P_1, Q_1 swapped], layer J ≥ 1 [L_p, R_p, L_q, R_q]. */
function virtualIndex(J: number): number {
  return J === 0 ? 0 : 2 + 4 * (J - 1);
}

function companionCount(D: number): number {
  return 2 + 4 * (D - 1);
}

const MASKED_LAYER = (J: number): TableShape => ({ numVars: J, kind: 'committed', maskVars: 1 });
const COMPANION: TableShape = { numVars: 1, kind: 'committed', maskVars: 0 };

const INV2 = F.inv(2n);
const invPow2Cache: bigint[] = [1n];

/** 2^−e (memoized: every shape of every layer needs one). */
function invPow2(e: number): bigint {
  for (let k = invPow2Cache.length; k <= e; k++) invPow2Cache.push(F.mul(invPow2Cache[k - 1], INV2));
  return invPow2Cache[e];
}

/** Σ_w eq(t_i, w)·M̂_i(w) over the incoming mask terms, as a one-variable instance (tables from `first`). */
function maskInstance(inc: Incoming, lambda: Fp2, first: number, n: number): InstanceShape {
  const terms: Term[] = inc.masks.map((m, i) => ({
    coeff: m.part === 'p' ? m.weight : E.mul(lambda, m.weight),
    factors: [{ eq: [m.t] }, { table: first + i }],
  }));
  return { numVars: 1, weight: E.fromBase(invPow2(n - 1)), terms };
}

function rootShape(): BatchShape {
  return {
    tables: [MASKED_LAYER(1), MASKED_LAYER(1)],
    instances: [{ numVars: 1, weight: E.ONE, terms: [{ coeff: E.ONE, factors: [{ table: 0 }, { table: 1 }] }] }],
    claimedSum: E.ZERO,
    zk: true,
  };
}

/**
 * Layer J's sumcheck: tables [T, R_p, L_q, R_q, companions of the incoming masks]. For J ≥ 2 the
 * p and q claims share one point and T = L_p + λ·L_q, so the sum is two products,
 * eq·T·R_q + eq·R_p·L_q (= eq·(L_p·R_q + R_p·L_q) + λ·eq·L_q·R_q); for J = 1 (claims at r_0 and
 * 1 − r_0 after the root) T = L_p and the three products are separate.
 */
function layerShape(J: number, inc: Incoming, lambda: Fp2): BatchShape {
  const eqP = { eq: inc.pointP };
  const terms: Term[] = [
    { coeff: E.ONE, factors: [eqP, { table: 0 }, { table: 3 }] },
    { coeff: E.ONE, factors: [eqP, { table: 1 }, { table: 2 }] },
  ];
  if (J === 1) terms.push({ coeff: lambda, factors: [{ eq: inc.pointQ }, { table: 2 }, { table: 3 }] });
  return {
    tables: [MASKED_LAYER(J), MASKED_LAYER(J), MASKED_LAYER(J), MASKED_LAYER(J), ...inc.masks.map(() => COMPANION)],
    instances: [{ numVars: J, weight: E.ONE, terms }, maskInstance(inc, lambda, 4, J)],
    claimedSum: E.add(inc.valueP, E.mul(lambda, inc.valueQ)),
    zk: true,
  };
}

/** [L̂_p, R̂_p, L̂_q, R̂_q](r) from the layer sumcheck's four revealed values (undoes T = L_p + λ·L_q). */
function halvesOf(J: number, lambda: Fp2, v: readonly Fp2[]): Fp2[] {
  return [J === 1 ? v[0] : E.sub(v[0], E.mul(lambda, v[2])), v[1], v[2], v[3]];
}

interface LinkChallenges {
  readonly alphas: readonly Fp2[];
  readonly beta: Fp2;
  readonly lambda: Fp2;
  readonly checks: readonly { z: Fp2[]; lambda: Fp2 }[];
}

/** Table indices of the link: witness components, extras, m's, companions. */
function linkIndex(shape: LookupShape) {
  let next = 0;
  const witness = shape.relations.map((rel) => rel.columns.map((c) => Array.from({ length: c.components }, () => next++)));
  const extras = shape.extras.map(() => next++);
  const m = shape.relations.map(() => next++);
  return { witness, extras, m, companions: next };
}

/** eq(ρ_{d..D−1}, bits of the section's block index): the weight of a section in the leaf MLE. */
function sectionWeight(s: Section, rho: readonly Fp2[]): Fp2 {
  const hi = s.offset / 2 ** s.numVars;
  let acc: Fp2 = E.ONE;
  for (let k = s.numVars; k < rho.length; k++) {
    const bit = Math.floor(hi / 2 ** (k - s.numVars)) % 2;
    acc = E.mul(acc, bit === 1 ? rho[k] : E.sub(E.ONE, rho[k]));
  }
  return acc;
}

function foldedTableAt(shape: LookupShape, r: number, point: readonly Fp2[], beta: Fp2): Fp2 {
  const table = shape.relations[r].table;
  let acc: Fp2 = E.ZERO;
  let pw: Fp2 = E.ONE;
  for (let c = 0; c < table.components; c++) {
    acc = E.add(acc, E.mul(pw, table.evaluate(c, point)));
    pw = E.mul(pw, beta);
  }
  return acc;
}

/** The link sumcheck: the leaf-layer claims at ρ reduced to the committed columns. */
function linkShape(shape: LookupShape, pl: Plan, inc: Incoming, ch: LinkChallenges): BatchShape {
  const idx = linkIndex(shape);
  const rho = inc.pointP;
  const tables: TableShape[] = [];
  shape.relations.forEach((rel) => rel.columns.forEach((c) => {
    for (let k = 0; k < c.components; k++) tables.push({ numVars: c.numVars, kind: 'committed', maskVars: c.maskVars });
  }));
  shape.extras.forEach((e) => tables.push({ numVars: e.numVars, kind: 'committed', maskVars: e.maskVars }));
  shape.relations.forEach((rel) => tables.push({ numVars: rel.table.numVars, kind: 'committed', maskVars: M_MASK_VARS }));
  inc.masks.forEach(() => tables.push(COMPANION));

  const N = Math.max(1, ...pl.sections.map((s) => s.numVars), ...shape.checks.map((c) => c.numVars));
  const scale = (n: number, w: Fp2): Fp2 => E.mulBase(w, invPow2(N - n));
  const lambda = ch.lambda;
  // public part of Σ_y eq(ρ, y)·(p + λq)(y): constants and the public table
  let pub: Fp2 = lambda; // padding leaves 0/1 carry λ·(1 − Σ_s weight_s)
  const instances: InstanceShape[] = [];
  for (const s of pl.sections) {
    const w = sectionWeight(s, rho);
    const lo = rho.slice(0, s.numVars);
    const alpha = ch.alphas[s.relation];
    pub = E.sub(pub, E.mul(lambda, w));
    if (s.kind === 'column') {
      // leaf I/(α − Σ_c β^c a_c), I the public row indicator (1 without one):
      // p + λq = I + λα − λ·Σ_c β^c a_c
      const rows = shape.relations[s.relation].rows;
      pub = E.add(pub, E.mul(w, E.add(rows ? rows.evaluate(0, lo) : E.ONE, E.mul(lambda, alpha))));
      const comps = idx.witness[s.relation][s.column];
      let pw: Fp2 = E.neg(lambda);
      const terms: Term[] = comps.map((t) => {
        const term = { coeff: pw, factors: [{ eq: lo }, { table: t }] };
        pw = E.mul(pw, ch.beta);
        return term;
      });
      instances.push({ numVars: s.numVars, weight: scale(s.numVars, w), terms });
    } else {
      // leaf −m/(α − fold(t)): p + λq = −m + λ(α − fold(t))
      pub = E.add(pub, E.mul(w, E.mul(lambda, E.sub(alpha, foldedTableAt(shape, s.relation, lo, ch.beta)))));
      instances.push({ numVars: s.numVars, weight: scale(s.numVars, w), terms: [{ coeff: E.neg(E.ONE), factors: [{ eq: lo }, { table: idx.m[s.relation] }] }] });
    }
  }
  instances.push(maskInstance(inc, lambda, idx.companions, N));
  shape.checks.forEach((c, i) => {
    const eqz = { eq: ch.checks[i].z };
    const terms: Term[] = c.terms.map((t) => ({
      coeff: t.coeff,
      factors: [eqz, { table: 'lookup' in t.source ? idx.witness[t.source.lookup[0]][t.source.lookup[1]][t.source.lookup[2]] : idx.extras[t.source.extra] }],
    }));
    terms.push({ coeff: c.constant, factors: [eqz] });
    instances.push({ numVars: c.numVars, weight: ch.checks[i].lambda, terms });
  });
  const claimed = E.sub(E.add(inc.valueP, E.mul(lambda, inc.valueQ)), pub);
  return { tables, instances, claimedSum: claimed, zk: true };
}

// ---- shapes for counting (challenges do not change degrees or counts)

function dummyIncoming(points: number, masks: number): Incoming {
  const pt = Array.from({ length: points }, () => E.ONE);
  return { pointP: pt, pointQ: pt, valueP: E.ZERO, valueQ: E.ZERO, masks: Array.from({ length: masks }, (_, i) => ({ companion: i, t: E.ONE, weight: E.ONE, part: 'p' as const })) };
}

function dummyLink(shape: LookupShape): LinkChallenges {
  return { alphas: shape.relations.map(() => E.ONE), beta: E.ONE, lambda: E.ONE, checks: shape.checks.map((c) => ({ z: Array(c.numVars).fill(E.ONE), lambda: E.ONE })) };
}

/** The public shapes of the D + 1 sumchecks (for degrees and deserialization). */
function countingShapes(shape: LookupShape): BatchShape[] {
  const pl = plan(shape);
  const out = [rootShape()];
  for (let J = 1; J < pl.D; J++) out.push(layerShape(J, dummyIncoming(J, J === 1 ? 2 : 4), E.ONE));
  out.push(linkShape(shape, pl, dummyIncoming(pl.D, 4), dummyLink(shape)));
  return out;
}

/** Where the multiplicities, companions and g's sit in the one helper commitment. */
function helperLayout(shape: LookupShape, c: number, D: number, degrees: readonly (readonly number[])[]) {
  const specs = [
    ...shape.relations.map((rel) => ({ numVars: rel.table.numVars, maskVars: M_MASK_VARS, ext: false })),
    ...Array.from({ length: companionCount(D) }, () => ({ numVars: 1, maskVars: 0, ext: true })),
  ];
  const refs = maskedLayout(c, specs);
  let next = refs[refs.length - 1].r[1] + 1;
  const gRefs: GMaskRef[] = degrees.map((d) => {
    const ref: GMaskRef = { commitment: c, g: [next, next + 1], degrees: d };
    next += 2;
    return ref;
  });
  return { mRefs: refs.slice(0, shape.relations.length), companionRefs: refs.slice(shape.relations.length), gRefs };
}

function anyTuple(shape: LookupShape): boolean {
  return shape.relations.some((r) => r.table.components > 1);
}

function drawAlphas(shape: LookupShape, t: Transcript): { beta: Fp2; alphas: Fp2[] } {
  const beta = anyTuple(shape) ? t.challengeExt('logup-gkr/beta') : E.ONE;
  return { beta, alphas: t.challengeExts('logup-gkr/alpha', shape.relations.length) };
}

/** The claims on layer J + 1 from layer J's revealed values at r (J ≥ 1): the line at μ. */
function nextIncoming(J: number, r: readonly Fp2[], v: readonly Fp2[], mu: Fp2): Incoming {
  const point = [...r, mu];
  const one = E.sub(E.ONE, mu);
  const z = zEval(r);
  const top = r[J - 1];
  const base = virtualIndex(J);
  return {
    pointP: point,
    pointQ: point,
    valueP: E.add(E.mul(one, v[0]), E.mul(mu, v[1])),
    valueQ: E.add(E.mul(one, v[2]), E.mul(mu, v[3])),
    masks: [
      { companion: base, t: top, weight: E.mul(z, one), part: 'p' },
      { companion: base + 1, t: top, weight: E.mul(z, mu), part: 'p' },
      { companion: base + 2, t: top, weight: E.mul(z, one), part: 'q' },
      { companion: base + 3, t: top, weight: E.mul(z, mu), part: 'q' },
    ],
  };
}

/** The claims on layer 1 from the root sumcheck (ends at r_0 with P̂_1(r_0) and the swapped Q̂_1(r_0)). */
function rootIncoming(r0: Fp2, vP: Fp2, vQ: Fp2): Incoming {
  const z = zEval([r0]);
  return {
    pointP: [r0],
    pointQ: [E.sub(E.ONE, r0)],
    valueP: vP,
    valueQ: vQ,
    masks: [
      { companion: 0, t: r0, weight: z, part: 'p' },
      { companion: 1, t: r0, weight: z, part: 'q' },
    ],
  };
}

function drawLink(shape: LookupShape, t: Transcript, alphas: readonly Fp2[], beta: Fp2): LinkChallenges {
  const lambda = t.challengeExt('logup-gkr/lambda');
  const checks = shape.checks.map((c) => ({ z: t.challengeExts('logup-gkr/z-check', c.numVars), lambda: t.challengeExt('logup-gkr/lambda-check') }));
  return { alphas, beta, lambda, checks };
}

/** Round degrees of the D + 1 sumchecks (public: they depend on the shape only). */
export function lookupGkrDegrees(shape: LookupShape): number[][] {
  return countingShapes(shape).map(roundDegrees);
}

/** Sizes of the helper commitment's vectors (for bundles that check commitment sizes). */
export function lookupGkrCommitmentSizes(shape: LookupShape): number[] {
  const pl = plan(shape);
  const gLen = (d: readonly number[]) => {
    let n = 1;
    while (n < 1 + d.reduce((s, x) => s + x, 0)) n *= 2;
    return n;
  };
  return [
    ...shape.relations.flatMap((rel) => [2 ** rel.table.numVars, 2, 2]),
    ...Array.from({ length: companionCount(pl.D) }, () => [2, 2, 1, 1]).flat(),
    ...lookupGkrDegrees(shape).flatMap((d) => [gLen(d), gLen(d)]),
  ];
}

// ---- prover

/**
 * The sumchecks of layers D − 1 (the leaves' parent) and D − 2 run specialised (gkr-leaf.ts)
 * when every left-half leaf is a looked-up column without a rows indicator (L_p ≡ 1 there) and
 * the used part h of the right half fits in a quarter of layer J: returns 2^a ≥ h, else null
 * (the generic prover).
 */
function nearLeafHead(shape: LookupShape, pl: Plan, J: number): number | null {
  const half = 2 ** (pl.D - 1);
  if (J < 2 || J < pl.D - 2 || !leftHalfOnes(shape, pl)) return null;
  let head = 1;
  while (head < usedLeaves(pl) - half) head *= 2;
  return 4 * head <= 2 ** J ? head : null;
}

/** Every left-half leaf is a looked-up column without a rows indicator: its numerators are all 1. */
function leftHalfOnes(shape: LookupShape, pl: Plan): boolean {
  const half = 2 ** (pl.D - 1);
  return pl.sections.every((s) => s.offset >= half || (s.kind === 'column' && shape.relations[s.relation].rows === undefined));
}

/** Leaves before the zero fractions: the sections' total size. */
function usedLeaves(pl: Plan): number {
  return pl.sections.reduce((n, s) => n + 2 ** s.numVars, 0);
}

/** The tree of fractions: leaves p (1, −m or 0) and q (α − a, α − t or 1), then every layer (in K's memory, above its mark). */
function buildTree(K: SumcheckKernel, shape: LookupShape, pl: Plan, witness: LookupWitness, ms: readonly BaseVec[], alphas: readonly Fp2[], beta: Fp2, nextHead: number | null): GkrTree {
  const tree = new GkrTree(K, pl.D, usedLeaves(pl));
  for (const s of pl.sections) {
    let vs: readonly BaseVec[];
    if (s.kind === 'column') {
      vs = witness.columns[s.relation][s.column].map((m) => m.values as BaseVec);
      const rows = shape.relations[s.relation].rows;
      if (rows) tree.setNumerators(s.offset, rows.values(0));
      else tree.fillNumerators(s.offset, 2 ** s.numVars, 1n);
    } else {
      const table = shape.relations[s.relation].table;
      vs = Array.from({ length: table.components }, (_, c) => table.values(c));
      tree.setNegated(s.offset, ms[s.relation]);
    }
    const folded = foldTuple(vs, beta);
    tree.setShifted(s.offset, folded ?? vs[0], folded !== null, alphas[s.relation]);
  }
  tree.build(leftHalfOnes(shape, pl), nextHead);
  return tree;
}

/** a + λ·b for two small extension vectors (masks). */
function combineMasks(a: ExtVec, b: ExtVec, lambda: Fp2): ExtVec {
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < a.length; i += 2) {
    const x = E.add([a[i], a[i + 1]], E.mul(lambda, [b[i], b[i + 1]]));
    out[i] = x[0];
    out[i + 1] = x[1];
  }
  return out;
}

function swapPair(q: ExtVec): ExtVec {
  return BigUint64Array.from([q[2], q[3], q[0], q[1]]);
}

/**
 * Layer J's sumcheck on the tree. The specialised provers (gkr-leaf.ts) fold the tree's own
 * regions: T = L_p + λ·L_q is written over L_p (the leaf layer's prover needs no T).
 * `head`: undefined runs the generic prover (tests), null a layer without the near-leaf structure
 * (the middle layers' prover for 2 ≤ J ≤ D − 3, else the generic one), a number the leaf or
 * next layer's (nearLeafHead). The generic prover gets copies.
 */
function proveLayer(K: SumcheckKernel, tree: GkrTree, J: number, lambda: Fp2, inc: Incoming, companions: readonly MaskedPoly[], g: SumcheckMask, transcript: Transcript, cheat: boolean, head: number | null | undefined): ProverOutput {
  const D = tree.D;
  const half = 2 ** J;
  const v = virtualIndex(J);
  const mask = (i: number) => companions[v + i].values;
  // T̂ = L̂_p + λ·L̂_q: its mask is M_Lp + λ·M_Lq (J ≥ 2)
  const firstMask = J === 1 ? mask(0) : combineMasks(mask(0), mask(2), lambda);
  const shape = layerShape(J, inc, lambda);
  const maskTables = inc.masks.map((m) => companions[m.companion]);
  const h = tree.halves(J);
  const w = h.pExt ? 2 : 1; // words per entry of p
  const special = head !== undefined && (head !== null || (J >= 2 && J < D - 2));
  if (!special) {
    // T into a fresh region (L_q stays), then the four tables copied out
    const mark = K.mark();
    let values: BigUint64Array[];
    try {
      const t = J === 1 ? 0 : tree.combineLeft(J, lambda, K.alloc(16 * half));
      const child = tree.layer(J + 1);
      const first = J === 1 ? child.p.subarray(0, w * half) : K.words(t, 2 * half);
      values = [first, child.p.subarray(w * half), child.q.subarray(0, 2 * half), child.q.subarray(2 * half)].map((x) => x.slice());
    } finally {
      K.release(mark);
    }
    const tables: ProverTable[] = [
      new MaskedPoly(values[0], J, 1, firstMask),
      ...[1, 2, 3].map((i) => new MaskedPoly(values[i], J, 1, mask(i))),
      ...maskTables,
    ];
    return proveSumcheck(shape, tables, g, transcript, { unsafeAllowFalseClaim: cheat });
  }
  const kind = head === null ? 'middle' : J === D - 1 ? 'leaf' : 'next';
  const nHead = kind === 'next' ? tree.oneMinusP(J, 2 * head!) : null; // before T overwrites L_p
  // the leaf layer's prover works on L_q itself (T = 1 + λ·L_q there); the others fold T
  const T = kind === 'leaf' ? h.Lq : tree.combineLeft(J, lambda, h.Lp);
  // the masked tables for their masks and reveal counts (views of the tree, which the provers do not read)
  const child = tree.layer(J + 1);
  const tView = kind === 'leaf' ? child.q.subarray(0, 2 * half) : child.p.subarray(0, 2 * half);
  const layer: [MaskedPoly, MaskedPoly, MaskedPoly, MaskedPoly] = [
    new MaskedPoly(tView, J, 1, firstMask),
    new MaskedPoly(child.p.subarray(w * half), J, 1, mask(1)),
    new MaskedPoly(child.q.subarray(0, 2 * half), J, 1, mask(2)),
    new MaskedPoly(child.q.subarray(2 * half), J, 1, mask(3)),
  ];
  const input = { shape, lambda, point: inc.pointP, layer, companions: maskTables, tables: [T, h.Rp, h.Lq, h.Rq] as [number, number, number, number], headEntries: head ?? 2 ** (J - 2) };
  if (kind === 'middle') return proveMiddleLayer(input, g, transcript, cheat);
  if (kind === 'leaf') return proveLeafLayer({ ...input, heads: () => tree.leafHeads(2 * head!, E.inv(lambda)) }, g, transcript, cheat);
  return proveNextLayer({ ...input, shiftedRight: () => tree.rightQPlus(J, E.inv(lambda)), headOfN: () => K.put(nHead!) }, g, transcript, cheat);
}

export function proveLookupsGkr(shape: LookupShape, witness: LookupWitness, refs: LookupRefs, port: CommitPort, transcript: Transcript, options: LookupGkrProveOptions = {}): LookupGkrProof {
  validateLookupShape(shape);
  const cheat = options.unsafeAllowMisses === true || options.unsafeTamperMultiplicities !== undefined;
  const zero = options.unsafeZeroMasks === true;
  const pl = plan(shape);
  const D = pl.D;
  const degrees = lookupGkrDegrees(shape);
  // one commitment: multiplicities, the companions M (masks of the layer halves), every g
  const ms = shape.relations.map((rel, r) => {
    let m = multiplicities(rel, witness.columns[r], options.unsafeAllowMisses === true, rel.rows?.values(0));
    if (options.unsafeTamperMultiplicities) m = options.unsafeTamperMultiplicities(r, m);
    return zero ? new MaskedPoly(m, rel.table.numVars, M_MASK_VARS, new BigUint64Array(4)) : MaskedPoly.sample(m, rel.table.numVars, M_MASK_VARS);
  });
  const companions = Array.from({ length: companionCount(D) }, () => (zero ? new MaskedPoly(new BigUint64Array(4), 1, 0, new BigUint64Array(2)) : MaskedPoly.sample(randomExt(2), 1, 0)));
  const gs = degrees.map((d) => (zero ? new SumcheckMask(d, new BigUint64Array(2 * maskLength(d))) : SumcheckMask.sample(d)));
  const c = port.commit([...ms.flatMap((m) => m.commitPolys()), ...companions.flatMap((m) => m.commitPolys()), ...gs.flatMap((g) => g.polys())]);
  const layout = helperLayout(shape, c, D, degrees);
  const { beta, alphas } = drawAlphas(shape, transcript);

  const proofs: SumcheckProof[] = [];
  const claimCompanion = (i: number, point: readonly Fp2[], value: Fp2) => port.claim(c, maskedClaim(layout.companionRefs[i], point, value));
  // the tree lives on the sumcheck kernel's stack until the last layer (the link does not read it)
  const K = sumcheckKernel();
  const treeMark = K.mark();
  let inc: Incoming;
  try {
    // with layer D − 2 on the next-layer prover, layer D − 1's copies of leaves are not written
    const nextHead = options.genericLayers !== true && D >= 4 ? nearLeafHead(shape, pl, D - 2) : null;
    const tree = buildTree(K, shape, pl, witness, ms.map((m) => m.values as BaseVec), alphas, beta, nextHead);
    // root
    const layer1 = tree.layer(1);
    const root = proveSumcheck(
      rootShape(),
      [new MaskedPoly(layer1.p.slice(), 1, 1, companions[0].values), new MaskedPoly(swapPair(layer1.q), 1, 1, companions[1].values)],
      gs[0],
      transcript,
      { unsafeAllowFalseClaim: cheat },
    );
    proofs.push(root.proof);
    port.claim(c, gMaskClaim(layout.gRefs[0], root.point, root.proof.maskValue!));
    inc = rootIncoming(root.point[0], root.values[0], root.values[1]);
    // layers 1 … D − 1
    for (let J = 1; J < D; J++) {
      const lambda = transcript.challengeExt('logup-gkr/lambda');
      const out = proveLayer(K, tree, J, lambda, inc, companions, gs[J], transcript, cheat, options.genericLayers !== true ? nearLeafHead(shape, pl, J) : undefined);
      proofs.push(out.proof);
      inc.masks.forEach((m, i) => claimCompanion(m.companion, out.claims[4 + i].point, out.claims[4 + i].value));
      port.claim(c, gMaskClaim(layout.gRefs[J], out.point, out.proof.maskValue!));
      const mu = transcript.challengeExt('logup-gkr/mu');
      inc = nextIncoming(J, out.point, halvesOf(J, lambda, out.values), mu);
    }
  } finally {
    K.release(treeMark);
  }
  // link
  const ch = drawLink(shape, transcript, alphas, beta);
  const idx = linkIndex(shape);
  const tables: ProverTable[] = [
    ...witness.columns.flatMap((cols) => cols.flat()),
    ...witness.extras,
    ...ms,
    ...inc.masks.map((m) => companions[m.companion]),
  ];
  const link = proveSumcheck(linkShape(shape, pl, inc, ch), tables, gs[D], transcript, { unsafeAllowFalseClaim: cheat });
  proofs.push(link.proof);
  linkClaims(shape, refs, layout, idx, inc, link.claims, port);
  port.claim(c, gMaskClaim(layout.gRefs[D], link.point, link.proof.maskValue!));
  return { sumchecks: proofs };
}

function linkClaims(
  shape: LookupShape,
  refs: LookupRefs,
  layout: ReturnType<typeof helperLayout>,
  idx: ReturnType<typeof linkIndex>,
  inc: Incoming,
  claims: readonly { table: number; point: readonly Fp2[]; value: Fp2 }[],
  port: CommitPort,
): void {
  const byTable: MaskedRef[] = [...refs.columns.flatMap((cols) => cols.flat()), ...refs.extras, ...layout.mRefs, ...inc.masks.map((m) => layout.companionRefs[m.companion])];
  if (byTable.length !== idx.companions + inc.masks.length) throw new RangeError('logup-gkr: refs do not match the shape');
  for (const cl of claims) {
    const ref = byTable[cl.table];
    port.claim(ref.commitment, maskedClaim(ref, cl.point, cl.value));
  }
}

// ---- verifier

export function verifyLookupsGkr(shape: LookupShape, proof: LookupGkrProof, refs: LookupRefs, port: CommitPort, transcript: Transcript): LookupGkrChallenges {
  validateLookupShape(shape);
  const pl = plan(shape);
  const D = pl.D;
  const degrees = lookupGkrDegrees(shape);
  if (proof.sumchecks.length !== D + 1) throw new VerificationError('logup-gkr/shape', `${proof.sumchecks.length} sumchecks, expected ${D + 1}`);
  const c = port.commit(null);
  const layout = helperLayout(shape, c, D, degrees);
  const { beta, alphas } = drawAlphas(shape, transcript);
  const noPublic = (): Fp2 => {
    throw new VerificationError('logup-gkr/table', 'no public tables in a LogUp-GKR sumcheck');
  };
  const claimCompanion = (i: number, point: readonly Fp2[], value: Fp2) => port.claim(c, maskedClaim(layout.companionRefs[i], point, value));

  const root = verifySumcheck(rootShape(), proof.sumchecks[0], transcript, noPublic);
  port.claim(c, gMaskClaim(layout.gRefs[0], root.point, root.maskValue!));
  const lambdas: Fp2[] = [];
  const points: (readonly Fp2[])[] = [root.point];
  let inc = rootIncoming(root.point[0], root.claims[0].value, root.claims[1].value);
  for (let J = 1; J < D; J++) {
    const lambda = transcript.challengeExt('logup-gkr/lambda');
    const out = verifySumcheck(layerShape(J, inc, lambda), proof.sumchecks[J], transcript, noPublic);
    lambdas.push(lambda);
    points.push(out.point);
    inc.masks.forEach((m, i) => claimCompanion(m.companion, out.claims[4 + i].point, out.claims[4 + i].value));
    port.claim(c, gMaskClaim(layout.gRefs[J], out.point, out.maskValue!));
    const mu = transcript.challengeExt('logup-gkr/mu');
    inc = nextIncoming(J, out.point, halvesOf(J, lambda, out.claims.map((x) => x.value)), mu);
  }
  const ch = drawLink(shape, transcript, alphas, beta);
  const link = verifySumcheck(linkShape(shape, pl, inc, ch), proof.sumchecks[D], transcript, noPublic);
  linkClaims(shape, refs, layout, linkIndex(shape), inc, link.claims, port);
  port.claim(c, gMaskClaim(layout.gRefs[D], link.point, link.maskValue!));
  return { alphas, beta, lambdas: [...lambdas, ch.lambda], points: [...points, link.point] };
}

// ---- bytes: the D + 1 sumcheck proofs in order (the shape fixes every count)

export function writeLookupGkrProof(w: ByteWriter, proof: LookupGkrProof): void {
  for (const s of proof.sumchecks) writeSumcheckProof(w, s);
}

export function readLookupGkrProof(r: ByteReader, shape: LookupShape): LookupGkrProof {
  validateLookupShape(shape);
  return { sumchecks: countingShapes(shape).map((s) => readSumcheckProof(r, s)) };
}
