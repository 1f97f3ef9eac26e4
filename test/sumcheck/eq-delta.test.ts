// eq at a boolean point (src/sumcheck/factored.ts: read off the one pair holding the delta's
// index instead of kernel passes over every pair) sends exactly what the kernel path sends:
// each random batch is proven twice from the same tables, masks and transcript, once with the
// delta path and once with `noEqDelta` (the kernel path), and the two outputs must be equal —
// every round message, the final values, the claims and the point. The batches mix boolean eq
// points (all ones, all zeros, random bits) with random and partly boolean ones, terms without
// eq, powers (u^7), a second eq factor in a term, base and extension tables, masked tables in
// zero-knowledge batches and instances of different sizes; one large batch runs on the worker
// pool (pooled folds swap a table's buffer, which the delta path must read after the flush).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveSumcheck, type ProverOutput, type ProverTable } from '../../src/sumcheck/prover.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { POOL_MIN_PAIRS, setSumcheckThreads, sumcheckKernel } from '../../src/sumcheck/kernel.js';
import { randomExt } from '../../src/sumcheck/random.js';
import type { BatchShape, Factor, TableShape, Term } from '../../src/sumcheck/types.js';
import { roundDegrees } from '../../src/sumcheck/types.js';
import { bruteClaim, mle, randomExtElement, randomPoint, randomTable, vecClaim } from './helpers.js';

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const int = (lo: number, hi: number): number => lo + Math.floor(Math.random() * (hi - lo + 1));

/** A table's data: values, and for a masked table its mask R, so each proof gets a fresh MaskedPoly. */
interface TableData {
  readonly shape: TableShape;
  readonly values: BigUint64Array;
  readonly mask: BigUint64Array | null;
}

function bitsPoint(n: number, bits: number): Fp2[] {
  return Array.from({ length: n }, (_, j) => ((bits >> j) & 1 ? E.ONE : E.ZERO));
}

/** eq points of every kind: boolean ones (the delta path) and others (the kernel path). */
function eqPoint(n: number, boolean: boolean): Fp2[] {
  if (boolean) return pick([() => bitsPoint(n, (1 << n) - 1), () => bitsPoint(n, 0), () => bitsPoint(n, int(0, (1 << n) - 1))])();
  if (n === 0) return [];
  // random, or random with some 0/1 coordinates (not boolean: one coordinate stays random)
  const p = randomPoint(n);
  if (Math.random() < 0.5) return p;
  const keep = int(0, n - 1);
  return p.map((x, j) => (j === keep ? x : pick([E.ZERO, E.ONE, x])));
}

function randomBatch(zk: boolean): { shape: BatchShape; data: TableData[] } {
  const data: TableData[] = [];
  const instances = Array.from({ length: int(1, 3) }, () => {
    const n = int(zk ? 1 : 0, 6);
    const first = data.length;
    for (let t = 0; t < int(1, 4); t++) {
      const ext = Math.random() < 0.5;
      const isPublic = n === 0 || Math.random() < 0.25;
      const maskVars = zk && !isPublic ? int(1, Math.min(2, n)) : null;
      data.push({
        shape: { numVars: n, kind: isPublic ? 'public' : 'committed', maskVars },
        values: randomTable(n, ext),
        mask: maskVars === null ? null : randomExt(1 << maskVars),
      });
    }
    const table = (): Factor => ({ table: int(first, data.length - 1) });
    const terms: Term[] = Array.from({ length: int(1, 5) }, (_, ti) => {
      // the first term always has a boolean eq point, so every instance runs the delta path
      const eqKind = ti === 0 ? 'boolean' : pick(['boolean', 'boolean', 'other', 'none']);
      const tables: Factor[] = Math.random() < 0.3 ? new Array<Factor>(7).fill(table()) : Array.from({ length: int(eqKind === 'none' ? 1 : 0, 3) }, table);
      const factors: Factor[] = eqKind === 'none' ? tables : [{ eq: eqPoint(n, eqKind === 'boolean') }, ...tables];
      if (eqKind !== 'none' && Math.random() < 0.2) factors.push({ eq: eqPoint(n, Math.random() < 0.5) });
      return { coeff: randomExtElement(), factors };
    });
    return { numVars: n, weight: randomExtElement(), terms };
  });
  const partial = { tables: data.map((d) => d.shape), instances, zk };
  const claimedSum = bruteClaim(partial, data.map((d) => d.values));
  return { shape: { ...partial, claimedSum }, data };
}

function proveBoth(shape: BatchShape, data: readonly TableData[]): { delta: ProverOutput; kernels: ProverOutput } {
  const degrees = roundDegrees(shape);
  const g = shape.zk ? randomExt(1 + degrees.reduce((s, d) => s + d, 0)) : null;
  const prove = (noEqDelta: boolean): ProverOutput => {
    const tables: ProverTable[] = data.map((d) => (d.mask === null ? d.values : new MaskedPoly(d.values, d.shape.numVars, d.shape.maskVars!, d.mask)));
    return proveSumcheck(shape, tables, g === null ? null : new SumcheckMask(degrees, g), new Transcript('eq-delta'), { noEqDelta });
  };
  return { delta: prove(false), kernels: prove(true) };
}

function checkBatch(shape: BatchShape, data: readonly TableData[], label: string): void {
  const { delta, kernels } = proveBoth(shape, data);
  assert.deepEqual(delta, kernels, label);
  const publicEval = (j: number, p: readonly Fp2[]) => mle(data[j].values, data[j].shape.numVars, p);
  verifySumcheck(shape, delta.proof, new Transcript('eq-delta'), publicEval);
}

for (const zk of [false, true]) {
  test(`eq delta = kernel path: 40 random batches (${zk ? 'zero-knowledge, masked tables' : 'plain'})`, () => {
    for (let c = 0; c < 40; c++) {
      const { shape, data } = randomBatch(zk);
      const eqs = shape.instances.map((i) => i.terms.map((t) => t.factors.filter((f) => 'eq' in f).map((f) => ('eq' in f ? f.eq.map((x) => (E.eq(x, E.ZERO) ? 0 : E.eq(x, E.ONE) ? 1 : 'r')).join('') : ''))));
      checkBatch(shape, data, `batch ${c}: instances of ${shape.instances.map((i) => i.numVars)} variables, eq points ${JSON.stringify(eqs)}`);
    }
  });
}

test('eq delta = kernel path: the digest output batch pattern on the worker pool (eq(1…1)·u^7 beside eq(τ)·u^7)', () => {
  const n = Math.log2(POOL_MIN_PAIRS) + 2; // rounds 0–2 go to the pool
  const slots = 3;
  const data: TableData[] = Array.from({ length: slots + 1 }, (_, s) => ({
    shape: { numVars: n, kind: 'committed', maskVars: 1 },
    values: randomTable(n, s % 2 === 1),
    mask: randomExt(2),
  }));
  const ones = bitsPoint(n, (1 << n) - 1);
  const tau = randomPoint(n);
  const terms: Term[] = [];
  for (let s = 0; s < slots; s++) {
    terms.push({ coeff: randomExtElement(), factors: [{ eq: ones }, ...new Array<Factor>(7).fill({ table: s })] });
    terms.push({ coeff: randomExtElement(), factors: [{ eq: tau }, ...new Array<Factor>(7).fill({ table: s })] });
  }
  terms.push({ coeff: randomExtElement(), factors: [{ eq: bitsPoint(n, 0) }, { table: slots }] });
  terms.push({ coeff: randomExtElement(), factors: [{ table: 0 }, { table: slots }] });
  const partial = { tables: data.map((d) => d.shape), instances: [{ numVars: n, weight: E.ONE, terms }], zk: true };
  const shape = { ...partial, claimedSum: vecClaim(partial, data.map((d) => d.values)) };
  try {
    setSumcheckThreads(2);
    const before = sumcheckKernel().pooledRuns;
    checkBatch(shape, data, 'pooled digest-like batch');
    assert.ok(sumcheckKernel().pooledRuns > before, 'the pooled path did not run');
  } finally {
    sumcheckKernel().close();
  }
});
