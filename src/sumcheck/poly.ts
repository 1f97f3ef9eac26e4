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

/** Coefficients (in X^0..X^d) of the Lagrange basis polynomials of the nodes 0..d, per d. */
const basisCoefficients = new Map<number, bigint[][]>();
function lagrangeBasis(d: number): bigint[][] {
  let out = basisCoefficients.get(d);
  if (out === undefined) {
    const dens = lagrangeDenominators(d);
    out = [];
    for (let i = 0; i <= d; i++) {
      // Π_{j≠i} (X − j), expanded
      let poly: bigint[] = [1n];
      for (let j = 0; j <= d; j++) {
        if (j === i) continue;
        const next = new Array<bigint>(poly.length + 1).fill(0n);
        poly.forEach((c, k) => {
          next[k + 1] = F.add(next[k + 1], c);
          next[k] = F.sub(next[k], F.mul(c, BigInt(j)));
        });
        poly = next;
      }
      out.push(poly.map((c) => F.mul(c, dens[i])));
    }
    basisCoefficients.set(d, out);
  }
  return out;
}

/**
 * Evaluates at x the polynomial of degree ≤ d given by its values at 0, 1, …, d: converts to
 * coefficients with the cached inverse Vandermonde matrix of the integer nodes (base-field
 * constants), then Horner. No inversion per call.
 */
export function interpolateAt(evals: readonly Fp2[], x: Fp2): Fp2 {
  const d = evals.length - 1;
  if (d < 0) throw new RangeError('interpolateAt: no values');
  const basis = lagrangeBasis(d);
  let acc: Fp2 = E.ZERO;
  for (let k = d; k >= 0; k--) {
    let c0 = 0n;
    let c1 = 0n;
    for (let i = 0; i <= d; i++) {
      c0 += basis[i][k] * evals[i][0];
      c1 += basis[i][k] * evals[i][1];
    }
    acc = E.add(E.mul(acc, x), [c0 % F.P, c1 % F.P]);
  }
  return acc;
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

/**
 * Values at 0..D of the polynomial given by its values at 0..d (d ≤ D). Each new value is an
 * exact integer sum of products reduced once (as in interpolateAt).
 */
export function extendEvals(evals: readonly Fp2[], D: number): Fp2[] {
  const out = evals.slice(0, D + 1);
  const d = evals.length - 1;
  for (let t = evals.length; t <= D; t++) {
    const w = weightsAtInteger(d, t);
    let c0 = 0n;
    let c1 = 0n;
    for (let i = 0; i <= d; i++) {
      c0 += evals[i][0] * w[i];
      c1 += evals[i][1] * w[i];
    }
    out.push([c0 % F.P, c1 % F.P]);
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
