// The shared test models with private weights (the default): compile, set up, plan, and (under
// ZKINFER_FULL) prove and verify. Each model ends as proven, refused (UnsupportedModelError or
// CompileError naming the layer and reason) — never a plain crash. The printed table is the
// source of docs/ops.md's "private weights" column. The default suite checks a few models.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeInputs } from '../../src/quant/compile.js';
import { execute } from '../../src/ir/execute.js';
import { CompileError } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { planModel, UnsupportedModelError } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { loadSharedCase } from './shared-case.js';
import { haveTestdata, skipReason, testdataDir } from '../onnx/testdata.js';

const DEFAULT = ['ezkl-1l_relu', 'ezkl-1l_mlp', 'ezkl-hummingbird_decision_tree', 'sklearn-SklearnBinGradientBoostingClassifier', 'sklearn-SklearnLogitisticRegressionBinary', 'sklearn-SklearnMinMaxScaler'];

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

test('sklearn GBDT with private weights: setup publishes the multipliers\' bit length and bounds the Requant by 2^m − 1 (was the limbs\' capacity, ≈ 2^65: refused)', { skip: skipReason }, () => {
  if (!haveTestdata) return;
  const m = 'sklearn-SklearnBinGradientBoostingClassifier';
  const c = loadSharedCase(m);
  assert.ok(c !== null, `${m} compiles`);
  const node = c.graph.nodes.find((n) => n.op === 'Requant' && n.name.endsWith('transform-in'))!;
  const mults = (node.attrs.mults as readonly bigint[]).map(BigInt);
  const top = mults.reduce((a, b) => (a > b ? a : b));
  const rq = setup(c.graph).vk.nodes.find((n) => n.name === node.name)!;
  assert.deepEqual(rq.privateAttrs, ['mults']);
  assert.equal(rq.attrs.multBits, top.toString(2).length);
  assert.equal(rq.bounds.M, (1n << BigInt(rq.attrs.multBits as number)) - 1n);
  assert.ok(rq.bounds.B_prod < 2n ** 63n);
});

test('sklearn MinMaxScaler with private weights: the private scale and offset (broadcast copies of fingerprinted vectors) prove; one changed scale in the layer is rejected', { skip: skipReason }, () => {
  if (!haveTestdata) return;
  const c = loadSharedCase('sklearn-SklearnMinMaxScaler');
  assert.ok(c !== null);
  const { pk, vk } = setup(c.graph);
  const affine = vk.nodes.find((n) => n.op === 'MlAffine')!;
  const scale = affine.inputs[1];
  assert.ok(vk.weights.includes(scale) && !vk.publicConstants.has(scale), 'the scale is private');
  const { tensors } = quantizeInputs(c.graph, c.inputs);
  const { proof, outputs } = prove(pk, tensors, { context: 'm' });
  verify(vk, proof, { context: 'm' });
  const expected = execute(c.graph, tensors);
  for (const o of c.graph.outputs) assert.deepEqual(outputs.get(o.name)!.data, expected.get(o.name)!.data);
  // the layer reads a changed scale while V (hashed) keeps the setup's: the broadcast copy's Gather ties it to V
  const w = pk.weights.get(scale)!;
  const changed = w.data.slice();
  changed[0] += 1n;
  assert.throws(() => verify(vk, prove(pk, tensors, { context: 'm', unsafeTest: { layerWeights: new Map([[scale, { dims: w.dims, data: changed }]]) } }).proof, { context: 'm' }), (e: unknown) => e instanceof VerificationError || /claimed sum/.test(String(e)));
});
