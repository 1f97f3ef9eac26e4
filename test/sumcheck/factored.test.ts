// The eq-factored, power-factor prover (src/sumcheck/factored.ts) sends exactly the round
// polynomials of the textbook prover: every round's values are recomputed here by folding
// every table and every eq table in BigInt (no kernels), at the prover's own challenges, on
// shapes that exercise each path — powers, several eq points per instance, eq twice in a term,
// eq points with 0 and 1 coordinates (c_k·ρ_k = 0: no value derived from the claim), terms
// without eq beside eq groups, mixed instance sizes, base and extension tables, and entries at
// the edges of the field (0, 1, p − 1, p − 2^32).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { P } from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveSumcheck, type ProverTable } from '../../src/sumcheck/prover.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { sumcheckKernel } from '../../src/sumcheck/kernel.js';
import type { BatchShape, Factor, Term } from '../../src/sumcheck/types.js';
import { instanceDegrees, roundDegrees } from '../../src/sumcheck/types.js';
import { bruteClaim, entry, eqAt, randomExtElement, randomPoint, randomTable } from './helpers.js';

const EDGE = [0n, 1n, P - 1n, P - 2n, P - (1n << 32n), (1n << 32n) - 1n, 1n << 32n];

/** A random table whose entries are mostly edge values. */
function edgeTable(numVars: number, ext: boolean): BigUint64Array {
  const t = randomTable(numVars, ext);
  for (let i = 0; i < t.length; i++) if (Math.random() < 0.6) t[i] = EDGE[Math.floor(Math.random() * EDGE.length)];
  return t;
}

/** Values at 0..D of instance i's round-k polynomial, by folding in BigInt (reference). */
function referenceRound(shape: BatchShape, tables: readonly ProverTable[], i: number, k: number, r: readonly Fp2[], D: number): Fp2[] {
  const inst = shape.instances[i];
  const fold = (vals: Fp2[]): Fp2[] => {
    let cur = vals;
    for (const x of r.slice(0, k)) {
      const next: Fp2[] = [];
      for (let j = 0; j < cur.length; j += 2) next.push(E.add(cur[j], E.mul(x, E.sub(cur[j + 1], cur[j]))));
      cur = next;
    }
    return cur;
  };
  const folded = (f: Factor): Fp2[] => {
    const n = inst.numVars;
    const full = 'eq' in f ? Array.from({ length: 1 << n }, (_, x) => eqAt(f.eq, x)) : Array.from({ length: 1 << n }, (_, x) => entry(tables[f.table] as BigUint64Array, n, x));
    return fold(full);
  };
  const out: Fp2[] = [];
  const cache = new Map<Factor, Fp2[]>();
  for (let t = 0; t <= D; t++) {
    const tt = E.fromBase(BigInt(t));
    let acc: Fp2 = E.ZERO;
    for (const term of inst.terms) {
      for (let x = 0; x < 1 << (inst.numVars - k - 1); x++) {
        let prod = term.coeff;
        for (const f of term.factors) {
          let v = cache.get(f);
          if (v === undefined) cache.set(f, (v = folded(f)));
          prod = E.mul(prod, E.add(v[2 * x], E.mul(tt, E.sub(v[2 * x + 1], v[2 * x]))));
        }
        acc = E.add(acc, prod);
      }
    }
    out.push(acc);
  }
  return out;
}

/** Checks every round of a plain proof against the reference (single-instance batches). */
function checkAgainstReference(shape: BatchShape, tables: ProverTable[]) {
  const out = proveSumcheck(shape, tables, null, new Transcript('factored'));
  const degrees = roundDegrees(shape);
  const inst = shape.instances[0];
  const { normal } = instanceDegrees(shape, inst);
  for (let k = 0; k < inst.numVars - 1; k++) {
    const ref = referenceRound(shape, tables, 0, k, out.point, degrees[k]);
    const w = inst.weight;
    const expect = [ref[0], ...ref.slice(2)].map((x) => E.mul(w, x));
    assert.equal(degrees[k], normal);
    assert.deepEqual(out.proof.rounds[k], expect, `round ${k}`);
  }
  verifySumcheck(shape, out.proof, new Transcript('factored'));
}

function tablesOf(numVars: number, exts: boolean[], edge: boolean): BigUint64Array[] {
  return exts.map((ext) => (edge ? edgeTable(numVars, ext) : randomTable(numVars, ext)));
}

const fixShapes = (tables: BigUint64Array[], numVars: number) => tables.map(() => ({ numVars, kind: 'committed' as const, maskVars: null }));

for (const edge of [false, true]) {
  const label = edge ? 'edge values' : 'random';
  test(`factored = reference (${label}): eq·u^7 per slot and linear slots (the digest round)`, () => {
    const n = 5;
    const tables = tablesOf(n, [false, true, false, true], edge);
    const rho = randomPoint(n);
    const terms: Term[] = tables.map((_, s) => ({ coeff: randomExtElement(), factors: [{ eq: rho }, ...new Array<Factor>(s % 2 === 0 ? 7 : 1).fill({ table: s })] }));
    const partial = { tables: fixShapes(tables, n), instances: [{ numVars: n, weight: randomExtElement(), terms }], zk: false };
    checkAgainstReference({ ...partial, claimedSum: bruteClaim(partial, tables) }, tables);
  });

  test(`factored = reference (${label}): two eq points (ones, random), a plain term, powers 2…5`, () => {
    const n = 4;
    const tables = tablesOf(n, [false, true, true, false], edge);
    const ones = new Array<Fp2>(n).fill(E.ONE);
    const tau = randomPoint(n);
    const terms: Term[] = [
      { coeff: randomExtElement(), factors: [{ eq: ones }, { table: 0 }, { table: 0 }, { table: 1 }] },
      { coeff: randomExtElement(), factors: [{ eq: tau }, ...new Array<Factor>(5).fill({ table: 1 })] },
      { coeff: randomExtElement(), factors: [{ table: 2 }, { table: 3 }] },
      { coeff: randomExtElement(), factors: [{ eq: tau }, { table: 2 }, { table: 3 }] },
    ];
    const partial = { tables: fixShapes(tables, n), instances: [{ numVars: n, weight: randomExtElement(), terms }], zk: false };
    checkAgainstReference({ ...partial, claimedSum: bruteClaim(partial, tables) }, tables);
  });

  test(`factored = reference (${label}): eq with 0 coordinates, eq twice in a term, eq alone`, () => {
    const n = 5;
    const tables = tablesOf(n, [true, false], edge);
    const zeros = new Array<Fp2>(n).fill(E.ZERO);
    const mixed = randomPoint(n).map((x, j) => (j % 2 === 0 ? E.ZERO : j === 1 ? E.ONE : x));
    const rho = randomPoint(n);
    const terms: Term[] = [
      { coeff: randomExtElement(), factors: [{ eq: zeros }, { table: 0 }] },
      { coeff: randomExtElement(), factors: [{ eq: mixed }, { table: 1 }, { table: 0 }] },
      { coeff: randomExtElement(), factors: [{ eq: rho }, { eq: rho }, { table: 1 }] },
      { coeff: randomExtElement(), factors: [{ eq: rho }] },
    ];
    const partial = { tables: fixShapes(tables, n), instances: [{ numVars: n, weight: randomExtElement(), terms }], zk: false };
    checkAgainstReference({ ...partial, claimedSum: bruteClaim(partial, tables) }, tables);
  });

  test(`factored = reference (${label}): one eq group only, c_k·ρ_k = 0 in some rounds`, () => {
    const n = 6;
    const tables = tablesOf(n, [false, true, false], edge);
    const mixed = randomPoint(n).map((x, j) => (j === 2 ? E.ZERO : j === 4 ? E.ONE : x));
    const terms: Term[] = [
      { coeff: randomExtElement(), factors: [{ eq: mixed }, { table: 0 }, { table: 0 }, { table: 0 }] },
      { coeff: randomExtElement(), factors: [{ eq: mixed }, { table: 1 }, { table: 2 }] },
      { coeff: randomExtElement(), factors: [{ eq: mixed }, { table: 2 }] },
    ];
    const partial = { tables: fixShapes(tables, n), instances: [{ numVars: n, weight: randomExtElement(), terms }], zk: false };
    checkAgainstReference({ ...partial, claimedSum: bruteClaim(partial, tables) }, tables);
  });
}

test('factored: mixed instance sizes with shared eq points verify', () => {
  const tables = [randomTable(6, false), randomTable(6, true), randomTable(3, false)];
  const rho6 = randomPoint(6);
  const rho3 = randomPoint(3);
  const partial = {
    tables: [6, 6, 3].map((numVars) => ({ numVars, kind: 'committed' as const, maskVars: null })),
    instances: [
      { numVars: 6, weight: randomExtElement(), terms: [{ coeff: E.ONE, factors: [{ eq: rho6 }, ...new Array<Factor>(7).fill({ table: 0 })] }, { coeff: randomExtElement(), factors: [{ eq: rho6 }, { table: 1 }] }] },
      { numVars: 3, weight: randomExtElement(), terms: [{ coeff: E.ONE, factors: [{ eq: rho3 }, { table: 2 }, { table: 2 }] }] },
      { numVars: 6, weight: randomExtElement(), terms: [{ coeff: E.ONE, factors: [{ eq: rho6 }, { table: 1 }, { table: 0 }] }] },
    ],
    zk: false,
  };
  const shape = { ...partial, claimedSum: bruteClaim(partial, tables) };
  const out = proveSumcheck(shape, tables, null, new Transcript('mixed'));
  verifySumcheck(shape, out.proof, new Transcript('mixed'));
});

/** The power kernel against BigInt on edge values: Σ_i w_i·(lo_i + t·(hi_i − lo_i))^e. */
test('roundPowWeighted = BigInt on edge values (base and extension tables, e = 1 … 9)', () => {
  const K = sumcheckKernel();
  for (const ext of [false, true]) {
    for (let e = 1; e <= 9; e++) {
      const nv = 4;
      const table = edgeTable(nv, ext);
      const w = edgeTable(nv - 1, true);
      const mark = K.mark();
      try {
        const a = K.put(table);
        const wp = K.put(w);
        const out = K.alloc(16 * (e + 1));
        K.words(out, 2 * (e + 1)).fill(0n);
        K.roundPowWeighted(a, ext, e, wp, 1 << (nv - 1), e, false, out);
        for (let t = 0; t <= e; t++) {
          let acc: Fp2 = E.ZERO;
          for (let i = 0; i < 1 << (nv - 1); i++) {
            const lo = entry(table, nv, 2 * i);
            const hi = entry(table, nv, 2 * i + 1);
            const v = E.add(lo, E.mul(E.fromBase(BigInt(t)), E.sub(hi, lo)));
            acc = E.add(acc, E.mul([w[2 * i], w[2 * i + 1]], E.pow(v, BigInt(e))));
          }
          assert.deepEqual(K.readExt(out, t), acc, `ext ${ext} e ${e} t ${t}`);
        }
      } finally {
        K.release(mark);
      }
    }
  }
});

/** The coefficient-form power kernel against BigInt: Σ_i w_i·lo_i^(e−j)·(hi_i − lo_i)^j. */
test('roundPowCoeffs = BigInt on edge values (base and extension tables, e = 1 … 9, odd and even pair counts, with and without the top coefficient)', () => {
  const K = sumcheckKernel();
  for (const ext of [false, true]) {
    for (let e = 1; e <= 9; e++) for (const pairs of [1, 3, 8]) {
      const nv = 4;
      const table = edgeTable(nv, ext);
      const w = edgeTable(nv - 1, true);
      const mark = K.mark();
      try {
        const a = K.put(table);
        const wp = K.put(w);
        const out = K.allocZero(16 * (e + 1));
        K.roundPowCoeffs(a, ext, e, wp, pairs, out);
        // without the top coefficient: the others the same, out[e] left alone
        const noTop = K.allocZero(16 * (e + 1));
        K.roundPowCoeffs(a, ext, e, wp, pairs, noTop, false);
        for (let j = 0; j <= e; j++) {
          let acc: Fp2 = E.ZERO;
          for (let i = 0; i < pairs; i++) {
            const lo = entry(table, nv, 2 * i);
            const d = E.sub(entry(table, nv, 2 * i + 1), lo);
            acc = E.add(acc, E.mul([w[2 * i], w[2 * i + 1]], E.mul(E.pow(lo, BigInt(e - j)), E.pow(d, BigInt(j)))));
          }
          assert.deepEqual(K.readExt(out, j), acc, `ext ${ext} e ${e} pairs ${pairs} j ${j}`);
          assert.deepEqual(K.readExt(noTop, j), j < e ? acc : E.ZERO, `no top: ext ${ext} e ${e} pairs ${pairs} j ${j}`);
        }
      } finally {
        K.release(mark);
      }
    }
  }
});
