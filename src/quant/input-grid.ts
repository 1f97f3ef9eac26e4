// A float graph input that only feeds QuantizeLinear (the first op of a QDQ model) is quantized
// on that op's own grid instead of a calibrated one: scale = y_scale and bounds = the output
// type's range minus the zero point (values beyond saturate in QuantizeLinear anyway). The
// QuantizeLinear is then exact up to its rounding of ties, at any --bits: the model's quantized
// type, not the precision setting, decides how finely this input is read.
import type { Graph, Tensor, ValueInfo } from '../onnx/graph.js';
import { integerTypeRange } from './lower/integer-wrap.js';

export interface InputGrid {
  readonly scale: number;
  readonly lo: bigint;
  readonly hi: bigint;
}

function scalar(t: Tensor | undefined): number | undefined {
  if (!t || Array.isArray(t.data) || t.data.length !== 1) return undefined;
  return Number((t.data as ArrayLike<number | bigint>)[0]);
}

/** The QuantizeLinear grid of `input` when every consumer quantizes it the same way, else undefined. */
export function quantizeLinearGrid(graph: Graph, input: string, valueInfo: ReadonlyMap<string, ValueInfo>): InputGrid | undefined {
  const consumers = graph.nodes.filter((n) => n.inputs.includes(input));
  if (consumers.length === 0) return undefined;
  let grid: InputGrid | undefined;
  for (const n of consumers) {
    if (n.opType !== 'QuantizeLinear' || n.domain !== '' || n.inputs.indexOf(input) !== 0 || n.inputs.lastIndexOf(input) !== 0) return undefined;
    const blockSize = n.attrs.block_size;
    if (blockSize && blockSize.kind === 'int' && blockSize.value !== 0) return undefined;
    const scale = scalar(graph.initializers.get(n.inputs[1] ?? ''));
    const zpTensor = n.inputs[2] ? graph.initializers.get(n.inputs[2]) : undefined;
    if (n.inputs[2] && !zpTensor) return undefined;
    const zp = zpTensor ? scalar(zpTensor) : 0;
    const dtype = zpTensor?.dtype ?? valueInfo.get(n.outputs[0])?.dtype;
    if (scale === undefined || !(scale > 0) || !Number.isFinite(scale) || zp === undefined || !dtype) return undefined;
    const range = integerTypeRange(dtype);
    if (!range || dtype.endsWith('64')) return undefined;
    const g: InputGrid = { scale, lo: range[0] - BigInt(zp), hi: range[1] - BigInt(zp) };
    if (grid && (grid.scale !== g.scale || grid.lo !== g.lo || grid.hi !== g.hi)) return undefined;
    grid = g;
  }
  return grid;
}
