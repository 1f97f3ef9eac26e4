// Runs one ../shared/testdata/models/<case>: load + normalize model.onnx, evaluate the first sets
// of case.json in float64 and compare with onnxruntime's recorded outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOnnx } from '../../src/onnx/load.js';
import { normalizeGraph, checkNormalized } from '../../src/onnx/normalize.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { closeness, tensorFromJson, testdataDir } from './testdata.js';

interface JsonTensor { dims: number[]; dtype: string; data: (number | string)[] }
interface CaseFile { sets: { inputs: Record<string, JsonTensor>; outputs: Record<string, JsonTensor> }[] }

export function runModelCase(name: string, maxSets: number): { ok: boolean; detail: string; nodes: number } {
  const dir = join(testdataDir, 'models', name);
  let nodes = 0;
  try {
    const file = `${name}/model.onnx`;
    const cases = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseFile;
    for (const [si, set] of cases.sets.slice(0, maxSets).entries()) {
      // Dynamic input dims are bound to this set's input dims.
      const inputDims = Object.fromEntries(Object.entries(set.inputs).map(([k, v]) => [k, v.dims]));
      const graph = normalizeGraph(loadOnnx(readFileSync(join(dir, 'model.onnx')), { file, inputDims }), { file });
      checkNormalized(graph);
      nodes = graph.nodes.length;
      const inputs: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(set.inputs)) inputs[k] = tensorFromJson(v);
      const values = evaluateFloat(graph, inputs);
      for (const [k, v] of Object.entries(set.outputs)) {
        const got = values.get(k);
        if (got === undefined) return { ok: false, detail: `set ${si}: no value for output '${k}'`, nodes };
        const c = closeness(got, tensorFromJson(v), 1e-4, 1e-3);
        if (!c.ok) return { ok: false, detail: `set ${si}: output '${k}' ${c.detail}`, nodes };
      }
    }
    return { ok: true, detail: '', nodes };
  } catch (e) {
    return { ok: false, detail: `${(e as Error).name}: ${(e as Error).message}`, nodes };
  }
}
