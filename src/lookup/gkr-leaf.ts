// The LogUp-GKR leaf layer's sumcheck (layer J = D − 1 of logup-gkr.ts), specialised: the same
// batch (layerShape), the same round polynomials and values sent — only how the prover computes
// them differs, so the proof bytes equal those of the generic proveSumcheck.
//
// The layer's sum is Σ_x eq(ρ, x)·(T·R_q + R_p·L_q)(x) with T = L_p + λ·L_q. Its tables are
// the halves of the leaves: L the left half (looked-up columns), R the right half (the rest:
// smaller sections, then the zero fractions 0/1 up to 2^D). Two facts make it cheap:
//   - when every left-half leaf is a looked-up column without a rows indicator, L_p ≡ 1, so
//     L_q = (T − 1)/λ and T·R_q + R_p·L_q = T·U − V with U = R_q + R_p/λ, V = R_p/λ;
//   - R is 0/1 (U = 1, V = 0) past its first h entries, and stays so under folding.
// So the round polynomial is Σ_pairs w·T(t) over the tail (one weighted linear sum) plus
// Σ w·(T·U − V)(t) over the 2^(a−k−1) head pairs (h ≤ 2^a), and only T is folded over the whole
// table; U and V live in buffers of 2·2^a entries whose upper half is the constant tail.
// L_q(r), R_p(r), R_q(r) at the end follow from T(r), U(r), V(r). The companion-mask instance
// (one variable) and the Libra mask g are handled exactly as proveSumcheck does.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import { sumcheckKernel, type FoldableTable } from '../sumcheck/kernel.js';
import { EqState } from '../sumcheck/factored.js';
import type { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { extElements, extendEvals, interpolateAt, mleEvalSmall, pow2 } from '../sumcheck/poly.js';
import type { ProverOutput } from '../sumcheck/prover.js';
import { absorbProofHead, absorbRound, absorbTail } from '../sumcheck/proof.js';
import type { BatchShape, EvalClaim } from '../sumcheck/types.js';
import { roundDegrees, validateShape } from '../sumcheck/types.js';

/** One term of the companion-mask instance: coeff·eq(t, w)·M̂(w). */
export interface LeafMaskTerm {
  readonly coeff: Fp2;
  readonly t: Fp2;
  readonly companion: MaskedPoly;
}

export interface LeafLayerInput {
  /** layerShape(J, …): tables [T̂, R̂_p, L̂_q, R̂_q, companions…], instances [layer, companion masks]. */
  readonly shape: BatchShape;
  readonly lambda: Fp2;
  /** ρ: the eq point of the layer instance (J coordinates). */
  readonly point: readonly Fp2[];
  /** The masked tables T̂, R̂_p, L̂_q, R̂_q (their masks and reveal counts; values are not read). */
  readonly layer: readonly [MaskedPoly, MaskedPoly, MaskedPoly, MaskedPoly];
  /** The companions of the mask instance's terms, in order (tables 4, 5, …). */
  readonly companions: readonly MaskedPoly[];
  /** T = L_p + λ·L_q (2^J extension entries; copied before `heads` is called). */
  readonly T: ExtVec;
  /** 2^a ≥ the used entries of R, with 4·2^a ≤ 2^J. */
  readonly headEntries: number;
  /** U and V over their first 2·headEntries entries (copied at once). */
  readonly heads: () => { u: ExtVec; v: ExtVec };
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

/** Σ_pairs w·(T·U − V)(t) over the head and Σ w·T(t) over the tail, at t = 0, 1, 2; then s(t) = c_k·eq(ρ_k, t)·q(t) at 0..3. */
function roundEvals(K: Kernel, eq: EqState, k: number, T: FoldableTable, U: FoldableTable, V: FoldableTable, nPairs: number, headPairs: number): Fp2[] {
  const w = eq.suffix;
  const prod = K.allocZero(48);
  const lin = K.allocZero(32);
  const tail = K.allocZero(32);
  K.roundProd2Weighted(T.ptr, true, U.ptr, true, w, headPairs, false, prod);
  K.roundPowWeighted(V.ptr, true, 1, w, headPairs, 1, false, lin);
  if (nPairs > headPairs) K.roundPowWeighted(T.ptr + 32 * headPairs, true, 1, w + 16 * headPairs, nPairs - headPairs, 1, false, tail);
  K.flush();
  // linear parts: value at 2 = 2·(value at 1) − (value at 0)
  const l0 = E.sub(K.readExt(tail, 0), K.readExt(lin, 0));
  const l1 = E.sub(K.readExt(tail, 1), K.readExt(lin, 1));
  const l2 = E.sub(E.add(l1, l1), l0);
  const q = extendEvals([E.add(K.readExt(prod, 0), l0), E.add(K.readExt(prod, 1), l1), E.add(K.readExt(prod, 2), l2)], 3);
  return q.map((x, t) => E.mul(E.mul(eq.prefix, eq.linear(k, E.fromBase(BigInt(t)))), x));
}

/** The layer instance's last round (two entries per table), masks included, at t = 0..D. */
function lastRoundEvals(K: Kernel, eq: EqState, k: number, T: FoldableTable, U: FoldableTable, V: FoldableTable, lambda: Fp2, lambdaInv: Fp2, layer: LeafLayerInput['layer'], z: Fp2, D: number): Fp2[] {
  const t = [K.readExt(T.ptr, 0), K.readExt(T.ptr, 1)];
  const u = [K.readExt(U.ptr, 0), K.readExt(U.ptr, 1)];
  const v = [K.readExt(V.ptr, 0), K.readExt(V.ptr, 1)];
  const plain = [0, 1].map((i) => [t[i], E.mul(lambda, v[i]), E.mul(E.sub(t[i], E.ONE), lambdaInv), E.sub(u[i], v[i])]);
  const unis = layer.map((m, j) => maskedUnivariate(plain[0][j], plain[1][j], m, [], z));
  const out: Fp2[] = [];
  for (let x = 0; x <= D; x++) {
    const tx = E.fromBase(BigInt(x));
    const f = unis.map((g) => g(tx));
    out.push(E.mul(E.mul(eq.prefix, eq.linear(k, tx)), E.add(E.mul(f[0], f[3]), E.mul(f[1], f[2]))));
  }
  return out;
}

function setExt(K: Kernel, ptr: number, i: number, x: Fp2): void {
  const w = K.words(ptr + 16 * i, 2);
  w[0] = x[0];
  w[1] = x[1];
}

/** Proves the leaf layer's batch; the same output (and transcript) as proveSumcheck on it. */
export function proveLeafLayer(input: LeafLayerInput, g: SumcheckMask, transcript: Transcript, allowFalseClaim: boolean): ProverOutput {
  const { shape, lambda, point: rho, layer, companions } = input;
  validateShape(shape);
  const J = rho.length;
  const degrees = roundDegrees(shape);
  const maskInst = shape.instances[1];
  if (J < 2 || degrees.length !== J || shape.instances.length !== 2 || maskInst.numVars !== 1 || maskInst.terms.length !== companions.length) {
    throw new RangeError('gkr-leaf: not a leaf layer shape');
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
    const T: FoldableTable = { ptr: K.put(input.T), isExt: true };
    const { u, v } = input.heads();
    const U: FoldableTable = { ptr: K.put(u), isExt: true };
    const V: FoldableTable = { ptr: K.put(v), isExt: true };
    const eq = new EqState(rho, K);

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
    for (let k = 0; k < J; k++) {
      const D = degrees[k];
      const nPairs = 2 ** (J - k - 1);
      const headPairs = Math.min(nPairs, Math.max(1, head / 2 ** (k + 1)));
      const layerEvals = k < J - 1 ? roundEvals(K, eq, k, T, U, V, nPairs, headPairs) : lastRoundEvals(K, eq, k, T, U, V, lambda, lambdaInv, layer, zPrefix[k], D);
      let total = extendEvals(layerEvals, D);
      if (k === 0) {
        const w = E.mulBase(maskInst.weight, pow2(J - 1));
        const ext = extendEvals(maskEvals, D);
        total = total.map((x, t) => E.add(x, E.mul(w, ext[t])));
        if (!allowFalseClaim && !E.eq(E.add(total[0], total[1]), shape.claimedSum)) throw new RangeError('proveSumcheck: the claimed sum is not the sum of the batch');
      } else {
        const w = E.mulBase(maskInst.weight, pow2(J - k - 1));
        total = total.map((x) => E.add(x, E.mul(w, maskClaim)));
      }
      const gEvals = g.roundEvals(k, point, D);
      total = total.map((x, t) => E.add(x, E.mul(rhoG, gEvals[t])));
      const sent = [total[0], ...total.slice(2)];
      rounds.push(sent);
      const r = absorbRound(transcript, sent);
      point.push(r);
      zPrefix.push(E.mul(zPrefix[k], E.mul(r, E.sub(E.ONE, r))));
      if (k === 0) maskClaim = interpolateAt(maskEvals, r);
      K.foldTable(T, nPairs, r);
      K.foldTable(U, headPairs, r);
      K.foldTable(V, headPairs, r);
      K.flush();
      eq.bind(k, r, K);
      if (headPairs === 1 && k + 1 < J) {
        // the next round's pair 0 reads entry 1: the tail's constant (U = 1, V = 0)
        setExt(K, U.ptr, 1, E.ONE);
        setExt(K, V.ptr, 1, E.ZERO);
      }
    }
    // final values: L_q = (T − 1)/λ, R_p = λ·V, R_q = U − V at r
    const tR = K.readExt(T.ptr, 0);
    const uR = K.readExt(U.ptr, 0);
    const vR = K.readExt(V.ptr, 0);
    const plain = [tR, E.mul(lambda, vR), E.mul(E.sub(tR, E.ONE), lambdaInv), E.sub(uR, vR)];
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
