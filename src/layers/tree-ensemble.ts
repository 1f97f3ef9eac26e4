// Tree ensembles (MlTreeEnsemble, aggregate SUM, "≤" nodes) with public tree structure,
// thresholds and leaves (docs/protocol.md, "Tree ensembles"). Every tree is complete of depth D
// (the lowering pads it); leaf ℓ's path takes direction bit b_δ(ℓ) = bit D−1−δ of ℓ at level δ
// (0: left, child 2i+1, taken when X[f] ≤ T), through node a_δ(ℓ).
//
// Committed tensors, all of shape [N, trees, 2^D] (one entry per row, tree and leaf):
//   G_δ = X[n, f(t, a_δ(ℓ))]    the feature tested at leaf ℓ's level-δ ancestor
//   S_δ ∈ {0, 1}                1 iff the row's decision there agrees with b_δ(ℓ)
//   u_δ ≥ 0 (range-checked)     the comparison slack that forces S_δ
//   e = Π_δ S_δ                 1 exactly at the reached leaf of each (row, tree)
// With σ = ±1 (left / right), L = [b_δ(ℓ) = 0], T_δ = T(t, a_δ(ℓ)) (public tables, zero on the
// padding), one zero relation (λ-combined) proves on every entry, for every δ:
//   S_δ² − S_δ = 0
//   u_δ − σ·(2·S_δ·(T_δ − G_δ) − (T_δ − G_δ)) − σ·S_δ + L = 0
//   e − Π_δ S_δ = 0
// For S = 1 the second reads u = T − G (left) or G − T − 1 (right); for S = 0 the other one.
// So u ≥ 0 makes S_δ the true agreement bit (|T − G| + 1 ≤ B_cmp < p/2: exact), and e is the
// one-hot of the reached leaf. A batched sumcheck links G to X: at a random z with random μ,
//   Σ_x eq(z, x)·Σ_δ μ_δ·G_δ(x) − Σ_{n,i} X[n, i]·P(n, i) = 0,
//   P(n, i) = eq(z_n, n)·Σ_δ μ_δ·Σ_{t,ℓ : f(t, a_δ(ℓ)) = i} eq(z_{t,ℓ}, (t, ℓ))   (public).
// The output is then the MatMul e[N, trees·2^D] · leaves[trees·2^D, targets] + base (matmul.ts).
// With private weights, σ·T and P become functions of committed vectors (thresholds by node,
// feature indices one-hot by node), evaluated through the same free index maps (a_δ is public).
import type { Fp2 } from '../field/ext.js';
import * as E from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import { evaluate } from '../poly/mle.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { eqEval } from '../sumcheck/poly.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { gMaskClaim, maskedClaim, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { BatchShape, Term } from '../sumcheck/types.js';
import { roundDegrees } from '../sumcheck/types.js';
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
  /** Feature index per (tree, internal node in heap order). */
  readonly feature: Int32Array;
  /** Threshold per (tree, internal node): go left iff X[f] ≤ T. */
  readonly threshold: BigInt64Array;
}

/** Committed tensors of the relation: e, then S_δ, G_δ, u_δ for every level. */
export interface TreeRefs {
  readonly e: MaskedRef;
  readonly s: readonly MaskedRef[];
  readonly g: readonly MaskedRef[];
  readonly u: readonly MaskedRef[];
  readonly x: MaskedRef;
}

export interface TreeColumns {
  readonly e: BigInt64Array;
  readonly s: readonly BigInt64Array[];
  readonly g: readonly BigInt64Array[];
  readonly u: readonly BigInt64Array[];
}

/** [N, trees, 2^D]: the shape of every committed column. */
export function treeColumnDims(p: TreeParams): number[] {
  return [p.rows, p.trees, 2 ** p.depth];
}

/** Heap index of leaf ℓ's ancestor at level δ, and the direction bit taken there. */
function ancestor(depth: number, leaf: number, level: number): { node: number; right: number } {
  let node = 0;
  for (let d = 0; d < level; d++) node = 2 * node + 1 + ((leaf >> (depth - 1 - d)) & 1);
  return { node, right: (leaf >> (depth - 1 - level)) & 1 };
}

/** The honest prover's columns from X [N, F] (row-major). */
export function treeColumns(p: TreeParams, x: BigInt64Array): TreeColumns {
  const leaves = 2 ** p.depth;
  const inner = leaves - 1;
  const size = p.rows * p.trees * leaves;
  const e = new BigInt64Array(size).fill(1n);
  const s: BigInt64Array[] = [];
  const g: BigInt64Array[] = [];
  const u: BigInt64Array[] = [];
  for (let level = 0; level < p.depth; level++) {
    const sl = new BigInt64Array(size);
    const gl = new BigInt64Array(size);
    const ul = new BigInt64Array(size);
    for (let n = 0; n < p.rows; n++) {
      for (let t = 0; t < p.trees; t++) {
        for (let l = 0; l < leaves; l++) {
          const { node, right } = ancestor(p.depth, l, level);
          const v = x[n * p.features + p.feature[t * inner + node]];
          const th = p.threshold[t * inner + node];
          const left = v <= th;
          const agree = right === 0 ? left : !left;
          const i = (n * p.trees + t) * leaves + l;
          gl[i] = v;
          sl[i] = agree ? 1n : 0n;
          // the slack of the comparison that holds: T − G ≥ 0 for "≤", G − T − 1 ≥ 0 for ">"
          ul[i] = left ? th - v : v - th - 1n;
          if (!agree) e[i] = 0n;
        }
      }
    }
    s.push(sl);
    g.push(gl);
    u.push(ul);
  }
  return { e, s, g, u };
}

/** Public tables per level, over the column layout: σ, σ·T, L (zero on the padding). */
function levelTables(p: TreeParams): { sig: BaseVec; sigT: BaseVec; left: BaseVec }[] {
  const dims = treeColumnDims(p);
  const leaves = 2 ** p.depth;
  const inner = leaves - 1;
  const size = p.rows * p.trees * leaves;
  return Array.from({ length: p.depth }, (_, level) => {
    const sig = new BigInt64Array(size);
    const sigT = new BigInt64Array(size);
    const left = new BigInt64Array(size);
    for (let n = 0; n < p.rows; n++) {
      for (let t = 0; t < p.trees; t++) {
        for (let l = 0; l < leaves; l++) {
          const { node, right } = ancestor(p.depth, l, level);
          const i = (n * p.trees + t) * leaves + l;
          const sg = right === 0 ? 1n : -1n;
          sig[i] = sg;
          sigT[i] = sg * p.threshold[t * inner + node];
          left[i] = right === 0 ? 1n : 0n;
        }
      }
    }
    return { sig: paddedTable(sig, dims), sigT: paddedTable(sigT, dims), left: paddedTable(left, dims) };
  });
}

const TWO = E.fromBase(2n);
const neg = (x: Fp2): Fp2 => E.neg(x);

// table order: e, S_0.., G_0.., u_0.., then per level σ, σT, L
function relation(p: TreeParams, refs: TreeRefs): ZeroRelation {
  const D = p.depth;
  const S = (d: number): number => 1 + d;
  const G = (d: number): number => 1 + D + d;
  const U = (d: number): number => 1 + 2 * D + d;
  const SIG = (d: number): number => 1 + 3 * D + 3 * d;
  const SIGT = (d: number): number => SIG(d) + 1;
  const L = (d: number): number => SIG(d) + 2;
  return {
    label: 'layer/trees/z',
    numVars: totalVars(treeColumnDims(p)),
    refs: [refs.e, ...refs.s, ...refs.g, ...refs.u, ...Array<null>(3 * D).fill(null)],
    lambdas: 2 * D + 1,
    terms: (_z, lambda) => {
      const t: RelationTerm[] = [];
      const term = (coeff: Fp2, ...tables: number[]): void => void t.push({ coeff, tables, eq: true });
      for (let d = 0; d < D; d++) {
        const a = lambda[2 * d];
        term(a, S(d), S(d));
        term(neg(a), S(d));
        // u − 2σT·S + 2σ·S·G + σT − σ·G − σ·S + L
        const b = lambda[2 * d + 1];
        term(b, U(d));
        term(neg(E.mul(b, TWO)), SIGT(d), S(d));
        term(E.mul(b, TWO), SIG(d), S(d), G(d));
        term(b, SIGT(d));
        term(neg(b), SIG(d), G(d));
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

export function treeLinkDegrees(p: TreeParams, refs: TreeRefs): number[] {
  return roundDegrees(treeLinkProofShape(p, refs));
}

export function treeLinkProofShape(p: TreeParams, refs: TreeRefs): BatchShape {
  return linkShape(p, refs, dummyZ(p), Array<Fp2>(p.depth).fill(E.ONE));
}

function dummyZ(p: TreeParams): Fp2[] {
  return Array<Fp2>(totalVars(treeColumnDims(p))).fill(E.ONE);
}

const xDims = (p: TreeParams): number[] => [p.rows, p.features];

/** 2^−k in F_p: weights that undo the batch's 2^(n − n_i) scaling of the smaller instance. */
function invPow2(k: number): Fp2 {
  return E.fromBase(F.inv(F.pow(2n, BigInt(k))));
}

// link tables: G_0..G_{D−1} (column vars), X, P (X's vars)
function linkShape(p: TreeParams, refs: TreeRefs, z: readonly Fp2[], mu: readonly Fp2[]): BatchShape {
  const nA = totalVars(treeColumnDims(p));
  const nB = totalVars(xDims(p));
  const n = Math.max(nA, nB);
  if (refs.x.numVars !== nB) throw new RangeError('trees: X does not match [rows, features]');
  const tables = [
    ...refs.g.map((r) => ({ numVars: nA, kind: 'committed' as const, maskVars: r.maskVars })),
    { numVars: nB, kind: 'committed' as const, maskVars: refs.x.maskVars },
    { numVars: nB, kind: 'public' as const, maskVars: null },
  ];
  const termsA: Term[] = refs.g.map((_, d) => ({ coeff: mu[d], factors: [{ eq: z }, { table: d }] }));
  const termsB: Term[] = [{ coeff: E.ONE, factors: [{ table: p.depth }, { table: p.depth + 1 }] }];
  return {
    tables,
    instances: [
      { numVars: nA, weight: invPow2(n - nA), terms: termsA },
      { numVars: nB, weight: E.neg(invPow2(n - nB)), terms: termsB },
    ],
    claimedSum: E.ZERO,
    zk: true,
  };
}

/** P(n, i) = eq(z_n, n)·Σ_δ μ_δ·Σ_{t,ℓ: f = i} eq(z_{t,ℓ}, (t, ℓ)) as an extension table over X's layout. */
function linkTable(p: TreeParams, z: readonly Fp2[], mu: readonly Fp2[]): Fp2[] {
  const leaves = 2 ** p.depth;
  const inner = leaves - 1;
  const tv = dimVars(p.trees);
  const zL = z.slice(0, p.depth);
  const zT = z.slice(p.depth, p.depth + tv);
  const zN = z.slice(p.depth + tv);
  const eqTable = (r: readonly Fp2[], count: number): Fp2[] => Array.from({ length: count }, (_, j) => eqEval(r, bitsOf(j, r.length)));
  const eL = eqTable(zL, leaves);
  const eT = eqTable(zT, p.trees);
  const eN = eqTable(zN, p.rows);
  const w: Fp2[] = Array<Fp2>(p.features).fill(E.ZERO);
  for (let d = 0; d < p.depth; d++) {
    for (let t = 0; t < p.trees; t++) {
      for (let l = 0; l < leaves; l++) {
        const f = p.feature[t * inner + ancestor(p.depth, l, d).node];
        w[f] = E.add(w[f], E.mul(mu[d], E.mul(eT[t], eL[l])));
      }
    }
  }
  const fv = dimVars(p.features);
  const out: Fp2[] = Array<Fp2>(2 ** totalVars(xDims(p))).fill(E.ZERO);
  for (let r = 0; r < p.rows; r++) for (let i = 0; i < p.features; i++) out[(r << fv) + i] = E.mul(eN[r], w[i]);
  return out;
}

function bitsOf(j: number, n: number): Fp2[] {
  return Array.from({ length: n }, (_, k) => ((j >> k) & 1 ? E.ONE : E.ZERO));
}

function toExtVec(v: readonly Fp2[]): ExtVec {
  const out = new BigUint64Array(2 * v.length);
  v.forEach((x, i) => {
    out[2 * i] = x[0];
    out[2 * i + 1] = x[1];
  });
  return out;
}

function publicTables(p: TreeParams): BaseVec[] {
  return levelTables(p).flatMap((t) => [t.sig, t.sigT, t.left]);
}

export interface TreeWitness {
  readonly e: MaskedPoly;
  readonly s: readonly MaskedPoly[];
  readonly g: readonly MaskedPoly[];
  readonly u: readonly MaskedPoly[];
  readonly x: MaskedPoly;
}

/** The comparison / booleanity / leaf-product relation. */
export function proveTreeRelation(p: TreeParams, refs: TreeRefs, w: TreeWitness, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  return proveZeroRelation(relation(p, refs), [w.e, ...w.s, ...w.g, ...w.u, ...publicTables(p)], g, gRef, sink, transcript);
}

export function verifyTreeRelation(p: TreeParams, refs: TreeRefs, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  const pub = publicTables(p);
  const first = 1 + 3 * p.depth;
  verifyZeroRelation(relation(p, refs), (j, point) => evaluate(pub[j - first], point), gRef, proof, sink, transcript);
}

function drawLink(p: TreeParams, transcript: Transcript): { z: Fp2[]; mu: Fp2[] } {
  return { z: transcript.challengeExts('layer/trees/link-z', totalVars(treeColumnDims(p))), mu: transcript.challengeExts('layer/trees/link-mu', p.depth) };
}

/** G_δ = X gathered by the public feature indices, for every level at once. */
export function proveTreeLink(p: TreeParams, refs: TreeRefs, w: TreeWitness, g: SumcheckMask, gRef: GMaskRef, sink: ClaimSink, transcript: Transcript): SumcheckProof {
  const { z, mu } = drawLink(p, transcript);
  const out = proveSumcheck(linkShape(p, refs, z, mu), [...w.g, w.x, toExtVec(linkTable(p, z, mu))] as ProverTable[], g, transcript);
  emitLink(refs, out.point, (t) => out.values[t], gRef, out.proof.maskValue!, sink);
  return out.proof;
}

function emitLink(refs: TreeRefs, point: readonly Fp2[], value: (t: number) => Fp2, gRef: GMaskRef, maskValue: Fp2, sink: ClaimSink): void {
  const d = refs.g.length;
  refs.g.forEach((r, i) => sink.claim(r.commitment, maskedClaim(r, point.slice(0, r.numVars), value(i))));
  sink.claim(refs.x.commitment, maskedClaim(refs.x, point.slice(0, refs.x.numVars), value(d)));
  sink.claim(gRef.commitment, gMaskClaim(gRef, point, maskValue));
}

export function verifyTreeLink(p: TreeParams, refs: TreeRefs, gRef: GMaskRef, proof: SumcheckProof, sink: ClaimSink, transcript: Transcript): void {
  const { z, mu } = drawLink(p, transcript);
  const shape = linkShape(p, refs, z, mu);
  const degrees = roundDegrees(shape);
  if (gRef.degrees.length !== degrees.length || gRef.degrees.some((x, i) => x !== degrees[i])) throw new VerificationError('trees/mask', 'the round mask does not fit the layer');
  const table = linkTable(p, z, mu);
  const out = verifySumcheck(shape, proof, transcript, (t, point) => {
    if (t !== p.depth + 1) throw new RangeError(`trees: table ${t} is not public`);
    return evalExt(table, point);
  });
  const values = new Map(out.claims.map((c) => [c.table, c.value]));
  emitLink(refs, out.point, (t) => values.get(t)!, gRef, out.maskValue!, sink);
}

/** MLE of a small extension table at a point (lowest variable first). */
function evalExt(table: readonly Fp2[], point: readonly Fp2[]): Fp2 {
  let t = table.slice();
  for (const x of point) {
    const next: Fp2[] = [];
    for (let i = 0; i < t.length; i += 2) next.push(E.add(t[i], E.mul(x, E.sub(t[i + 1], t[i]))));
    t = next;
  }
  return t[0];
}
