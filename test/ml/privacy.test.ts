// Model parameters of the classic-ML ops are private weights (ZK-NOTES row 8): thresholds,
// feature selectors (one-hot per node), modes, leaf values, linear weights and Scaler constants
// must be 'weight' constants bounded by declared ranges, never node attributes or public constants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadOnnx } from '../../src/onnx/load.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compileGraph } from '../../src/quant/compile.js';
import { germanCreditAvailable, loadGermanCredit } from '../../src/train/german-credit-data.js';
import { ensureModel, type ModelName } from '../../src/train/models.js';
import type { IrGraph } from '../../src/ir/types.js';

const skip = germanCreditAvailable() ? false : 'German Credit data not found';

function compiled(name: ModelName): IrGraph {
  const d = loadGermanCredit();
  const input: Tensor = { dtype: 'int64', dims: [d.rows, d.cols], data: BigInt64Array.from(d.features, (v) => BigInt(v)) };
  return compileGraph(loadOnnx(readFileSync(ensureModel(name)), { dims: { N: d.rows } }), { calibration: [{ features: input }] });
}

test('german-credit-gbdt: tree parameters are private weights, the tree op\'s attributes only its shape', { skip }, () => {
  const ir = compiled('german-credit-gbdt');
  const trees = ir.nodes.filter((n) => n.op === 'MlTreeEnsemble');
  assert.equal(trees.length, 1);
  const node = trees[0]!;
  assert.deepEqual(Object.keys(node.attrs).sort(), ['aggregate', 'depth', 'targets', 'trees']);
  assert.equal(node.attrs.trees, 30);
  assert.equal(node.attrs.depth, 3);
  for (const name of node.inputs.slice(1)) {
    const info = ir.values.get(name)!;
    assert.equal(info.kind, 'weight', `${name} must be a private weight`);
  }
  // Declared ranges come from public data: the one-hot selector and modes in {0, 1}, thresholds within the input's bounds.
  const [, selector, thr, modes] = node.inputs.map((n) => ir.values.get(n)!);
  assert.deepEqual([selector!.lo, selector!.hi], [0n, 1n]);
  assert.deepEqual(selector!.dims, [24, 30 * 7]);
  assert.deepEqual([modes!.lo, modes!.hi], [0n, 1n]);
  const x = ir.inputs[0]!;
  assert.deepEqual([thr!.lo, thr!.hi], [x.lo - 1n, x.hi]);
  for (const [k, b] of Object.entries(node.bounds)) assert.ok(b < 2n ** 62n, `bound ${k} = ${b}`);
});

test('german-credit-logistic: Scaler constants and linear weights are private weights', { skip }, () => {
  const ir = compiled('german-credit-logistic');
  const affine = ir.nodes.find((n) => n.op === 'MlAffine')!;
  const matmul = ir.nodes.find((n) => n.op === 'MatMul')!;
  for (const name of [...affine.inputs.slice(1), ...matmul.inputs.slice(1)]) {
    assert.equal(ir.values.get(name)!.kind, 'weight', `${name} must be a private weight`);
  }
  for (const n of ir.nodes) {
    for (const v of Object.values(n.attrs)) {
      // No float model parameter hides in an attribute (shapes, shifts and multipliers are integers;
      // table scales are the only floats, and they are public by design).
      if (Array.isArray(v)) assert.ok((v as unknown[]).length <= 4 || n.op === 'Gather' || n.op === 'Reshape', `${n.name} carries a long attribute list`);
    }
  }
});
