// Reference computations for the sumcheck tests (BigInt, independent of the kernels).
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { randomBase, randomExt } from '../../src/sumcheck/random.js';
import type { BatchShape, Factor } from '../../src/sumcheck/types.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import type { ProverTable } from '../../src/sumcheck/prover.js';
import * as V from '../../src/field/vec.js';

/** As an extension vector (copies a base table into c0). */
function asExt(t: BigUint64Array, numVars: number): BigUint64Array {
  return t.length === 1 << numVars ? V.toExt(t) : t;
}

/**
 * f(point) through the field's vector kernels (src/field/vec.ts: an implementation independent
 * of the sumcheck kernels): ⟨f, eq(point, ·)⟩.
 */
export function mleVec(t: BigUint64Array, numVars: number, point: readonly Fp2[]): Fp2 {
  const eq = V.eqTable(point);
  return t.length === 1 << numVars ? V.baseInnerExt(t, eq) : V.extInner(t, eq);
}

/** bruteClaim through the field's vector kernels, for large tables. */
export function vecClaim(shape: Omit<BatchShape, 'claimedSum'>, tables: readonly ProverTable[]): Fp2 {
  const n = Math.max(...shape.instances.map((i) => i.numVars));
  let total: Fp2 = E.ZERO;
  for (const inst of shape.instances) {
    let s: Fp2 = E.ZERO;
    for (const term of inst.terms) {
      let prod: BigUint64Array | null = null;
      for (const f of term.factors) {
        const v = 'eq' in f ? V.eqTable(f.eq) : asExt(rawValues(tables[f.table]), inst.numVars);
        prod = prod === null ? v : V.extMul(prod, v);
      }
      s = E.add(s, E.mul(term.coeff, V.extSum(prod!)));
    }
    total = E.add(total, E.mul(E.mulBase(inst.weight, F.pow(2n, BigInt(n - inst.numVars))), s));
  }
  return total;
}

export function entry(t: BigUint64Array, numVars: number, i: number): Fp2 {
  return t.length === 1 << numVars ? [t[i], 0n] : [t[2 * i], t[2 * i + 1]];
}

/** f(point) for a base or extension table, by folding in BigInt. */
export function mle(t: BigUint64Array, numVars: number, point: readonly Fp2[]): Fp2 {
  let cur: Fp2[] = Array.from({ length: 1 << numVars }, (_, i) => entry(t, numVars, i));
  for (const r of point) {
    const next: Fp2[] = [];
    for (let i = 0; i < cur.length; i += 2) next.push(E.add(cur[i], E.mul(r, E.sub(cur[i + 1], cur[i]))));
    cur = next;
  }
  return cur[0];
}

export function eqAt(p: readonly Fp2[], i: number): Fp2 {
  let acc: Fp2 = E.ONE;
  p.forEach((x, j) => (acc = E.mul(acc, (i >> j) & 1 ? x : E.sub(E.ONE, x))));
  return acc;
}

export function rawValues(t: ProverTable): BigUint64Array {
  return t instanceof MaskedPoly ? t.values : t;
}

/** Σ_i weight_i·2^(n−n_i)·Σ_x F_i(x), directly. */
export function bruteClaim(shape: Omit<BatchShape, 'claimedSum'>, tables: readonly ProverTable[]): Fp2 {
  const n = Math.max(...shape.instances.map((i) => i.numVars));
  let total: Fp2 = E.ZERO;
  for (const inst of shape.instances) {
    let s: Fp2 = E.ZERO;
    const eqCache = new Map<Factor, Fp2[]>();
    for (let x = 0; x < 1 << inst.numVars; x++) {
      for (const term of inst.terms) {
        let prod = term.coeff;
        for (const f of term.factors) {
          if ('eq' in f) {
            let c = eqCache.get(f);
            if (!c) {
              c = Array.from({ length: 1 << inst.numVars }, (_, i) => eqAt(f.eq, i));
              eqCache.set(f, c);
            }
            prod = E.mul(prod, c[x]);
          } else prod = E.mul(prod, entry(rawValues(tables[f.table]), inst.numVars, x));
        }
        s = E.add(s, prod);
      }
    }
    total = E.add(total, E.mul(E.mulBase(inst.weight, F.pow(2n, BigInt(n - inst.numVars))), s));
  }
  return total;
}

export function randomTable(numVars: number, ext: boolean): BigUint64Array {
  return ext ? randomExt(1 << numVars) : randomBase(1 << numVars);
}

export function randomPoint(k: number): Fp2[] {
  const w = randomExt(k);
  return Array.from({ length: k }, (_, i) => [w[2 * i], w[2 * i + 1]] as const);
}

export function randomExtElement(): Fp2 {
  return randomPoint(1)[0];
}

/** Small values (so that products stay readable in failures) — any field element works. */
export function smallTable(numVars: number, bound: number): BigUint64Array {
  return BigUint64Array.from({ length: 1 << numVars }, () => BigInt(Math.floor(Math.random() * bound)));
}
