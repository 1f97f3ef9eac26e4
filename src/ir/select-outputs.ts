// Keeping only some outputs of a compiled graph: the nodes, constants and values that no kept
// output depends on are dropped, so a verifier who needs only the score (not the label) gets a
// key, and a proof, for the score alone. The kept part computes exactly what it did before.
import { CompileError, type IrGraph } from './types.js';

/** `keep`: ONNX output names (or IR names) in any order; the graph's output order is preserved. */
export function selectOutputs(graph: IrGraph, keep: readonly string[]): IrGraph {
  const wanted = new Set(keep);
  const outputs = graph.outputs.filter((o) => wanted.has(o.onnxName) || wanted.has(o.name));
  const known = new Set(graph.outputs.flatMap((o) => [o.onnxName, o.name]));
  const unknown = keep.filter((k) => !known.has(k));
  if (unknown.length > 0) throw new CompileError(`no output named ${unknown.join(', ')} (outputs: ${graph.outputs.map((o) => o.onnxName).join(', ')})`);
  if (outputs.length === 0) throw new CompileError('keep at least one output');
  const live = new Set(outputs.map((o) => o.name));
  const nodes = [...graph.nodes].reverse().filter((n) => {
    if (!n.outputs.some((y) => live.has(y))) return false;
    for (const x of n.inputs) live.add(x);
    return true;
  }).reverse();
  for (const i of graph.inputs) live.add(i.name);
  for (const n of nodes) for (const y of n.outputs) live.add(y);
  return {
    ...graph,
    outputs,
    nodes,
    constants: new Map([...graph.constants].filter(([k]) => live.has(k))),
    values: new Map([...graph.values].filter(([k]) => live.has(k))),
  };
}
