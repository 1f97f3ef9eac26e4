// Tree ensembles: the shared sklearn decision-tree regressor (MlTreeEnsemble with public
// structure, thresholds and leaves) proves and verifies; a tampered output and a tampered
// comparison proof are rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerificationError } from '../../src/encoding/errors.js';
import { execute } from '../../src/ir/execute.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { compile, quantizeInputs } from '../../src/quant/compile.js';
import { SECTION } from '../../src/verify/container.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { skipReason, tensorFromJson, testdataDir } from '../onnx/testdata.js';

test('trees: the sklearn decision-tree regressor proves and verifies; tampering is rejected', { skip: skipReason }, () => {
  const dir = join(testdataDir, 'models', 'sklearn-SklearnRegDecisionTreeRegressor');
  const file = readdirSync(dir).find((f) => f.endsWith('.onnx'))!;
  const graph = compile(readFileSync(join(dir, file)), { file });
  assert.ok(graph.nodes.some((n) => n.op === 'MlTreeEnsemble'));
  const { pk, vk } = setup(graph, { weights: 'public' });
  const set = (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { sets: { inputs: Record<string, { dims: number[]; dtype: string; data: number[] }> }[] }).sets[0];
  const inputs: Record<string, Tensor> = Object.fromEntries(Object.entries(set.inputs).map(([k, v]) => [k, tensorFromJson(v)]));
  const { tensors } = quantizeInputs(graph, inputs);
  const { proof } = prove(pk, tensors);
  const res = verify(vk, proof);
  const o = graph.outputs[0];
  assert.deepEqual(res.outputs.get(o.onnxName), Array.from(execute(graph, tensors).get(o.name)!.data, (v) => Number(v) * o.scale));

  const f = deserializeProofFile(proof);
  const out = f.statement.outputs[0];
  assert.ok(out.kind === 'public');
  const values = BigInt64Array.from(out.values);
  values[0] += 1n;
  const forged = serializeProofFile({ statement: { ...f.statement, outputs: [{ kind: 'public', values }] }, sections: f.sections });
  assert.throws(() => verify(vk, forged), VerificationError);
  const layers = new Uint8Array(f.sections.get(SECTION.layers)!);
  for (const at of [50, layers.length >> 1, layers.length - 40]) {
    const bad = new Uint8Array(layers);
    bad[at] ^= 4;
    assert.throws(() => verify(vk, serializeProofFile({ statement: f.statement, sections: new Map([...f.sections, [SECTION.layers, bad]]) })), (e: unknown) => e instanceof Error && !(e instanceof TypeError));
  }
});
