// The exact integer executor: runs the graph on integer inputs and returns every value (the witness).
import { opDef } from './registry.js';
import * as K from './kernels.js';
import { CompileError, sizeOf, type IrGraph, type IrTensor } from './types.js';

export class InputError extends Error {
  override name = 'InputError';
}

/** Runs every node in order; returns all values by name: inputs, constants and every intermediate tensor. */
export function execute(graph: IrGraph, inputs: ReadonlyMap<string, IrTensor>): Map<string, IrTensor> {
  const values = new Map<string, IrTensor>(graph.constants);
  for (const inp of graph.inputs) {
    const t = inputs.get(inp.name);
    if (!t) throw new InputError(`missing input ${inp.name}`);
    if (t.data.length !== sizeOf(inp.dims)) throw new InputError(`input ${inp.name} has ${t.data.length} values, expected ${sizeOf(inp.dims)} (dims ${inp.dims.join('×')})`);
    if (t.data.length > 0) {
      // Range check through the kernels (min and max), not per element in JS.
      const [mn] = K.reduce(t.data, 1, t.data.length, 1, 'min');
      const [mx] = K.reduce(t.data, 1, t.data.length, 1, 'max');
      if (mn < inp.lo || mx > inp.hi) throw new InputError(`input ${inp.name} has values in [${mn}, ${mx}], outside its declared range [${inp.lo}, ${inp.hi}]`);
    }
    values.set(inp.name, { dims: inp.dims, data: t.data });
  }
  const consts = { constant: (name: string) => graph.constants.get(name) };
  for (const node of graph.nodes) {
    const args = node.inputs.map((n) => {
      const t = values.get(n);
      if (!t) throw new CompileError(`${node.name}: input ${n} has not been computed`);
      return t;
    });
    const outs = opDef(node.op).execute(node, args, consts);
    if (outs.length !== node.outputs.length) throw new CompileError(`${node.name}: ${node.op} returned ${outs.length} outputs, expected ${node.outputs.length}`);
    node.outputs.forEach((n, i) => values.set(n, outs[i]));
  }
  return values;
}
