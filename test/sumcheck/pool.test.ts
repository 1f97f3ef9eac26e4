// The sumcheck kernels on a worker pool (src/sumcheck/kernel.ts): a proof made with two
// threads equals, byte for byte, the proof made on one, for every kernel path that the pool
// splits (two factors, three factors, the generic product, the power factor, two weighted
// factors, base and extension folds, and in rounds 2–3 the in-place folds of tables below the
// chunking size that foldTables shares out one per call), and the pooled path really ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveSumcheck, type ProverTable } from '../../src/sumcheck/prover.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { serializeSumcheckProof } from '../../src/sumcheck/proof.js';
import { POOL_MIN_PAIRS, setSumcheckThreads, sumcheckKernel } from '../../src/sumcheck/kernel.js';
import type { BatchShape, Factor, Term } from '../../src/sumcheck/types.js';
import { randomExtElement, randomPoint, randomTable, vecClaim } from './helpers.js';

/** Tables of 2^n entries (n large enough that round 0 goes to the pool) and a shape using every path. */
function bigCase(n: number): { shape: BatchShape; tables: ProverTable[] } {
  const tables = [randomTable(n, false), randomTable(n, true), randomTable(n, false), randomTable(n, true)];
  const rho = randomPoint(n);
  const terms: Term[] = [
    { coeff: randomExtElement(), factors: [{ table: 0 }, { table: 2 }] }, // roundProd2, base × base
    { coeff: randomExtElement(), factors: [{ table: 0 }, { table: 1 }, { table: 3 }] }, // roundProd3
    { coeff: randomExtElement(), factors: [{ table: 0 }, { table: 1 }, { table: 2 }, { table: 3 }] }, // generic roundTerm
    { coeff: randomExtElement(), factors: [{ eq: rho }, ...new Array<Factor>(7).fill({ table: 2 })] }, // power factor
    { coeff: randomExtElement(), factors: [{ eq: rho }, { table: 1 }, { table: 2 }] }, // weighted two factors
    { coeff: randomExtElement(), factors: [{ eq: rho }, { table: 0 }, { table: 1 }, { table: 3 }] }, // weighted generic
  ];
  const partial = { tables: tables.map(() => ({ numVars: n, kind: 'committed' as const, maskVars: null })), instances: [{ numVars: n, weight: E.ONE, terms }], zk: false };
  return { shape: { ...partial, claimedSum: vecClaim(partial, tables) }, tables };
}

test('pool: a two-thread proof equals the one-thread proof (every pooled kernel path)', () => {
  const n = Math.log2(POOL_MIN_PAIRS) + 2; // rounds 0–2 go to the pool
  const c = bigCase(n);
  const prove = () => serializeSumcheckProof(proveSumcheck(c.shape, c.tables, null, new Transcript('pool')).proof);
  try {
    setSumcheckThreads(1);
    const single = prove();
    assert.equal(sumcheckKernel().pooledRuns, 0);
    setSumcheckThreads(2);
    const before = sumcheckKernel().pooledRuns;
    const pooled = prove();
    assert.ok(sumcheckKernel().pooledRuns > before, 'the pooled path did not run');
    assert.deepEqual(pooled, single);
    const out = proveSumcheck(c.shape, c.tables, null, new Transcript('pool'));
    verifySumcheck(c.shape, out.proof, new Transcript('pool'));
  } finally {
    sumcheckKernel().close();
  }
});
