// German Credit: the logistic regression and the boosted trees trained in src/train compile
// and decide (good / bad) exactly as the float model on every one of the 1000 applicants; the
// exported ONNX agrees with onnxruntime; training is deterministic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadOnnx } from '../../src/onnx/load.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compileGraph, runCompiled } from '../../src/quant/compile.js';
import { germanCreditAvailable, germanCreditPath, loadGermanCredit } from '../../src/train/german-credit-data.js';
import { ensureModel, trainedInfo, trainModel, type ModelName } from '../../src/train/models.js';
import { ort } from './helpers.js';
import { sigmoidTolerance } from '../ml/tolerances.js';

const skip = germanCreditAvailable() ? false : `German Credit data not found at ${germanCreditPath()}`;


for (const name of ['german-credit-logistic', 'german-credit-gbdt'] as ModelName[]) {
  test(`${name}: same decision quantized as in float for all 1000 applicants`, { skip }, async () => {
    const data = loadGermanCredit();
    const bytes = readFileSync(ensureModel(name));
    const info = trainedInfo(name)!;
    assert.ok(info.accuracy > 0.75, `float accuracy ${info.accuracy} is implausibly low for this model`);
    const n = data.rows;
    const input: Tensor = { dtype: 'int64', dims: [n, data.cols], data: BigInt64Array.from(data.features, (v) => BigInt(v)) };
    const graph = loadOnnx(bytes, { dims: { N: n } });
    const float = evaluateFloat(graph, { features: input });
    const floatLabels = Array.from(float.get('label')!.data as BigInt64Array, Number);
    const floatProbs = float.get('probabilities')!.data as Float64Array;

    const ir = compileGraph(graph, { calibration: [{ features: input }] });
    const run = runCompiled(ir, { features: input });
    const intLabels = Array.from(run.outputs.get('label')!);
    const intProbs = run.outputs.get('probabilities')!;
    const differ = intLabels.flatMap((l, i) => (l === floatLabels[i] ? [] : [i]));
    assert.deepEqual(differ, [], `applicants decided differently: ${differ.slice(0, 10).join(', ')}`);
    assert.ok(floatLabels.some((l) => l === 0) && floatLabels.some((l) => l === 1), 'the model must say both good and bad');
    let maxErr = 0;
    for (let i = 0; i < floatProbs.length; i++) maxErr = Math.max(maxErr, Math.abs(intProbs[i]! - floatProbs[i]!));
    // Scores are exact up to 24-bit weights, so the sigmoid table's resolution dominates.
    assert.ok(maxErr <= sigmoidTolerance(ir.bits), `probability error ${maxErr} > ${sigmoidTolerance(ir.bits)}`);

    // The exported file against onnxruntime, on every applicant.
    const o = ort();
    const session = await o.InferenceSession.create(bytes);
    const res = await session.run({ features: new o.Tensor('int64', input.data as BigInt64Array, [n, data.cols]) });
    const ortLabels = Array.from(res.label!.data, Number);
    assert.deepEqual(ortLabels, floatLabels, 'onnxruntime and the float reference disagree on a label');
    const ortProbs = res.probabilities!.data as Float32Array;
    for (let i = 0; i < floatProbs.length; i++) assert.ok(Math.abs(ortProbs[i]! - floatProbs[i]!) < 1e-5, `probability ${i}: ${ortProbs[i]} vs ${floatProbs[i]}`);
  });

  test(`${name}: training is deterministic (two runs give identical ONNX bytes)`, { skip }, () => {
    const a = trainModel(name);
    const b = trainModel(name);
    assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));
  });
}
