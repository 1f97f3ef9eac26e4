// MLE evaluation, partial evaluation and padding against a BigInt definition:
// f(r) = Σ_i v_i·Π_j (bit_j(i) ? r_j : 1 − r_j), little-endian (bit j of i pairs with r[j]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { bindHigh, bindLow, eqEval, evaluate, evaluateExt, numVars, padToPow2 } from '../../src/poly/mle.js';
import { Rng } from '../field/helpers.js';

function rngVec(rng: Rng, n: number): BigUint64Array {
  return BigUint64Array.from({ length: n }, () => rng.u64() % F.P);
}

function rngPoint(rng: Rng, k: number): Fp2[] {
  return Array.from({ length: k }, () => [rng.u64() % F.P, rng.u64() % F.P] as const);
}

function eqAt(r: readonly Fp2[], i: number): Fp2 {
  let acc: Fp2 = E.ONE;
  r.forEach((x, j) => (acc = E.mul(acc, (i >> j) & 1 ? x : E.sub(E.ONE, x))));
  return acc;
}

function naive(v: BigUint64Array, r: readonly Fp2[]): Fp2 {
  let acc: Fp2 = E.ZERO;
  for (let i = 0; i < v.length; i++) acc = E.add(acc, E.mulBase(eqAt(r, i), v[i]));
  return acc;
}

test('numVars and padding', () => {
  assert.equal(numVars(1), 0);
  assert.equal(numVars(2), 1);
  assert.equal(numVars(3), 2);
  assert.equal(numVars(1024), 10);
  assert.equal(numVars(1025), 11);
  assert.throws(() => numVars(0), RangeError);
  assert.throws(() => numVars(1.5), RangeError);
  const v = BigUint64Array.of(1n, 2n, 3n);
  assert.deepEqual([...padToPow2(v)], [1n, 2n, 3n, 0n]);
});

test('evaluate matches the definition, including non-powers of two', () => {
  const rng = new Rng(1);
  for (const n of [1, 2, 3, 5, 8, 13, 64, 100]) {
    const v = rngVec(rng, n);
    const r = rngPoint(rng, numVars(n));
    assert.deepEqual(evaluate(v, r), naive(v, r), `length ${n}`);
    const ext = new BigUint64Array(2 * n);
    v.forEach((x, i) => (ext[2 * i] = x));
    assert.deepEqual(evaluateExt(ext, r), naive(v, r), `ext length ${n}`);
  }
  assert.throws(() => evaluate(rngVec(rng, 4), rngPoint(rng, 3)), RangeError);
});

test('evaluate at boolean points reads the table (little-endian)', () => {
  const v = BigUint64Array.of(10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n);
  const b = (x: number): Fp2 => [BigInt(x), 0n];
  // index 6 = 0b110: x0 = 0, x1 = 1, x2 = 1
  assert.deepEqual(evaluate(v, [b(0), b(1), b(1)]), [16n, 0n]);
  assert.deepEqual(evaluate(v, [b(1), b(0), b(0)]), [11n, 0n]);
});

test('bindLow then evaluating the rest equals full evaluation; bindHigh likewise', () => {
  const rng = new Rng(2);
  for (const n of [2, 7, 16, 33]) {
    const v = rngVec(rng, n);
    const k = numVars(n);
    const r = rngPoint(rng, k);
    const full = naive(v, r);
    for (let lo = 0; lo <= k; lo++) {
      const low = bindLow(v, r.slice(0, lo));
      assert.deepEqual(evaluateExt(low, r.slice(lo)), full, `bindLow n=${n} lo=${lo}`);
      const high = bindHigh(v, r.slice(lo));
      assert.deepEqual(evaluateExt(high, r.slice(0, lo)), full, `bindHigh n=${n} lo=${lo}`);
    }
  }
});

test('eqEval agrees with the eq table entries', () => {
  const rng = new Rng(3);
  const r = rngPoint(rng, 4);
  for (let i = 0; i < 16; i++) {
    const bits: Fp2[] = Array.from({ length: 4 }, (_, j) => [BigInt((i >> j) & 1), 0n]);
    assert.deepEqual(eqEval(r, bits), eqAt(r, i));
  }
  const s = rngPoint(rng, 4);
  assert.deepEqual(eqEval(r, s), eqEval(s, r));
  assert.throws(() => eqEval(r, s.slice(1)), RangeError);
});
