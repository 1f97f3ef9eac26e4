// A readable summary of a compiled model: layers, shapes, parameters, scales, bounds, tables.
import { tableSummary } from './format.js';
import { sizeOf, type IrGraph } from './types.js';

export interface LayerSummary {
  name: string;
  op: string;
  source: string;
  outputs: { name: string; dims: readonly number[]; lo: string; hi: string; scale: number }[];
  parameters: number;
  bounds: Record<string, string>;
  tableSize?: number;
}

export interface ModelSummary {
  name: string;
  bits: number;
  inputs: { name: string; dims: readonly number[]; scale: number; lo: string; hi: string }[];
  outputs: { name: string; dims: readonly number[]; scale: number }[];
  parameters: number;
  layers: LayerSummary[];
  tables: { node: string; size: number; sha256: string }[];
  /** log2 of the largest relation term in the graph (must stay below 63). */
  maxBoundBits: number;
}

export function inspect(graph: IrGraph): ModelSummary {
  let total = 0;
  let maxBound = 0n;
  const layers = graph.nodes.map((n) => {
    const params = n.inputs.filter((i) => graph.values.get(i)?.kind === 'weight').reduce((s, i) => s + sizeOf(graph.constants.get(i)!.dims), 0);
    total += params;
    for (const b of Object.values(n.bounds)) if (b > maxBound) maxBound = b;
    const layer: LayerSummary = {
      name: n.name, op: n.op, source: n.source, parameters: params,
      outputs: n.outputs.map((o) => {
        const v = graph.values.get(o)!;
        return { name: o, dims: v.dims, lo: v.lo.toString(), hi: v.hi.toString(), scale: v.scale };
      }),
      bounds: Object.fromEntries(Object.entries(n.bounds).map(([k, v]) => [k, v.toString()])),
    };
    if (n.op === 'Lookup') layer.tableSize = graph.constants.get(n.inputs[1])!.data.length;
    return layer;
  });
  return {
    name: graph.name, bits: graph.bits,
    inputs: graph.inputs.map((i) => ({ name: i.name, dims: i.dims, scale: i.scale, lo: i.lo.toString(), hi: i.hi.toString() })),
    outputs: graph.outputs.map((o) => ({ name: o.onnxName, dims: o.dims, scale: o.scale })),
    parameters: total, layers, tables: tableSummary(graph),
    maxBoundBits: maxBound > 0n ? maxBound.toString(2).length - 1 : 0,
  };
}

export function formatSummary(s: ModelSummary): string {
  const lines = [
    `model ${s.name}: ${s.bits}-bit, ${s.layers.length} integer ops, ${s.parameters} parameters, ${s.tables.length} lookup tables, largest relation term < 2^${s.maxBoundBits + 1}`,
    ...s.inputs.map((i) => `input  ${i.name} [${i.dims.join('×')}] scale ${i.scale.toPrecision(4)} range [${i.lo}, ${i.hi}]`),
    ...s.outputs.map((o) => `output ${o.name} [${o.dims.join('×')}] scale ${o.scale.toPrecision(4)}`),
    'layers:',
  ];
  for (const l of s.layers) {
    const o = l.outputs[0];
    const bounds = Object.entries(l.bounds).map(([k, v]) => `${k}<2^${BigInt(v) > 0n ? BigInt(v).toString(2).length : 0}`).join(' ');
    lines.push(`  ${l.op.padEnd(11)} ${l.name}  [${o?.dims.join('×') ?? ''}] scale ${o ? o.scale.toPrecision(4) : '-'}` +
      `${l.parameters ? `  params ${l.parameters}` : ''}${l.tableSize ? `  table ${l.tableSize}` : ''}${bounds ? `  ${bounds}` : ''}`);
  }
  return lines.join('\n');
}
