// Data movement (Reshape, Transpose, Slice, Pad, Concat, Gather with constant indices, Expand,
// Tile, Split, Resize nearest, …) as free index maps. The index map is derived by running the
// float reference of the very same ONNX node on an index tensor (element i holds i + 1; 0 marks
// a filled position), so every attribute the reference supports is supported here exactly, and
// the integer graph only ever moves values (a Gather per output).
import type { Tensor } from '../../onnx/graph.js';
import { CompileError, sizeOf, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { bigArray, gather, numbers, operand, outScale, refuseNode, requantTo, roundHalfUp } from './helpers.js';

/** Which inputs carry data (moved values); the rest must be constants (shapes, axes, indices). */
const DATA_INPUTS: Record<string, 'first' | 'all'> = {
  Reshape: 'first', Flatten: 'first', Squeeze: 'first', Unsqueeze: 'first', Transpose: 'first', Slice: 'first',
  Pad: 'first', Gather: 'first', GatherElements: 'first', Expand: 'first', Tile: 'first', Split: 'first', Resize: 'first',
  Upsample: 'first', DepthToSpace: 'first', SpaceToDepth: 'first', Identity: 'first', Dropout: 'first',
  Concat: 'all', ReverseSequence: 'first', GatherND: 'first',
};

/** Values below this are exact in float32, so index tensors survive a float32 reference. */
const MAX_INDEX = 1 << 24;

/** Gather / GatherElements whose indices are computed: a GatherDynamic (indexed lookup). */
function lowerDynamicGather(ctx: LowerContext): void {
  const node = ctx.node;
  const data = operand(ctx, node.inputs[0], 'data');
  const idx = ctx.input(node.inputs[1]);
  if (idx.scale !== 1) refuseNode(ctx, 'computed indices must be integers');
  const rank = ctx.irInfo(data.ir).dims.length;
  const a = node.attrs.axis;
  let axis = a && a.kind === 'int' ? a.value : 0;
  if (axis < 0) axis += rank;
  const [r] = ctx.emit('GatherDynamic', [data.ir, idx.ir], { axis, elements: node.opType === 'GatherElements' ? 1 : 0 }, { step: 'gather', scales: [data.scale] });
  ctx.define(node.outputs[0], { ir: r, scale: data.scale });
}

function lowerMovement(ctx: LowerContext): void {
  const node = ctx.node;
  if ((node.opType === 'Gather' || node.opType === 'GatherElements') && node.inputs[1] && !ctx.constantOf(node.inputs[1])) {
    return lowerDynamicGather(ctx);
  }
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

/** OneHot(indices, depth, [off, on]): Compare(indices broadcast, position along axis) → off + bit·(on − off). */
const oneHot: Lowering = {
  domain: '', opType: 'OneHot',
  lower(ctx) {
    const node = ctx.node;
    const idx = ctx.input(node.inputs[0]);
    if (idx.scale !== 1) refuseNode(ctx, 'indices must be integers');
    const valuesT = ctx.constantOf(node.inputs[2]);
    if (!valuesT || !ctx.constantOf(node.inputs[1])) refuseNode(ctx, 'depth and values must be constants');
    const [off, on] = numbers(valuesT);
    const out = node.outputs[0];
    const outDims = ctx.info(out).dims;
    const inDims = ctx.irInfo(idx.ir).dims;
    const a = node.attrs.axis;
    let axis = a && a.kind === 'int' ? a.value : -1;
    if (axis < 0) axis += outDims.length;
    const depth = outDims[axis];
    const n = sizeOf(outDims);
    const st = outDims.map((_, i) => sizeOf(outDims.slice(i + 1)));
    const inSt = inDims.map((_, i) => sizeOf(inDims.slice(i + 1)));
    const map = new Int32Array(n);
    const pos = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      let src = 0;
      let d = 0;
      for (let i = 0; i < outDims.length; i++) {
        const c = Math.floor(p / st[i]) % outDims[i];
        if (i === axis) { pos[p] = c; continue; }
        src += c * inSt[d++];
      }
      map[p] = src;
    }
    const spread = gather(ctx, [idx.ir], map, outDims, 'spread', 1);
    const positions = ctx.addConstant('positions', { dims: outDims, data: bigArray(pos) }, 'public');
    const [bit] = ctx.emit('Compare', [spread, positions], { mode: 'equal' }, { step: 'equal', scales: [1] });
    void depth;
    const m = Math.max(Math.abs(on), Math.abs(off));
    const scale = Number.isInteger(on) && Number.isInteger(off) ? 1 : m / ctx.qmax;
    const kOn = BigInt(roundHalfUp(on / scale));
    const kOff = BigInt(roundHalfUp(off / scale));
    const [r] = ctx.emit('WeightedSum', [bit], { coeffs: [kOn - kOff], offset: kOff }, { step: 'values', scales: [scale] });
    ctx.define(out, { ir: r, scale });
  },
};

export const oneHotLowerings: readonly Lowering[] = [oneHot];
