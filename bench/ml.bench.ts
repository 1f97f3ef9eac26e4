// Classic ML and the trained example models: training time, compile time, integer execution vs
// the float reference, and agreement across precisions. Writes the "ml" section of
// docs/benchmarks.md. Run: node dist/bench/ml.bench.js
import { readFileSync } from 'node:fs';
import { loadOnnx } from '../src/onnx/load.js';
import { evaluateFloat } from '../src/onnx/float-eval.js';
import type { Graph, Tensor } from '../src/onnx/graph.js';
import { compileGraph, runCompiled } from '../src/quant/compile.js';
import { loadGermanCredit } from '../src/train/german-credit-data.js';
import { loadMnist, MNIST_CLASSES, MNIST_PIXELS } from '../src/train/mnist-data.js';
import { ensureModel, trainedInfo, type ModelName } from '../src/train/models.js';
import { median, timeRuns, writeSection } from './report.js';

const RUNS = 5;

function argmax(data: ArrayLike<number>, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let b = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c]! > data[r * cols + b]!) b = c;
    return b;
  });
}

const lines: string[] = [];
lines.push('| model | float accuracy | training | compile (median) | integer run (median) | float run (median) | int / float |');
lines.push('|---|---|---|---|---|---|---|');
const sweep: string[] = ['| model | bits | disagreements (integer vs float decision) |', '|---|---|---|'];

// German Credit: all 1000 applicants in one batch.
const gc = loadGermanCredit();
const gcInput: Tensor = { dtype: 'int64', dims: [gc.rows, gc.cols], data: BigInt64Array.from(gc.features, (v) => BigInt(v)) };
for (const name of ['german-credit-logistic', 'german-credit-gbdt'] as ModelName[]) {
  const bytes = readFileSync(ensureModel(name));
  const info = trainedInfo(name)!;
  const graph = loadOnnx(bytes, { dims: { N: gc.rows } });
  const feeds = { features: gcInput };
  const floatLabels = Array.from(evaluateFloat(graph, feeds).get('label')!.data as BigInt64Array, Number);
  const compileMs = median(timeRuns(() => { compileGraph(graph, { calibration: [feeds] }); }, RUNS));
  const ir = compileGraph(graph, { calibration: [feeds] });
  const intMs = median(timeRuns(() => { runCompiled(ir, feeds); }, RUNS));
  const floatMs = median(timeRuns(() => { evaluateFloat(graph, feeds); }, RUNS));
  lines.push(`| ${name} (1000 applicants) | ${(info.accuracy * 100).toFixed(1)}% (training set) | ${info.trainingMs} ms | ${compileMs.toFixed(0)} ms | ${intMs.toFixed(1)} ms | ${floatMs.toFixed(1)} ms | ${(intMs / floatMs).toFixed(2)} |`);
  for (const bits of [6, 8, 10, 12, 16]) {
    const irb = compileGraph(graph, { calibration: [feeds], bits });
    const labels = Array.from(runCompiled(irb, feeds).outputs.get('label')!);
    sweep.push(`| ${name} | ${bits} | ${labels.filter((l, i) => l !== floatLabels[i]).length} of 1000 |`);
  }
}

// MNIST: 2000 held-out digits in batches of 250.
const { train, test } = loadMnist();
const BATCH = 250;
const shapes: Record<string, number[]> = { 'mnist-mlp': [BATCH, MNIST_PIXELS], 'mnist-cnn': [BATCH, 1, 28, 28] };
for (const name of ['mnist-mlp', 'mnist-cnn'] as ModelName[]) {
  const bytes = readFileSync(ensureModel(name));
  const info = trainedInfo(name)!;
  const graph: Graph = loadOnnx(bytes, { dims: { N: BATCH } });
  const cal = new Float64Array(BATCH * MNIST_PIXELS);
  for (let i = 0; i < BATCH; i++) cal.set(train.images.subarray(i * 32 * MNIST_PIXELS, (i * 32 + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
  const calibration = [{ image: { dtype: 'float32' as const, dims: shapes[name]!, data: cal } }];
  const batches = Array.from({ length: test.count / BATCH }, (_, b) => ({
    image: { dtype: 'float32' as const, dims: shapes[name]!, data: Float64Array.from(test.images.subarray(b * BATCH * MNIST_PIXELS, (b + 1) * BATCH * MNIST_PIXELS)) },
  }));
  const floatTop = batches.map((feeds) => argmax(evaluateFloat(graph, feeds).get('logits')!.data as Float64Array, BATCH, MNIST_CLASSES));
  const compileMs = median(timeRuns(() => { compileGraph(graph, { calibration }); }, RUNS));
  const ir = compileGraph(graph, { calibration });
  const intMs = median(timeRuns(() => { runCompiled(ir, batches[0]!); }, RUNS));
  const floatMs = median(timeRuns(() => { evaluateFloat(graph, batches[0]!); }, RUNS));
  lines.push(`| ${name} (batch of 250 digits) | ${(info.accuracy * 100).toFixed(1)}% (2000 held-out) | ${info.trainingMs} ms | ${compileMs.toFixed(0)} ms | ${intMs.toFixed(1)} ms | ${floatMs.toFixed(1)} ms | ${(intMs / floatMs).toFixed(2)} |`);
  for (const bits of [6, 8, 10, 12, 16]) {
    const irb = compileGraph(graph, { calibration, bits });
    let differ = 0;
    batches.forEach((feeds, b) => {
      const q = argmax(runCompiled(irb, feeds).outputs.get('logits')!, BATCH, MNIST_CLASSES);
      q.forEach((v, r) => { if (v !== floatTop[b]![r]) differ++; });
    });
    sweep.push(`| ${name} | ${bits} | ${differ} of ${test.count} top-1 (agreement ${(100 * (1 - differ / test.count)).toFixed(2)}%) |`);
  }
}

const body = [
  'Training runs once (src/train, deterministic) and is cached under build/models/. Times are medians',
  `of ${RUNS} runs on a machine shared with other jobs, so treat them as rough; the ratio column compares`,
  'the exact integer executor with the float reference evaluator measured in the same run.',
  '',
  ...lines,
  '',
  'Decision agreement by precision (`--bits`; classic-ML features stay 24-bit, see docs/ops-ml.md):',
  '',
  ...sweep,
].join('\n');
writeSection('ml', 'Classic ML and the trained example models', body);
console.log(body);
