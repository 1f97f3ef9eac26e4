// Eq-factored round polynomials with power factors: how the prover evaluates the terms that
// carry an eq(ρ, ·) factor, without changing a single value it sends.
//
// Gruen ("Some improvements for the PIOP for ZeroCheck", 2024, §3): for a term eq(ρ, x)·G(x),
// round k's polynomial is
//     s(X) = Σ_{x'} eq(ρ, (r_{<k}, X, x'))·G(r_{<k}, X, x') = c_k · eq(ρ_k, X) · q(X),
//     c_k = Π_{j<k} eq(ρ_j, r_j),   q(X) = Σ_{x'} eq(ρ_{>k}, x')·G(r_{<k}, X, x'),
// so the kernels evaluate q, one degree lower than s, with eq(ρ_{>k}, ·) as a weight per pair:
// no eq table is multiplied in as a factor or folded (the suffix table halves by summing pairs,
// since eq(ρ_j, 0) + eq(ρ_j, 1) = 1), and the linear factor eq(ρ_k, X) is applied to d + 1
// scalars. Terms that share ρ are one group sharing one q.
//
// Power factors: equal table factors of a term (the digest proof's S-box u^7) are one factor
// with an exponent, so the kernel reads u once per pair and raises it by square and multiply
// instead of multiplying seven copies.
//
// The value at 1 of one part of the round polynomial follows from the running claim
// (s(0) + s(1) = claim): of the terms without eq if there are any, else of one group q, where
// q(1) = ((claim − rest)/c_k − (1 − ρ_k)·q(0))/ρ_k needs c_k·ρ_k ≠ 0. When that group has
// coefficient-form power terms of its full degree d (the digest proof's S-boxes), what follows
// from the claim is instead their summed top coefficient C (the t^d coefficient, which is 0 at
// t = 0): the kernel skips it (d^d and its product, ~10% of the kernel) and
// C = q(1) − q_known(1) adds C·t^d to every value; the other terms of the group give all values.
//
// eq at a boolean point (every ρ_j ∈ {0, 1}, e.g. eq(1…1, ·) picking the last permutation of
// the digest proof): eq(ρ, ·) is then 1 at the one hypercube index b with bits ρ and 0
// elsewhere, so the weight eq(ρ_{>k}, x') selects the single pair x' = b >> (k + 1) and
// q(X) = G(r_{<k}, X, b_{>k}) is read off that pair's entries in BigInt: no suffix table and no
// kernel pass over the other pairs. The weights are exactly 0 and 1, so q's values, and every
// message sent, are those of the kernel path (test/sumcheck/eq-delta.test.ts compares them).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import { P } from '../field/goldilocks.js';
import type { SumcheckKernel } from './kernel.js';
import type { MaskedPoly } from './mask.js';
import { extendEvals } from './poly.js';
import type { Factor, Term } from './types.js';
import { isEqFactor } from './types.js';

/** A table in the kernel memory during one proof. */
export interface TableState {
  ptr: number;
  isExt: boolean;
  numVars: number;
  masked: MaskedPoly | null;
  /** Second buffer for pooled folds (SumcheckKernel.foldTable). */
  spare?: number;
}

/** The hypercube index whose bits are ρ when every coordinate is 0 or 1, else null. */
function booleanIndex(point: readonly Fp2[]): number | null {
  let b = 0;
  for (let j = 0; j < point.length; j++) {
    if (E.eq(point[j], E.ONE)) b |= 1 << j; // j < 30 (validateShape)
    else if (!E.eq(point[j], E.ZERO)) return null;
  }
  return b;
}

/** eq(ρ, ·) as a factored factor: the running prefix c_k and the suffix table eq(ρ_{>k}, ·). */
export class EqState {
  /** c_k = Π_{j<k} eq(ρ_j, r_j) after k rounds; eq(ρ, r) once every variable is bound. */
  prefix: Fp2 = E.ONE;
  /** eq(ρ_{>k}, ·): 2^(n−k−1) extension entries in round k; 0 (none) for a delta. */
  readonly suffix: number;
  /** ρ's hypercube index when ρ is boolean (eq(ρ, ·) a delta, see the header), else null. */
  readonly delta: number | null;

  /** `delta` false: a boolean ρ too takes the kernel path (tests compare the two). */
  constructor(readonly point: readonly Fp2[], K: SumcheckKernel, delta = true) {
    this.delta = delta ? booleanIndex(point) : null;
    this.suffix = this.delta === null ? K.eqTable(point.slice(1)) : 0;
  }

  get numVars(): number {
    return this.point.length;
  }

  /** eq(ρ_k, t) = (1 − ρ_k) + t·(2ρ_k − 1). */
  linear(k: number, t: Fp2): Fp2 {
    const rho = this.point[k];
    return E.add(E.sub(E.ONE, rho), E.mul(t, E.sub(E.add(rho, rho), E.ONE)));
  }

  /** c·eq(ρ_k, t) at t = 0..D: c·(1 − ρ_k) plus t times c·(2ρ_k − 1), one product each. */
  scaledLinearValues(k: number, c: Fp2, D: number): Fp2[] {
    const rho = this.point[k];
    const at0 = E.mul(c, E.sub(E.ONE, rho));
    const slope = E.mul(c, E.sub(E.add(rho, rho), E.ONE));
    return Array.from({ length: D + 1 }, (_, t) => E.add(at0, E.mulBase(slope, BigInt(t))));
  }

  /** Binds variable k to r (a no-op for k past this point's variables). */
  bind(k: number, r: Fp2, K: SumcheckKernel): void {
    if (k >= this.numVars) return;
    this.prefix = E.mul(this.prefix, this.linear(k, r));
    if (k + 2 <= this.numVars && this.delta === null) K.sumPairsExt(this.suffix, 1 << (this.numVars - k - 2));
  }
}

interface PowerFactor {
  readonly state: TableState;
  readonly exp: number;
}

interface FactoredTerm {
  readonly coeff: Fp2;
  readonly powers: readonly PowerFactor[];
  /** Degree without the eq factor: Σ exponents. */
  readonly degree: number;
}

interface Group {
  readonly eq: EqState;
  readonly terms: readonly FactoredTerm[];
  /** Degree of q: the largest term degree. */
  readonly degree: number;
}

/** One instance's terms: grouped by their (first) eq point, and the terms without eq. */
export interface InstancePlan {
  readonly groups: readonly Group[];
  readonly plain: readonly Term[];
}

/**
 * Groups an instance's terms. `eqOf` gives the factored eq of a term's first eq factor; any
 * further eq factor of the term stays an ordinary (folded) table through `stateOf`.
 */
export function planInstance(terms: readonly Term[], eqOf: (point: readonly Fp2[]) => EqState, stateOf: (f: Factor) => TableState): InstancePlan {
  const groups = new Map<EqState, FactoredTerm[]>();
  const plain: Term[] = [];
  for (const term of terms) {
    const first = term.factors.findIndex(isEqFactor);
    if (first < 0) {
      plain.push(term);
      continue;
    }
    const eq = eqOf((term.factors[first] as { eq: readonly Fp2[] }).eq);
    const exps = new Map<TableState, number>();
    term.factors.forEach((f, j) => {
      if (j === first) return;
      const s = stateOf(f);
      exps.set(s, (exps.get(s) ?? 0) + 1);
    });
    const powers = [...exps].map(([state, exp]) => ({ state, exp }));
    const list = groups.get(eq) ?? [];
    list.push({ coeff: term.coeff, powers, degree: term.factors.length - 1 });
    groups.set(eq, list);
  }
  return {
    groups: [...groups].map(([eq, ts]) => ({ eq, terms: ts, degree: Math.max(...ts.map((t) => t.degree)) })),
    plain,
  };
}

/** Kernel buffers of one proof: factor descriptors and roundTerm scratch. */
export interface RoundBuffers {
  readonly desc: number;
  readonly scratch: number;
}

/**
 * A single power factor u^e with e ≥ 3 runs in coefficient form (roundPowCoeffs: for e = 7,
 * 20 extension products per pair instead of 35), which yields every value, the one at 1 too.
 */
function inCoefficients(term: FactoredTerm): boolean {
  return term.powers.length === 1 && term.degree >= 3;
}

function binomial(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** C(d, j)·t^j mod p for t, j = 0..d, per d (row t; computed once). */
const powerBases = new Map<number, bigint[][]>();
function powerBasis(d: number): bigint[][] {
  let m = powerBases.get(d);
  if (m === undefined) {
    m = Array.from({ length: d + 1 }, (_, t) => Array.from({ length: d + 1 }, (_, j) => (binomial(d, j) * BigInt(t) ** BigInt(j)) % P));
    powerBases.set(d, m);
  }
  return m;
}

/**
 * q(t) = Σ_j C(d, j)·c_j·t^j at t = 0..d, from the coefficient-form sums c (d = c.length − 1):
 * per value an exact integer sum of products, reduced once.
 */
function coefficientValues(c: readonly Fp2[]): Fp2[] {
  const d = c.length - 1;
  return powerBasis(d).map((row) => {
    let c0 = 0n;
    let c1 = 0n;
    for (let j = 0; j <= d; j++) {
      c0 += row[j] * c[j][0];
      c1 += row[j] * c[j][1];
    }
    return [c0 % P, c1 % P];
  });
}

/**
 * A queued term's output after K.flush(): its values at 0..degree, or (coefficients) the
 * coefficient-form sums c_j of roundPowCoeffs, which a group adds up over its terms (weighted
 * by their coefficients) before it turns them into values once (coefficientValues).
 */
interface TermOutput {
  readonly read: () => Fp2[];
  readonly coefficients: boolean;
}

/**
 * Queues Σ_i w_i·Π f_i(t)^e at t = 0..degree (t = 1 left zero when skipOne; in coefficient
 * form skipOne leaves the top coefficient zero instead, see the header) into a fresh
 * output; the returned reader gives the values after K.flush().
 */
function queueTerm(K: SumcheckKernel, term: FactoredTerm, w: number, nPairs: number, skipOne: boolean, buf: RoundBuffers): TermOutput {
  const d = term.degree;
  if (d === 0) {
    const sum = K.extSum(w, nPairs);
    return { read: () => [sum], coefficients: false };
  }
  const out = K.allocZero(16 * (d + 1));
  const ps = term.powers;
  const values = (): Fp2[] => Array.from({ length: d + 1 }, (_, t) => K.readExt(out, t));
  if (inCoefficients(term)) {
    K.roundPowCoeffs(ps[0].state.ptr, ps[0].state.isExt, d, w, nPairs, out, !skipOne);
    return { read: values, coefficients: true };
  }
  if (ps.length === 1) {
    K.roundPowWeighted(ps[0].state.ptr, ps[0].state.isExt, ps[0].exp, w, nPairs, d, skipOne, out);
  } else if (ps.length === 2 && d === 2) {
    const [a, b] = ps[0].state.isExt ? [ps[1].state, ps[0].state] : [ps[0].state, ps[1].state];
    K.roundProd2Weighted(a.ptr, a.isExt, b.ptr, b.isExt, w, nPairs, skipOne, out);
  } else {
    const fs = ps.flatMap((p) => new Array<TableState>(p.exp).fill(p.state)).sort((a, b) => Number(a.isExt) - Number(b.isExt));
    const dv = K.u32s(buf.desc, 2 * fs.length);
    fs.forEach((s, j) => {
      dv[2 * j] = s.ptr;
      dv[2 * j + 1] = s.isExt ? 1 : 0;
    });
    K.roundTermWeighted(buf.desc, fs.length, nPairs, d, skipOne, w, buf.scratch, out);
  }
  return { read: values, coefficients: false };
}

/**
 * q_term(t) = Π f(t)^e at t = 0..degree for a delta eq: f(t) = lo + t·(hi − lo) from the
 * entries 2·pair and 2·pair + 1 of each table (read after the round's flush: folds are done).
 */
function deltaTermValues(K: SumcheckKernel, term: FactoredTerm, pair: number): Fp2[] {
  const lines = term.powers.map(({ state, exp }) => {
    const read = (i: number): Fp2 => (state.isExt ? K.readExt(state.ptr, i) : E.fromBase(K.readBase(state.ptr, i)));
    const lo = read(2 * pair);
    return { lo, diff: E.sub(read(2 * pair + 1), lo), exp: BigInt(exp) };
  });
  return Array.from({ length: term.degree + 1 }, (_, t) =>
    lines.reduce<Fp2>((acc, { lo, diff, exp }) => E.mul(acc, E.pow(E.add(lo, E.mulBase(diff, BigInt(t))), exp)), E.ONE),
  );
}

/**
 * A group of exactly two products of two distinct extension tables with equal coefficients
 * (a LogUp-GKR layer: eq·(T·R_q + R_p·L_q)) runs as one kernel call that applies the weight
 * once per point: its four tables, or null.
 */
function fusedPair(g: Group): TableState[] | null {
  if (g.terms.length !== 2 || g.degree !== 2 || !E.eq(g.terms[0].coeff, g.terms[1].coeff)) return null;
  const fs = g.terms.flatMap((t) => t.powers);
  if (g.terms.some((t) => t.powers.length !== 2) || fs.some((p) => p.exp !== 1 || !p.state.isExt)) return null;
  return fs.map((p) => p.state);
}

/**
 * Values at 0..D of one instance's round polynomial in round k (not its last round).
 * `queuePlain(terms, skipOne)` queues the terms without eq (the prover's unfactored kernel
 * path) and returns a reader of their values at 0..D after K.flush(), given the claim on them
 * when skipOne. Every kernel of the round is queued before one flush (one pool run).
 */
export function factoredRoundEvals(
  K: SumcheckKernel,
  plan: InstancePlan,
  k: number,
  ni: number,
  D: number,
  claim: Fp2 | null,
  buf: RoundBuffers,
  queuePlain: (terms: readonly Term[], skipOne: boolean) => (claim: Fp2 | null) => Fp2[],
): Fp2[] {
  const nPairs = 1 << (ni - k - 1);
  // The part whose value at 1 follows from the claim.
  let derived: Group | 'plain' | null = null;
  if (claim !== null) {
    if (plan.plain.length > 0) derived = 'plain';
    else {
      let best = -1;
      for (const g of plan.groups) {
        // a delta group's values are read off one pair (deltaTermValues): deriving saves nothing there
        const cost = g.eq.delta !== null ? 0 : g.degree * g.terms.length;
        if (g.degree >= 1 && cost > best && !E.eq(g.eq.prefix, E.ZERO) && !E.eq(g.eq.point[k], E.ZERO)) {
          derived = g;
          best = cost;
        }
      }
    }
  }
  let total: Fp2[] = new Array<Fp2>(D + 1).fill(E.ZERO);
  let known01: Fp2 = E.ZERO; // s(0) + s(1) of every part computed so far
  const ordered = derived !== null && derived !== 'plain' ? [...plan.groups.filter((g) => g !== derived), derived] : plan.groups;
  // derive the top coefficient of the group's coefficient-form terms, or else q(1) (see the header)
  const topDerived = derived !== null && derived !== 'plain' && derived.eq.delta === null && derived.terms.some((t) => inCoefficients(t) && t.degree === derived.degree);
  const skips = (g: Group, term: FactoredTerm): boolean => g === derived && term.degree === g.degree && inCoefficients(term) === topDerived;
  // per group its parts: the terms, or one fused part standing for both (coefficient shared)
  const parts = ordered.map((g) => {
    const delta = g.eq.delta;
    if (delta !== null) return g.terms.map((term) => ({ term, read: () => deltaTermValues(K, term, delta >> (k + 1)), coefficients: false }));
    const fused = fusedPair(g);
    if (fused === null) return g.terms.map((term) => ({ term, ...queueTerm(K, term, g.eq.suffix, nPairs, skips(g, term), buf) }));
    const term: FactoredTerm = { coeff: g.terms[0].coeff, powers: [], degree: 2 };
    const out = K.allocZero(48);
    K.roundProd2x2Weighted(fused[0].ptr, fused[1].ptr, fused[2].ptr, fused[3].ptr, g.eq.suffix, nPairs, skips(g, term), out);
    return [{ term, read: () => [0, 1, 2].map((t) => K.readExt(out, t)), coefficients: false }];
  });
  const plainReader = plan.plain.length > 0 ? queuePlain(plan.plain, derived === 'plain') : null;
  K.flush();
  ordered.forEach((g, gi) => {
    const skip = g === derived;
    const full: Fp2[] = new Array<Fp2>(g.degree + 1).fill(E.ZERO);
    const partial: Fp2[] = new Array<Fp2>(g.degree + 1).fill(E.ZERO); // terms without their value at 1
    const coefficientSums = new Map<number, Fp2[]>(); // by term degree: Σ coeff·c_j
    parts[gi].forEach(({ term, read, coefficients }) => {
      const vals = read();
      if (coefficients) {
        const sums = coefficientSums.get(term.degree) ?? new Array<Fp2>(term.degree + 1).fill(E.ZERO);
        for (let j = 0; j <= term.degree; j++) sums[j] = E.add(sums[j], E.mul(term.coeff, vals[j]));
        coefficientSums.set(term.degree, sums);
        return;
      }
      const skipTerm = skips(g, term);
      const into = skipTerm ? partial : full;
      // scaled before it is extended to the group's degree (fewer products; extension is linear)
      const scaled = vals.map((v) => E.mul(term.coeff, v));
      const ext = skipTerm ? scaled : extendEvals(scaled, g.degree);
      for (let t = 0; t <= g.degree; t++) into[t] = E.add(into[t], ext[t]);
    });
    for (const sums of coefficientSums.values()) {
      const ext = extendEvals(coefficientValues(sums), g.degree);
      for (let t = 0; t <= g.degree; t++) full[t] = E.add(full[t], ext[t]);
    }
    let q = full.map((x, t) => E.add(x, partial[t]));
    const c = g.eq.prefix;
    if (skip) {
      const rho = g.eq.point[k];
      // q(1) = ((claim − rest)/c − (1 − ρ_k)·q(0))/ρ_k with one inversion, of c·ρ_k
      const q1 = E.mul(E.sub(E.sub(claim!, known01), E.mul(E.mul(c, E.sub(E.ONE, rho)), q[0])), E.inv(E.mul(c, rho)));
      if (topDerived) {
        const top = E.sub(q1, q[1]);
        const tPowD = powerBasis(g.degree).map((row) => row[g.degree]);
        q = q.map((x, t) => E.add(x, E.mulBase(top, tPowD[t])));
      } else q = q.map((x, t) => (t === 1 ? q1 : x));
    }
    const qD = extendEvals(q, D);
    const ceq = g.eq.scaledLinearValues(k, c, D);
    const s = qD.map((x, t) => E.mul(ceq[t], x));
    known01 = E.add(known01, E.add(s[0], s[1]));
    total = total.map((x, t) => E.add(x, s[t]));
  });
  if (plainReader !== null) {
    const p = plainReader(derived === 'plain' ? E.sub(claim!, known01) : null);
    total = total.map((x, t) => E.add(x, p[t]));
  }
  return total;
}
