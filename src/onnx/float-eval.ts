// The float64 reference evaluator: runs a Graph and returns every value (inputs, initializers
// and each node output), so the quantizer can calibrate on intermediate ranges and
// `zkinfer run --compare` can diff against the integer executor. Integer and quantized ops
// (QuantizeLinear, QLinearMatMul, ...) follow their exact ONNX integer semantics.
import type { Graph, Node, Tensor } from './graph.js';
import { importError, OnnxImportError } from './errors.js';
import { opEval } from './ops/index.js';
import { allocData, f64, sizeOf, tensorFrom } from './tensor.js';

export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

/** Runs one node; errors name the node and op. */
export function evaluateNode(node: Node, inputs: readonly (Tensor | undefined)[], opsets: Readonly<Record<string, number>>): Tensor[] {
  const fn = opEval(node.domain, node.opType);
  if (fn === undefined) {
    throw importError({ node: node.name, op: node.opType }, `no evaluator for op ${node.opType} in domain '${node.domain || 'ai.onnx'}'`);
  }
  try {
    return fn(inputs, { node, opset: opsets[node.domain] ?? (node.domain === '' ? 21 : 1) });
  } catch (e) {
    if (e instanceof OnnxImportError) throw e;
    throw new EvaluationError(`node '${node.name}' (${node.opType}): ${(e as Error).message}`);
  }
}

/**
 * A caller's tensor in the storage graph.ts prescribes for its dtype (callers sometimes hand
 * integer inputs over as Float64Array); converted once here so every op can rely on it.
 */
function conform(t: Tensor, name: string): Tensor {
  if (t.dtype === 'string') {
    if (!Array.isArray(t.data)) throw new EvaluationError(`input '${name}' is a string tensor without string data`);
    return t;
  }
  if (Array.isArray(t.data)) throw new EvaluationError(`input '${name}' has dtype ${t.dtype} but holds strings`);
  if (t.data.constructor === allocData(t.dtype, 0).constructor) return t;
  return tensorFrom(t.dtype, t.dims, f64(t));
}

/**
 * Evaluates the graph on `inputs` (by graph-input name). Each input must have the declared dims
 * (a declared dim of -1 accepts anything). Returns all values by name.
 */
export function evaluateFloat(graph: Graph, inputs: Readonly<Record<string, Tensor>>): Map<string, Tensor> {
  const values = new Map<string, Tensor>(graph.initializers);
  for (const vi of graph.inputs) {
    const t = inputs[vi.name];
    if (t === undefined) throw new EvaluationError(`missing graph input '${vi.name}'`);
    const ok = t.dims.length === vi.dims.length && t.dims.every((d, i) => vi.dims[i] === -1 || vi.dims[i] === d);
    if (!ok) throw new EvaluationError(`input '${vi.name}' has dims [${t.dims.join(',')}], the graph expects [${vi.dims.join(',')}]`);
    if (t.data.length !== sizeOf(t.dims)) throw new EvaluationError(`input '${vi.name}' holds ${t.data.length} values for dims [${t.dims.join(',')}]`);
    values.set(vi.name, conform(t, vi.name));
  }
  for (const node of graph.nodes) {
    const ins = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = values.get(name);
      if (v === undefined) throw new EvaluationError(`node '${node.name}' (${node.opType}): input '${name}' has no value`);
      return v;
    });
    const outs = evaluateNode(node, ins, graph.opsets);
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const t = outs[i];
      if (t === undefined) throw new EvaluationError(`node '${node.name}' (${node.opType}) produced no output ${i} ('${name}')`);
      values.set(name, t);
    });
  }
  return values;
}
