// Lookup instances shared by the LogUp and LogUp-GKR tests: random columns, the 8-bit square
// table, and a mixed case of several relations with a linear check.
import * as E from '../../src/field/ext.js';
import type { LinearCheck, LookupShape } from '../../src/lookup/logup.js';
import { explicitTable, rangeTable } from '../../src/lookup/table.js';

export interface Case {
  shape: LookupShape;
  columns: BigUint64Array[][][]; // [relation][column][component]
  extras: BigUint64Array[];
}

export function randomBelow(n: number, bound: number): BigUint64Array {
  return BigUint64Array.from({ length: n }, () => BigInt(Math.floor(Math.random() * bound)));
}

/** (x, x² mod 2^16) for x < 256: a two-component function table. */
export function squareTable() {
  const xs = BigUint64Array.from({ length: 256 }, (_, i) => BigInt(i));
  return explicitTable('square8', [xs, xs.map((x) => (x * x) % 65536n)]);
}

/** Three relations of two sizes (a tuple table among them) and a linear check tying an extra to two limbs. */
export function mixedCase(): Case {
  const lo = randomBelow(32, 256);
  const hi = randomBelow(32, 16);
  const x = randomBelow(8, 256);
  const check: LinearCheck = {
    numVars: 5,
    constant: E.ZERO,
    terms: [
      { source: { extra: 0 }, coeff: E.ONE },
      { source: { lookup: [0, 0, 0] }, coeff: E.neg(E.ONE) },
      { source: { lookup: [1, 0, 0] }, coeff: E.neg(E.fromBase(256n)) },
    ],
  };
  return {
    shape: {
      relations: [
        { table: rangeTable(8), columns: [{ numVars: 5, components: 1, maskVars: 1 }, { numVars: 5, components: 1, maskVars: 1 }] },
        { table: rangeTable(4), columns: [{ numVars: 5, components: 1, maskVars: 1 }] },
        { table: squareTable(), columns: [{ numVars: 3, components: 2, maskVars: 1 }] },
      ],
      extras: [{ numVars: 5, maskVars: 1, ext: false }],
      checks: [check],
    },
    columns: [[[lo], [randomBelow(32, 256)]], [[hi]], [[x, x.map((v) => (v * v) % 65536n)]]],
    extras: [lo.map((l, i) => l + 256n * hi[i])],
  };
}
