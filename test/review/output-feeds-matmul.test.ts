// Review finding F5: a model output that also feeds a later MatMul (as its left operand) made
// planModel crash with a TypeError (the output is public, so it had no commitment reference).
// Fixed: a public left operand is a public table in the MatMul layer (src/layers/matmul.ts),
// here the statement's output values; the model plans, proves and verifies, and a tampered
// first output is rejected (it is both checked as an output and used as the next layer's input).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { planModel } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';

test('review F5: an output feeding a later MatMul plans, proves and verifies; tampering with it is rejected', () => {
  const g = new GraphBuilder('f5', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 4], scale: 1, lo: -8n, hi: 8n });
  const w1 = g.addConstant('w1', { dims: [4, 3], data: BigInt64Array.from({ length: 12 }, (_, i) => BigInt((i % 3) - 1)) }, 'weight');
  const [h] = g.add('MatMul', ['x', w1], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 3, biasMode: 0, outDims: [1, 3] }, 'fc1', 'mm');
  const w2 = g.addConstant('w2', { dims: [3, 2], data: BigInt64Array.from([1n, 2n, -1n, 0n, 3n, 1n]) }, 'weight');
  const [o] = g.add('MatMul', [h, w2], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 3, n: 2, biasMode: 0, outDims: [1, 2] }, 'fc2', 'mm');
  g.addOutput({ name: h, onnxName: 'h', onnxDtype: 'float32', dims: [1, 3], scale: 1 });
  g.addOutput({ name: o, onnxName: 'o', onnxDtype: 'float32', dims: [1, 2], scale: 1 });
  const { pk, vk } = setup(g.finish(), { weights: 'public' });
  planModel(vk); // no TypeError
  const x = new Map<string, IrTensor>([['x', { dims: [1, 4], data: BigInt64Array.from([3n, -2n, 5n, 1n]) }]]);
  const { proof } = prove(pk, x);
  const res = verify(vk, proof);
  assert.equal(res.outputs.get('h')!.length, 3);
  const file = deserializeProofFile(proof);
  const outputs = file.statement.outputs.map((out, i) => {
    if (i !== 0 || out.kind !== 'public') return out;
    const values = out.values.slice();
    values[1] += 1n;
    return { ...out, values };
  });
  assert.throws(() => verify(vk, serializeProofFile({ statement: { ...file.statement, outputs }, sections: file.sections })), VerificationError);
});
