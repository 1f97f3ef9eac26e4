// Kernels of src/sumcheck/kernel.ts whose pooled path differs in how it computes, not only in
// where: an eq table built in blocks on the pool (eq(r_lo, ·) ⊗ eq(r_hi, ·)) and the one-table
// fused fold (foldRoundWeighted with one table) against their direct definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import * as V from '../../src/field/vec.js';
import { POOL_MIN_PAIRS, SumcheckKernel } from '../../src/sumcheck/kernel.js';
import { randomPoint, randomTable } from './helpers.js';

test('pool: an eq table of 17 variables built on two threads equals eq(r, ·)', () => {
  const r = randomPoint(17);
  const K = new SumcheckKernel(2);
  try {
    const before = K.pooledRuns;
    const ptr = K.eqTable(r);
    assert.ok(K.pooledRuns > before, 'the pooled path did not run');
    assert.deepEqual(K.words(ptr, 2 << 17), V.eqTable(r));
  } finally {
    K.close();
  }
});

test('pool: folding one extension table with the next round\'s Σ w·a(t) at t = 0, 2 equals a fold, then the sums', () => {
  const nPairs = 2 * POOL_MIN_PAIRS; // the fold's new pairs: the pool takes it
  for (const threads of [1, 2]) {
    const K = new SumcheckKernel(threads);
    try {
      const a = randomTable(Math.log2(4 * nPairs), true);
      const w = randomTable(Math.log2(nPairs), true);
      const rr = randomPoint(1)[0];
      const t = { ptr: K.put(a), isExt: true };
      const wp = K.put(w);
      const out = K.allocZero(48);
      K.foldRoundWeighted([t], wp, nPairs, rr, out);
      K.flush();
      // reference: fold, then Σ_j w_j·(lo_j, 2·hi_j − lo_j)
      const folded: bigint[] = [];
      for (let i = 0; i < 2 * nPairs; i++) {
        const lo: E.Fp2 = [a[4 * i], a[4 * i + 1]];
        const hi: E.Fp2 = [a[4 * i + 2], a[4 * i + 3]];
        const f = E.add(lo, E.mul(rr, E.sub(hi, lo)));
        folded.push(f[0], f[1]);
      }
      assert.deepEqual([...K.words(t.ptr, 4 * nPairs)], folded);
      let s0: E.Fp2 = E.ZERO;
      let s2: E.Fp2 = E.ZERO;
      for (let j = 0; j < nPairs; j++) {
        const wj: E.Fp2 = [w[2 * j], w[2 * j + 1]];
        const lo: E.Fp2 = [folded[4 * j], folded[4 * j + 1]];
        const hi: E.Fp2 = [folded[4 * j + 2], folded[4 * j + 3]];
        s0 = E.add(s0, E.mul(wj, lo));
        s2 = E.add(s2, E.mul(wj, E.sub(E.add(hi, hi), lo)));
      }
      assert.deepEqual([K.readExt(out, 0), K.readExt(out, 2)], [s0, s2], `threads ${threads}`);
    } finally {
      K.close();
    }
  }
});
