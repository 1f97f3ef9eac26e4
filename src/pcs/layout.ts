// Where each committed vector lives in the matrix, and how a batch of linear claims becomes
// a few "row combinations" (shared by prover and verifier).
//
// Layout: every vector gets a slot of 2^ℓ entries (ℓ = ⌈log2 size⌉); the vectors are placed
// largest first, each at the first multiple of its slot size after the data placed before it
// (so a smaller vector may sit in the unused end of a larger one's slot: V of 1.32M entries in
// a 2^21 slot leaves room for everything else of its commitment), in one long vector of
// L = max(offset + size) entries (the data's end: a slot's unused end past it is not stored),
// which fills the data rows (n entries each) in order. Every
// offset is a multiple of the vector's own slot size, so a vector of ≥ n entries starts a row
// and covers 2^ℓ/n whole rows, and a smaller one sits inside one row at an aligned column.
//
// Claims: each term is a tensor (row weights) ⊗ (column weights) over the matrix:
//   - MLE term on a vector of ≥ 2 rows at point r: rows eq(r_hi, ·) on its rows, columns
//     eq(r_lo, ·) with r_lo = r[0 .. log n), r_hi the rest (little-endian: index = row·n + col);
//   - MLE term on a vector inside one row: that unit row, columns eq(r, ·) at its offset;
//   - dense-weight term: one unit-row piece per row the weights touch;
//   - layout term (the MLE of the whole matrix, read row-major as one vector, at a point s of
//     layoutVars coordinates): rows eq(s_hi, ·) on every data row, columns eq(s_lo, ·).
// Entries at positions ≥ the vector's size get weight 0 in every term, so a claim is about the
// zero-padded vector whatever the committed padding holds (the verifier never relies on the
// prover having put zeros there); an MLE term on a multi-row vector whose size is not a
// multiple of n costs one extra unit-row piece for the row where its data ends.
// Terms whose row weights are equal (same unit row, or same vector and same r_hi) share one
// row combination; their column weights, scaled by the batching challenge λ_c of their claim
// and their coefficient, add up. Each row combination costs one revealed F_p2 row and one
// evaluation mask; the opening refuses more combinations than the commitment has masks.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { ExtVec } from '../field/vec.js';
import { ByteWriter } from '../encoding/bytes.js';
import type { Transcript } from '../transcript/transcript.js';
import type { Commitment, LinearClaim } from './types.js';
import { chooseShape, type HashPcsParams, type Shape } from './params.js';

export interface Placement {
  readonly size: number;
  readonly numVars: number;
  /** Offset in the laid-out vector; row = offset / n, column = offset mod n. */
  readonly offset: number;
}

export interface Layout {
  readonly shape: Shape;
  readonly placements: readonly Placement[];
  /** The end of the data: max(offset + size) (the matrix's data rows hold exactly this much). */
  readonly total: number;
}

/** Largest number of committed vectors and entries accepted (guards untrusted sizes). */
export const MAX_POLYS = 1 << 16;
export const MAX_TOTAL = 2 ** 30;

export function makeLayout(sizes: readonly number[], params: HashPcsParams): Layout {
  if (sizes.length === 0 || sizes.length > MAX_POLYS) throw new RangeError(`pcs: ${sizes.length} vectors (1 to ${MAX_POLYS} allowed)`);
  const vars = sizes.map((s, i) => {
    if (!Number.isInteger(s) || s < 1 || s > MAX_TOTAL) throw new RangeError(`pcs: vector ${i} has size ${s}`);
    let k = 0;
    while (2 ** k < s) k++;
    return k;
  });
  const order = sizes.map((_, i) => i).sort((a, b) => vars[b] - vars[a] || a - b);
  const placements: Placement[] = new Array(sizes.length);
  let end = 0; // where the data placed so far ends
  let total = 0;
  for (const i of order) {
    const slot = 2 ** vars[i];
    const offset = Math.ceil(end / slot) * slot;
    placements[i] = { size: sizes[i], numVars: vars[i], offset };
    end = offset + sizes[i];
    total = Math.max(total, end);
    if (offset + slot > MAX_TOTAL) throw new RangeError(`pcs: more than ${MAX_TOTAL} committed entries`);
  }
  return { shape: chooseShape(total, params), placements, total };
}

/** Variables of the whole matrix read as one vector: log2 of m·n rounded up to a power of two. */
export function layoutVars(layout: Layout): number {
  let v = layout.shape.rowLog;
  while (2 ** v < layout.shape.m * layout.shape.n) v++;
  return v;
}

/** One row combination: row weights on rows [rowStart, rowStart + rows), column weights on all n columns. */
export interface RowCombo {
  readonly key: string;
  readonly rowStart: number;
  /** F_p2 weights of rows rowStart … (ExtVec). */
  readonly rowWeights: ExtVec;
  /** F_p2 column weights (ExtVec of n elements). */
  readonly colWeights: ExtVec;
}

function pointKey(r: readonly Fp2[]): string {
  return r.map((x) => `${x[0]}.${x[1]}`).join(',');
}

/** Checks every claim against the layout; throws RangeError on a malformed one. */
export function checkClaims(layout: Layout, claims: readonly LinearClaim[]): void {
  claims.forEach((c, ci) => {
    if (!E.isCanonical(c.value)) throw new RangeError(`claim ${ci}: value is not canonical`);
    c.terms.forEach((t, ti) => {
      const where = `claim ${ci} term ${ti}`;
      if ('layoutPoint' in t) {
        if (!E.isCanonical(t.coeff)) throw new RangeError(`${where}: coefficient is not canonical`);
        if (t.layoutPoint.length !== layoutVars(layout)) throw new RangeError(`${where}: the layout has ${layoutVars(layout)} variables, the point ${t.layoutPoint.length}`);
        t.layoutPoint.forEach((x) => {
          if (!E.isCanonical(x)) throw new RangeError(`${where}: point coordinate is not canonical`);
        });
        return;
      }
      if (!Number.isInteger(t.poly) || t.poly < 0 || t.poly >= layout.placements.length) throw new RangeError(`${where}: no committed vector ${t.poly}`);
      if (!E.isCanonical(t.coeff)) throw new RangeError(`${where}: coefficient is not canonical`);
      const pl = layout.placements[t.poly];
      if ('point' in t) {
        if (t.point.length !== pl.numVars) throw new RangeError(`${where}: vector ${t.poly} has ${pl.numVars} variables, the point ${t.point.length}`);
        t.point.forEach((x) => {
          if (!E.isCanonical(x)) throw new RangeError(`${where}: point coordinate is not canonical`);
        });
      } else {
        const len = t.weights.length;
        if (len % 2 !== 0 || len / 2 > 2 ** pl.numVars) throw new RangeError(`${where}: ${len / 2} weights for a vector of padded size ${2 ** pl.numVars}`);
        for (const w of t.weights) if (w >= 0xffffffff00000001n) throw new RangeError(`${where}: weight is not canonical`);
      }
    });
  });
}

/** The row combinations of a batch of claims, in order of first use; λ scales claim c. */
export function rowCombos(layout: Layout, claims: readonly LinearClaim[], lambdas: readonly Fp2[]): RowCombo[] {
  const { n, rowLog } = layout.shape;
  const combos = new Map<string, { rowStart: number; rowWeights: ExtVec; colWeights: ExtVec }>();
  const unitRow = (row: number) => {
    const key = `u${row}`;
    let c = combos.get(key);
    if (c === undefined) {
      c = { rowStart: row, rowWeights: V.extFromElements([E.ONE]), colWeights: new BigUint64Array(2 * n) };
      combos.set(key, c);
    }
    return c;
  };
  const addAt = (target: ExtVec, col: number, piece: ExtVec, scale: Fp2) => {
    const len = piece.length;
    const slot = target.subarray(2 * col, 2 * col + len);
    slot.set(V.extAdd(slot, V.extScale(piece, scale)));
  };
  claims.forEach((c, ci) => {
    for (const t of c.terms) {
      if ('layoutPoint' in t) {
        const hi = t.layoutPoint.slice(rowLog);
        const key = `all:${pointKey(hi)}`;
        let cmb = combos.get(key);
        if (cmb === undefined) {
          cmb = { rowStart: 0, rowWeights: V.eqTable(hi).slice(0, 2 * layout.shape.m), colWeights: new BigUint64Array(2 * n) };
          combos.set(key, cmb);
        }
        addAt(cmb.colWeights, 0, V.eqTable(t.layoutPoint.slice(0, rowLog)), E.mul(lambdas[ci], t.coeff));
        continue;
      }
      const pl = layout.placements[t.poly];
      const scale = E.mul(lambdas[ci], t.coeff);
      const row = Math.floor(pl.offset / n);
      const col = pl.offset % n;
      if ('point' in t) {
        if (pl.numVars > rowLog) {
          // Rows wholly inside the vector take eq(r_hi) ⊗ eq(r_lo); the padding rows take 0 and
          // the row holding the end of the data a separate unit-row piece up to the size.
          const hi = t.point.slice(rowLog);
          const full = Math.floor(pl.size / n);
          const key = `e${t.poly}:${pointKey(hi)}`;
          const eqHi = V.eqTable(hi);
          let cmb = combos.get(key);
          if (cmb === undefined) {
            // only the rows the data fills (the matrix may end inside the vector's slot)
            cmb = { rowStart: row, rowWeights: eqHi.slice(0, 2 * full), colWeights: new BigUint64Array(2 * n) };
            combos.set(key, cmb);
          }
          const eqLo = V.eqTable(t.point.slice(0, rowLog));
          addAt(cmb.colWeights, 0, eqLo, scale);
          const tail = pl.size % n;
          if (tail > 0) addAt(unitRow(row + full).colWeights, 0, eqLo.subarray(0, 2 * tail), E.mul(scale, [eqHi[2 * full], eqHi[2 * full + 1]]));
        } else {
          addAt(unitRow(row).colWeights, col, V.eqTable(t.point).subarray(0, 2 * pl.size), scale);
        }
      } else {
        const len = Math.min(t.weights.length >> 1, pl.size);
        if (pl.numVars <= rowLog) {
          if (len > 0) addAt(unitRow(row).colWeights, col, t.weights.subarray(0, 2 * len), scale);
        } else {
          for (let r = 0; r * n < len; r++) {
            addAt(unitRow(row + r).colWeights, 0, t.weights.subarray(2 * r * n, 2 * Math.min(len, (r + 1) * n)), scale);
          }
        }
      }
    }
  });
  return [...combos.entries()].map(([key, c]) => ({ key, ...c }));
}

/** The number of row combinations of a batch (what an opening proof of it carries). */
export function comboCount(layout: Layout, claims: readonly LinearClaim[]): number {
  const keys = new Set<string>();
  const { n, rowLog } = layout.shape;
  for (const c of claims) {
    for (const t of c.terms) {
      if ('layoutPoint' in t) {
        keys.add(`all:${pointKey(t.layoutPoint.slice(rowLog))}`);
        continue;
      }
      const pl = layout.placements[t.poly];
      const row = Math.floor(pl.offset / n);
      if ('point' in t) {
        if (pl.numVars > rowLog) {
          keys.add(`e${t.poly}:${pointKey(t.point.slice(rowLog))}`);
          if (pl.size % n > 0) keys.add(`u${row + Math.floor(pl.size / n)}`);
        } else keys.add(`u${row}`);
      } else {
        const len = Math.min(t.weights.length >> 1, pl.size);
        if (pl.numVars <= rowLog) {
          if (len > 0) keys.add(`u${row}`);
        } else for (let r = 0; r * n < len; r++) keys.add(`u${row + r}`);
      }
    }
  }
  return keys.size;
}

/** Absorbs the commitment and the claims (both sides do this first, whatever the caller absorbed). */
export function absorbStatement(transcript: Transcript, commitment: Commitment, claims: readonly LinearClaim[]): void {
  const w = new ByteWriter();
  w.blob(commitment.root).u32(commitment.sizes.length);
  for (const s of commitment.sizes) w.u32(s);
  w.u32(claims.length);
  for (const c of claims) {
    w.u32(c.terms.length);
    for (const t of c.terms) {
      if ('layoutPoint' in t) {
        w.u32(0xffffffff).ext(t.coeff).u8(2).u32(t.layoutPoint.length);
        for (const x of t.layoutPoint) w.ext(x);
        continue;
      }
      w.u32(t.poly).ext(t.coeff);
      if ('point' in t) {
        w.u8(0).u32(t.point.length);
        for (const x of t.point) w.ext(x);
      } else {
        w.u8(1).u32(t.weights.length >> 1).words(t.weights);
      }
    }
    w.ext(c.value);
  }
  transcript.absorbBytes('pcs/statement', w.finish());
}
