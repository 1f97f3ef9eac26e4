// Shapes the layer protocols do not take directly, handled by the plan:
// - a MatMul with inner dimension k = 1 (an outer product) is proven as k = 2 over operands
//   widened with a zero column / row (src/verify/plan-matmul.ts);
// - a Requant of public data is public: the verifier computes it (src/verify/plan-requant.ts),
//   and a public output the constants determine is compared with the statement.
import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { quantizeInputs } from '../../src/quant/compile.js';
import { planModel } from '../../src/verify/plan.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import { forEachCorruption, loadSharedCase } from './shared-case.js';
import { skipReason } from '../onnx/testdata.js';

/** x [m, 1] (int8, private) · W [1, n] + b → y [m, n]. */
function outerProduct(m: number, n: number): IrGraph {
  const g = new GraphBuilder(`outer-${m}x${n}`, 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [m, 1], scale: 0.05, lo: -128n, hi: 127n });
  const w = g.addConstant('W', { dims: [1, n], data: BigInt64Array.from({ length: n }, (_, j) => BigInt(3 * j - 7)) }, 'weight', 0.01, -127n, 127n);
  const b = g.addConstant('b', { dims: [n], data: BigInt64Array.from({ length: n }, (_, j) => BigInt(100 * j - 50)) }, 'weight', 0.0005, -(2n ** 20n), 2n ** 20n);
  const [y] = g.add('MatMul', ['x', w, b], { batch: 1, batchA: 1, batchB: 1, m, k: 1, n, biasMode: 1, outDims: [m, n] }, 'linear', 'mm');
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [m, n], scale: 0.0005 });
  return g.finish();
}

const xOf = (m: number, seed: number): Map<string, IrTensor> => new Map([['x', { dims: [m, 1], data: BigInt64Array.from({ length: m }, (_, i) => BigInt(((seed * 37 + i * 91) % 256) - 128)) }]]);

function reject(vk: Parameters<typeof verify>[0], proof: Uint8Array, what: string): void {
  assert.throws(() => verify(vk, proof), (e: unknown) => e instanceof VerificationError || e instanceof FormatError, what);
}

test('k = 1: an outer product proves and verifies as k = 2 over zero-widened operands (public and private weights, one-element input)', () => {
  for (const [m, n] of [[3, 4], [1, 1], [5, 2]] as const) {
    for (const weights of ['public', 'private'] as const) {
      const graph = outerProduct(m, n);
      const { pk, vk } = setup(graph, { weights });
      const plan = planModel(vk);
      const mm = plan.layers.find((l) => l.kind === 'matmul');
      assert.ok(mm && mm.kind === 'matmul' && mm.dims.k === 2, 'proven with k = 2');
      // the private input is widened by a virtual Gather (never committed)
      assert.ok([...plan.relayouts.values()].some((r) => r.source === 'x' && r.idx !== null), 'x is read through the widening gather');
      const x = xOf(m, m + n);
      const { proof, outputs } = prove(pk, x);
      const res = verify(vk, proof);
      const expected = execute(graph, x).get(graph.outputs[0].name)!.data;
      assert.deepEqual(outputs.get(graph.outputs[0].name)!.data, expected);
      assert.deepEqual(res.outputs.get('y'), Array.from(expected, (v) => Number(v) * 0.0005), `${m}×${n} ${weights}`);
    }
  }
});

test('k = 1: a tampered output, another input\'s output and random corruptions are rejected', () => {
  const graph = outerProduct(3, 4);
  const { pk, vk } = setup(graph, { weights: 'public' });
  const { proof } = prove(pk, xOf(3, 1));
  const other = prove(pk, xOf(3, 2)).proof;
  const file = deserializeProofFile(proof);
  const out = file.statement.outputs[0];
  assert.ok(out.kind === 'public');
  const values = out.values.slice();
  values[5] += 1n;
  reject(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values }] } }), 'tampered output');
  reject(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs: deserializeProofFile(other).statement.outputs } }), 'another input\'s output');
  forEachCorruption(proof, (c, pos) => reject(vk, c, `byte ${pos}`));
});

/** x [1, 4] + requant(C) (a public constant rescaled), and the rescaled constant itself as an output. */
function publicRequantModel(): IrGraph {
  const g = new GraphBuilder('public-requant', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 4], scale: 0.05, lo: -128n, hi: 127n });
  const c = g.addConstant('C', { dims: [1, 4], data: BigInt64Array.from([1000n, -2500n, 37n, 40000n]) }, 'public', 0.001);
  const [rc] = g.add('Requant', [c], { mults: [3n], shift: 4, inner: 1, lo: -2047n, hi: 2047n }, 'rescale', 'rq', [0.05]);
  const [s] = g.add('WeightedSum', ['x', rc], { coeffs: [2n, -1n], offset: 3n }, 'add', 'sum', [0.05]);
  g.addOutput({ name: s, onnxName: 's', onnxDtype: 'float32', dims: [1, 4], scale: 0.05 });
  g.addOutput({ name: rc, onnxName: 'c', onnxDtype: 'float32', dims: [1, 4], scale: 0.05 });
  return g.finish();
}

test('public requant: a Requant of a public constant is computed by the verifier; its consumers read it as public; corruptions are rejected', () => {
  const graph = publicRequantModel();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const plan = planModel(vk);
  assert.ok(!plan.layers.some((l) => l.kind === 'requant'), 'no requant layer');
  const rc = graph.outputs[1].name;
  assert.deepEqual(plan.publics.get(rc)!.data, BigInt64Array.from([188n, -469n, 7n, 2047n]), 'round half up, clamped to 2047');
  const x = new Map([['x', { dims: [1, 4], data: BigInt64Array.from([-128n, 5n, 77n, 127n]) }]]);
  const { proof } = prove(pk, x);
  const res = verify(vk, proof);
  const expected = execute(graph, x);
  for (const o of graph.outputs) assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, (v) => Number(v) * o.scale));
  // the verifier compares the statement's value of the constant output with the key's
  const file = deserializeProofFile(proof);
  const out = file.statement.outputs[1];
  assert.ok(out.kind === 'public');
  const values = out.values.slice();
  values[0] -= 1n;
  const outputs = [file.statement.outputs[0], { kind: 'public' as const, values }];
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs } })), (e: unknown) => e instanceof VerificationError && e.check === 'statement/outputs');
  forEachCorruption(proof, (c, pos) => reject(vk, c, `byte ${pos}`));
});

test('shared models ezkl-1l_linear (k = 1, one-element input) and ezkl-1l_where (a requant of a public constant) prove and verify', { skip: skipReason }, () => {
  for (const m of ['ezkl-1l_linear', 'ezkl-1l_where']) {
    const c = loadSharedCase(m);
    assert.ok(c !== null, `${m}: the case compiles`);
    const { graph, inputs } = c;
    const { pk, vk } = setup(graph, { weights: 'public' });
    const { tensors } = quantizeInputs(graph, inputs);
    const { proof } = prove(pk, tensors, { context: m });
    const res = verify(vk, proof, { context: m });
    const expected = execute(graph, tensors);
    for (const o of graph.outputs) assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, (v) => Number(v) * o.scale), `${m}: ${o.onnxName}`);
  }
});
