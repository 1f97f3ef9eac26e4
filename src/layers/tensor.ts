// Tensors as multilinear tables (docs/protocol.md (Part 5) §1): every dimension zero-padded to a
// power of two on its own, the last dimension owning the lowest variables. A dimension of size
// 1 has no variable. Signed integers map into F_p as x < 0 ↦ p + x.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import { P } from '../field/goldilocks.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';

/** ceil(log2 d): the number of variables a dimension of size d owns. */
export function dimVars(d: number): number {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`tensor: dimension ${d} must be a positive integer`);
  let k = 0;
  while (2 ** k < d) k++;
  return k;
}

/** Variables of each dimension, in dims order (the first dimension owns the highest variables). */
export function layoutVars(dims: readonly number[]): number[] {
  return dims.map(dimVars);
}

/**
 * Variables of a tensor's table. A single-element tensor gets one phantom variable (its table is
 * [v, 0]): a table without variables cannot carry the Z·R mask, and a range check needs two rows.
 */
export function totalVars(dims: readonly number[]): number {
  return Math.max(1, layoutVars(dims).reduce((a, b) => a + b, 0));
}

/** True when the tensor has a single element (its table has the phantom variable). */
export function isPhantom(dims: readonly number[]): boolean {
  return layoutVars(dims).reduce((a, b) => a + b, 0) === 0;
}

/** 1, or (1 − x_0) for a phantom table: the indicator of its one real entry. */
export function phantomFactor(dims: readonly number[], point: readonly Fp2[]): Fp2 {
  return isPhantom(dims) ? E.sub(E.ONE, point[0]) : E.ONE;
}

// p − 2^64 as the correction for negative int64 words reinterpreted as u64: (2^64 + x) − (2^32 − 1) = p + x.
const NEG_FIX = (1n << 64n) - P;

/**
 * The padded table of a row-major signed tensor. Each value must satisfy |x| < p/2 (the
 * compiler's bounds guarantee it for every IR value).
 */
export function paddedTable(data: BigInt64Array, dims: readonly number[]): BaseVec {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new RangeError(`tensor: ${data.length} values for dims [${dims}]`);
  const padded = dims.map((d) => 2 ** dimVars(d));
  const out = new BigUint64Array(2 ** totalVars(dims));
  const raw = new BigUint64Array(data.buffer, data.byteOffset, data.length);
  // Copy rows of the last dimension at once; the outer index walks the other dimensions.
  const last = dims.length === 0 ? 1 : dims[dims.length - 1];
  const lastPad = dims.length === 0 ? 1 : padded[padded.length - 1];
  const rows = size / last;
  const idx = new Array<number>(Math.max(0, dims.length - 1)).fill(0);
  for (let row = 0; row < rows; row++) {
    let dst = 0;
    for (let d = 0; d < idx.length; d++) dst = dst * padded[d] + idx[d];
    dst *= lastPad;
    for (let j = 0; j < last; j++) {
      const x = raw[row * last + j];
      out[dst + j] = x >= 1n << 63n ? x - NEG_FIX : x;
    }
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Σ_{t<d} eq(t, r): the MLE of the indicator of the unpadded range of one dimension. */
export function indicator(d: number, r: readonly Fp2[]): Fp2 {
  if (r.length !== dimVars(d)) throw new RangeError(`indicator: ${r.length} coordinates for size ${d}`);
  // Recursive on the top variable: [0, d) = [0, half) ∪ [half, d).
  const rec = (len: number, vars: number): Fp2 => {
    if (len <= 0) return E.ZERO;
    if (len >= 2 ** vars) return E.ONE;
    const top = r[vars - 1];
    const half = 2 ** (vars - 1);
    const lo = rec(Math.min(len, half), vars - 1);
    const hi = rec(len - half, vars - 1);
    return E.add(E.mul(E.sub(E.ONE, top), lo), E.mul(top, hi));
  };
  return rec(d, r.length);
}

/** Σ_{j<len} j·eq(r, j): the MLE of the position j times the indicator of [0, len) over one axis. */
export function positionWeight(len: number, r: readonly Fp2[]): Fp2 {
  const eq = V.eqTable(r);
  let acc: Fp2 = E.ZERO;
  for (let j = 1; j < len; j++) acc = E.add(acc, E.mulBase([eq[2 * j], eq[2 * j + 1]], BigInt(j)));
  return acc;
}

/**
 * Binds the highest variables of an extension table (r[0] pairs with the lowest bound one):
 * out[j] = Σ_i eq(r, i)·v[i·2^lo + j].
 */
export function extBindHigh(v: ExtVec, r: readonly Fp2[]): ExtVec {
  let ext = v;
  for (let j = r.length - 1; j >= 0; j--) {
    const half = ext.length >> 1;
    const lo = ext.subarray(0, half);
    const hi = ext.subarray(half);
    ext = V.extAdd(lo, V.extScale(V.extSub(hi, lo), r[j]));
  }
  return ext;
}

/** Binds the lowest variables of an extension table. */
export function extBindLow(v: ExtVec, r: readonly Fp2[]): ExtVec {
  let ext = v;
  for (const x of r) ext = V.foldExt(ext, x);
  return ext;
}

/**
 * Partial evaluation of a small table given as F_p2 elements (masks): `fixed[i]` is the value
 * of variable i, or null to keep it. Returns the table of the kept variables, in order.
 */
export function partialEvalSmall(table: readonly Fp2[], fixed: readonly (Fp2 | null)[]): Fp2[] {
  if (table.length !== 2 ** fixed.length) throw new RangeError(`partialEvalSmall: ${table.length} entries for ${fixed.length} variables`);
  let t = table.slice();
  let stride = 1; // distance between entries differing in the current variable
  for (const x of fixed) {
    if (x === null) {
      stride *= 2;
      continue;
    }
    const next: Fp2[] = [];
    for (let base = 0; base < t.length; base += 2 * stride) {
      for (let o = 0; o < stride; o++) {
        const lo = t[base + o];
        const hi = t[base + o + stride];
        next.push(E.add(lo, E.mul(x, E.sub(hi, lo))));
      }
    }
    t = next;
  }
  return t;
}

/** Splits a point of a tensor's table into per-dimension coordinates (dims order). */
export function dimPoints(dims: readonly number[], point: readonly Fp2[]): Fp2[][] {
  const vars = layoutVars(dims);
  if (point.length !== totalVars(dims)) throw new RangeError(`dimPoints: ${point.length} coordinates for dims [${dims}]`);
  if (isPhantom(dims)) return dims.map(() => []); // the phantom coordinate belongs to no dimension
  const out: Fp2[][] = [];
  let end = point.length;
  for (const v of vars) {
    out.push(point.slice(end - v, end));
    end -= v;
  }
  return out;
}

/** The MLE of the indicator of a tensor's unpadded entries at a point. */
export function indicatorAll(dims: readonly number[], point: readonly Fp2[]): Fp2 {
  return dimPoints(dims, point).reduce((acc, p, d) => E.mul(acc, indicator(dims[d], p)), phantomFactor(dims, point));
}
