// Data movement (Reshape, Transpose, Slice, Pad, Concat, Gather with constant indices, Expand,
// Tile, Split, Resize nearest, …) as free index maps. The index map is derived by running the
// float reference of the very same ONNX node on an index tensor (element i holds i + 1; 0 marks
// a filled position), so every attribute the reference supports is supported here exactly, and
// the integer graph only ever moves values (a Gather per output).
import type { Tensor } from '../../onnx/graph.js';
import { CompileError, sizeOf, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { gather, numbers, operand, outScale, refuseNode, requantTo, roundHalfUp } from './helpers.js';

/** Which inputs carry data (moved values); the rest must be constants (shapes, axes, indices). */
const DATA_INPUTS: Record<string, 'first' | 'all'> = {
  Reshape: 'first', Flatten: 'first', Squeeze: 'first', Unsqueeze: 'first', Transpose: 'first', Slice: 'first',
  Pad: 'first', Gather: 'first', GatherElements: 'first', Expand: 'first', Tile: 'first', Split: 'first', Resize: 'first',
  Upsample: 'first', DepthToSpace: 'first', SpaceToDepth: 'first', Identity: 'first', Dropout: 'first',
  Concat: 'all', ReverseSequence: 'first', GatherND: 'first',
};

/** Values below this are exact in float32, so index tensors survive a float32 reference. */
const MAX_INDEX = 1 << 24;

function lowerMovement(ctx: LowerContext): void {
  const node = ctx.node;
  const mode = DATA_INPUTS[node.opType];
  const dataNames = mode === 'all' ? node.inputs.filter((n) => n !== '') : [node.inputs[0]];
  // Sources at one common scale: the output's own calibrated scale when they differ.
  let sources: QuantValue[] = dataNames.map((n, i) => operand(ctx, n, `source${i}`));
  const scales = new Set(sources.map((s) => s.scale));
  const outName = node.outputs[0];
  let scale = sources[0].scale;
  if (scales.size > 1) {
    scale = outScale(ctx, outName);
    sources = sources.map((s, i) => (s.scale === scale ? s : requantTo(ctx, s.ir, [s.scale], scale, `rescale${i}`)));
  }
  const inputs = new Map<string, Tensor>();
  let offset = 1;
  sources.forEach((s, i) => {
    const dims = ctx.irInfo(s.ir).dims;
    const n = sizeOf(dims);
    if (offset + n >= MAX_INDEX) refuseNode(ctx, `tensor of ${n} elements is too large for an index map`);
    const data = new Float64Array(n);
    for (let j = 0; j < n; j++) data[j] = offset + j;
    offset += n;
    inputs.set(dataNames[i], { dtype: 'float32', dims, data });
  });
  let fill = 0n;
  node.inputs.forEach((name, i) => {
    if (name === '' || inputs.has(name)) return;
    const c = ctx.constantOf(name);
    if (!c) refuseNode(ctx, `input ${i} (${name}) must be a constant for a data-movement op`);
    if (node.opType === 'Pad' && i === 2) {
      // The pad value is moved in as a fill; the index map sees 0 there.
      fill = BigInt(roundHalfUp(numbers(c)[0] / scale));
      inputs.set(name, { dtype: 'float32', dims: c.dims, data: new Float64Array(sizeOf(c.dims)) });
      return;
    }
    inputs.set(name, c);
  });
  let evalNode = node;
  if (node.opType === 'Pad' && node.attrs.value) {
    const v = node.attrs.value;
    if (v.kind === 'float') fill = BigInt(roundHalfUp(v.value / scale));
    evalNode = { ...node, attrs: { ...node.attrs, value: { kind: 'float', value: 0 } } };
  }
  if (node.opType === 'Dropout') evalNode = { ...node, outputs: [node.outputs[0]] };
  let results: Map<string, Tensor>;
  try {
    results = ctx.evaluateNode(evalNode, inputs);
  } catch (e) {
    throw new CompileError(`node ${node.name} (${node.opType}): cannot derive its index map: ${(e as Error).message}`);
  }
  node.outputs.forEach((out, k) => {
    if (out === '') return;
    const t = results.get(out);
    if (!t) {
      if (node.opType === 'Dropout' && k > 0) return;
      refuseNode(ctx, `the reference produced no output ${out}`);
    }
    const vals = numbers(t);
    const idx = new Int32Array(vals.length);
    let identity = vals.length === offset - 1 && sources.length === 1;
    for (let j = 0; j < vals.length; j++) {
      const v = vals[j];
      if (!Number.isInteger(v) || v < 0 || v >= offset) refuseNode(ctx, `output is not a pure data movement (value ${v}); only nearest-neighbour resampling is supported`);
      idx[j] = v - 1;
      if (v !== j + 1) identity = false;
    }
    const src = sources.map((s) => s.ir);
    if (identity) {
      const [r] = ctx.emit('Reshape', src, { outDims: [...t.dims] }, { step: `reshape${k}`, scales: [scale] });
      ctx.define(out, { ir: r, scale });
    } else {
      ctx.define(out, { ir: gather(ctx, src, idx, t.dims, `move${k}`, scale, fill), scale });
    }
  });
}

export const movementLowerings: readonly Lowering[] = Object.keys(DATA_INPUTS).map((opType) => ({
  domain: '', opType, lower: lowerMovement,
}));
