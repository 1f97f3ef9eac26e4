// Dense multilinear extensions over the boolean hypercube.
//
// Variable order (the one convention of the whole library, as in src/field/vec.ts): a table of
// 2^k entries is little-endian, entry i = f(x_0, …, x_{k−1}) with i = Σ_j x_j·2^j. So x_0 is
// the lowest index bit, `point[j]` pairs with bit j, and the first k_lo coordinates of a point
// select the position inside a block of 2^k_lo consecutive entries.
//
// A vector whose length is not a power of two is the table of its zero-padded extension: its
// MLE has ceil(log2 len) variables and value 0 on the missing corners.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';

/** Number of variables of the MLE of a vector of `len` entries: ceil(log2 len), 0 for len 1. */
export function numVars(len: number): number {
  if (!Number.isInteger(len) || len < 1) throw new RangeError(`numVars: length ${len} must be a positive integer`);
  let k = 0;
  while (2 ** k < len) k++;
  return k;
}

/** The vector zero-padded to the next power of two (the same array when already a power). */
export function padToPow2(v: BaseVec): BaseVec {
  const n = 2 ** numVars(v.length);
  if (n === v.length) return v;
  const out = new BigUint64Array(n);
  out.set(v);
  return out;
}

/** Same for an extension vector (2 words per element). */
export function padExtToPow2(v: ExtVec): ExtVec {
  const n = 2 ** numVars(v.length >> 1);
  if (2 * n === v.length) return v;
  const out = new BigUint64Array(2 * n);
  out.set(v);
  return out;
}

function checkPoint(len: number, point: readonly Fp2[], op: string): void {
  const k = numVars(len);
  if (point.length !== k) throw new RangeError(`${op}: a vector of ${len} entries has ${k} variables, the point has ${point.length}`);
}

/** f(point) for the MLE f of a base vector (zero-padded): ⟨v, eq(point, ·)⟩ on the kernels. */
export function evaluate(v: BaseVec, point: readonly Fp2[]): Fp2 {
  checkPoint(v.length, point, 'evaluate');
  const eq = V.eqTable(point);
  return V.baseInnerExt(v, eq.length === 2 * v.length ? eq : eq.subarray(0, 2 * v.length));
}

/** f(point) for the MLE of an extension vector (zero-padded). */
export function evaluateExt(v: ExtVec, point: readonly Fp2[]): Fp2 {
  if (v.length % 2 !== 0) throw new RangeError('evaluateExt: odd number of words');
  checkPoint(v.length >> 1, point, 'evaluateExt');
  const eq = V.eqTable(point);
  return V.extInner(v, eq.length === v.length ? eq : eq.subarray(0, v.length));
}

/**
 * Binds the lowest r.length variables: out[j] = Σ_i eq(r, i)·v[j·2^|r| + i], a table of the
 * remaining (high) variables. The input is zero-padded first.
 */
export function bindLow(v: BaseVec, r: readonly Fp2[]): ExtVec {
  let table = padToPow2(v);
  if (r.length > numVars(table.length)) throw new RangeError(`bindLow: ${r.length} coordinates for ${numVars(table.length)} variables`);
  if (r.length === 0) return V.toExt(table);
  let ext = V.foldBase(table, r[0]);
  for (let j = 1; j < r.length; j++) ext = V.foldExt(ext, r[j]);
  return ext;
}

/**
 * Binds the highest r.length variables: out[j] = Σ_i eq(r, i)·v[i·2^k_lo + j] with
 * k_lo = numVars − |r|, a table of the low variables (the row combination of a matrix whose
 * rows are consecutive blocks of 2^k_lo entries). r[0] pairs with the lowest of the bound
 * variables. The input is zero-padded first.
 */
export function bindHigh(v: BaseVec, r: readonly Fp2[]): ExtVec {
  const table = padToPow2(v);
  const k = numVars(table.length);
  if (r.length > k) throw new RangeError(`bindHigh: ${r.length} coordinates for ${k} variables`);
  if (r.length === 0) return V.toExt(table);
  // Bind the top variable first: lo + r·(hi − lo) over the two halves, all vector kernels.
  let half = table.length >> 1;
  const top = r[r.length - 1];
  let ext = V.extAdd(V.toExt(table.subarray(0, half)), V.baseScaleExt(V.baseSub(table.subarray(half), table.subarray(0, half)), top));
  for (let j = r.length - 2; j >= 0; j--) {
    half >>= 1;
    const lo = ext.subarray(0, 2 * half);
    const hi = ext.subarray(2 * half);
    ext = V.extAdd(lo, V.extScale(V.extSub(hi, lo), r[j]));
  }
  return ext;
}

/** eq(a, b) = Π_j (a_j·b_j + (1 − a_j)(1 − b_j)) for two points of the same length. */
export function eqEval(a: readonly Fp2[], b: readonly Fp2[]): Fp2 {
  if (a.length !== b.length) throw new RangeError(`eqEval: points of ${a.length} and ${b.length} coordinates`);
  let acc: Fp2 = E.ONE;
  for (let j = 0; j < a.length; j++) {
    const t = E.add(E.mul(a[j], b[j]), E.mul(E.sub(E.ONE, a[j]), E.sub(E.ONE, b[j])));
    acc = E.mul(acc, t);
  }
  return acc;
}
