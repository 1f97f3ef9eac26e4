// Tree ensembles (MlTreeEnsemble, aggregate SUM, "≤" nodes), with the model's parameters public
// or private (docs/protocol.md, "Tree ensembles"). Every tree is complete of depth D (the
// lowering pads it); leaf ℓ's path takes direction bit b_δ(ℓ) = bit D−1−δ of ℓ at level δ
// (0: left, child 2i+1, taken when X[f] ≤ T), through node a_δ(ℓ). Nodes are numbered
// j = tree·(2^D − 1) + heap index; f(j) is the feature node j tests, T(j) its threshold.
//
// Committed tensors, all of shape [N, trees, 2^D] (one entry per row, tree and leaf):
//   Δ_δ = T(a_δ) − X[n, f(a_δ)]  the threshold minus the feature at leaf ℓ's level-δ ancestor
//   S_δ ∈ {0, 1}                 1 iff the row's decision there agrees with b_δ(ℓ)
//   u_δ ≥ 0 (range-checked)      the comparison slack that forces S_δ
//   e = Π_δ S_δ                  1 exactly at the reached leaf of each (row, tree)
// With σ = ±1 (left / right) and L = [b_δ(ℓ) = 0] (public tables), one zero relation
// (λ-combined) proves on every entry, for every δ:
//   S_δ² − S_δ = 0
//   u_δ − σ·(2·S_δ − 1)·Δ_δ − σ·S_δ + L = 0
//   e − Π_δ S_δ = 0
// For S = 1 the second reads u = T − G (left) or G − T − 1 (right); for S = 0 the other one.
// So u ≥ 0 makes S_δ the true agreement bit (|T − G| + 1 ≤ B_cmp < p/2: exact), and e is the
// one-hot of the reached leaf. The link, one batched sumcheck at a random z with random μ,
// proves every Δ_δ from the node tables:
//   Σ_x eq(z, x)·Σ_δ μ_δ·Δ_δ(x) = Σ_j T(j)·Q̄(j) − Σ_{n,j} G(n, j)·Q(n, j),
//   Q(n, j) = eq(z_n, n)·Σ_δ μ_δ·Σ_{t,ℓ: node(t, a_δ(ℓ)) = j} eq(z_{t,ℓ}, (t, ℓ)),  Q̄(j) = Σ_n Q(n, j)
// (public: a_δ is). T is a public constant (then Σ T·Q̄ is the claimed sum) or a view of the
// committed private parameters (an instance over T's variables). G(n, j) = X[n, f(j)] is, with
// a public selector, Σ_{n,i} X[n, i]·P(n, i), P(n, i) = Σ_{j: f(j) = i} Q(n, j) (public); with a
// private one-hot selector H [F, nodes], the committed K = X·H (a MatMul proven by matmul.ts)
// read at Σ K·Q. The same batch then proves H one-hot — H² − H = 0 on every entry (at a random
// z_H) and every column sum 1 (Σ_{i,j} eq(ρ, j)·H(i, j) = Σ_{j real} eq(ρ, j)) — and private
// modes all zero (Σ eq(z_M, x)·M(x) = 0: only "≤" nodes are proven), each part weighted by a
// fresh random coefficient. The output is the MatMul e[N, trees·2^D] · leaves + base (matmul.ts).
import type { Fp2 } from '../field/ext.js';
import * as E from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { eqTable } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { evaluate, evaluateExt } from '../poly/mle.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, TableShape, Term } from '../sumcheck/types.js';
import { alignInstances, roundDegrees } from '../sumcheck/types.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { Transcript } from '../transcript/transcript.js';
import type { ClaimSink } from './matmul.js';
import { dimVars, paddedTable, totalVars } from './tensor.js';
import { proveZeroRelation, verifyZeroRelation, zeroRelationDegrees, zeroRelationProofShape, type RelationTerm, type ZeroRelation } from './zero-relation.js';

export interface TreeParams {
  readonly rows: number;
  readonly features: number;
  readonly trees: number;
  readonly depth: number;
  /** Feature index per node (a public selector), or null: the selector is a private weight. */
  readonly feature: Int32Array | null;
  /** Threshold per node (public): go left iff X[f] ≤ T; or null: a private weight. */
  readonly threshold: BigInt64Array | null;
  /** The modes are a private weight, proven all zero ("≤") by the link; public ones the planner checks. */
  readonly privateModes: boolean;
}

/**
 * The committed tensors of the layer and the private parameters it reads (views of V; null when
 * public): as references for the verifier (TreeRefs), as masked polynomials for the prover.
 */
interface TreeParts<T> {
  readonly e: T;
  readonly s: readonly T[];
  readonly d: readonly T[];
  readonly u: readonly T[];
  /** The gather's source: X [N, F] with a public selector, K = X·H [N, nodes] with a private one. */
  readonly gathered: T;
  readonly threshold: T | null;
  readonly selector: T | null;
  readonly modes: T | null;
}

export type TreeRefs = TreeParts<MaskedRef>;
export type TreeWitness = TreeParts<MaskedPoly>;

export interface TreeColumns {
  readonly e: BigInt64Array;
  readonly s: readonly BigInt64Array[];
  readonly d: readonly BigInt64Array[];
  readonly u: readonly BigInt64Array[];
}

/** Internal nodes per tree and in the ensemble (j = tree·inner + heap index). */
export function treeNodes(p: TreeParams): { inner: number; nodes: number } {
  const inner = 2 ** p.depth - 1;
  return { inner, nodes: p.trees * inner };
}

/** [N, trees, 2^D]: the shape of every committed column. */
export function treeColumnDims(p: TreeParams): number[] {
  return [p.rows, p.trees, 2 ** p.depth];
}

/** The layouts of the node tables: thresholds and modes [trees, inner], selector H [F, nodes], K [N, nodes], X [N, F]. */
export function treeTableDims(p: TreeParams): { node: number[]; selector: number[]; gathered: number[]; x: number[] } {
  const { inner, nodes } = treeNodes(p);
  return { node: [p.trees, inner], selector: [p.features, nodes], gathered: [p.rows, nodes], x: [p.rows, p.features] };
}

/** Heap index of leaf ℓ's ancestor at level δ, and the direction bit taken there. */
function ancestor(depth: number, leaf: number, level: number): { node: number; right: number } {
  let node = 0;
  for (let d = 0; d < level; d++) node = 2 * node + 1 + ((leaf >> (depth - 1 - d)) & 1);
  return { node, right: (leaf >> (depth - 1 - level)) & 1 };
}

function checkRefs(p: TreeParams, refs: TreeRefs): void {
  if ((p.feature === null) !== (refs.selector !== null) || (p.threshold === null) !== (refs.threshold !== null) || p.privateModes !== (refs.modes !== null)) {
    throw new RangeError('trees: the private parameters do not match the layer\'s references');
  }
}

/** The honest prover's columns from the gathered features K [N, nodes] (row-major) and the thresholds per node. */
export function treeColumns(p: TreeParams, k: BigInt64Array, threshold: BigInt64Array): TreeColumns {
  const leaves = 2 ** p.depth;
  const { inner, nodes } = treeNodes(p);
  const size = p.rows * p.trees * leaves;
  const e = new BigInt64Array(size).fill(1n);
  const s: BigInt64Array[] = [];
  const d: BigInt64Array[] = [];
  const u: BigInt64Array[] = [];
  for (let level = 0; level < p.depth; level++) {
    const sl = new BigInt64Array(size);
    const dl = new BigInt64Array(size);
    const ul = new BigInt64Array(size);
    for (let n = 0; n < p.rows; n++) {
      for (let t = 0; t < p.trees; t++) {
        for (let l = 0; l < leaves; l++) {
          const { node, right } = ancestor(p.depth, l, level);
          const v = k[n * nodes + t * inner + node];
          const th = threshold[t * inner + node];
          const left = v <= th;
          const agree = right === 0 ? left : !left;
          const i = (n * p.trees + t) * leaves + l;
          dl[i] = th - v;
          sl[i] = agree ? 1n : 0n;
          // the slack of the comparison that holds: T − G ≥ 0 for "≤", G − T − 1 ≥ 0 for ">"
          ul[i] = left ? th - v : v - th - 1n;
          if (!agree) e[i] = 0n;
        }
      }
    }
    s.push(sl);
    d.push(dl);
    u.push(ul);
  }
  return { e, s, d, u };
}

/**
 * K [N, nodes]: the value each node tests, per row — X[n, f(j)] for public feature indices, the
 * product X·H for a selector table H [F, nodes] (what the MatMul proves; X[n, f(j)] when H is one-hot).
 */
export function gatheredFeatures(p: TreeParams, x: BigInt64Array, select: { readonly feature: Int32Array } | { readonly selector: BigInt64Array }): BigInt64Array {
  const { nodes } = treeNodes(p);
  const out = new BigInt64Array(p.rows * nodes);
  if ('feature' in select) {
    for (let n = 0; n < p.rows; n++) for (let j = 0; j < nodes; j++) out[n * nodes + j] = x[n * p.features + select.feature[j]];
    return out;
  }
  for (let i = 0; i < p.features; i++) {
    for (let j = 0; j < nodes; j++) {
      const h = select.selector[i * nodes + j];
      if (h === 0n) continue;
      for (let n = 0; n < p.rows; n++) out[n * nodes + j] += h * x[n * p.features + i];
    }
  }
  return out;
}

/** Public tables per level over the column layout: σ and L. */
function levelTables(p: TreeParams): BaseVec[] {
  const dims = treeColumnDims(p);
  const leaves = 2 ** p.depth;
  const size = p.rows * p.trees * leaves;
  return Array.from({ length: p.depth }, (_, level) => {
    const sig = new BigInt64Array(size);
    const left = new BigInt64Array(size);
    for (let i = 0; i < size; i++) {
      const right = ancestor(p.depth, i % leaves, level).right;
      sig[i] = right === 0 ? 1n : -1n;
      left[i] = right === 0 ? 1n : 0n;
    }
    return [paddedTable(sig, dims), paddedTable(left, dims)];
  }).flat();
}

const TWO = E.fromBase(2n);
const neg = (x: Fp2): Fp2 => E.neg(x);

// table order: e, S_0.., Δ_0.., u_0.., then per level σ, L
function relation(p: TreeParams, refs: TreeRefs): ZeroRelation {
  const D = p.depth;
  const S = (d: number): number => 1 + d;
  const DL = (d: number): number => 1 + D + d;
  const U = (d: number): number => 1 + 2 * D + d;
  const SIG = (d: number): number => 1 + 3 * D + 2 * d;
  const L = (d: number): number => SIG(d) + 1;
  return {
    label: 'layer/trees/z',
    numVars: totalVars(treeColumnDims(p)),
    refs: [refs.e, ...refs.s, ...refs.d, ...refs.u, ...Array<null>(2 * D).fill(null)],
    lambdas: 2 * D + 1,
    terms: (_z, lambda) => {
      const t: RelationTerm[] = [];
      const term = (coeff: Fp2, ...tables: number[]): void => void t.push({ coeff, tables, eq: true });
      for (let d = 0; d < D; d++) {
        const a = lambda[2 * d];
        term(a, S(d), S(d));
        term(neg(a), S(d));
        // u − 2σ·S·Δ + σ·Δ − σ·S + L
        const b = lambda[2 * d + 1];
        term(b, U(d));
        term(neg(E.mul(b, TWO)), SIG(d), S(d), DL(d));
        term(b, SIG(d), DL(d));
        term(neg(b), SIG(d), S(d));
        term(b, L(d));
      }
      const c = lambda[2 * D];
      term(c, 0);
      term(neg(c), ...Array.from({ length: D }, (_, d) => S(d)));
      return t;
    },
  };
}

export function treeRelationDegrees(p: TreeParams, refs: TreeRefs): number[] {
  return zeroRelationDegrees(relation(p, refs));
}

export function treeRelationProofShape(p: TreeParams, refs: TreeRefs): BatchShape {
  return zeroRelationProofShape(relation(p, refs));
}

/** The comparison / booleanity / leaf-product relation. */
export function proveTreeRelation(p: TreeParams, refs: TreeRefs, w: TreeWitness, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  return proveZeroRelation(relation(p, refs), [w.e, ...w.s, ...w.d, ...w.u, ...levelTables(p)], g, gRef, sink, transcript);
}

export function verifyTreeRelation(p: TreeParams, refs: TreeRefs, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  const pub = levelTables(p);
  const first = 1 + 3 * p.depth;
  verifyZeroRelation(relation(p, refs), (j, point) => evaluate(pub[j - first], point), gRef, proof, sink, transcript);
}

// ---- the link: Δ from the node tables (and H one-hot, modes zero) ----

interface LinkChallenges {
  readonly z: readonly Fp2[];
  readonly mu: readonly Fp2[];
  /** Private selector: the booleanity point z_H and the column-sum weights ρ (over the node variables). */
  readonly zH: readonly Fp2[];
  readonly rho: readonly Fp2[];
  /** Private modes: the zero-check point z_M. */
  readonly zM: readonly Fp2[];
  /** Weights of the one-hot booleanity, the column sums and the modes' zero check. */
  readonly parts: readonly Fp2[];
}

function drawLink(p: TreeParams, transcript: Transcript): LinkChallenges {
  const dims = treeTableDims(p);
  const z = transcript.challengeExts('layer/trees/link-z', totalVars(treeColumnDims(p)));
  const mu = transcript.challengeExts('layer/trees/link-mu', p.depth);
  const priv = p.feature === null;
  const zH = priv ? transcript.challengeExts('layer/trees/onehot-z', totalVars(dims.selector)) : [];
  const rho = priv ? transcript.challengeExts('layer/trees/onehot-rho', dimVars(treeNodes(p).nodes)) : [];
  const zM = p.privateModes ? transcript.challengeExts('layer/trees/modes-z', totalVars(dims.node)) : [];
  const parts = priv || p.privateModes ? transcript.challengeExts('layer/trees/link-parts', 3) : [];
  return { z, mu, zH, rho, zM, parts };
}

function dummyChallenges(p: TreeParams): LinkChallenges {
  const dims = treeTableDims(p);
  const ones = (n: number): Fp2[] => Array<Fp2>(n).fill(E.ONE);
  const priv = p.feature === null;
  return {
    z: ones(totalVars(treeColumnDims(p))), mu: ones(p.depth), zH: priv ? ones(totalVars(dims.selector)) : [],
    rho: priv ? ones(dimVars(treeNodes(p).nodes)) : [], zM: p.privateModes ? ones(totalVars(dims.node)) : [], parts: ones(3),
  };
}

const toField = (x: bigint): bigint => (x < 0n ? F.P + x : x);

function extAt(v: ExtVec, i: number): Fp2 {
  return [v[2 * i], v[2 * i + 1]];
}

/** A padded extension table over a 2-d layout [rows, cols] (row-major, layers/tensor.ts's padding). */
function padded2(rows: number, cols: number, value: (r: number, c: number) => Fp2): ExtVec {
  const cv = dimVars(cols);
  const out = new BigUint64Array(2 * 2 ** totalVars([rows, cols]));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = value(r, c);
      const i = (r << cv) + c;
      out[2 * i] = v[0];
      out[2 * i + 1] = v[1];
    }
  }
  return out;
}

/** q(j) = Σ_δ μ_δ·Σ_{ℓ: a_δ(ℓ) = node(j)} eq(z_{t,ℓ}, (t, ℓ)) per node, and the row weights eq(z_n, n). */
function nodeWeights(p: TreeParams, ch: LinkChallenges): { q: Fp2[]; rowEq: Fp2[] } {
  const leaves = 2 ** p.depth;
  const { inner } = treeNodes(p);
  const tv = dimVars(p.trees);
  const eL = eqTable(ch.z.slice(0, p.depth));
  const eT = eqTable(ch.z.slice(p.depth, p.depth + tv));
  const eN = eqTable(ch.z.slice(p.depth + tv));
  const perNode: Fp2[] = Array<Fp2>(inner).fill(E.ZERO);
  for (let d = 0; d < p.depth; d++) {
    for (let l = 0; l < leaves; l++) {
      const node = ancestor(p.depth, l, d).node;
      perNode[node] = E.add(perNode[node], E.mul(ch.mu[d], extAt(eL, l)));
    }
  }
  const q: Fp2[] = [];
  for (let t = 0; t < p.trees; t++) for (let node = 0; node < inner; node++) q.push(E.mul(extAt(eT, t), perNode[node]));
  return { q, rowEq: Array.from({ length: p.rows }, (_, n) => extAt(eN, n)) };
}

/** One table of the link batch: committed (its reference, and which witness polynomial) or public. */
type LinkTable =
  | { readonly kind: 'committed'; readonly ref: MaskedRef; readonly witness: (w: TreeWitness) => MaskedPoly }
  | { readonly kind: 'public'; readonly numVars: number; readonly table: () => ExtVec };

function linkBatch(p: TreeParams, refs: TreeRefs, ch: LinkChallenges): { shape: BatchShape; tables: LinkTable[] } {
  checkRefs(p, refs);
  const dims = treeTableDims(p);
  const { nodes, inner } = treeNodes(p);
  const tables: LinkTable[] = [];
  const add = (t: LinkTable): number => tables.push(t) - 1;
  const weights = nodeWeights(p, ch);
  const rowSum = (): Fp2 => weights.rowEq.reduce((a, b) => E.add(a, b), E.ZERO);
  const nA = totalVars(treeColumnDims(p));
  const instances: { numVars: number; terms: Term[] }[] = [];
  // A: Σ eq(z, x)·Σ_δ μ_δ·Δ_δ(x)
  const dIdx = refs.d.map((r, k) => add({ kind: 'committed', ref: r, witness: (w) => w.d[k] }));
  instances.push({ numVars: nA, terms: dIdx.map((t, k) => ({ coeff: ch.mu[k], factors: [{ eq: ch.z }, { table: t }] })) });
  // B: − Σ_j T(j)·Q̄(j) (private thresholds) and β·Σ eq(z_M, x)·M(x) (private modes)
  const nT = totalVars(dims.node);
  const bTerms: Term[] = [];
  let claimedSum = E.ZERO;
  if (refs.threshold) {
    const t = add({ kind: 'committed', ref: refs.threshold, witness: (w) => w.threshold! });
    const qbar = add({ kind: 'public', numVars: nT, table: () => { const s = rowSum(); return padded2(p.trees, inner, (tr, node) => E.mul(s, weights.q[tr * inner + node])); } });
    bTerms.push({ coeff: E.neg(E.ONE), factors: [{ table: t }, { table: qbar }] });
  } else {
    const s = rowSum();
    p.threshold!.forEach((th, j) => void (claimedSum = E.add(claimedSum, E.mul(E.mulBase(weights.q[j], toField(th)), s))));
  }
  if (refs.modes) {
    const m = add({ kind: 'committed', ref: refs.modes, witness: (w) => w.modes! });
    bTerms.push({ coeff: ch.parts[2], factors: [{ eq: ch.zM }, { table: m }] });
  }
  if (bTerms.length > 0) instances.push({ numVars: nT, terms: bTerms });
  // C: + Σ G·weights: K·Q (private selector) or X·P (public)
  const g = add({ kind: 'committed', ref: refs.gathered, witness: (w) => w.gathered });
  if (refs.selector) {
    if (refs.gathered.numVars !== totalVars(dims.gathered)) throw new RangeError('trees: K does not match [rows, nodes]');
    const qt = add({ kind: 'public', numVars: refs.gathered.numVars, table: () => padded2(p.rows, nodes, (n, j) => E.mul(weights.rowEq[n], weights.q[j])) });
    instances.push({ numVars: refs.gathered.numVars, terms: [{ coeff: E.ONE, factors: [{ table: g }, { table: qt }] }] });
  } else {
    if (refs.gathered.numVars !== totalVars(dims.x)) throw new RangeError('trees: X does not match [rows, features]');
    const pt = add({
      kind: 'public', numVars: refs.gathered.numVars, table: () => {
        const perFeature: Fp2[] = Array<Fp2>(p.features).fill(E.ZERO);
        p.feature!.forEach((f, j) => void (perFeature[f] = E.add(perFeature[f], weights.q[j])));
        return padded2(p.rows, p.features, (n, i) => E.mul(weights.rowEq[n], perFeature[i]));
      },
    });
    instances.push({ numVars: refs.gathered.numVars, terms: [{ coeff: E.ONE, factors: [{ table: g }, { table: pt }] }] });
  }
  // H one-hot: λ0·Σ eq(z_H, x)·(H² − H) + λ1·Σ eq(ρ, j)·H(i, j) = λ1·Σ_{j < nodes} eq(ρ, j)
  if (refs.selector) {
    const nH = totalVars(dims.selector);
    if (refs.selector.numVars !== nH) throw new RangeError('trees: the selector does not match [features, nodes]');
    const h = add({ kind: 'committed', ref: refs.selector, witness: (w) => w.selector! });
    const eRho = (): ExtVec => eqTable(ch.rho);
    const wt = add({ kind: 'public', numVars: nH, table: () => { const r = eRho(); return padded2(p.features, nodes, (_i, j) => extAt(r, j)); } });
    const [l0, l1] = ch.parts;
    instances.push({
      numVars: nH, terms: [
        { coeff: l0, factors: [{ eq: ch.zH }, { table: h }, { table: h }] },
        { coeff: E.neg(l0), factors: [{ eq: ch.zH }, { table: h }] },
        { coeff: l1, factors: [{ table: h }, { table: wt }] },
      ],
    });
    const r = eRho();
    let cols = E.ZERO;
    for (let j = 0; j < nodes; j++) cols = E.add(cols, extAt(r, j));
    claimedSum = E.add(claimedSum, E.mul(l1, cols));
  }
  const shapeTables: TableShape[] = tables.map((t) => (t.kind === 'committed' ? { numVars: t.ref.numVars, kind: 'committed', maskVars: t.ref.maskVars } : { numVars: t.numVars, kind: 'public', maskVars: null }));
  return { shape: { tables: shapeTables, instances: alignInstances(instances), claimedSum, zk: true }, tables };
}

export function treeLinkDegrees(p: TreeParams, refs: TreeRefs): number[] {
  return roundDegrees(treeLinkProofShape(p, refs));
}

export function treeLinkProofShape(p: TreeParams, refs: TreeRefs): BatchShape {
  return linkBatch(p, refs, dummyChallenges(p)).shape;
}

function emitLink(tables: readonly LinkTable[], point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  tables.forEach((t, i) => {
    if (t.kind === 'committed') sink.claim(t.ref.commitment, maskedClaim(t.ref, point.slice(0, t.ref.numVars), value(i)));
  });
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

/** Every Δ_δ from the node tables, for every level at once (and H one-hot, modes zero when private). */
export function proveTreeLink(p: TreeParams, refs: TreeRefs, w: TreeWitness, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript, unsafeAllowFalseClaim = false): SumcheckProof {
  const { shape, tables } = linkBatch(p, refs, drawLink(p, transcript));
  const prover: ProverTable[] = tables.map((t) => (t.kind === 'committed' ? t.witness(w) : t.table()));
  const out = proveSumcheck(shape, prover, g, transcript, { unsafeAllowFalseClaim });
  emitLink(tables, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

export function verifyTreeLink(p: TreeParams, refs: TreeRefs, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  const { shape, tables } = linkBatch(p, refs, drawLink(p, transcript));
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('trees/mask', 'the round mask does not fit the layer');
  const out = verifySumcheck(shape, proof, transcript, (t, point) => {
    const table = tables[t];
    if (table.kind !== 'public') throw new RangeError(`trees: table ${t} is not public`);
    return evaluateExt(table.table(), point);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emitLink(tables, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}
