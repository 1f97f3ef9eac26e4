// Every WebAssembly vector kernel against the BigInt reference, on random and edge values,
// sizes 0..2^12, single-threaded (the pool is exercised in parallel.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import * as E from '../../src/field/ext.js';
import * as V from '../../src/field/vec.js';
import * as R from '../../src/field/vec-reference.js';
import { setFieldThreads } from '../../src/field/kernel.js';
import { EDGES, Rng, allCanonical } from './helpers.js';

before(() => setFieldThreads(1));

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 16, 31, 64, 100, 255, 1024, 4096];

/** Every ordered pair of edge values, as two aligned vectors. */
function edgePairs(): [BigUint64Array, BigUint64Array] {
  const a: bigint[] = [];
  const b: bigint[] = [];
  for (const x of EDGES) for (const y of EDGES) {
    a.push(x);
    b.push(y);
  }
  return [BigUint64Array.from(a), BigUint64Array.from(b)];
}

function same(actual: BigUint64Array, expected: BigUint64Array, what: string): void {
  assert.ok(allCanonical(actual), `${what}: non-canonical output`);
  assert.deepEqual(actual, expected, what);
}

test('base elementwise add/sub/mul/scale match the reference', () => {
  const rng = new Rng(1);
  const cases: [BigUint64Array, BigUint64Array][] = [edgePairs()];
  for (const n of SIZES) cases.push([rng.vec(n), rng.vec(n)]);
  for (const [a, b] of cases) {
    const n = a.length;
    same(V.baseAdd(a, b), R.baseAdd(a, b), `baseAdd n=${n}`);
    same(V.baseSub(a, b), R.baseSub(a, b), `baseSub n=${n}`);
    same(V.baseMul(a, b), R.baseMul(a, b), `baseMul n=${n}`);
    for (const s of [0n, 1n, F.P - 1n, 1n << 32n, rng.fp()]) {
      same(V.baseScale(a, s), R.baseScale(a, s), `baseScale n=${n} s=${s}`);
    }
  }
});

test('inputs are not modified', () => {
  const rng = new Rng(2);
  const a = rng.vec(64);
  const b = rng.vec(64);
  const a0 = a.slice();
  const b0 = b.slice();
  V.baseMul(a, b);
  V.extMul(a, b);
  V.foldExt(a, [3n, 4n]);
  V.baseBatchInverse(rng.vecNonzero(8));
  assert.deepEqual(a, a0);
  assert.deepEqual(b, b0);
});

test('extension elementwise ops match the reference', () => {
  const rng = new Rng(3);
  const cases: [BigUint64Array, BigUint64Array][] = [edgePairs().map((v) => v.subarray(0, v.length & ~1).slice()) as [BigUint64Array, BigUint64Array]];
  for (const n of SIZES) cases.push([rng.vec(2 * n), rng.vec(2 * n)]);
  for (const [a, b] of cases) {
    const n = a.length >> 1;
    same(V.extAdd(a, b), R.extAdd(a, b), `extAdd n=${n}`);
    same(V.extSub(a, b), R.extSub(a, b), `extSub n=${n}`);
    same(V.extMul(a, b), R.extMul(a, b), `extMul n=${n}`);
    for (const s of [E.ZERO, E.ONE, [0n, 1n] as const, [F.P - 1n, F.P - 1n] as const, rng.fp2()]) {
      same(V.extScale(a, s), R.extScale(a, s), `extScale n=${n}`);
    }
    const base = b.subarray(0, n).slice();
    same(V.extMulBase(a, base), R.extMulBase(a, base), `extMulBase n=${n}`);
    const s = rng.fp2();
    same(V.baseScaleExt(base, s), R.baseScaleExt(base, s), `baseScaleExt n=${n}`);
  }
});

test('sums and inner products match the reference', () => {
  const rng = new Rng(4);
  for (const n of SIZES) {
    for (const edgeRate of [0.25, 1]) {
      const a = rng.vec(2 * n, edgeRate);
      const b = rng.vec(2 * n, edgeRate);
      const ab = a.subarray(0, n).slice();
      const bb = b.subarray(0, n).slice();
      assert.equal(V.baseSum(ab), R.baseSum(ab), `baseSum n=${n}`);
      assert.equal(V.baseInner(ab, bb), R.baseInner(ab, bb), `baseInner n=${n}`);
      assert.deepEqual(V.extSum(a), R.extSum(a), `extSum n=${n}`);
      assert.deepEqual(V.extInner(a, b), R.extInner(a, b), `extInner n=${n}`);
      assert.deepEqual(V.baseInnerExt(ab, b), R.baseInnerExt(ab, b), `baseInnerExt n=${n}`);
    }
  }
  // Many p − 1 terms: the lazy carry count must wrap correctly.
  const big = new BigUint64Array(4096).fill(F.P - 1n);
  assert.equal(V.baseSum(big), R.baseSum(big));
  assert.equal(V.baseInner(big, big), R.baseInner(big, big));
  assert.deepEqual(V.extInner(big, big), R.extInner(big, big));
});

test('batch inversion matches the reference and rejects zero', () => {
  const rng = new Rng(5);
  const edges = BigUint64Array.from(EDGES.filter((x) => x !== 0n));
  same(V.baseBatchInverse(edges), R.baseBatchInverse(edges), 'baseBatchInverse edges');
  for (const n of SIZES) {
    const a = rng.vecNonzero(n);
    same(V.baseBatchInverse(a), R.baseBatchInverse(a), `baseBatchInverse n=${n}`);
    const x = rng.vec(2 * n);
    for (let i = 0; i < n; i++) if (x[2 * i] === 0n && x[2 * i + 1] === 0n) x[2 * i] = 1n;
    same(V.extBatchInverse(x), R.extBatchInverse(x), `extBatchInverse n=${n}`);
  }
  assert.throws(() => V.baseBatchInverse(BigUint64Array.from([1n, 0n, 2n])), RangeError);
  assert.throws(() => V.extBatchInverse(BigUint64Array.from([1n, 0n, 0n, 0n])), RangeError);
  // (0, c) is not zero in the extension.
  same(V.extBatchInverse(BigUint64Array.from([0n, 5n])), R.extBatchInverse(BigUint64Array.from([0n, 5n])), 'pure X');
});

test('eq tables match the reference and sum to 1', () => {
  const rng = new Rng(6);
  for (let k = 0; k <= 12; k++) {
    const r = Array.from({ length: k }, () => rng.fp2());
    const t = V.eqTable(r);
    same(t, R.eqTable(r), `eqTable k=${k}`);
    assert.deepEqual(V.extSum(t), E.ONE, `eqTable k=${k} sums to 1`);
    const rb = Array.from({ length: k }, () => rng.fp());
    const tb = V.eqTableBase(rb);
    same(tb, R.eqTableBase(rb), `eqTableBase k=${k}`);
    assert.equal(V.baseSum(tb), 1n, `eqTableBase k=${k} sums to 1`);
  }
});

test('extOuter is the outer product hi[h]·lo[l] at h·|lo| + l', () => {
  const rng = new Rng(17);
  for (const [nl, nh] of [[1, 1], [4, 3], [64, 8], [0, 2], [2, 0]]) {
    const lo = rng.vec(2 * nl);
    const hi = rng.vec(2 * nh);
    const expected = new BigUint64Array(2 * nl * nh);
    for (let h = 0; h < nh; h++) expected.set(R.extScale(lo, R.extGet(hi, h)), 2 * nl * h);
    same(V.extOuter(lo, hi), expected, `extOuter ${nl}×${nh}`);
  }
});

test('extEqCombination equals the sum of its scaled, placed pieces (reference eq tables)', () => {
  const rng = new Rng(16);
  const numVars = 9;
  const shared = Array.from({ length: 5 }, () => rng.fp2());
  const pieces: V.EqPiece[] = [
    { offset: 0, size: 32, coeff: rng.fp2(), point: shared },
    { offset: 32, size: 20, coeff: rng.fp2(), point: shared }, // same point, cut to 20 entries
    { offset: 40, size: 3, coeff: rng.fp2(), point: Array.from({ length: 2 }, () => rng.fp2()) }, // overlaps the last
    { offset: 256, size: 256, coeff: rng.fp2(), point: Array.from({ length: 8 }, () => rng.fp2()) },
    { offset: 100, size: 6, coeff: rng.fp2(), weights: rng.vec(8) }, // 4 weights for 6 entries: 4 used
    { offset: 200, size: 2, coeff: rng.fp2(), weights: rng.vec(8) }, // 4 weights, cut to 2
    { offset: 511, size: 0, coeff: rng.fp2(), point: [] },
  ];
  let expected: BigUint64Array = new BigUint64Array(2 << numVars);
  for (const p of pieces) {
    const w = 'point' in p ? R.eqTable(p.point) : p.weights;
    const n = Math.min(p.size, w.length >> 1);
    const full = new BigUint64Array(2 << numVars);
    full.set(R.extScale(w.subarray(0, 2 * n), p.coeff), 2 * p.offset);
    expected = R.extAdd(expected, full);
  }
  same(V.extEqCombination(numVars, pieces), expected, 'extEqCombination');
  assert.throws(() => V.extEqCombination(3, [{ offset: 6, size: 4, coeff: E.ONE, point: [E.ONE, E.ONE] }]), RangeError);
  assert.throws(() => V.extEqCombination(3, [{ offset: 0, size: 8, coeff: E.ONE, point: [E.ONE, E.ONE] }]), RangeError);
});

/** The multilinear extension of a (base) table at point r, by folding one variable at a time (reference). */
function mleByReferenceFolds(a: BigUint64Array, r: readonly E.Fp2[]): E.Fp2 {
  let t = R.foldBase(a, r[0]);
  for (let j = 1; j < r.length; j++) t = R.foldExt(t, r[j]);
  return R.extGet(t, 0);
}

test('folds match the reference and agree with MLE evaluation through eq tables', () => {
  const rng = new Rng(7);
  for (const n of [2, 4, 6, 8, 64, 1000, 4096]) {
    const a = rng.vec(n);
    const r = rng.fp2();
    same(V.foldBase(a, r), R.foldBase(a, r), `foldBase n=${n}`);
    const x = rng.vec(2 * n);
    same(V.foldExt(x, r), R.foldExt(x, r), `foldExt n=${n}`);
  }
  for (const k of [1, 2, 5, 10]) {
    const a = rng.vec(1 << k);
    const r = Array.from({ length: k }, () => rng.fp2());
    let t = V.foldBase(a, r[0]);
    for (let j = 1; j < k; j++) t = V.foldExt(t, r[j]);
    const viaFolds = V.extGet(t, 0);
    assert.deepEqual(viaFolds, V.baseInnerExt(a, V.eqTable(r)), `fold chain = <a, eq(r)> k=${k}`);
    assert.deepEqual(viaFolds, mleByReferenceFolds(a, r), `fold chain = reference k=${k}`);
  }
  assert.throws(() => V.foldBase(new BigUint64Array(3), E.ONE), RangeError);
  assert.throws(() => V.foldExt(new BigUint64Array(6), E.ONE), RangeError);
});

function evalPoly(coeffs: BigUint64Array, x: bigint): bigint {
  let acc = 0n;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = F.add(F.mul(acc, x), coeffs[i]);
  return acc;
}

test('NTT matches the reference, naive evaluation, and round-trips', () => {
  const rng = new Rng(8);
  for (let logN = 0; logN <= 12; logN++) {
    const n = 1 << logN;
    const a = rng.vec(n);
    const fast = a.slice();
    V.ntt(fast);
    const ref = a.slice();
    R.ntt(ref);
    same(fast, ref, `ntt n=${n}`);
    if (logN <= 6) {
      const w = F.rootOfUnity(logN);
      for (let k = 0; k < n; k++) assert.equal(fast[k], evalPoly(a, F.pow(w, BigInt(k))), `ntt n=${n} k=${k} vs naive`);
    }
    V.intt(fast);
    same(fast, a, `intt(ntt) n=${n}`);
    const shift = F.MULTIPLICATIVE_GENERATOR;
    const coset = a.slice();
    V.cosetNtt(coset, shift);
    const cosetRef = a.slice();
    R.cosetNtt(cosetRef, shift);
    same(coset, cosetRef, `cosetNtt n=${n}`);
    if (logN <= 5) {
      const w = F.rootOfUnity(logN);
      for (let k = 0; k < n; k++) assert.equal(coset[k], evalPoly(a, F.mul(shift, F.pow(w, BigInt(k)))), `cosetNtt n=${n} k=${k} vs naive`);
    }
  }
  assert.throws(() => V.ntt(new BigUint64Array(3)), RangeError);
  assert.throws(() => V.intt(new BigUint64Array(0)), RangeError);
});

test('batched NTTs over rows match the reference row by row, and round-trip', () => {
  const rng = new Rng(9);
  for (const [rows, n] of [[1, 1], [3, 1], [4, 2], [3, 8], [5, 16], [16, 256], [2, 4096], [0, 8]]) {
    const a = rng.vec(rows * n);
    const fast = a.slice();
    V.nttBatch(fast, n);
    const ref = a.slice();
    R.nttBatch(ref, n);
    same(fast, ref, `nttBatch ${rows}×${n}`);
    V.inttBatch(fast, n);
    same(fast, a, `inttBatch(nttBatch) ${rows}×${n}`);
    const coset = a.slice();
    V.cosetNttBatch(coset, n, 7n);
    const cosetRef = a.slice();
    R.cosetNttBatch(cosetRef, n, 7n);
    same(coset, cosetRef, `cosetNttBatch ${rows}×${n}`);
    if (rows >= 2) {
      const row = a.slice(n, 2 * n);
      V.ntt(row);
      same(ref.subarray(n, 2 * n).slice(), row, `row 1 of nttBatch = ntt of row 1, ${rows}×${n}`);
    }
  }
  assert.throws(() => V.nttBatch(new BigUint64Array(12), 8), RangeError);
  assert.throws(() => V.nttBatch(new BigUint64Array(12), 3), RangeError);
  assert.throws(() => V.cosetNttBatch(new BigUint64Array(8), 4, F.P), RangeError);
});

test('length mismatches and bad scalars are rejected', () => {
  assert.throws(() => V.baseAdd(new BigUint64Array(2), new BigUint64Array(3)), RangeError);
  assert.throws(() => V.extMulBase(new BigUint64Array(4), new BigUint64Array(3)), RangeError);
  assert.throws(() => V.baseInnerExt(new BigUint64Array(2), new BigUint64Array(2)), RangeError);
  assert.throws(() => V.baseScale(new BigUint64Array(2), F.P), RangeError);
  assert.throws(() => V.foldBase(new BigUint64Array(2), [0n, F.P]), RangeError);
  assert.throws(() => V.extMul(new BigUint64Array(3), new BigUint64Array(3)), RangeError);
});

test('non-canonical input words (≥ p) are rejected, not silently reduced', () => {
  const bad = [F.P, F.P + 1n, (1n << 64n) - 1n];
  for (const x of bad) {
    const v = BigUint64Array.from([1n, 2n, x, 3n]);
    const ok = BigUint64Array.from([1n, 2n, 3n, 4n]);
    assert.throws(() => V.baseAdd(ok, v), /word 2 .*not a canonical/);
    assert.throws(() => V.baseMul(v, ok), RangeError);
    assert.throws(() => V.extMul(ok, v), RangeError);
    assert.throws(() => V.extInner(v, ok), RangeError);
    assert.throws(() => V.foldExt(v, E.ONE), RangeError);
    assert.throws(() => V.baseBatchInverse(v), RangeError);
    assert.throws(() => V.ntt(v.slice()), RangeError);
    assert.throws(() => V.baseSum(BigUint64Array.from([1n, 2n, x])), /word 2 /, 'odd tail word');
    assert.throws(() => V.baseSum(BigUint64Array.from([x])), /word 0 /, 'single word');
  }
  assert.throws(() => V.eqTable([[F.P, 0n]]), RangeError);
  assert.throws(() => V.eqTableBase([F.P]), RangeError);
});
