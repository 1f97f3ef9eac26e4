// Exactness of the integer executor against BigInt reference arithmetic, and the bound checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import { CompileError, FIELD_HALF } from '../../src/ir/types.js';
import { readCompiled, writeCompiled } from '../../src/ir/format.js';
import { FormatError } from '../../src/encoding/errors.js';

/** Deterministic pseudo-random bigints in [−2^bits, 2^bits]. */
function rand(n: number, bits: number, seed: number): BigInt64Array {
  let s = BigInt(seed);
  const out = new BigInt64Array(n);
  const m = 1n << BigInt(bits);
  for (let i = 0; i < n; i++) {
    s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    out[i] = ((s >> 20n) % (2n * m + 1n)) - m;
  }
  return out;
}

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

test('MatMul + Requant are exact beyond 2^53 and match BigInt arithmetic (round half up)', () => {
  const b = new GraphBuilder('t', 16);
  const [m, k, n] = [3, 400, 4];
  b.addInput({ name: 'x', onnxDtype: 'int32', dims: [m, k], scale: 1, lo: -(2n ** 30n), hi: 2n ** 30n });
  const w = rand(k * n, 20, 7);
  const wName = b.addConstant('w', { dims: [k, n], data: w }, 'weight', 1, -(2n ** 20n), 2n ** 20n);
  const [acc] = b.add('MatMul', ['x', wName], { batch: 1, batchA: 1, batchB: 1, m, k, n, biasMode: 0, outDims: [m, n] }, 'L', 'mm');
  const mults = [3n, 5n, 7n, 11n];
  const [q] = b.add('Requant', [acc], { mults, shift: 9, inner: 1, lo: -(2n ** 45n), hi: 2n ** 45n }, 'L', 'rq');
  const g = b.finish();
  const x = rand(m * k, 30, 3);
  const vals = execute(g, new Map([['x', { dims: [m, k], data: x }]]));
  const accT = vals.get(acc)!.data;
  const qT = vals.get(q)!.data;
  let beyond53 = false;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0n;
    for (let t = 0; t < k; t++) s += x[i * k + t] * w[t * n + j];
    assert.equal(accT[i * n + j], s);
    if (s > 2n ** 53n || s < -(2n ** 53n)) beyond53 = true;
    let want = floorDiv(s * mults[j] + 256n, 512n);
    if (want > 2n ** 45n) want = 2n ** 45n;
    if (want < -(2n ** 45n)) want = -(2n ** 45n);
    assert.equal(qT[i * n + j], want);
  }
  assert.ok(beyond53, 'the test must exercise values beyond 2^53');
});

test('Requant rounds half up, also for negative values', () => {
  const b = new GraphBuilder('t', 8);
  b.addInput({ name: 'x', onnxDtype: 'int32', dims: [6], scale: 1, lo: -100n, hi: 100n });
  const [q] = b.add('Requant', ['x'], { mults: [1n], shift: 1, inner: 1, lo: -100n, hi: 100n }, 'L', 'rq');
  const vals = execute(b.finish(), new Map([['x', { dims: [6], data: BigInt64Array.from([-3n, -2n, -1n, 1n, 2n, 3n]) }]]));
  // x/2 rounded half up: -1.5→-1, -1→-1, -0.5→0, 0.5→1, 1→1, 1.5→2
  assert.deepEqual(Array.from(vals.get(q)!.data), [-1n, -1n, 0n, 1n, 1n, 2n]);
});

test('ArgMax returns the first index on ties; Div and Sqrt round half up', () => {
  const b = new GraphBuilder('t', 8);
  b.addInput({ name: 'x', onnxDtype: 'int32', dims: [2, 4], scale: 1, lo: 1n, hi: 100n });
  const [am] = b.add('Reduce', ['x'], { axis: 1, mode: 'argmax' }, 'L', 'am');
  const [dv] = b.add('Div', ['x', 'x'], { shift: 0, inner: 1 }, 'L', 'div');
  const [sq] = b.add('Sqrt', ['x'], {}, 'L', 'sqrt');
  const x = BigInt64Array.from([5n, 9n, 9n, 1n, 7n, 7n, 7n, 7n]);
  const v = execute(b.finish(), new Map([['x', { dims: [2, 4], data: x }]]));
  assert.deepEqual(Array.from(v.get(am)!.data), [1n, 0n]);
  assert.deepEqual(Array.from(v.get(dv)!.data), [1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n]);
  // round(sqrt): 5→2 (2.236), 9→3, 1→1, 7→3 (2.645)
  assert.deepEqual(Array.from(v.get(sq)!.data), [2n, 3n, 3n, 1n, 3n, 3n, 3n, 3n]);
});

test('a relation term reaching p/2 is refused with the layer and the bound named', () => {
  const b = new GraphBuilder('t', 16);
  b.addInput({ name: 'x', onnxDtype: 'int64', dims: [1, 1024], scale: 1, lo: -(2n ** 31n), hi: 2n ** 31n });
  const w = b.addConstant('w', { dims: [1024, 1], data: new BigInt64Array(1024) }, 'weight', 1, -(2n ** 31n), 2n ** 31n);
  assert.throws(() => b.add('MatMul', ['x', w], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 1024, n: 1, biasMode: 0, outDims: [1, 1] }, 'dense_7', 'mm'),
    (e: unknown) => e instanceof CompileError && /dense_7/.test(e.message) && /B_acc/.test(e.message) && /p\/2/.test(e.message));
  assert.ok(FIELD_HALF < 2n ** 63n);
});

test('the .zkc format round-trips and refuses other versions and corrupted constants', () => {
  const b = new GraphBuilder('t', 8);
  b.addInput({ name: 'x', onnxDtype: 'float32', dims: [3], scale: 0.5, lo: -127n, hi: 127n });
  const t = b.addConstant('table', { dims: [255], data: BigInt64Array.from({ length: 255 }, (_, i) => BigInt(i * i)) }, 'public');
  const [y] = b.add('Lookup', ['x', t], { tableLo: -127n, fn: 'square' }, 'L', 'lut');
  b.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [3], scale: 1 });
  const g = b.finish();
  const bytes = writeCompiled(g);
  const back = readCompiled(bytes);
  const x = new Map([['x', { dims: [3], data: BigInt64Array.from([-127n, 0n, 5n]) }]]);
  assert.deepEqual(Array.from(execute(back, x).get(y)!.data), [0n, 127n * 127n, 132n * 132n]);
  assert.deepEqual(writeCompiled(back), bytes);
  const v2 = bytes.slice();
  v2[4] = 2;
  assert.throws(() => readCompiled(v2), (e: unknown) => e instanceof FormatError && /version 2/.test(e.message) && /reads version 1/.test(e.message));
  const corrupt = bytes.slice();
  corrupt[corrupt.length - 3] ^= 1;
  assert.throws(() => readCompiled(corrupt), (e: unknown) => e instanceof FormatError && /SHA-256/.test(e.message));
  assert.throws(() => readCompiled(bytes.slice(0, bytes.length - 8)), FormatError);
});

test('TopK returns values in order with the lower index first on ties, along an inner axis', () => {
  const b = new GraphBuilder('t', 8);
  b.addInput({ name: 'x', onnxDtype: 'int32', dims: [5, 2], scale: 1, lo: -100n, hi: 100n });
  const [v, i] = b.add('TopK', ['x'], { axis: 0, k: 3, largest: 1 }, 'L', 'topk');
  const [sv, si] = b.add('TopK', ['x'], { axis: 0, k: 2, largest: 0 }, 'L', 'bottomk');
  // column 0: 4, 9, 9, -1, 4   column 1: 0, 0, 0, 0, 0
  const x = BigInt64Array.from([4n, 0n, 9n, 0n, 9n, 0n, -1n, 0n, 4n, 0n]);
  const r = execute(b.finish(), new Map([['x', { dims: [5, 2], data: x }]]));
  assert.deepEqual(Array.from(r.get(v)!.data), [9n, 0n, 9n, 0n, 4n, 0n]);
  assert.deepEqual(Array.from(r.get(i)!.data), [1n, 0n, 2n, 1n, 0n, 2n]);
  assert.deepEqual(Array.from(r.get(sv)!.data), [-1n, 0n, 4n, 0n]);
  assert.deepEqual(Array.from(r.get(si)!.data), [3n, 0n, 0n, 1n]);
});
