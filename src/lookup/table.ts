// Public lookup tables: the prover reads their entries, the verifier evaluates their
// multilinear extensions at one point (in closed form where there is one).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec } from '../field/vec.js';
import { eqTable, baseInnerExt } from '../field/vec.js';

export interface PublicTable {
  readonly name: string;
  readonly numVars: number;
  /** A table of tuples has several components (e.g. x and f(x)), folded by a challenge β. */
  readonly components: number;
  /** Entries of component c (prover side; 2^numVars base elements). */
  values(c: number): BaseVec;
  /** The multilinear extension of component c at `point` (verifier side). */
  evaluate(c: number, point: readonly Fp2[]): Fp2;
  /** Index of the row holding `key` as component 0, or −1 (prover side). */
  indexOf(key: bigint): number;
  /** Set for [0, 2^bits) tables, whose entry j is j (lets the prover count without lookups). */
  readonly rangeBits?: number;
  /** With rangeBits: entry j is j − rangeOffset (a signed range table; absent: 0). */
  readonly rangeOffset?: number;
}

/** Entries 0 … 2^bits − 1, one vector per size for the whole process (never written to). */
const rangeValues = new Map<number, BaseVec>();

function rangeEntries(bits: number): BaseVec {
  let v = rangeValues.get(bits);
  if (v === undefined) {
    v = new BigUint64Array(1 << bits);
    const words = new Uint32Array(v.buffer); // low words only: no BigInt per entry
    for (let j = 0; j < v.length; j++) words[2 * j] = j;
    rangeValues.set(bits, v);
  }
  return v;
}

/** [0, 2^bits): entry j is j. Its MLE is Σ_k 2^k·x_k, evaluated in O(bits). */
export function rangeTable(bits: number): PublicTable {
  if (!Number.isInteger(bits) || bits < 1 || bits > 24) throw new RangeError(`rangeTable: ${bits} bits (1..24)`);
  const size = 1 << bits;
  const limit = BigInt(size);
  return {
    name: `range${bits}`,
    numVars: bits,
    rangeBits: bits,
    components: 1,
    values(c) {
      if (c !== 0) throw new RangeError('rangeTable: one component');
      return rangeEntries(bits);
    },
    evaluate(c, point) {
      if (c !== 0 || point.length !== bits) throw new RangeError('rangeTable.evaluate: bad component or point');
      let acc: Fp2 = E.ZERO;
      point.forEach((x, k) => (acc = E.add(acc, E.mulBase(x, 1n << BigInt(k)))));
      return acc;
    },
    indexOf(key) {
      return key < limit ? Number(key) : -1;
    },
  };
}

/**
 * A table given by its columns (e.g. x and sigmoid(x) as integers mod p). Component 0 must be
 * free of repeats (it is the key). The verifier's evaluation costs O(2^numVars).
 */
export function explicitTable(name: string, columns: readonly BaseVec[]): PublicTable {
  if (columns.length === 0) throw new RangeError('explicitTable: no columns');
  const size = columns[0].length;
  const numVars = Math.log2(size);
  if (!Number.isInteger(numVars) || numVars < 1) throw new RangeError(`explicitTable: ${size} rows is not a power of two ≥ 2`);
  if (columns.some((c) => c.length !== size)) throw new RangeError('explicitTable: columns of different lengths');
  let index: Map<bigint, number> | null = null;
  return {
    name,
    numVars,
    components: columns.length,
    values: (c) => columns[c],
    evaluate(c, point) {
      if (point.length !== numVars) throw new RangeError('explicitTable.evaluate: point size');
      return baseInnerExt(columns[c], eqTable(point));
    },
    indexOf(key) {
      if (index === null) {
        index = new Map();
        columns[0].forEach((x, i) => {
          if (index!.has(x)) throw new RangeError(`explicitTable ${name}: key ${x} repeats`);
          index!.set(x, i);
        });
      }
      return index.get(key) ?? -1;
    },
  };
}

/** Entries −2^(bits−1) … 2^(bits−1) − 1 mod p, one vector per size for the whole process (never written to). */
const signedValues = new Map<number, BaseVec>();

/**
 * [−2^(bits−1), 2^(bits−1)): entry j is j − 2^(bits−1) (mod p), so a signed column is looked up
 * as it is committed, with no shifted copy. Its MLE is Σ_k 2^k·x_k − 2^(bits−1).
 */
export function signedRangeTable(bits: number): PublicTable {
  const base = rangeTable(bits);
  const offset = 2 ** (bits - 1);
  const shift = E.fromBase(F.fromBigInt(-BigInt(offset)));
  return {
    ...base,
    name: `signed-range${bits}`,
    rangeOffset: offset,
    values(c) {
      if (c !== 0) throw new RangeError('signedRangeTable: one component');
      let v = signedValues.get(bits);
      if (v === undefined) {
        v = BigUint64Array.from({ length: 1 << bits }, (_, j) => F.fromBigInt(BigInt(j - offset)));
        signedValues.set(bits, v);
      }
      return v;
    },
    evaluate: (c, point) => E.add(base.evaluate(c, point), shift),
    indexOf(key) {
      const signed = F.toSigned(key);
      return signed >= -offset && signed < offset ? Number(signed) + offset : -1;
    },
  };
}
