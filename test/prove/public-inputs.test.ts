// Public inputs: the statement holds the input's integers; the input is committed like a private
// one and opened unmasked at a fresh random point whose value the verifier computes from the
// statement. A proof whose statement carries other input values (in range or not) is rejected;
// with private weights the same holds; both other visibilities keep the input out of the statement.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import type { IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import { tinyGraph } from './fixture.js';
import { writeOnnx } from '../../src/onnx/write.js';
import { compile, quantizeInputs } from '../../src/quant/compile.js';
import { stringCode } from '../../src/quant/string-codes.js';

const graph = tinyGraph();
const x = BigInt64Array.from([100n, -50n, 20n, 7n]);
const inputs: Map<string, IrTensor> = new Map([['x', { dims: [1, 4], data: x }]]);

function withInput(proof: Uint8Array, values: BigInt64Array): Uint8Array {
  const file = deserializeProofFile(proof);
  return serializeProofFile({ statement: { ...file.statement, publicInputs: [values] }, sections: file.sections });
}

for (const weights of ['public', 'private'] as const) {
  test(`public input (${weights} weights): the statement holds x; other values are rejected`, () => {
    const keys = setup(graph, { weights, inputs: { x: 'public' } });
    const { proof, statement } = prove(keys.pk, inputs);
    assert.deepEqual(statement.publicInputs, [x]);
    const res = verify(keys.vk, proof);
    assert.deepEqual(res.statement.publicInputs, [x]);
    for (const [i, delta] of [[0, 1n], [3, -1n], [2, 100n]] as const) {
      const other = x.slice();
      other[i] += delta;
      assert.throws(() => verify(keys.vk, withInput(proof, other)), VerificationError, `x[${i}] + ${delta}`);
    }
    const outside = x.slice();
    outside[0] = 1000n; // beyond the input's declared [−127, 127]
    assert.throws(() => verify(keys.vk, withInput(proof, outside)), (e: unknown) => e instanceof VerificationError && e.check === 'statement/shape');
    const file = deserializeProofFile(proof);
    assert.throws(() => verify(keys.vk, serializeProofFile({ statement: { ...file.statement, publicInputs: [null] }, sections: file.sections })), (e: unknown) => e instanceof VerificationError && e.check === 'statement/shape', 'the values withheld');
  });
}

test('public input: a proof for another input does not verify under this input', () => {
  const keys = setup(graph, { weights: 'public', inputs: { x: 'public' } });
  const y = BigInt64Array.from([-3n, 8n, 120n, -127n]);
  const other = prove(keys.pk, new Map([['x', { dims: [1, 4], data: y }]])).proof;
  verify(keys.vk, other);
  assert.throws(() => verify(keys.vk, withInput(other, x)), VerificationError);
  // a cheating prover: the statement says x from the start (the transcript is consistent), the
  // layers and the commitment hold y; only the opening at the input point can catch it
  const forged = prove(keys.pk, new Map([['x', { dims: [1, 4], data: y }]]), { unsafeTest: { forgePublicInputs: new Map([['x', x]]) } }).proof;
  assert.deepEqual(deserializeProofFile(forged).statement.publicInputs, [x]);
  assert.throws(() => verify(keys.vk, forged), VerificationError);
});

test('private input: the statement holds no input values', () => {
  const keys = setup(graph, { weights: 'public' });
  const { statement } = prove(keys.pk, inputs);
  assert.deepEqual(statement.publicInputs, [null]);
});

test('string inputs (7-byte codes): a private string compared with a public one proves and verifies', () => {
  const bytes = writeOnnx({
    opsets: { '': 19 },
    inputs: [{ name: 'a', dtype: 'string', dims: [2] }, { name: 'b', dtype: 'string', dims: [1] }],
    outputs: [{ name: 'y', dtype: 'bool', dims: [2] }],
    nodes: [{ name: 'eq', opType: 'Equal', inputs: ['a', 'b'], outputs: ['y'] }],
  });
  const g = compile(bytes);
  const { tensors } = quantizeInputs(g, { a: { dtype: 'string', dims: [2], data: ['DE', 'FR'] }, b: { dtype: 'string', dims: [1], data: ['FR'] } });
  const keys = setup(g, { inputs: { b: 'public' } });
  const res = verify(keys.vk, prove(keys.pk, tensors).proof);
  assert.deepEqual(res.outputs.get('y'), [0, 1]);
  assert.deepEqual(res.statement.publicInputs, [null, BigInt64Array.from([stringCode('FR')!])]);
});
