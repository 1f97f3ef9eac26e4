// bench:exec — the exact integer executor against onnxruntime (float, CPU) on the same models:
// a 1M-parameter MLP written here and some of ../shared/testdata/models. Median of several runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeOnnx } from '../src/onnx/write.js';
import type { Tensor } from '../src/onnx/graph.js';
import { compile, quantizeInputs } from '../src/quant/compile.js';
import { execute } from '../src/ir/execute.js';
import { median, timeRuns, writeSection } from './report.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2147483648; return (s / 2147483648) * 2 - 1; };
}

/** A 784-1024-256-10 ReLU MLP (1.07M parameters) as ONNX bytes. */
function mlpModel(): Uint8Array {
  const r = lcg(1);
  const layer = (name: string, k: number, n: number): [Tensor, Tensor] => [
    { dtype: 'float32', dims: [k, n], data: Float64Array.from({ length: k * n }, () => r() / Math.sqrt(k)) },
    { dtype: 'float32', dims: [n], data: Float64Array.from({ length: n }, () => r() * 0.1) },
  ];
  const sizes = [784, 1024, 256, 10];
  const initializers: Record<string, Tensor> = {};
  const nodes = [];
  let x = 'x';
  for (let i = 0; i < 3; i++) {
    const [w, b] = layer(`l${i}`, sizes[i], sizes[i + 1]);
    initializers[`w${i}`] = w;
    initializers[`b${i}`] = b;
    nodes.push({ opType: 'Gemm', inputs: [x, `w${i}`, `b${i}`], outputs: [`g${i}`] });
    if (i < 2) { nodes.push({ opType: 'Relu', inputs: [`g${i}`], outputs: [`h${i}`] }); x = `h${i}`; } else x = `g${i}`;
  }
  return writeOnnx({ inputs: [{ name: 'x', dtype: 'float32', dims: [1, 784] }], outputs: [{ name: x, dtype: 'float32', dims: [1, 10] }], initializers, nodes } as never);
}

interface Case { name: string; bytes: Uint8Array; inputs: Record<string, Tensor> }

function cases(): Case[] {
  const r = lcg(2);
  const out: Case[] = [{ name: 'mlp-784-1024-256-10 (1.07M params)', bytes: mlpModel(), inputs: { x: { dtype: 'float32', dims: [1, 784], data: Float64Array.from({ length: 784 }, () => (r() + 1) / 2) } } }];
  const dir = join(process.cwd(), '..', 'shared', 'testdata', 'models');
  for (const c of ['ezkl-4l_relu_conv_fc', 'ezkl-2l_relu_sigmoid_conv', 'ezkl-layernorm', 'ezkl-1l_softmax']) {
    if (!existsSync(join(dir, c))) continue;
    const spec = JSON.parse(readFileSync(join(dir, c, 'case.json'), 'utf8'));
    const inputs = Object.fromEntries(Object.entries(spec.sets[0].inputs as Record<string, { dims: number[]; dtype: string; data: number[] }>)
      .map(([k, v]) => [k, { dtype: v.dtype as Tensor['dtype'], dims: v.dims, data: Float64Array.from(v.data) }]));
    out.push({ name: c, bytes: readFileSync(join(dir, c, 'model.onnx')), inputs });
  }
  return out;
}

const RUNS = 15;
const rows: string[] = ['| model | integer ops | integer executor (ms) | onnxruntime float (ms) | ratio |', '|---|---|---|---|---|'];
for (const c of cases()) {
  const graph = compile(c.bytes, { calibration: [c.inputs] });
  const { tensors } = quantizeInputs(graph, c.inputs);
  const ours = median(timeRuns(() => execute(graph, tensors), RUNS, 2));
  const session = await ort.InferenceSession.create(c.bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(c.inputs)) feeds[k] = new ort.Tensor('float32', Float32Array.from(t.data as Float64Array), t.dims as number[]);
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) { const t0 = performance.now(); await session.run(feeds); times.push(performance.now() - t0); }
  const theirs = median(times);
  const row = `| ${c.name} | ${graph.nodes.length} | ${ours.toFixed(2)} | ${theirs.toFixed(3)} | ${(ours / theirs).toFixed(1)}× |`;
  console.log(row);
  rows.push(row);
}
writeSection('exec', 'Integer executor vs onnxruntime (bench:exec)',
  `Median of ${RUNS} runs after warm-up, batch 1, default precision (12 bits). The integer executor runs every op exactly ` +
  '(int64 WASM kernels, every intermediate tensor kept as the witness); onnxruntime runs the float model. ' +
  'The machine was shared with ~8 concurrent jobs: treat absolute numbers as noisy, ratios as indicative.\n\n' + rows.join('\n'));
