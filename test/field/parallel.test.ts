// The worker-pool path: results split across threads must equal the single-threaded kernels
// and the BigInt reference bit for bit, including uneven splits and sizes above the default
// threshold.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import * as V from '../../src/field/vec.js';
import * as R from '../../src/field/vec-reference.js';
import {
  DEFAULT_PARALLEL_THRESHOLD,
  kernels,
  pooledRunCount,
  releaseFieldKernels,
  runCalls,
  setFieldThreads,
  setParallelThreshold,
  sharesFor,
  splitRange,
} from '../../src/field/kernel.js';
import { Rng } from './helpers.js';

setFieldThreads(2);

/** `block` repeated to n words (n a multiple of its length). */
function tile(block: BigUint64Array, n: number): BigUint64Array {
  const out = new BigUint64Array(n);
  for (let o = 0; o < n; o += block.length) out.set(block, o);
  return out;
}

after(() => setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD));

/** Every vec.ts operation on inputs of n elements, as comparable arrays. */
function allOps(n: number, seed: number, impl: typeof V | typeof R): BigUint64Array[] {
  const rng = new Rng(seed);
  const a = rng.vec(n);
  const b = rng.vec(n);
  const x = rng.vec(2 * n);
  const y = rng.vec(2 * n);
  const nz = rng.vecNonzero(n);
  const s = rng.fp2();
  const k = Math.max(1, Math.floor(Math.log2(n)));
  const rExt = Array.from({ length: k }, () => rng.fp2());
  const rBase = Array.from({ length: k }, () => rng.fp());
  const nttIn = rng.vec(1 << k);
  const nttOut = nttIn.slice();
  impl.ntt(nttOut);
  const inttOut = nttIn.slice();
  impl.intt(inttOut);
  const cosetOut = nttIn.slice();
  impl.cosetNtt(cosetOut, F.MULTIPLICATIVE_GENERATOR);
  const even = n & ~1;
  const rowsIn = rng.vec(8 * 64);
  const rowsOut = rowsIn.slice();
  impl.nttBatch(rowsOut, 64);
  const rowsCoset = rowsIn.slice();
  impl.cosetNttBatch(rowsCoset, 64, 7n);
  return [
    impl.baseAdd(a, b),
    impl.baseSub(a, b),
    impl.baseMul(a, b),
    impl.baseScale(a, s[0]),
    impl.extAdd(x, y),
    impl.extSub(x, y),
    impl.extMul(x, y),
    impl.extScale(x, s),
    impl.extMulBase(x, a),
    impl.baseScaleExt(a, s),
    BigUint64Array.from([impl.baseSum(a), impl.baseInner(a, b)]),
    BigUint64Array.from([...impl.extSum(x), ...impl.extInner(x, y), ...impl.baseInnerExt(a, x)]),
    impl.baseBatchInverse(nz),
    impl.extBatchInverse(nz.subarray(0, even).slice()),
    impl.eqTable(rExt),
    impl.eqTableBase(rBase),
    impl.foldBase(a.subarray(0, even).slice(), s),
    impl.foldExt(x.subarray(0, 2 * even).slice(), s),
    nttOut,
    inttOut,
    cosetOut,
    rowsOut,
    rowsCoset,
  ];
}

test('range splitting covers [0, n) exactly, aligned', () => {
  for (const [n, shares, align] of [[0, 2, 1], [1, 2, 1], [7, 3, 1], [1000, 2, 16], [4097, 4, 256], [5, 8, 1]]) {
    const ranges = splitRange(n, shares, align);
    let next = 0;
    for (const [s, e] of ranges) {
      assert.equal(s, next);
      assert.ok(e > s);
      assert.equal(s % align, 0);
      next = e;
    }
    assert.equal(next, n);
    assert.ok(ranges.length <= shares);
  }
});

test('pooled kernels equal single-threaded kernels and the reference (low threshold, uneven sizes)', () => {
  for (const n of [64, 65, 99, 256, 1000, 4099]) {
    setParallelThreshold(1 << 30);
    const single = allOps(n, n, V);
    setParallelThreshold(16);
    const before = pooledRunCount();
    const pooled = allOps(n, n, V);
    assert.ok(sharesFor(n) >= 2, 'the worker pool is running');
    assert.ok(pooledRunCount() > before, 'kernels ran on the pool');
    const reference = allOps(n, n, R);
    pooled.forEach((v, i) => {
      assert.deepEqual(v, single[i], `op ${i}, n=${n}: pooled vs single-threaded`);
      assert.deepEqual(v, reference[i], `op ${i}, n=${n}: pooled vs reference`);
    });
  }
});

test('three threads (twelve chunks: uneven, odd-sized shares) match the reference, NTT layers included', () => {
  setFieldThreads(3);
  try {
    setParallelThreshold(16);
    for (const n of [1000, 4099]) {
      const pooled = allOps(n, n + 1, V);
      const reference = allOps(n, n + 1, R);
      pooled.forEach((v, i) => assert.deepEqual(v, reference[i], `op ${i}, n=${n}, 3 threads`));
    }
    const rng = new Rng(17);
    for (const logN of [13, 14]) {
      const a = rng.vec(1 << logN);
      const f = a.slice();
      V.ntt(f);
      const g = a.slice();
      R.ntt(g);
      assert.deepEqual(f, g, `ntt 2^${logN}, 3 threads`);
      V.intt(f);
      assert.deepEqual(f, a, `intt 2^${logN}, 3 threads`);
    }
  } finally {
    setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
    setFieldThreads(2);
  }
});

test('sizes above the default threshold take the pooled path and match the reference', () => {
  setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
  const rng = new Rng(11);
  const n = DEFAULT_PARALLEL_THRESHOLD * 2 + 3;
  const a = rng.vec(n);
  const b = rng.vec(n);
  const before = pooledRunCount();
  assert.deepEqual(V.baseMul(a, b), R.baseMul(a, b));
  assert.ok(pooledRunCount() > before, 'baseMul ran on the pool');
  assert.equal(V.baseInner(a, b), R.baseInner(a, b));
  const x = rng.vec(2 * n);
  const r = rng.fp2();
  assert.deepEqual(V.extInner(x, x), R.extInner(x, x));
  assert.deepEqual(V.foldExt(x.subarray(0, 2 * (n - 1)).slice(), r), R.foldExt(x.subarray(0, 2 * (n - 1)).slice(), r));
  const k = 17;
  const rs = Array.from({ length: k }, () => rng.fp2());
  const eq = V.eqTable(rs);
  assert.deepEqual(eq, R.eqTable(rs));
  assert.deepEqual(V.extSum(eq), E.ONE);
  const big = rng.vec(1 << 17);
  const f = big.slice();
  V.ntt(f);
  const g = big.slice();
  R.ntt(g);
  assert.deepEqual(f, g, 'ntt 2^17');
  V.intt(f);
  assert.deepEqual(f, big, 'intt(ntt) 2^17');
});

test('kernel memory grown while the pool is running is seen by the workers', () => {
  setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
  const rng = new Rng(13);
  V.baseInner(rng.vec(1 << 17), rng.vec(1 << 17)); // make sure the pool exists
  const before = kernels().memory.buffer.byteLength;
  const n = Math.max(1 << 18, before / 16); // inputs of 24·n bytes cannot fit: memory must grow
  // Random blocks repeated (generating 3·n BigInt values would dominate the test's time).
  const a = tile(rng.vec(4096), n);
  const x = tile(rng.vec(8192), 2 * n);
  const runs = pooledRunCount();
  const pooled = V.baseInnerExt(a, x);
  assert.ok(kernels().memory.buffer.byteLength > before, 'memory grew');
  assert.ok(pooledRunCount() > runs, 'the pool ran after growing');
  setParallelThreshold(1 << 30);
  assert.deepEqual(pooled, V.baseInnerExt(a, x), 'pooled = single-threaded after growth');
  setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
  // Repetition makes the exact value cheap to get from the reference: n/4096 copies of a block.
  const block = R.baseInnerExt(a.subarray(0, 4096), x.subarray(0, 8192));
  const copies = BigInt(n / 4096);
  assert.deepEqual(pooled, [(block[0] * copies) % F.P, (block[1] * copies) % F.P]);
});

test('a failing kernel call on the pool is reported, and the pool keeps working', () => {
  setParallelThreshold(16);
  const rng = new Rng(14);
  V.baseMul(rng.vec(64), rng.vec(64)); // make sure the pool exists
  // The calling thread takes the first call, a slow valid one, so the worker meets the bad ones.
  const e = kernels();
  e.reset();
  const scratch = e.alloc(4096);
  const calls = [{ fn: 'mulLoop', args: [scratch, 4096, 2000, 3n] }, ...Array.from({ length: 7 }, () => ({ fn: 'noSuchKernel', args: [] }))];
  assert.throws(() => runCalls(calls));
  const a = rng.vec(1000);
  const b = rng.vec(1000);
  const runs = pooledRunCount();
  assert.deepEqual(V.baseMul(a, b), R.baseMul(a, b));
  assert.ok(pooledRunCount() > runs);
  setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
});

test('the pooled input check finds a non-canonical word in any share', () => {
  setParallelThreshold(16);
  const rng = new Rng(16);
  for (const at of [0, 499, 777, 999]) {
    const a = rng.vec(1000);
    a[at] = F.P + 5n;
    assert.throws(() => V.baseMul(a, a), new RegExp(`word ${at} `));
  }
  setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
});

test('releasing the kernels drops module and pool; the next operation starts afresh', () => {
  const rng = new Rng(15);
  const a = rng.vec(1 << 17);
  const b = rng.vec(1 << 17);
  const before = kernels();
  const expected = R.baseInner(a, b);
  assert.equal(V.baseInner(a, b), expected);
  releaseFieldKernels();
  const runs = pooledRunCount();
  assert.equal(V.baseInner(a, b), expected);
  assert.notEqual(kernels(), before, 'a new engine');
  assert.ok(pooledRunCount() > runs, 'a new pool ran');
});

test('large inputs (full suite): 2^20 NTT round trip and eq table of 20 variables', { skip: !process.env.ZKINFER_FULL }, () => {
  const rng = new Rng(12);
  const a = rng.vec(1 << 20);
  const f = a.slice();
  V.ntt(f);
  setParallelThreshold(1 << 30);
  const single = a.slice();
  V.ntt(single);
  setParallelThreshold(DEFAULT_PARALLEL_THRESHOLD);
  assert.deepEqual(f, single, 'pooled vs single-threaded 2^20 NTT');
  V.intt(f);
  assert.deepEqual(f, a);
  const rs = Array.from({ length: 20 }, () => rng.fp2());
  assert.deepEqual(V.extSum(V.eqTable(rs)), E.ONE);
  const rb = Array.from({ length: 20 }, () => rng.fp());
  assert.equal(V.baseSum(V.eqTableBase(rb)), 1n);
});
