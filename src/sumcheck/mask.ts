// Zero-knowledge masks of the sumcheck (Libra, Xie et al. 2019, §4; ZK-NOTES rows 2–3).
//
// 1. The round messages. The prover commits a random polynomial
//        g(x) = a_0 + Σ_k Σ_{e=1..D_k} c_{k,e}·x_k^e        (all coefficients uniform in F_p2)
//    whose degree in x_k is the batch's round degree D_k, sends G = Σ_{x ∈ {0,1}^n} g(x),
//    receives ρ, and runs the sumcheck on claimedSum + ρ·G = Σ_x (F(x) + ρ·g(x)). Every round
//    polynomial is then the private one plus ρ times a uniformly random polynomial of the same
//    degree, consistent with the previous claim. At the end g(r) is revealed (opened by the
//    PCS through the dense functional `maskWeights`).
//    Coefficient layout (the committed vector, F_p2 split into two base polynomials c0, c1):
//        [a_0, c_{0,1}, …, c_{0,D_0}, c_{1,1}, …, c_{n−1,D_{n−1}}], zero-padded to a power of 2.
//
// 2. The final evaluations. A private table f on n_t variables is replaced by
//        f̂(x) = f(x) + Z(x)·R(x_{n_t−m}, …, x_{n_t−1}),   Z(x) = Π_{i<n_t} x_i(1 − x_i),
//    with R multilinear in the table's top m variables and 2^m uniform F_p2 coefficients.
//    f̂ = f on the hypercube, so no sum changes; only the table's last round sees Z·R. A value
//    f̂(r) with Z(r) ≠ 0 is uniform; c ≤ 2^m values at points whose top coordinates give
//    linearly independent eq vectors are jointly uniform. `MaskedPoly` enforces both (count
//    and independence) on every reveal, so a table is never revealed more often than its mask
//    hides.
import * as E from '../field/ext.js';
import { P } from '../field/goldilocks.js';
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { randomExt } from './random.js';
import { sumcheckKernel } from './kernel.js';
import { extElements, mleEvalSmall, pow2, zEval } from './poly.js';

/** Splits an extension vector into its c0 and c1 base vectors, zero-padded to `len`. */
export function splitExt(v: ExtVec, len = v.length >> 1): [BaseVec, BaseVec] {
  const n = v.length >> 1;
  if (len < n) throw new RangeError(`splitExt: length ${len} below ${n}`);
  // large vectors: the WASM kernel (memcpy in, one pass, memcpy out)
  if (len === n && n >= 1 << 12) return sumcheckKernel().splitExt(v);
  const a = new BigUint64Array(len);
  const b = new BigUint64Array(len);
  // copy through 32-bit views: no BigInt per element
  const src = new Uint32Array(v.buffer, v.byteOffset, 2 * v.length);
  const a32 = new Uint32Array(a.buffer);
  const b32 = new Uint32Array(b.buffer);
  for (let i = 0; i < n; i++) {
    a32[2 * i] = src[4 * i];
    a32[2 * i + 1] = src[4 * i + 1];
    b32[2 * i] = src[4 * i + 2];
    b32[2 * i + 1] = src[4 * i + 3];
  }
  return [a, b];
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Number of coefficients of g for the given round degrees. */
export function maskLength(degrees: readonly number[]): number {
  return 1 + degrees.reduce((s, d) => s + d, 0);
}

/** The dense functional w with g(r) = Σ_i w_i·coeff_i, zero-padded to a power of two. */
export function maskWeights(degrees: readonly number[], r: readonly Fp2[]): ExtVec {
  if (r.length !== degrees.length) throw new RangeError(`maskWeights: ${r.length} coordinates for ${degrees.length} rounds`);
  const w = new BigUint64Array(2 * nextPow2(maskLength(degrees)));
  w[0] = 1n;
  let idx = 1;
  degrees.forEach((d, k) => {
    let pw: Fp2 = E.ONE;
    for (let e = 1; e <= d; e++) {
      pw = E.mul(pw, r[k]);
      w[2 * idx] = pw[0];
      w[2 * idx + 1] = pw[1];
      idx++;
    }
  });
  return w;
}

/** The masking polynomial g of one zero-knowledge sumcheck (prover side). */
export class SumcheckMask {
  private opened = false;

  constructor(readonly degrees: readonly number[], readonly coeffs: ExtVec) {
    if (coeffs.length !== 2 * maskLength(degrees)) throw new RangeError(`SumcheckMask: ${coeffs.length >> 1} coefficients for degrees [${degrees}]`);
  }

  static sample(degrees: readonly number[]): SumcheckMask {
    return new SumcheckMask(degrees, randomExt(maskLength(degrees)));
  }

  /** The two base polynomials to commit (c0 and c1 parts), padded to a power of two. */
  polys(): [BaseVec, BaseVec] {
    return splitExt(this.coeffs, nextPow2(maskLength(this.degrees)));
  }

  private coeff(i: number): Fp2 {
    return [this.coeffs[2 * i], this.coeffs[2 * i + 1]];
  }

  /** g_k's coefficients c_{k,1..D_k}, per variable (built once). */
  private perVariable: Fp2[][] | null = null;

  private variable(k: number): Fp2[] {
    if (this.perVariable === null) {
      this.perVariable = [];
      let start = 1;
      for (const d of this.degrees) {
        this.perVariable.push(Array.from({ length: d }, (_, e) => this.coeff(start + e)));
        start += d;
      }
    }
    return this.perVariable[k];
  }

  // Round shares are asked for in order k = 0, 1, …: keep Σ_{j<k} g_j(r_j) and the suffix sums.
  private prefixLen = 0;
  private prefixSum: Fp2 = E.ZERO;
  private prefixPoint: Fp2[] = [];
  private suffix: Fp2[] | null = null;

  private static evalUni(cs: readonly Fp2[], x: Fp2): Fp2 {
    let acc: Fp2 = E.ZERO;
    for (let e = cs.length - 1; e >= 0; e--) acc = E.mul(E.add(acc, cs[e]), x);
    return acc; // Σ_e c_e·x^e with e from 1
  }

  /**
   * Σ_e c_e·t^e at a small integer t (t^e·c < 2^128 per term): exact integer sums reduced once,
   * instead of an extension product per coefficient.
   */
  private static evalUniSmall(cs: readonly Fp2[], t: number): Fp2 {
    let a0 = 0n;
    let a1 = 0n;
    let pw = 1n;
    const tb = BigInt(t);
    for (const c of cs) {
      pw *= tb;
      a0 += c[0] * pw;
      a1 += c[1] * pw;
    }
    return [a0 % P, a1 % P];
  }

  /** G = Σ_{x ∈ {0,1}^n} g(x) = 2^n·a_0 + 2^(n−1)·Σ_{k,e} c_{k,e}. */
  sum(): Fp2 {
    const n = this.degrees.length;
    let rest: Fp2 = E.ZERO;
    for (let i = 1; i < maskLength(this.degrees); i++) rest = E.add(rest, this.coeff(i));
    const head = E.mulBase(this.coeff(0), pow2(n));
    return n === 0 ? head : E.add(head, E.mulBase(rest, pow2(n - 1)));
  }

  /** Advances the cached Σ_{j<k} g_j(r_j) to k coordinates of `prefix` (recomputed if it does not continue). */
  private prefixTo(k: number, prefix: readonly Fp2[]): Fp2 {
    const continues = this.prefixLen <= k && this.prefixPoint.every((x, j) => E.eq(x, prefix[j]));
    if (!continues) {
      this.prefixLen = 0;
      this.prefixSum = E.ZERO;
      this.prefixPoint = [];
    }
    for (let j = this.prefixLen; j < k; j++) {
      this.prefixSum = E.add(this.prefixSum, SumcheckMask.evalUni(this.variable(j), prefix[j]));
      this.prefixPoint.push(prefix[j]);
    }
    this.prefixLen = k;
    return this.prefixSum;
  }

  /**
   * Values at t = 0..D of round k's share of g:
   * Σ_{b ∈ {0,1}^{n−k−1}} g(r_0..r_{k−1}, t, b) = 2^{n−k−1}(a_0 + Σ_{j<k} g_j(r_j) + g_k(t)) + 2^{n−k−2}·Σ_{j>k} g_j(1).
   */
  roundEvals(k: number, prefix: readonly Fp2[], D: number): Fp2[] {
    const n = this.degrees.length;
    if (this.suffix === null) {
      // suffix[j] = Σ_{j' ≥ j} g_{j'}(1)
      this.suffix = new Array<Fp2>(n + 1).fill(E.ZERO);
      for (let j = n - 1; j >= 0; j--) this.suffix[j] = E.add(this.suffix[j + 1], SumcheckMask.evalUniSmall(this.variable(j), 1));
    }
    const fixed = E.add(this.coeff(0), this.prefixTo(k, prefix));
    const later = this.suffix[k + 1];
    const scaleHere = pow2(n - k - 1);
    const laterPart = k + 1 < n ? E.mulBase(later, pow2(n - k - 2)) : E.ZERO;
    const gk = this.variable(k);
    const out: Fp2[] = [];
    for (let t = 0; t <= D; t++) {
      const here = E.add(fixed, SumcheckMask.evalUniSmall(gk, t));
      out.push(E.add(E.mulBase(here, scaleHere), laterPart));
    }
    return out;
  }

  /** g(r); the single reveal of this mask (a second call throws). */
  openAt(r: readonly Fp2[]): Fp2 {
    if (this.opened) throw new Error('SumcheckMask: g is revealed once per sumcheck; this mask was already used');
    if (r.length !== this.degrees.length) throw new RangeError(`SumcheckMask.openAt: ${r.length} coordinates for ${this.degrees.length} variables`);
    this.opened = true;
    return E.add(this.coeff(0), this.prefixTo(r.length, r));
  }
}

/**
 * Echelon basis over F_p2, to check that revealed eq vectors stay independent. Fraction-free
 * elimination in insertion order: each row is zero at the pivots of the rows before it, so
 * eliminating a new vector row by row leaves it zero at every pivot, and it is independent iff
 * something is left. No inversion (an F_p2 inverse is a 64-bit BigInt exponentiation).
 */
class IndependenceCheck {
  private rows: { pivot: number; v: Fp2[] }[] = [];

  /** Adds v; returns false (and adds nothing) if v is in the span of the rows so far. */
  add(v: Fp2[]): boolean {
    let w = v.slice();
    for (const { pivot, v: row } of this.rows) {
      const f = w[pivot];
      if (f[0] === 0n && f[1] === 0n) continue;
      const p = row[pivot];
      w = w.map((x, i) => E.sub(E.mul(p, x), E.mul(f, row[i])));
    }
    const pivot = w.findIndex((x) => x[0] !== 0n || x[1] !== 0n);
    if (pivot < 0) return false;
    this.rows.push({ pivot, v: w });
    return true;
  }
}

function eqVector(point: readonly Fp2[]): Fp2[] {
  let t: Fp2[] = [E.ONE];
  for (const r of point) {
    const next: Fp2[] = new Array(2 * t.length);
    for (let i = 0; i < t.length; i++) {
      next[i] = E.mul(t[i], E.sub(E.ONE, r));
      next[i + t.length] = E.mul(t[i], r);
    }
    t = next;
  }
  return t;
}

/**
 * A private table with its mask R (prover side): f̂ = f + Z·R. Counts and checks every reveal.
 * Commit `commitPolys()` (f as one base vector, or two if f is an extension table, then R's c0
 * and c1) with the hiding PCS; open reveals with `maskedClaimTerms` (in claims.ts).
 */
export class MaskedPoly {
  private readonly independence = new IndependenceCheck();
  private count = 0;

  constructor(
    readonly values: BaseVec | ExtVec,
    readonly numVars: number,
    readonly maskVars: number,
    readonly mask: ExtVec,
  ) {
    const n = 1 << numVars;
    if (values.length !== n && values.length !== 2 * n) throw new RangeError(`MaskedPoly: ${values.length} words for ${numVars} variables`);
    if (!Number.isInteger(maskVars) || maskVars < 0 || maskVars > numVars) throw new RangeError(`MaskedPoly: mask of ${maskVars} variables on ${numVars}`);
    if (mask.length !== 2 << maskVars) throw new RangeError(`MaskedPoly: mask of ${mask.length >> 1} entries for ${maskVars} variables`);
  }

  /** A fresh uniform mask over the top `maskVars` variables (capacity 2^maskVars reveals). */
  static sample(values: BaseVec | ExtVec, numVars: number, maskVars = 1): MaskedPoly {
    return new MaskedPoly(values, numVars, Math.min(maskVars, numVars), randomExt(1 << Math.min(maskVars, numVars)));
  }

  get isExt(): boolean {
    return this.values.length === 2 << this.numVars;
  }

  get capacity(): number {
    return 1 << this.maskVars;
  }

  get reveals(): number {
    return this.count;
  }

  /** R evaluated at the top coordinates of `point`. */
  maskAt(point: readonly Fp2[]): Fp2 {
    return mleEvalSmall(extElements(this.mask), point.slice(this.numVars - this.maskVars));
  }

  /**
   * Records a reveal of f̂(point). Throws if the mask's capacity is used up, if Z(point) = 0
   * (a point with a boolean coordinate: f̂ = f there, so randomize the claim first), or if the
   * new point's eq vector depends on earlier ones (the values would not be jointly uniform).
   */
  noteReveal(point: readonly Fp2[]): void {
    if (point.length !== this.numVars) throw new RangeError(`MaskedPoly: point of ${point.length} coordinates for ${this.numVars} variables`);
    if (this.count >= this.capacity) throw new Error(`MaskedPoly: reveal ${this.count + 1} exceeds the mask's capacity ${this.capacity}`);
    const z = zEval(point);
    if (z[0] === 0n && z[1] === 0n) throw new Error('MaskedPoly: reveal at a point with a boolean coordinate (Z = 0); randomize the claim first');
    if (!this.independence.add(eqVector(point.slice(this.numVars - this.maskVars)))) {
      throw new Error('MaskedPoly: reveal point dependent on earlier reveals; the masked values would not be jointly uniform');
    }
    this.count++;
  }

  /** f̂(point) from f(point): adds Z(point)·R(point_top); `z` = Z(point) when the caller has it. */
  masked(fAtPoint: Fp2, point: readonly Fp2[], z: Fp2 = zEval(point)): Fp2 {
    return E.add(fAtPoint, E.mul(z, this.maskAt(point)));
  }

  /** Vectors to commit, in order: f (c0[, c1]) then R's c0, c1. */
  commitPolys(): BaseVec[] {
    const f = this.isExt ? splitExt(this.values) : [this.values];
    return [...f, ...splitExt(this.mask)];
  }
}
