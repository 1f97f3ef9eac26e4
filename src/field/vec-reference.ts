// BigInt reference implementations of the vector kernels. Slow and obviously correct:
// the WASM kernels in ./vec.ts are tested and benchmarked against these.
//
// Layout: a base vector is a BigUint64Array of canonical elements. An extension vector of
// n elements is a BigUint64Array of 2n words, element i = (v[2i], v[2i+1]) = v[2i] + v[2i+1]·X.
// Multilinear tables are little-endian: index i = Σ_j x_j·2^j, so x_0 is the lowest bit
// and the first variable bound (by a fold) pairs adjacent entries.
import * as F from './goldilocks.js';
import * as E from './ext.js';
import type { Fp2 } from './ext.js';

export type BaseVec = BigUint64Array;
export type ExtVec = BigUint64Array;

export function extLength(v: ExtVec): number {
  return v.length >> 1;
}

export function extGet(v: ExtVec, i: number): Fp2 {
  return [v[2 * i], v[2 * i + 1]];
}

export function extSet(v: ExtVec, i: number, x: Fp2): void {
  v[2 * i] = x[0];
  v[2 * i + 1] = x[1];
}

export function baseFromBigInts(xs: readonly bigint[]): BaseVec {
  return BigUint64Array.from(xs, F.fromBigInt);
}

export function extFromElements(xs: readonly Fp2[]): ExtVec {
  const v = new BigUint64Array(2 * xs.length);
  xs.forEach((x, i) => extSet(v, i, x));
  return v;
}

export function toExt(a: BaseVec): ExtVec {
  const v = new BigUint64Array(2 * a.length);
  for (let i = 0; i < a.length; i++) v[2 * i] = a[i];
  return v;
}

function sameLength(a: { length: number }, b: { length: number }, op: string): void {
  if (a.length !== b.length) throw new RangeError(`${op}: lengths ${a.length} and ${b.length} differ`);
}

export function baseAdd(a: BaseVec, b: BaseVec): BaseVec {
  sameLength(a, b, 'baseAdd');
  return a.map((x, i) => F.add(x, b[i]));
}

export function baseSub(a: BaseVec, b: BaseVec): BaseVec {
  sameLength(a, b, 'baseSub');
  return a.map((x, i) => F.sub(x, b[i]));
}

export function baseMul(a: BaseVec, b: BaseVec): BaseVec {
  sameLength(a, b, 'baseMul');
  return a.map((x, i) => F.mul(x, b[i]));
}

export function baseScale(a: BaseVec, s: F.Fp): BaseVec {
  return a.map((x) => F.mul(x, s));
}

export function baseSum(a: BaseVec): F.Fp {
  let s = 0n;
  for (const x of a) s += x;
  return s % F.P;
}

export function baseInner(a: BaseVec, b: BaseVec): F.Fp {
  sameLength(a, b, 'baseInner');
  let s = 0n;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s % F.P;
}

/** Inverts every element; zero has no inverse and is an error. */
export function baseBatchInverse(a: BaseVec): BaseVec {
  return a.map((x) => F.inv(x));
}

export function extAdd(a: ExtVec, b: ExtVec): ExtVec {
  sameLength(a, b, 'extAdd');
  return a.map((x, i) => F.add(x, b[i]));
}

export function extSub(a: ExtVec, b: ExtVec): ExtVec {
  sameLength(a, b, 'extSub');
  return a.map((x, i) => F.sub(x, b[i]));
}

export function extMul(a: ExtVec, b: ExtVec): ExtVec {
  sameLength(a, b, 'extMul');
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < a.length >> 1; i++) extSet(out, i, E.mul(extGet(a, i), extGet(b, i)));
  return out;
}

export function extScale(a: ExtVec, s: Fp2): ExtVec {
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < a.length >> 1; i++) extSet(out, i, E.mul(extGet(a, i), s));
  return out;
}

export function extMulBase(a: ExtVec, b: BaseVec): ExtVec {
  if (a.length !== 2 * b.length) throw new RangeError(`extMulBase: lengths ${a.length >> 1} and ${b.length} differ`);
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < b.length; i++) extSet(out, i, E.mulBase(extGet(a, i), b[i]));
  return out;
}

export function baseScaleExt(a: BaseVec, s: Fp2): ExtVec {
  const out = new BigUint64Array(2 * a.length);
  for (let i = 0; i < a.length; i++) extSet(out, i, E.mulBase(s, a[i]));
  return out;
}

export function extSum(a: ExtVec): Fp2 {
  let s0 = 0n;
  let s1 = 0n;
  for (let i = 0; i < a.length; i += 2) {
    s0 += a[i];
    s1 += a[i + 1];
  }
  return [s0 % F.P, s1 % F.P];
}

export function extInner(a: ExtVec, b: ExtVec): Fp2 {
  sameLength(a, b, 'extInner');
  let s: Fp2 = E.ZERO;
  for (let i = 0; i < a.length >> 1; i++) s = E.add(s, E.mul(extGet(a, i), extGet(b, i)));
  return s;
}

/** Σ a_i·b_i with a in the base field and b in the extension (e.g. an MLE evaluation via an eq table). */
export function baseInnerExt(a: BaseVec, b: ExtVec): Fp2 {
  if (b.length !== 2 * a.length) throw new RangeError(`baseInnerExt: lengths ${a.length} and ${b.length >> 1} differ`);
  let s0 = 0n;
  let s1 = 0n;
  for (let i = 0; i < a.length; i++) {
    s0 += a[i] * b[2 * i];
    s1 += a[i] * b[2 * i + 1];
  }
  return [s0 % F.P, s1 % F.P];
}

export function extBatchInverse(a: ExtVec): ExtVec {
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < a.length >> 1; i++) extSet(out, i, E.inv(extGet(a, i)));
  return out;
}

/** eq(r, x) for every x in {0,1}^k, little-endian: bit j of the index is x_j, paired with r[j]. */
export function eqTable(r: readonly Fp2[]): ExtVec {
  let table: Fp2[] = [E.ONE];
  for (let j = 0; j < r.length; j++) {
    const next: Fp2[] = new Array(table.length * 2);
    const oneMinus = E.sub(E.ONE, r[j]);
    for (let i = 0; i < table.length; i++) {
      next[i] = E.mul(table[i], oneMinus);
      next[i + table.length] = E.mul(table[i], r[j]);
    }
    table = next;
  }
  return extFromElements(table);
}

export function eqTableBase(r: readonly F.Fp[]): BaseVec {
  let table: bigint[] = [1n];
  for (let j = 0; j < r.length; j++) {
    const next: bigint[] = new Array(table.length * 2);
    const oneMinus = F.sub(1n, r[j]);
    for (let i = 0; i < table.length; i++) {
      next[i] = F.mul(table[i], oneMinus);
      next[i + table.length] = F.mul(table[i], r[j]);
    }
    table = next;
  }
  return BigUint64Array.from(table);
}

/** Binds the lowest variable x_0 to r: out[i] = a[2i] + r·(a[2i+1] − a[2i]). Length must be even. */
export function foldBase(a: BaseVec, r: Fp2): ExtVec {
  if (a.length % 2 !== 0) throw new RangeError(`foldBase: odd length ${a.length}`);
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < a.length >> 1; i++) {
    const lo = a[2 * i];
    const d = F.sub(a[2 * i + 1], lo);
    extSet(out, i, E.add(E.fromBase(lo), E.mulBase(r, d)));
  }
  return out;
}

export function foldExt(a: ExtVec, r: Fp2): ExtVec {
  const n = a.length >> 2;
  if (a.length % 4 !== 0) throw new RangeError(`foldExt: odd length ${a.length >> 1}`);
  const out = new BigUint64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const lo = extGet(a, 2 * i);
    const hi = extGet(a, 2 * i + 1);
    extSet(out, i, E.add(lo, E.mul(r, E.sub(hi, lo))));
  }
  return out;
}

function bitReverse(i: number, logN: number): number {
  let r = 0;
  for (let b = 0; b < logN; b++) r |= ((i >> b) & 1) << (logN - 1 - b);
  return r;
}

function log2Exact(n: number, op: string): number {
  const log = Math.log2(n);
  if (!Number.isInteger(log)) throw new RangeError(`${op}: length ${n} is not a power of two`);
  return log;
}

/**
 * Forward NTT in place, natural order in and out: a[k] ← Σ_j a[j]·ω^(jk), ω = rootOfUnity(log n).
 */
export function ntt(a: BaseVec): void {
  const logN = log2Exact(a.length, 'ntt');
  transform(a, F.rootOfUnity(logN), logN);
}

/** Inverse of `ntt`, in place. */
export function intt(a: BaseVec): void {
  const logN = log2Exact(a.length, 'intt');
  transform(a, F.inv(F.rootOfUnity(logN)), logN);
  const nInv = F.inv(BigInt(a.length));
  for (let i = 0; i < a.length; i++) a[i] = F.mul(a[i], nInv);
}

/** Evaluates the polynomial with coefficients a on the coset shift·⟨ω⟩, in place. */
export function cosetNtt(a: BaseVec, shift: F.Fp): void {
  let s = 1n;
  for (let i = 0; i < a.length; i++) {
    a[i] = F.mul(a[i], s);
    s = F.mul(s, shift);
  }
  ntt(a);
}

function transform(a: BaseVec, omega: F.Fp, logN: number): void {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const j = bitReverse(i, logN);
    if (j > i) [a[i], a[j]] = [a[j], a[i]];
  }
  for (let len = 2; len <= n; len <<= 1) {
    const w = F.pow(omega, BigInt(n / len));
    for (let start = 0; start < n; start += len) {
      let t = 1n;
      for (let k = 0; k < len >> 1; k++) {
        const u = a[start + k];
        const v = F.mul(a[start + k + (len >> 1)], t);
        a[start + k] = F.add(u, v);
        a[start + k + (len >> 1)] = F.sub(u, v);
        t = F.mul(t, w);
      }
    }
  }
}

function rowCount(a: BaseVec, n: number, op: string): number {
  if (!Number.isInteger(n) || n < 1 || a.length % n !== 0) {
    throw new RangeError(`${op}: ${a.length} words are not whole rows of length ${n}`);
  }
  return a.length / n;
}

/**
 * `ntt` of every row of a, in place: a holds a.length / n rows of length n one after another
 * (e.g. the rows of a tensor-code matrix being encoded).
 */
export function nttBatch(a: BaseVec, n: number): void {
  const rows = rowCount(a, n, 'nttBatch');
  for (let r = 0; r < rows; r++) ntt(a.subarray(r * n, (r + 1) * n));
}

/** `intt` of every row of length n, in place. */
export function inttBatch(a: BaseVec, n: number): void {
  const rows = rowCount(a, n, 'inttBatch');
  for (let r = 0; r < rows; r++) intt(a.subarray(r * n, (r + 1) * n));
}

/** `cosetNtt` of every row of length n with the same shift, in place. */
export function cosetNttBatch(a: BaseVec, n: number, shift: F.Fp): void {
  const rows = rowCount(a, n, 'cosetNttBatch');
  for (let r = 0; r < rows; r++) cosetNtt(a.subarray(r * n, (r + 1) * n), shift);
}
