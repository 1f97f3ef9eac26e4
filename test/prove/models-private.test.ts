// The shared test models with private weights (the default): compile, set up, plan, and (under
// ZKINFER_FULL) prove and verify. Each model ends as proven, refused (UnsupportedModelError or
// CompileError naming the layer and reason) — never a plain crash. The printed table is the
// source of docs/ops.md's "private weights" column. The default suite checks a few models.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compile, quantizeInputs } from '../../src/quant/compile.js';
import { execute } from '../../src/ir/execute.js';
import { CompileError } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { planModel, UnsupportedModelError } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { loadSharedCase } from './shared-case.js';
import { haveTestdata, skipReason, testdataDir } from '../onnx/testdata.js';

const DEFAULT = ['ezkl-1l_relu', 'ezkl-1l_mlp', 'sklearn-SklearnBinGradientBoostingClassifier', 'sklearn-SklearnLogitisticRegressionBinary'];

test('shared models with private weights: each proves and verifies or is refused clearly (never a crash)', { skip: skipReason }, () => {
  if (!haveTestdata) return;
  const dir = join(testdataDir, 'models');
  const names = readdirSync(dir).filter((m) => process.env.ZKINFER_FULL || DEFAULT.includes(m)).sort();
  const rows: string[] = [];
  let proven = 0;
  for (const m of names) {
    const c = loadSharedCase(m);
    if (c === null) continue;
    const { graph, inputs } = c;
    let keys;
    try {
      keys = setup(graph);
      planModel(keys.vk);
    } catch (e) {
      assert.ok(e instanceof UnsupportedModelError || e instanceof CompileError, `${m}: crashed: ${String(e)}`);
      rows.push(`| ${m} | refused | ${(e as Error).message.replace(/\|/g, '\\|')} |`);
      continue;
    }
    if (process.env.ZKINFER_FULL) {
      const { tensors } = quantizeInputs(graph, inputs);
      const { proof, outputs } = prove(keys.pk, tensors, { context: m });
      const res = verify(keys.vk, proof, { context: m });
      const expected = execute(graph, tensors);
      for (const o of graph.outputs) {
        assert.deepEqual(outputs.get(o.name)!.data, expected.get(o.name)!.data, `${m}: output ${o.name}`);
        assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, (v) => Number(v) * o.scale));
      }
      rows.push(`| ${m} | proven | ${proof.length} bytes |`);
    } else rows.push(`| ${m} | planned | |`);
    proven++;
  }
  console.log(`# private weights: ${proven} of ${rows.length} ${process.env.ZKINFER_FULL ? 'prove and verify' : 'plan'}`);
  for (const r of rows) console.log(`# ${r}`);
});

test('sklearn GBDT with private weights: setup refuses with UnsupportedModelError naming the Requant layer and the bound (was a plain RangeError)', { skip: skipReason }, () => {
  if (!haveTestdata) return;
  const m = 'sklearn-SklearnBinGradientBoostingClassifier';
  const c = loadSharedCase(m);
  assert.ok(c !== null, `${m} compiles`);
  assert.throws(() => setup(c.graph), (e: unknown) => e instanceof UnsupportedModelError && /layer TreeEnsembleClassifier \(Requant .*transform-in\): with private multipliers .* public bound B_prod = \d+ .* reaches p\/2/.test(e.message));
  planModel(setup(c.graph, { weights: 'public' }).vk); // public multipliers: the compiler's own bounds fit
});
