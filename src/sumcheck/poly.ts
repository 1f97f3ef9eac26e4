// Scalar polynomial helpers shared by the sumcheck prover and verifier (BigInt; only ever
// called on a handful of values per round, never per table entry).
import * as F from '../field/goldilocks.js';
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';

/** 1/Π_{j≠i}(i − j) for the nodes 0..d, per d (base-field constants, computed once). */
const denominators = new Map<number, bigint[]>();
function lagrangeDenominators(d: number): bigint[] {
  let out = denominators.get(d);
  if (out === undefined) {
    out = [];
    for (let i = 0; i <= d; i++) {
      let den = 1n;
      for (let j = 0; j <= d; j++) if (j !== i) den = F.mul(den, F.fromBigInt(BigInt(i - j)));
      out.push(F.inv(den));
    }
    denominators.set(d, out);
  }
  return out;
}

/**
 * Evaluates at x the polynomial of degree ≤ d given by its values at 0, 1, …, d (Lagrange over
 * the integer nodes). Exact for any x, including a node. One F_p2 inversion per call (all the
 * 1/(x − j) by Montgomery's trick); the node denominators are cached constants.
 */
export function interpolateAt(evals: readonly Fp2[], x: Fp2): Fp2 {
  const d = evals.length - 1;
  if (d < 0) throw new RangeError('interpolateAt: no values');
  // x equal to a node: return that value (the formula below would divide by zero).
  if (x[1] === 0n && x[0] <= BigInt(d)) return evals[Number(x[0])];
  const diffs: Fp2[] = [];
  const prefix: Fp2[] = [];
  let all: Fp2 = E.ONE;
  for (let j = 0; j <= d; j++) {
    const dj = E.sub(x, E.fromBase(BigInt(j)));
    diffs.push(dj);
    prefix.push(all);
    all = E.mul(all, dj);
  }
  // inverses of every diff from one inversion: inv_j = prefix_j · suffix_j / all
  const invDiffs: Fp2[] = new Array(d + 1);
  let acc = E.inv(all);
  for (let j = d; j >= 0; j--) {
    invDiffs[j] = E.mul(acc, prefix[j]);
    acc = E.mul(acc, diffs[j]);
  }
  const dens = lagrangeDenominators(d);
  let out: Fp2 = E.ZERO;
  for (let i = 0; i <= d; i++) {
    // L_i(x) = Π_{j} (x − j) / (x − i) / Π_{j≠i} (i − j)
    const li = E.mulBase(E.mul(all, invDiffs[i]), dens[i]);
    out = E.add(out, E.mul(li, evals[i]));
  }
  return out;
}

/** Lagrange coefficients at the integer t of the nodes 0..d (cached; no inversions per use). */
const integerWeights = new Map<string, bigint[]>();
function weightsAtInteger(d: number, t: number): bigint[] {
  const key = `${d}:${t}`;
  let w = integerWeights.get(key);
  if (w === undefined) {
    const dens = lagrangeDenominators(d);
    w = [];
    for (let i = 0; i <= d; i++) {
      let num = 1n;
      for (let j = 0; j <= d; j++) if (j !== i) num = F.mul(num, F.fromBigInt(BigInt(t - j)));
      w.push(F.mul(num, dens[i]));
    }
    integerWeights.set(key, w);
  }
  return w;
}

/** Values at 0..D of the polynomial given by its values at 0..d (d ≤ D). */
export function extendEvals(evals: readonly Fp2[], D: number): Fp2[] {
  const out = evals.slice(0, D + 1);
  const d = evals.length - 1;
  for (let t = evals.length; t <= D; t++) {
    const w = weightsAtInteger(d, t);
    let acc: Fp2 = E.ZERO;
    for (let i = 0; i <= d; i++) acc = E.add(acc, E.mulBase(evals[i], w[i]));
    out.push(acc);
  }
  return out;
}

/** eq(a, b) = Π_i (a_i·b_i + (1 − a_i)(1 − b_i)). */
export function eqEval(a: readonly Fp2[], b: readonly Fp2[]): Fp2 {
  if (a.length !== b.length) throw new RangeError(`eqEval: lengths ${a.length} and ${b.length} differ`);
  let acc: Fp2 = E.ONE;
  for (let i = 0; i < a.length; i++) {
    const t = E.add(E.mul(a[i], b[i]), E.mul(E.sub(E.ONE, a[i]), E.sub(E.ONE, b[i])));
    acc = E.mul(acc, t);
  }
  return acc;
}

/** Z(r) = Π_i r_i(1 − r_i): the vanishing polynomial of the hypercube used by the masks. */
export function zEval(r: readonly Fp2[]): Fp2 {
  let acc: Fp2 = E.ONE;
  for (const x of r) acc = E.mul(acc, E.mul(x, E.sub(E.ONE, x)));
  return acc;
}

/** The multilinear extension of a small extension table (little-endian) at `point`. */
export function mleEvalSmall(table: readonly Fp2[], point: readonly Fp2[]): Fp2 {
  if (table.length !== 1 << point.length) throw new RangeError(`mleEvalSmall: table of ${table.length} entries for ${point.length} variables`);
  let cur = table.slice();
  for (const r of point) {
    const next: Fp2[] = [];
    for (let i = 0; i < cur.length; i += 2) next.push(E.add(cur[i], E.mul(r, E.sub(cur[i + 1], cur[i]))));
    cur = next;
  }
  return cur[0];
}

/** Elements of an extension vector (2 words each) as pairs. */
export function extElements(v: BigUint64Array): Fp2[] {
  const out: Fp2[] = [];
  for (let i = 0; i < v.length; i += 2) out.push([v[i], v[i + 1]]);
  return out;
}

/** 2^e as a field element (e < 64 is an exact shift; larger exponents reduce mod p). */
export function pow2(e: number): bigint {
  if (!Number.isInteger(e) || e < 0) throw new RangeError(`pow2: exponent ${e}`);
  return e < 64 ? F.fromBigInt(1n << BigInt(e)) : F.pow(2n, BigInt(e));
}
