// ai.onnx.ml ZipMap and ArrayFeatureExtractor.
// ZipMap turns a probability tensor into a sequence of {label: probability} maps; the integer
// graph has no maps, so the probabilities pass through unchanged (the labels are public
// attributes, so a reader can zip them). ArrayFeatureExtractor with a constant index list is a
// free index map (core Gather) along the last axis.
import { sizeOf, type Lowering } from '../../ir/types.js';
import { gatherIndex as gather } from './fixed.js';
import { refuseMl } from './emit.js';

export const zipMapLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'ZipMap',
  lower(ctx) {
    ctx.define(ctx.node.outputs[0]!, ctx.input(ctx.node.inputs[0]!));
  },
};

export const arrayFeatureExtractorLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'ArrayFeatureExtractor',
  lower(ctx) {
    const x = ctx.input(ctx.node.inputs[0]!);
    const c = ctx.constantOf(ctx.node.inputs[1]!);
    if (!c) refuseMl(ctx, 'the indices must be a constant (data-dependent feature selection is not supported)');
    if (Array.isArray(c.data)) refuseMl(ctx, 'the indices must be integers');
    const picks = Array.from(c.data as ArrayLike<number | bigint>, Number);
    const dims = ctx.irInfo(x.ir).dims;
    const last = dims.length === 0 ? 1 : dims[dims.length - 1]!;
    for (const p of picks) if (!Number.isInteger(p) || p < 0 || p >= last) refuseMl(ctx, `index ${p} outside [0, ${last})`);
    const outer = sizeOf(dims) / last;
    const outDims = dims.length <= 1 ? [picks.length] : [...dims.slice(0, -1), picks.length];
    const idx: number[] = [];
    for (let o = 0; o < outer; o++) for (const p of picks) idx.push(o * last + p);
    ctx.define(ctx.node.outputs[0]!, { ir: gather(ctx, [x.ir], idx, outDims, 'select', x.scale), scale: x.scale });
  },
};
