// Gather in whole-model proofs: a transpose-with-padding Gather feeding a MatMul is a virtual
// tensor (only its mask is committed; the MatMul's claim on it is proven by the Gather), a
// layout-changing Reshape is free, a Gather output that is a model output is proven against the
// statement. Tampered outputs and proof bytes are rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import type { IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { planModel } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';

function graph() {
  const g = new GraphBuilder('gather-mm', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [3, 5], scale: 1, lo: -100n, hi: 100n });
  // y = transpose(x) padded by one column of fill 2: [5, 4]
  const idx: number[] = [];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) idx.push(j < 3 ? j * 5 + i : -1);
  const ix = g.addConstant('idx', { dims: [20], data: BigInt64Array.from(idx, BigInt) }, 'public');
  const [y] = g.add('Gather', ['x', ix], { outDims: [5, 4], fill: 2n }, 'pad', 'pad');
  const w = g.addConstant('w', { dims: [4, 3], data: BigInt64Array.from({ length: 12 }, (_, i) => BigInt((i % 7) - 3)) }, 'weight');
  const [mm] = g.add('MatMul', [y, w], { batch: 1, batchA: 1, batchB: 1, m: 5, k: 4, n: 3, biasMode: 0, outDims: [5, 3] }, 'mm', 'mm');
  const [flat] = g.add('Reshape', [mm], { outDims: [15] }, 'flat', 'flat');
  // a second output: a slice of x (rows 1..2), public
  const sl = g.addConstant('sl', { dims: [10], data: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(5 + i)) }, 'public');
  const [s] = g.add('Gather', ['x', sl], { outDims: [2, 5], fill: 0n }, 'slice', 'slice');
  g.addOutput({ name: flat, onnxName: 'out', onnxDtype: 'float32', dims: [15], scale: 1 });
  g.addOutput({ name: s, onnxName: 'slice', onnxDtype: 'float32', dims: [2, 5], scale: 1 });
  return { graph: g.finish(), y };
}

const input = (): Map<string, IrTensor> => new Map([['x', { dims: [3, 5], data: BigInt64Array.from({ length: 15 }, (_, i) => BigInt(i * 13 - 90)) }]]);

test('gather model: a virtual transpose+pad feeding a MatMul, a free reshape and a public slice prove and verify', () => {
  const { graph: gr, y } = graph();
  const { pk, vk } = setup(gr, { weights: 'public' });
  const plan = planModel(vk);
  assert.deepEqual(plan.virtuals.map((v) => v.name), [y], 'the gathered operand is virtual');
  assert.ok(!plan.committed.some((t) => t.name === y), 'and not committed');
  const { proof } = prove(pk, input(), { context: 'c' });
  const res = verify(vk, proof, { context: 'c' });
  const expected = execute(gr, input());
  for (const o of gr.outputs) assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, Number));
});

test('gather model: tampered public outputs and corrupted proofs are rejected', () => {
  const { graph: gr } = graph();
  const { pk, vk } = setup(gr, { weights: 'public' });
  const { proof } = prove(pk, input(), { context: 'c' });
  const file = deserializeProofFile(proof);
  for (const which of [0, 1]) {
    const outputs = file.statement.outputs.map((o, i) => {
      if (i !== which || o.kind !== 'public') return o;
      const values = o.values.slice();
      values[3] += 1n;
      return { ...o, values };
    });
    const forged = serializeProofFile({ statement: { ...file.statement, outputs }, sections: file.sections });
    assert.throws(() => verify(vk, forged, { context: 'c' }), VerificationError, `output ${which}`);
  }
  let rejected = 0;
  for (let t = 0; t < 40; t++) {
    const bad = proof.slice();
    const at = Math.floor(Math.random() * bad.length);
    bad[at] ^= 1 << Math.floor(Math.random() * 8);
    try {
      verify(vk, bad, { context: 'c' });
    } catch (e) {
      assert.ok(e instanceof VerificationError || e instanceof FormatError, String(e));
      rejected++;
    }
  }
  assert.equal(rejected, 40);
});

/** A 3×3 convolution with padding 1 over a 5×5 image, two filters: im2col Gather → MatMul (A public). */
function convGraph() {
  const g = new GraphBuilder('conv', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 1, 5, 5], scale: 1, lo: -100n, hi: 100n });
  const idx: number[] = [];
  for (let k = 0; k < 9; k++) for (let o = 0; o < 25; o++) {
    const i = Math.floor(o / 5) + Math.floor(k / 3) - 1;
    const j = (o % 5) + (k % 3) - 1;
    idx.push(i < 0 || j < 0 || i >= 5 || j >= 5 ? -1 : i * 5 + j);
  }
  const ix = g.addConstant('im2col-index', { dims: [225], data: BigInt64Array.from(idx, BigInt) }, 'public');
  const [cols] = g.add('Gather', ['x', ix], { outDims: [1, 9, 25], fill: 0n }, 'conv', 'im2col');
  const w = g.addConstant('w', { dims: [2, 1, 3, 3], data: BigInt64Array.from({ length: 18 }, (_, i) => BigInt((i % 5) - 2)) }, 'weight');
  const b = g.addConstant('b', { dims: [2], data: BigInt64Array.from([7n, -3n]) }, 'weight');
  const [acc] = g.add('MatMul', [w, cols, b], { batch: 1, batchA: 1, batchB: 1, m: 2, k: 9, n: 25, biasMode: 2, outDims: [1, 2, 5, 5] }, 'conv', 'matmul');
  g.addOutput({ name: acc, onnxName: 'y', onnxDtype: 'float32', dims: [1, 2, 5, 5], scale: 1 });
  return { graph: g.finish(), cols };
}

test('gather model: a convolution (public filter matrix on the left, virtual im2col) proves; a tampered output is rejected', () => {
  const { graph: gr, cols } = convGraph();
  const { pk, vk } = setup(gr, { weights: 'public' });
  const plan = planModel(vk);
  assert.deepEqual(plan.virtuals.map((v) => v.name), [cols], 'the im2col tensor is virtual');
  const x = new Map<string, IrTensor>([['x', { dims: [1, 1, 5, 5], data: BigInt64Array.from({ length: 25 }, (_, i) => BigInt(((i * 37) % 201) - 100)) }]]);
  const { proof } = prove(pk, x, { context: 'conv' });
  const res = verify(vk, proof, { context: 'conv' });
  assert.deepEqual(res.outputs.get('y'), Array.from(execute(gr, x).get(gr.outputs[0].name)!.data, Number));
  const file = deserializeProofFile(proof);
  const o = file.statement.outputs[0] as { kind: 'public'; values: BigInt64Array };
  const values = o.values.slice();
  values[12] -= 1n;
  const forged = serializeProofFile({ statement: { ...file.statement, outputs: [{ ...o, values }] }, sections: file.sections });
  assert.throws(() => verify(vk, forged, { context: 'conv' }), VerificationError);
});

test('gather model: a Gather of public constants is a public tensor the verifier derives (a transposed weight)', () => {
  const g = new GraphBuilder('public-gather', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [2, 3], scale: 1, lo: -50n, hi: 50n });
  const w = g.addConstant('w', { dims: [4, 3], data: BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i - 6)) }, 'weight');
  const idx: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) idx.push(j * 3 + i);
  const ix = g.addConstant('t-index', { dims: [12], data: BigInt64Array.from(idx, BigInt) }, 'public');
  const [wt] = g.add('Gather', [w, ix], { outDims: [3, 4], fill: 0n }, 'transB', 'transB');
  const [o] = g.add('MatMul', ['x', wt], { batch: 1, batchA: 1, batchB: 1, m: 2, k: 3, n: 4, biasMode: 0, outDims: [2, 4] }, 'mm', 'mm');
  g.addOutput({ name: o, onnxName: 'o', onnxDtype: 'float32', dims: [2, 4], scale: 1 });
  const gr = g.finish();
  const { pk, vk } = setup(gr, { weights: 'public' });
  const plan = planModel(vk);
  assert.ok(plan.publics.has(wt) && !plan.layers.some((l) => l.kind === 'gather'), 'no Gather layer: the transposed weight is public');
  const x = new Map<string, IrTensor>([['x', { dims: [2, 3], data: BigInt64Array.from([1n, -2n, 3n, 4n, 0n, -5n]) }]]);
  const res = verify(vk, prove(pk, x).proof);
  assert.deepEqual(res.outputs.get('o'), Array.from(execute(gr, x).get(o)!.data, Number));
});
