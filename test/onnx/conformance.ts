// Runs one ONNX backend node test (../shared/testdata/onnx-node/<dir>): load model.onnx, feed
// test_data_set_0/input_N.pb, compare evaluateFloat's outputs with output_N.pb.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOnnx } from '../../src/onnx/load.js';
import { normalizeGraph } from '../../src/onnx/normalize.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { closeness, readTensorFile, testdataDir } from './testdata.js';

export interface NodeTestEntry { dir: string; op: string; tier: string; expanded: boolean; opsets: string[] }

export function nodeTestIndex(): NodeTestEntry[] {
  return JSON.parse(readFileSync(join(testdataDir, 'onnx-node', 'INDEX.json'), 'utf8')) as NodeTestEntry[];
}

export function runNodeTest(dir: string, normalize: boolean): { ok: boolean; detail: string } {
  const base = join(testdataDir, 'onnx-node', dir);
  try {
    let graph = loadOnnx(readFileSync(join(base, 'model.onnx')), { file: `${dir}/model.onnx` });
    const set = join(base, 'test_data_set_0');
    const files = readdirSync(set);
    const inputs: Record<string, Tensor> = {};
    // input_N.pb pair with the graph inputs in order (names inside the .pb may be empty).
    const nIn = files.filter((f) => f.startsWith('input_')).length;
    const declared = graph.inputs;
    for (let i = 0; i < nIn; i++) {
      const { name, tensor } = readTensorFile(join(set, `input_${i}.pb`));
      inputs[name !== '' ? name : declared[i]!.name] = tensor;
    }
    if (normalize) {
      // The node tests feed shape parameters (Reshape's shape, Slice's starts, axes ...) as runtime
      // inputs, which normalization rightly refuses; bind the int64 inputs as constants first.
      const bound = new Map(graph.initializers);
      for (const vi of graph.inputs) if (vi.dtype === 'int64' && inputs[vi.name] !== undefined) { bound.set(vi.name, inputs[vi.name]!); delete inputs[vi.name]; }
      graph = { ...graph, inputs: graph.inputs.filter((vi) => !bound.has(vi.name)), initializers: bound };
      graph = normalizeGraph(graph, { file: `${dir}/model.onnx` });
    }
    const values = evaluateFloat(graph, inputs);
    const outs = graph.outputs;
    for (let i = 0; existsSync(join(set, `output_${i}.pb`)); i++) {
      const { name, tensor } = readTensorFile(join(set, `output_${i}.pb`));
      const key = name !== '' ? name : outs[i]!.name;
      const got = values.get(key);
      if (got === undefined) return { ok: false, detail: `no value for output '${key}'` };
      const c = closeness(got, tensor, 1e-5, 1e-4);
      if (!c.ok) return { ok: false, detail: `output '${key}' ${c.detail}` };
    }
    return { ok: true, detail: '' };
  } catch (e) {
    return { ok: false, detail: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
