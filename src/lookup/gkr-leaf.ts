// The sumchecks of the LogUp-GKR layers J ≥ 2 (logup-gkr.ts), specialised: the same batch
// (layerShape), the same round polynomials and values sent — only how the prover computes them
// differs, so the proof bytes equal those of the generic proveSumcheck.
//
// Every layer: in every round but the last, q(1) follows from the layer instance's running claim
// (round 0's: the batch's claimed sum minus the companion instance's), so the kernels skip what
// only q(1) needs; and where whole tables are
// folded every round (T, R' of layer D − 2; all four tables of layers J ≤ D − 3), a round's fold
// and the next round's values at t = 0, 2 are one pass over the tables (foldRoundWeighted)
// instead of a fold and a second read.
//
// Leaf layer (J = D − 1).
// The layer's sum is Σ_x eq(ρ, x)·(T·R_q + R_p·L_q)(x) with T = L_p + λ·L_q. Its tables are
// the halves of the leaves: L the left half (looked-up columns), R the right half (the rest:
// smaller sections, then the zero fractions 0/1 up to 2^D). Two facts make it cheap:
//   - when every left-half leaf is a looked-up column without a rows indicator, L_p ≡ 1, so
//     T = 1 + λ·L_q and T·R_q + R_p·L_q = λ·L_q·U + (U − V) with U = R_q + R_p/λ, V = R_p/λ;
//   - R is 0/1 (U = 1, V = 0) past its first h entries, and stays so under folding.
// So with the weights w = eq(ρ_{>k}, ·) summing to 1 over the pairs, the round polynomial is
// λ·(Σ_tail w·L_q(t) + Σ_head w·L_q·U(t)) + Σ_head w·(U − V)(t) + (1 − Σ_head w) over the
// 2^(a−k−1) head pairs (h ≤ 2^a): only L_q (the leaves' own, never T) is folded over the whole
// table, each fold with the next round's Σ w·L_q(t) in the same pass; U and V live in buffers of
// 2·2^a entries whose upper half is the constant tail. T(r), R_p(r), R_q(r) at the end follow
// from L_q(r), U(r), V(r).
//
// Next layer (J = D − 2). Its nodes i ≥ h (h = used leaves − 2^(D−1)) have a zero right child,
// so p = 1 there (the left child's numerator) and q = α − a_i. When h ≤ 2^(D−2)/4 the whole
// right half has R_p ≡ 1 and the left half L_p = 1 − N with N zero past the head, so with
// Σ_x eq(ρ_{>k}, x) = 1: q(t) = Σ w·T·R'(t) − λ^{−1}·(1 − Σ_head w·N(t)), R' = R_q + 1/λ.
// Only T and R' are folded over the whole table.
//
// The companion-mask instance (one variable) and the Libra mask g are handled exactly as
// proveSumcheck does.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import { sumcheckKernel, type FoldableTable } from '../sumcheck/kernel.js';
import { EqState } from '../sumcheck/factored.js';
import type { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { extElements, extendEvals, interpolateAt, mleEvalSmall, pow2 } from '../sumcheck/poly.js';
import { sendRound, type ProverOutput } from '../sumcheck/prover.js';
import { absorbProofHead, absorbTail } from '../sumcheck/proof.js';
import type { BatchShape, EvalClaim } from '../sumcheck/types.js';
import { roundDegrees, validateShape } from '../sumcheck/types.js';

/** One term of the companion-mask instance: coeff·eq(t, w)·M̂(w). */
export interface LeafMaskTerm {
  readonly coeff: Fp2;
  readonly t: Fp2;
  readonly companion: MaskedPoly;
}

export interface NearLeafInput {
  /** layerShape(J, …): tables [T̂, R̂_p, L̂_q, R̂_q, companions…], instances [layer, companion masks]. */
  readonly shape: BatchShape;
  readonly lambda: Fp2;
  /** ρ: the eq point of the layer instance (J coordinates). */
  readonly point: readonly Fp2[];
  /** The masked tables T̂, R̂_p, L̂_q, R̂_q (their masks and reveal counts; values are not read). */
  readonly layer: readonly [MaskedPoly, MaskedPoly, MaskedPoly, MaskedPoly];
  /** The companions of the mask instance's terms, in order (tables 4, 5, …). */
  readonly companions: readonly MaskedPoly[];
  /**
   * Sumcheck-kernel addresses of T = L_p + λ·L_q, R_p, L_q, R_q (2^J extension entries each; the
   * next layer reads T only, the leaf layer L_q only): the prover folds them in place, so their
   * values are lost.
   */
  readonly tables: readonly [number, number, number, number];
  /** 2^a ≥ the head (the entries where the special structure does not hold), with 4·2^a ≤ 2^J (the middle layers have no head and ignore it). */
  readonly headEntries: number;
}

export interface LeafLayerInput extends NearLeafInput {
  /** U and V over their first 2·headEntries entries (kernel addresses, allocated on the prover's stack). */
  readonly heads: () => { u: number; v: number };
}

export interface NextLayerInput extends NearLeafInput {
  /**
   * R' = R_q + 1/λ (2^J entries) and N = 1 − L_p over its first 2·headEntries entries: kernel
   * addresses (allocated on the prover's stack or in place), folded in place by the prover.
   */
  readonly shiftedRight: () => number;
  readonly headOfN: () => number;
}

/** f̂(r', t) of a masked table with two entries (lo, hi) left, in its last round (as proveSumcheck). */
function maskedUnivariate(lo: Fp2, hi: Fp2, m: MaskedPoly, bound: readonly Fp2[], z: Fp2): (t: Fp2) => Fp2 {
  const diff = E.sub(hi, lo);
  const R = extElements(m.mask);
  const rlo = mleEvalSmall(R, m.maskVars === 0 ? [] : [...bound, E.ZERO]);
  const rdiff = m.maskVars === 0 ? E.ZERO : E.sub(mleEvalSmall(R, [...bound, E.ONE]), rlo);
  return (t) => E.add(E.add(lo, E.mul(t, diff)), E.mul(E.mul(z, E.mul(t, E.sub(E.ONE, t))), E.add(rlo, E.mul(t, rdiff))));
}

/** eq(a, t) for one coordinate. */
function eq1(a: Fp2, t: Fp2): Fp2 {
  return E.add(E.sub(E.ONE, a), E.mul(t, E.sub(E.add(a, a), E.ONE)));
}

function extAt(v: ExtVec, i: number): Fp2 {
  return [v[2 * i], v[2 * i + 1]];
}

type Kernel = ReturnType<typeof sumcheckKernel>;

function setExt(K: Kernel, ptr: number, i: number, x: Fp2): void {
  const w = K.words(ptr + 16 * i, 2);
  w[0] = x[0];
  w[1] = x[1];
}

function readPair(K: Kernel, t: FoldableTable): [Fp2, Fp2] {
  return [K.readExt(t.ptr, 0), K.readExt(t.ptr, 1)];
}

/** Linear values at 0, 1 (kernel output) extended to 2. */
function linear3(K: Kernel, out: number): Fp2[] {
  const a = K.readExt(out, 0);
  const b = K.readExt(out, 1);
  return [a, b, E.sub(E.add(b, b), a)];
}

/** How one specialised layer computes its tables' part of the rounds (the driver does the rest). */
interface LayerTables {
  /**
   * q(t) at t = 0, 1, 2 with s(t) = c_k·eq(ρ_k, t)·q(t), for a round before the last. With
   * `q1From`, q(1) = q1From(q(0)) follows from the running claim, and the kernels skip what
   * only q(1) needs.
   */
  round(k: number, nPairs: number, headPairs: number, q1From: ((q0: Fp2) => Fp2) | null): Fp2[];
  /**
   * Queues the folds of round k (the driver flushes; eq is already bound to r). With
   * `fuseNext`, the next round (not the last, q(1) derived) may be computed in the same pass.
   */
  fold(nPairs: number, headPairs: number, r: Fp2, fuseNext: boolean): void;
  /** After the flush: the next round's pair 0 may read entry 1 of a head buffer (the tail's constant). */
  fixHeads(): void;
  /** The plain (unmasked) [T, R_p, L_q, R_q] at entry i (0 or 1) of the current (folded) tables. */
  plainAt(i: number): Fp2[];
}

function leafTables(K: Kernel, eq: EqState, input: LeafLayerInput, lambdaInv: Fp2): LayerTables {
  const lambda = input.lambda;
  const L: FoldableTable = { ptr: input.tables[2], isExt: true };
  const { u, v } = input.heads();
  const U: FoldableTable = { ptr: u, isExt: true };
  const V: FoldableTable = { ptr: v, isExt: true };
  let pending: number | null = null; // Σ w·L(t) at t = 0, 2 over ALL pairs of the coming round, from the fused fold
  return {
    round(_k, nPairs, headPairs, q1From) {
      const w = eq.suffix;
      const all = pending;
      pending = null;
      const fused = all !== null && q1From !== null;
      const derived = !fused && q1From !== null; // the tail at t = 0 only: its value at 1 follows from q(1)
      const prod = K.allocZero(48);
      const linU = K.allocZero(48);
      const linV = K.allocZero(48);
      const lin = K.allocZero(48); // Σ w·L(t): the head's (fused) or the tail's
      K.roundProd2Weighted(L.ptr, true, U.ptr, true, w, headPairs, false, prod);
      K.roundPowWeighted(U.ptr, true, 1, w, headPairs, 2, false, linU);
      K.roundPowWeighted(V.ptr, true, 1, w, headPairs, 2, false, linV);
      if (fused) K.roundPowWeighted(L.ptr, true, 1, w, headPairs, 2, true, lin);
      else if (nPairs > headPairs) K.roundPowWeighted(L.ptr + 32 * headPairs, true, 1, w + 16 * headPairs, nPairs - headPairs, derived ? 1 : 2, derived, lin);
      K.flush();
      // the tail's weights sum to 1 − Σ_head w (Σ over all pairs of eq(ρ_{>k}, ·) is 1)
      const tailW = E.sub(E.ONE, K.extSum(w, headPairs));
      const P = [0, 1, 2].map((x) => K.readExt(prod, x));
      const H = [0, 1, 2].map((x) => E.add(E.sub(K.readExt(linU, x), K.readExt(linV, x)), tailW));
      const tail = [0, 1, 2].map((x) => (fused ? E.sub(K.readExt(all, x), K.readExt(lin, x)) : K.readExt(lin, x)));
      // q(t) = λ·(Σ_head w·L·U(t) + Σ_tail w·L(t)) + Σ_head w·(U − V)(t) + Σ_tail w
      const qAt = (x: number) => E.add(E.mul(lambda, E.add(P[x], tail[x])), H[x]);
      if (q1From === null) return [qAt(0), qAt(1), qAt(2)];
      const q0 = qAt(0);
      const q1 = q1From(q0);
      if (derived) {
        // the tail is linear: tail(1) from q(1), tail(2) = 2·tail(1) − tail(0)
        tail[1] = E.sub(E.mul(E.sub(q1, H[1]), lambdaInv), P[1]);
        tail[2] = E.sub(E.add(tail[1], tail[1]), tail[0]);
      }
      return [q0, q1, qAt(2)];
    },
    fold(nPairs, headPairs, r, fuseNext) {
      if (fuseNext) {
        pending = K.allocZero(48);
        K.foldRoundWeighted([L], eq.suffix, nPairs / 2, r, pending);
      } else K.foldTable(L, nPairs, r);
      K.foldTable(U, headPairs, r);
      K.foldTable(V, headPairs, r);
    },
    fixHeads() {
      setExt(K, U.ptr, 1, E.ONE);
      setExt(K, V.ptr, 1, E.ZERO);
    },
    plainAt(i) {
      const l = readPair(K, L)[i];
      const uI = readPair(K, U)[i];
      const vI = readPair(K, V)[i];
      return [E.add(E.ONE, E.mul(lambda, l)), E.mul(lambda, vI), l, E.sub(uI, vI)];
    },
  };
}

function nextTables(K: Kernel, eq: EqState, input: NextLayerInput, lambdaInv: Fp2): LayerTables {
  const T: FoldableTable = { ptr: input.tables[0], isExt: true };
  const R: FoldableTable = { ptr: input.shiftedRight(), isExt: true };
  const N: FoldableTable = { ptr: input.headOfN(), isExt: true };
  let pending: number | null = null; // Σ w·T·R' of the coming round from the fused fold
  return {
    round(_k, nPairs, headPairs, q1From) {
      const w = eq.suffix;
      let prod = pending;
      pending = null;
      const lin = K.allocZero(32);
      if (prod === null || q1From === null) {
        prod = K.allocZero(48);
        K.roundProd2Weighted(T.ptr, true, R.ptr, true, w, nPairs, q1From !== null, prod);
      }
      K.roundPowWeighted(N.ptr, true, 1, w, headPairs, 1, false, lin);
      K.flush();
      const n = linear3(K, lin);
      // q(t) = Σ w·T·R'(t) − (1 − Σ_head w·N(t))/λ
      const q = [0, 1, 2].map((x) => E.sub(K.readExt(prod, x), E.mul(lambdaInv, E.sub(E.ONE, n[x]))));
      if (q1From !== null) q[1] = q1From(q[0]);
      return q;
    },
    fold(nPairs, headPairs, r, fuseNext) {
      if (fuseNext) {
        pending = K.allocZero(48);
        K.foldRoundWeighted([T, R], eq.suffix, nPairs / 2, r, pending);
      } else {
        K.foldTable(T, nPairs, r);
        K.foldTable(R, nPairs, r);
      }
      K.foldTable(N, headPairs, r);
    },
    fixHeads() {
      setExt(K, N.ptr, 1, E.ZERO);
    },
    plainAt(i) {
      const t = readPair(K, T)[i];
      const lp = E.sub(E.ONE, readPair(K, N)[i]);
      return [t, E.ONE, E.mul(E.sub(t, lp), lambdaInv), E.sub(readPair(K, R)[i], lambdaInv)];
    },
  };
}

/**
 * A layer J ≤ D − 3 (the generic tables T, R_p, L_q, R_q, each folded over the whole table):
 * round k + 1's values at t = 0 and 2 come out of round k's fold (one pass over the tables).
 */
function middleTables(K: Kernel, eq: EqState, input: NearLeafInput): LayerTables {
  const [T, Rp, Lq, Rq] = input.tables.map((ptr): FoldableTable => ({ ptr, isExt: true }));
  let pending: number | null = null; // the fused pass's output for the coming round
  return {
    round(_k, nPairs, _headPairs, q1From) {
      let out = pending;
      pending = null;
      if (out === null || q1From === null) {
        out = K.allocZero(48);
        K.roundProd2x2Weighted(T.ptr, Rq.ptr, Rp.ptr, Lq.ptr, eq.suffix, nPairs, q1From !== null, out);
      }
      K.flush();
      const q = [0, 1, 2].map((x) => K.readExt(out, x));
      if (q1From !== null) q[1] = q1From(q[0]);
      return q;
    },
    fold(nPairs, _headPairs, r, fuseNext) {
      if (fuseNext) {
        pending = K.allocZero(48);
        K.foldRoundWeighted([T, Rq, Rp, Lq], eq.suffix, nPairs / 2, r, pending);
      } else [T, Rp, Lq, Rq].forEach((t) => K.foldTable(t, nPairs, r));
    },
    fixHeads() {},
    plainAt(i) {
      return [T, Rp, Lq, Rq].map((t) => K.readExt(t.ptr, i));
    },
  };
}

/** Proves the batch of a layer 2 ≤ J ≤ D − 3; the same output (and transcript) as proveSumcheck on it. */
export function proveMiddleLayer(input: NearLeafInput, g: SumcheckMask, transcript: Transcript, allowFalseClaim: boolean): ProverOutput {
  return proveLayer(input, (K, eq) => middleTables(K, eq, input), g, transcript, allowFalseClaim);
}

/** Proves the leaf layer's batch (J = D − 1); the same output (and transcript) as proveSumcheck on it. */
export function proveLeafLayer(input: LeafLayerInput, g: SumcheckMask, transcript: Transcript, allowFalseClaim: boolean): ProverOutput {
  return proveLayer(input, (K, eq, lambdaInv) => leafTables(K, eq, input, lambdaInv), g, transcript, allowFalseClaim);
}

/** Proves the batch of layer J = D − 2; the same output (and transcript) as proveSumcheck on it. */
export function proveNextLayer(input: NextLayerInput, g: SumcheckMask, transcript: Transcript, allowFalseClaim: boolean): ProverOutput {
  return proveLayer(input, (K, eq, lambdaInv) => nextTables(K, eq, input, lambdaInv), g, transcript, allowFalseClaim);
}

function proveLayer(input: NearLeafInput, tablesOf: (K: Kernel, eq: EqState, lambdaInv: Fp2) => LayerTables, g: SumcheckMask, transcript: Transcript, allowFalseClaim: boolean): ProverOutput {
  const { shape, lambda, point: rho, layer, companions } = input;
  validateShape(shape);
  const J = rho.length;
  const degrees = roundDegrees(shape);
  const maskInst = shape.instances[1];
  if (J < 2 || degrees.length !== J || shape.instances.length !== 2 || maskInst.numVars !== 1 || maskInst.terms.length !== companions.length) {
    throw new RangeError('gkr-leaf: not a layer shape');
  }
  const head = input.headEntries;
  if (!(head >= 1 && (head & (head - 1)) === 0 && 4 * head <= 2 ** J)) throw new RangeError(`gkr-leaf: ${head} head entries for 2^${J}`);
  // the companion instance's terms: coeff·eq(t, w)·M̂(w)
  const maskTerms = maskInst.terms.map((term, i) => {
    const [e, m] = term.factors;
    if (!('eq' in e) || !('table' in m) || m.table !== 4 + i) throw new RangeError('gkr-leaf: unexpected mask term');
    return { coeff: term.coeff, t: e.eq[0], companion: companions[i] };
  });
  const lambdaInv = E.inv(lambda);
  const K = sumcheckKernel();
  const mark = K.mark();
  try {
    const eq = new EqState(rho, K, false); // the kernel path always: the tables above read eq.suffix as weights
    const tables = tablesOf(K, eq, lambdaInv);
    const maskSum = g.sum();
    const rhoG = absorbProofHead(transcript, degrees, shape.claimedSum, maskSum);
    const point: Fp2[] = [];
    const zPrefix: Fp2[] = [E.ONE];
    const rounds: Fp2[][] = [];
    // the companion instance runs its only round in round 0 (weight·2^(J−1)), then adds its value
    const maskUnis = maskTerms.map((m) => maskedUnivariate(extAt(m.companion.values, 0), extAt(m.companion.values, 1), m.companion, [], E.ONE));
    const maskEvals: Fp2[] = [];
    for (let x = 0; x <= 4; x++) {
      const tx = E.fromBase(BigInt(x));
      let acc: Fp2 = E.ZERO;
      maskTerms.forEach((m, i) => (acc = E.add(acc, E.mul(E.mul(m.coeff, eq1(m.t, tx)), maskUnis[i](tx)))));
      maskEvals.push(acc);
    }
    let maskClaim: Fp2 = E.ZERO;
    // the layer instance's s_{k−1}(r_{k−1}); before round 0 its claimed sum: the batch's minus the
    // companion instance's (both known to the prover), so round 0 too derives q(1). A false claim
    // then surfaces in the last round, computed from the tables alone (checked there).
    let layerClaim: Fp2 | null = E.sub(shape.claimedSum, E.mul(E.mulBase(maskInst.weight, pow2(J - 1)), E.add(maskEvals[0], maskEvals[1])));
    for (let k = 0; k < J; k++) {
      const D = degrees[k];
      const nPairs = 2 ** (J - k - 1);
      const headPairs = Math.min(nPairs, Math.max(1, head / 2 ** (k + 1)));
      let layerEvals: Fp2[];
      if (k < J - 1) {
        // q(1) follows from the layer instance's running claim (the honest prover's q(1), as
        // proveSumcheck computes or derives it, so the values are the same): c_k·((1 − ρ_k)·q(0) + ρ_k·q(1)) = claim
        const cRho = E.mul(eq.prefix, rho[k]);
        const q1From = layerClaim !== null && !E.eq(cRho, E.ZERO)
          ? ((claim: Fp2, inv: Fp2) => (q0: Fp2) => E.mul(E.sub(claim, E.mul(E.mul(eq.prefix, E.sub(E.ONE, rho[k])), q0)), inv))(layerClaim, E.inv(cRho))
          : null;
        const q = extendEvals(tables.round(k, nPairs, headPairs, q1From), 3);
        const ceq = eq.scaledLinearValues(k, eq.prefix, 3);
        layerEvals = q.map((x, t) => E.mul(ceq[t], x));
      } else {
        // the last round: two entries per table, the masks' Z·R terms enter (degree D)
        const lo = tables.plainAt(0);
        const hi = tables.plainAt(1);
        const unis = layer.map((m, j) => maskedUnivariate(lo[j], hi[j], m, [], zPrefix[k]));
        const ceq = eq.scaledLinearValues(k, eq.prefix, D);
        layerEvals = [];
        for (let x = 0; x <= D; x++) {
          const f = unis.map((u) => u(E.fromBase(BigInt(x))));
          layerEvals.push(E.mul(ceq[x], E.add(E.mul(f[0], f[3]), E.mul(f[1], f[2]))));
        }
        if (!allowFalseClaim && !E.eq(E.add(layerEvals[0], layerEvals[1]), layerClaim!)) throw new RangeError('proveSumcheck: the claimed sum is not the sum of the batch');
      }
      let total = extendEvals(layerEvals, D);
      if (k === 0) {
        const w = E.mulBase(maskInst.weight, pow2(J - 1));
        const ext = extendEvals(maskEvals, D);
        total = total.map((x, t) => E.add(x, E.mul(w, ext[t])));
      } else {
        const w = E.mulBase(maskInst.weight, pow2(J - k - 1));
        total = total.map((x) => E.add(x, E.mul(w, maskClaim)));
      }
      const r = sendRound(total, k, { g, rho: rhoG }, point, zPrefix, rounds, transcript);
      if (k === 0) maskClaim = interpolateAt(maskEvals, r);
      layerClaim = interpolateAt(layerEvals, r);
      eq.bind(k, r, K); // the suffix table only: the tables' folds below do not read it before the fused pass
      const fuseNext = k + 2 < J && !E.eq(E.mul(eq.prefix, rho[k + 1]), E.ZERO);
      tables.fold(nPairs, headPairs, r, fuseNext);
      K.flush();
      if (headPairs === 1 && k + 1 < J) tables.fixHeads();
    }
    const plain = tables.plainAt(0);
    const values: Fp2[] = [...plain.map((f, j) => layer[j].masked(f, point, zPrefix[J])), ...maskUnis.map((f) => f(point[0]))];
    const claims: EvalClaim[] = values.map((value, j) => ({ table: j, point: j < 4 ? point.slice() : [point[0]], value }));
    layer.forEach((m) => m.noteReveal(point));
    companions.forEach((m) => m.noteReveal([point[0]]));
    const maskValue = g.openAt(point);
    absorbTail(transcript, values, maskValue);
    return { proof: { maskSum, rounds, values, maskValue }, point, claims, values };
  } finally {
    K.release(mark);
  }
}
