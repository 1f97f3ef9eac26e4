// The SIMD sumcheck kernels (two pairs per step, an odd last pair by the scalar code) against
// plain F_p2 arithmetic, for pair counts 1 … 7: roundProd2 on base × base, base × extension and
// extension × extension, roundProd2x2Weighted (a LogUp-GKR layer's two products with one weight),
// the in-place base and extension folds, and the linear combination of base columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { SumcheckKernel } from '../../src/sumcheck/kernel.js';
import { randomBase, randomExt } from '../../src/sumcheck/random.js';
import { randomExtElement } from './helpers.js';

const K = new SumcheckKernel(1);

function at(v: BigUint64Array, ext: boolean, i: number): Fp2 {
  return ext ? [v[2 * i], v[2 * i + 1]] : E.fromBase(v[i]);
}

/** Entry i of the pair's line at t: lo + t·(hi − lo). */
function line(v: BigUint64Array, ext: boolean, pair: number, t: number): Fp2 {
  const lo = at(v, ext, 2 * pair);
  return E.add(lo, E.mulBase(E.sub(at(v, ext, 2 * pair + 1), lo), BigInt(t)));
}

function table(ext: boolean, entries: number): BigUint64Array {
  return ext ? randomExt(entries) : randomBase(entries);
}

function readOut(out: number): Fp2[] {
  return [0, 1, 2].map((t) => K.readExt(out, t));
}

test('roundProd2 (SIMD) equals the sum of products at t = 0, 1, 2', () => {
  for (let pairs = 1; pairs <= 7; pairs++) {
    for (const [aExt, bExt] of [[false, false], [false, true], [true, true]] as const) {
      const a = table(aExt, 2 * pairs);
      const b = table(bExt, 2 * pairs);
      const mark = K.mark();
      const out = K.allocZero(48);
      K.roundProd2(K.put(a), aExt, K.put(b), bExt, pairs, false, out);
      const want = [0, 1, 2].map((t) => {
        let s: Fp2 = E.ZERO;
        for (let i = 0; i < pairs; i++) s = E.add(s, E.mul(line(a, aExt, i, t), line(b, bExt, i, t)));
        return s;
      });
      assert.deepEqual(readOut(out), want, `${pairs} pairs, ext ${aExt}/${bExt}`);
      K.release(mark);
    }
  }
});

test('roundProd2x2Weighted equals Σ w·(a·b + c·d) at t = 0, 1, 2; with skipOne t = 1 is left alone', () => {
  for (let pairs = 1; pairs <= 7; pairs++) {
    const [a, b, c, d] = [0, 1, 2, 3].map(() => table(true, 2 * pairs));
    const w = randomExt(pairs);
    const want = [0, 1, 2].map((t) => {
      let s: Fp2 = E.ZERO;
      for (let i = 0; i < pairs; i++) {
        const inner = E.add(E.mul(line(a, true, i, t), line(b, true, i, t)), E.mul(line(c, true, i, t), line(d, true, i, t)));
        s = E.add(s, E.mul(at(w, true, i), inner));
      }
      return s;
    });
    for (const skipOne of [false, true]) {
      const mark = K.mark();
      const out = K.allocZero(48);
      K.roundProd2x2Weighted(K.put(a), K.put(b), K.put(c), K.put(d), K.put(w), pairs, skipOne, out);
      assert.deepEqual(readOut(out), skipOne ? [want[0], E.ZERO, want[2]] : want, `${pairs} pairs, skipOne ${skipOne}`);
      K.release(mark);
    }
  }
});

test('in-place folds (SIMD) bind the lowest variable: entry i ← lo + r·(hi − lo)', () => {
  for (let pairs = 1; pairs <= 7; pairs++) {
    for (const ext of [false, true]) {
      const v = table(ext, 2 * pairs);
      const r = randomExtElement();
      const mark = K.mark();
      const t = { ptr: K.put(v), isExt: ext };
      K.foldTable(t, pairs, r);
      for (let i = 0; i < pairs; i++) {
        const lo = at(v, ext, 2 * i);
        assert.deepEqual(K.readExt(t.ptr, i), E.add(lo, E.mul(r, E.sub(at(v, ext, 2 * i + 1), lo))), `${pairs} pairs, ext ${ext}, entry ${i}`);
      }
      K.release(mark);
    }
  }
});

test('combineBase writes Σ_j c_j·a_j for base columns and extension coefficients', () => {
  for (const [k, n] of [[1, 1], [3, 5], [11, 64]]) {
    const cols = Array.from({ length: k }, () => randomBase(n));
    const cs = Array.from({ length: k }, () => randomExtElement());
    const got = K.combineBase(cols, cs);
    assert.equal(got.length, 2 * n);
    for (let i = 0; i < n; i++) {
      let want: Fp2 = E.ZERO;
      for (let j = 0; j < k; j++) want = E.add(want, E.mulBase(cs[j], cols[j][i]));
      assert.deepEqual([got[2 * i], got[2 * i + 1]], want, `k ${k} entry ${i}`);
    }
  }
  assert.throws(() => K.combineBase([randomBase(4), randomBase(5)], [E.ONE, E.ONE]), /different lengths/);
  // into a caller's vector: the same words, in that vector
  const cols = Array.from({ length: 11 }, () => randomBase(64));
  const cs = Array.from({ length: 11 }, () => randomExtElement());
  const into = new BigUint64Array(128);
  assert.equal(K.combineBase(cols, cs, into), into);
  assert.deepEqual(into, K.combineBase(cols, cs));
  assert.throws(() => K.combineBase(cols, cs, new BigUint64Array(64)), /an output of 64 words/);
});
