// The classic-ML ops survive the compiled-model format (.zkc): write, read back, same outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadOnnx } from '../../src/onnx/load.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compileGraph, runCompiled } from '../../src/quant/compile.js';
import { readCompiled, writeCompiled } from '../../src/ir/format.js';
import { germanCreditAvailable, loadGermanCredit } from '../../src/train/german-credit-data.js';
import { ensureModel, type ModelName } from '../../src/train/models.js';

for (const name of ['german-credit-logistic', 'german-credit-gbdt'] as ModelName[]) {
  test(`${name}: compiled → .zkc bytes → read back runs identically`, { skip: germanCreditAvailable() ? false : 'German Credit data not found' }, () => {
    const d = loadGermanCredit();
    const input: Tensor = { dtype: 'int64', dims: [d.rows, d.cols], data: BigInt64Array.from(d.features, (v) => BigInt(v)) };
    const ir = compileGraph(loadOnnx(readFileSync(ensureModel(name)), { dims: { N: d.rows } }), { calibration: [{ features: input }] });
    const back = readCompiled(writeCompiled(ir));
    const a = runCompiled(ir, { features: input });
    const b = runCompiled(back, { features: input });
    for (const out of ['label', 'probabilities']) assert.deepEqual(Array.from(b.outputs.get(out)!), Array.from(a.outputs.get(out)!), out);
  });
}
