// The shared test models: compile, set up with public weights, prove on the case's input and
// verify. Models outside the proven subset must be refused with UnsupportedModelError (listed),
// never proven partially. The default suite runs a few; ZKINFER_FULL runs every model.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, quantizeInputs } from '../../src/quant/compile.js';
import { execute } from '../../src/ir/execute.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { planModel, sameLayout, UnsupportedModelError } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { loadSharedCase } from './shared-case.js';
import { haveTestdata, skipReason, testdataDir } from '../onnx/testdata.js';
import { ensureModel } from '../../src/train/models.js';
import { loadMnist, MNIST_PIXELS } from '../../src/train/mnist-data.js';

const DEFAULT = ['ezkl-1l_relu', 'ezkl-1l_mlp', 'ezkl-1l_tanh', 'ezkl-1l_pad', 'ezkl-1l_flatten'];

test('layouts: dims that index the same padded table compare equal, others do not', () => {
  assert.ok(sameLayout([1, 1, 2, 2], [1, 4])); // InstanceNormalization's reduced view
  assert.ok(sameLayout([3, 3, 2], [3, 6]));
  assert.ok(sameLayout([1, 5, 1], [5]));
  assert.ok(!sameLayout([2, 3], [6])); // 3 pads to 4: stride 4, not 3
  assert.ok(!sameLayout([3, 2], [2, 3]));
  assert.ok(!sameLayout([3, 4], [4, 3]));
});

test('shared models: every model in the proven subset proves and verifies; the others are refused clearly', { skip: skipReason }, () => {
  if (!haveTestdata) return;
  const dir = join(testdataDir, 'models');
  // ZKINFER_MODELS=a,b runs just those (while working on one model)
  const only = process.env.ZKINFER_MODELS?.split(',');
  const names = readdirSync(dir).filter((m) => (only ? only.includes(m) : process.env.ZKINFER_FULL || DEFAULT.includes(m))).sort();
  const proven: string[] = [];
  const refused: string[] = [];
  for (const m of names) {
    const c = loadSharedCase(m);
    if (c === null) continue;
    const { graph, inputs } = c;
    const { pk, vk } = setup(graph, { weights: 'public' });
    try {
      planModel(vk);
    } catch (e) {
      assert.ok(e instanceof UnsupportedModelError, `${m}: ${String(e)}`);
      refused.push(`${m}: ${(e as Error).message}`);
      continue;
    }
    const { tensors } = quantizeInputs(graph, inputs);
    const { proof, outputs } = prove(pk, tensors, { context: m });
    const res = verify(vk, proof, { context: m });
    const expected = execute(graph, tensors);
    for (const o of graph.outputs) {
      assert.deepEqual(outputs.get(o.name)!.data, expected.get(o.name)!.data, `${m}: output ${o.name}`);
      assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, (v) => Number(v) * o.scale));
    }
    proven.push(`${m} (${proof.length} bytes)`);
  }
  console.log(`# proven: ${proven.join(', ')}`);
  console.log(`# refused: ${refused.length}`);
  for (const r of refused) console.log(`#   ${r}`);
  if (names.some((m) => DEFAULT.includes(m))) assert.ok(proven.length >= Math.min(DEFAULT.length, names.length), 'the default models prove');
});

test('trained MNIST CNN: a held-out digit proves and verifies; the im2col and flatten relayout are virtual (never committed)', () => {
  const graph = compile(readFileSync(ensureModel('mnist-cnn')), { file: 'mnist-cnn.onnx' });
  const { pk, vk } = setup(graph, { weights: 'public' });
  const plan = planModel(vk);
  assert.ok(plan.virtuals.some((v) => v.name.endsWith('im2col')), 'im2col is virtual');
  assert.ok(!plan.committed.some((t) => t.name.endsWith('im2col')), 'im2col is not committed');
  const { test: held } = loadMnist();
  const image = { dtype: 'float32' as const, dims: [1, 1, 28, 28], data: Float64Array.from(held.images.subarray(0, MNIST_PIXELS)) };
  const { tensors } = quantizeInputs(graph, { [graph.inputs[0].name]: image });
  const { proof } = prove(pk, tensors, { context: 'mnist' });
  const res = verify(vk, proof, { context: 'mnist' });
  const o = graph.outputs[0];
  assert.deepEqual(res.outputs.get(o.onnxName), Array.from(execute(graph, tensors).get(o.name)!.data, (v) => Number(v) * o.scale));
  console.log(`# mnist-cnn proof: ${proof.length} bytes`);
});
