// Shape and data movement. These copy stored values (gatherFrom) rather than going through
// float64, so int64 shape tensors keep every bit (INT64_MAX in Slice ends, for instance).
import type { Tensor } from '../graph.js';
import {
  broadcastDims, broadcastIndex, f64, gatherFlat, gatherFrom, ints, normAxis, sizeOf, stridesOf,
  tensorFrom, withDims,
} from '../tensor.js';
import { attrFloat, attrFloats, attrInt, attrInts, attrString, attrTensor, need } from './attrs.js';
import type { OpEval, OpTable } from './types.js';

/** Calls `fn(outFlat, idx)` for every multi-index of `dims` in row-major order. */
function forEachIndex(dims: readonly number[], fn: (flat: number, idx: readonly number[]) => void): void {
  const n = sizeOf(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    fn(k, idx);
    for (let ax = dims.length - 1; ax >= 0; ax--) { if (++idx[ax]! < dims[ax]!) break; idx[ax] = 0; }
  }
}

/** Flat source indices of a gather in which each output multi-index maps to one input element. */
function remap(outDims: readonly number[], srcOf: (idx: readonly number[]) => number): Int32Array {
  const src = new Int32Array(sizeOf(outDims));
  forEachIndex(outDims, (k, idx) => { src[k] = srcOf(idx); });
  return src;
}

const reshape: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const shape = ints(need(inputs, 1, 'shape'));
  const allowZero = attrInt(node, 'allowzero', 0) !== 0;
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i]! : d));
  const neg = dims.indexOf(-1);
  if (neg >= 0) {
    const known = dims.reduce((a, d, i) => (i === neg ? a : a * d), 1);
    dims[neg] = known === 0 ? 0 : sizeOf(x.dims) / known;
  }
  if (sizeOf(dims) !== sizeOf(x.dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`cannot reshape [${x.dims.join(',')}] to [${shape.join(',')}]`);
  }
  return [withDims(x, dims)];
};

const flatten: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'input');
  const axis = attrInt(node, 'axis', 1);
  const a = axis < 0 ? axis + x.dims.length : axis;
  return [withDims(x, [sizeOf(x.dims.slice(0, a)), sizeOf(x.dims.slice(a))])];
};

const transpose: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const rank = x.dims.length;
  const perm = attrInts(node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const st = stridesOf(x.dims);
  const outDims = perm.map((p) => x.dims[p]!);
  const src = remap(outDims, (idx) => { let s = 0; for (let i = 0; i < rank; i++) s += idx[i]! * st[perm[i]!]!; return s; });
  return [gatherFlat(x, outDims, src)];
};

function axesOf(inputs: readonly (Tensor | undefined)[], node: Parameters<OpEval>[1]['node']): number[] | undefined {
  const a = attrInts(node, 'axes');
  if (a !== undefined) return [...a];
  return inputs[1] === undefined ? undefined : ints(inputs[1]);
}

const squeeze: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const axes = axesOf(inputs, node)?.map((a) => normAxis(a, x.dims.length));
  if (axes !== undefined) for (const a of axes) if (x.dims[a] !== 1) throw new Error(`cannot squeeze axis ${a} of size ${x.dims[a]}`);
  const dims = x.dims.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i)));
  return [withDims(x, dims)];
};

const unsqueeze: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const raw = axesOf(inputs, node);
  if (raw === undefined) throw new Error('axes are required');
  const rank = x.dims.length + raw.length;
  const axes = raw.map((a) => normAxis(a, rank));
  const dims: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) dims.push(axes.includes(i) ? 1 : x.dims[j++]!);
  return [withDims(x, dims)];
};

const concat: OpEval = (inputs, { node }) => {
  const ins = inputs.filter((t): t is Tensor => t !== undefined);
  const rank = ins[0]!.dims.length;
  const axis = normAxis(attrInt(node, 'axis', 0), rank);
  const outDims = [...ins[0]!.dims];
  outDims[axis] = ins.reduce((a, t) => a + t.dims[axis]!, 0);
  const offsets: number[] = [];
  let acc = 0;
  for (const t of ins) { offsets.push(acc); acc += t.dims[axis]!; }
  const strides = ins.map((t) => stridesOf(t.dims));
  const n = sizeOf(outDims);
  const src = new Int32Array(n);
  const which = new Int32Array(n);
  forEachIndex(outDims, (k, idx) => {
    let w = ins.length - 1;
    while (offsets[w]! > idx[axis]!) w--;
    // Zero-length inputs share an offset with the next one; skip forward past them.
    while (ins[w]!.dims[axis] === 0) w++;
    let s = 0;
    for (let i = 0; i < rank; i++) s += (i === axis ? idx[i]! - offsets[w]! : idx[i]!) * strides[w]![i]!;
    src[k] = s;
    which[k] = w;
  });
  return [gatherFrom(ins, outDims, src, which)];
};

/** Resolves Slice's starts/ends/steps for one axis the way ONNX clamps them. */
function sliceRange(start: number, end: number, step: number, dim: number): { first: number; count: number } {
  if (step === 0) throw new Error('Slice step cannot be 0');
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    return { first: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = Math.min(Math.max(s, -1), dim - 1);
  e = Math.min(Math.max(e, -1), dim - 1);
  return { first: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

const slice: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const rank = x.dims.length;
  // Opset < 10 carries starts/ends/axes as attributes.
  const starts = attrInts(node, 'starts') ?? ints(need(inputs, 1, 'starts'));
  const ends = attrInts(node, 'ends') ?? ints(need(inputs, 2, 'ends'));
  const axes = (attrInts(node, 'axes') ?? (inputs[3] === undefined ? starts.map((_, i) => i) : ints(inputs[3]))).map((a) => normAxis(a, rank));
  const steps = inputs[4] === undefined ? starts.map(() => 1) : ints(inputs[4]);
  const first = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const outDims = [...x.dims];
  axes.forEach((a, i) => {
    const r = sliceRange(starts[i]!, ends[i]!, steps[i]!, x.dims[a]!);
    first[a] = r.first;
    step[a] = steps[i]!;
    outDims[a] = r.count;
  });
  const st = stridesOf(x.dims);
  const src = remap(outDims, (idx) => { let s = 0; for (let i = 0; i < rank; i++) s += (first[i]! + idx[i]! * step[i]!) * st[i]!; return s; });
  return [gatherFlat(x, outDims, src)];
};

const split: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'input');
  const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length);
  const len = x.dims[axis]!;
  const nOut = node.outputs.length;
  let parts = attrInts(node, 'split') as number[] | undefined;
  if (parts === undefined && inputs[1] !== undefined) parts = ints(inputs[1]);
  if (parts === undefined) {
    const num = attrInt(node, 'num_outputs', nOut);
    const chunk = Math.ceil(len / num);
    parts = Array.from({ length: num }, (_, i) => Math.max(0, Math.min(chunk, len - i * chunk)));
  }
  if (parts.reduce((a, b) => a + b, 0) !== len) throw new Error(`split sizes [${parts.join(',')}] do not add up to ${len}`);
  const st = stridesOf(x.dims);
  let offset = 0;
  return parts.map((p) => {
    const outDims = x.dims.map((d, i) => (i === axis ? p : d));
    const off = offset;
    offset += p;
    const src = remap(outDims, (idx) => { let s = 0; for (let i = 0; i < idx.length; i++) s += (i === axis ? idx[i]! + off : idx[i]!) * st[i]!; return s; });
    return gatherFlat(x, outDims, src);
  });
};

const pad: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const rank = x.dims.length;
  const mode = attrString(node, 'mode', 'constant');
  const rawPads = attrInts(node, 'pads') ?? ints(need(inputs, 1, 'pads'));
  const axes = inputs[3] === undefined ? x.dims.map((_, i) => i) : ints(inputs[3]).map((a) => normAxis(a, rank));
  const begin = x.dims.map(() => 0);
  const end = x.dims.map(() => 0);
  axes.forEach((a, i) => { begin[a] = rawPads[i]!; end[a] = rawPads[i + axes.length]!; });
  let fillValue = attrFloat(node, 'value', 0);
  if (inputs[2] !== undefined && sizeOf(inputs[2].dims) > 0) fillValue = f64(inputs[2])[0]!;
  const outDims = x.dims.map((d, i) => d + begin[i]! + end[i]!);
  const st = stridesOf(x.dims);
  const n = sizeOf(outDims);
  const src = new Int32Array(n);
  const which = new Int32Array(n);
  forEachIndex(outDims, (k, idx) => {
    let s = 0;
    for (let i = 0; i < rank; i++) {
      let p = idx[i]! - begin[i]!;
      const d = x.dims[i]!;
      if (p < 0 || p >= d) {
        if (mode === 'constant') { s = -1; break; }
        if (mode === 'edge') p = p < 0 ? 0 : d - 1;
        else if (mode === 'reflect') {
          const period = 2 * (d - 1);
          p = period === 0 ? 0 : ((p % period) + period) % period;
          if (p >= d) p = period - p;
        } else if (mode === 'wrap') p = ((p % d) + d) % d;
        else throw new Error(`mode '${mode}' is not supported`);
      }
      s += p * st[i]!;
    }
    if (s < 0) { which[k] = 1; src[k] = 0; } else src[k] = s;
  });
  const fill = x.dtype === 'string' ? { dtype: x.dtype, dims: [1], data: [''] } : tensorFrom(x.dtype, [1], [fillValue]);
  return [gatherFrom([x, fill], outDims, src, which)];
};

const gather: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const indices = ints(need(inputs, 1, 'indices'));
  const iDims = need(inputs, 1, 'indices').dims;
  const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length);
  const len = x.dims[axis]!;
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  const outDims = [...x.dims.slice(0, axis), ...iDims, ...x.dims.slice(axis + 1)];
  const src = new Int32Array(sizeOf(outDims));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const j = raw < 0 ? raw + len : raw;
      if (j < 0 || j >= len) throw new Error(`index ${raw} out of range for axis of length ${len}`);
      for (let i = 0; i < inner; i++) src[k++] = (o * len + j) * inner + i;
    }
  }
  return [gatherFlat(x, outDims, src)];
};

const gatherElements: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const it = need(inputs, 1, 'indices');
  const indices = ints(it);
  const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length);
  const st = stridesOf(x.dims);
  const len = x.dims[axis]!;
  // out[idx] = x[idx with idx[axis] replaced by indices[idx]].
  const src = new Int32Array(indices.length);
  forEachIndex(it.dims, (k, idx) => {
    let j = indices[k]!;
    if (j < 0) j += len;
    if (j < 0 || j >= len) throw new Error(`index ${indices[k]} out of range for axis of length ${len}`);
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += (i === axis ? j : idx[i]!) * st[i]!;
    src[k] = s;
  });
  return [gatherFlat(x, it.dims, src)];
};

const expand: OpEval = (inputs) => {
  const x = need(inputs, 0, 'input');
  const shape = ints(need(inputs, 1, 'shape'));
  const outDims = broadcastDims(x.dims, shape);
  return [gatherFlat(x, outDims, broadcastIndex(x.dims, outDims))];
};

const tile: OpEval = (inputs) => {
  const x = need(inputs, 0, 'input');
  const reps = ints(need(inputs, 1, 'repeats'));
  const outDims = x.dims.map((d, i) => d * reps[i]!);
  const st = stridesOf(x.dims);
  const src = remap(outDims, (idx) => { let s = 0; for (let i = 0; i < idx.length; i++) s += (idx[i]! % x.dims[i]!) * st[i]!; return s; });
  return [gatherFlat(x, outDims, src)];
};

/** Nearest-neighbour Resize / Upsample. Other modes are refused. */
const resize: OpEval = (inputs, { node, opset }) => {
  const x = need(inputs, 0, 'X');
  const rank = x.dims.length;
  const mode = attrString(node, 'mode', 'nearest');
  if (mode !== 'nearest') throw new Error(`mode '${mode}' is not supported (only 'nearest')`);
  if (attrInts(node, 'axes') !== undefined) throw new Error("attribute 'axes' is not supported");
  const policy = attrString(node, 'keep_aspect_ratio_policy', 'stretch');
  if (policy !== 'stretch') throw new Error(`keep_aspect_ratio_policy '${policy}' is not supported (only 'stretch')`);
  const isUpsample = node.opType === 'Upsample';
  // Opset 10 Resize and Upsample take (X, scales); opset >= 11 Resize takes (X, roi, scales, sizes).
  const legacy = isUpsample || opset < 11;
  let scales: number[] | undefined = attrFloats(node, 'scales') as number[] | undefined;
  let sizes: number[] | undefined;
  if (scales === undefined) {
    const sT = legacy ? inputs[1] : inputs[2];
    if (sT !== undefined && sizeOf(sT.dims) > 0) scales = Array.from(f64(sT));
    const zT = legacy ? undefined : inputs[3];
    if (zT !== undefined && sizeOf(zT.dims) > 0) sizes = ints(zT);
  }
  let outDims: number[];
  if (sizes !== undefined) {
    outDims = sizes;
    scales = sizes.map((s, i) => s / x.dims[i]!);
  } else if (scales !== undefined) {
    outDims = x.dims.map((d, i) => Math.floor(d * scales![i]!));
  } else throw new Error('needs scales or sizes');
  if (outDims.length !== rank) throw new Error(`scales/sizes have ${outDims.length} entries for rank ${rank}`);
  const ctm = legacy ? 'asymmetric' : attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  const nearest = legacy ? 'floor' : attrString(node, 'nearest_mode', 'round_prefer_floor');
  const st = stridesOf(x.dims);
  const srcCoord = (o: number, ax: number): number => {
    const s = scales![ax]!;
    const inLen = x.dims[ax]!;
    const outLen = outDims[ax]!;
    switch (ctm) {
      case 'half_pixel': return (o + 0.5) / s - 0.5;
      case 'pytorch_half_pixel': return outLen > 1 ? (o + 0.5) / s - 0.5 : 0;
      case 'align_corners': return outLen === 1 ? 0 : (o * (inLen - 1)) / (outLen - 1);
      case 'asymmetric': return o / s;
      case 'half_pixel_symmetric': {
        const adj = outLen / (s * inLen);
        const center = inLen / 2;
        return center * (1 - adj) + (o + 0.5) / s - 0.5;
      }
      default: throw new Error(`coordinate_transformation_mode '${ctm}' is not supported`);
    }
  };
  const round = (c: number): number => {
    switch (nearest) {
      case 'floor': return Math.floor(c);
      case 'ceil': return Math.ceil(c);
      case 'round_prefer_ceil': return Math.round(c);
      case 'round_prefer_floor': return c % 1 === 0.5 || c % 1 === -0.5 ? Math.floor(c) : Math.round(c);
      default: throw new Error(`nearest_mode '${nearest}' is not supported`);
    }
  };
  const maps = outDims.map((d, ax) => Int32Array.from({ length: d }, (_, o) => Math.min(Math.max(round(srcCoord(o, ax)), 0), x.dims[ax]! - 1)));
  const src = remap(outDims, (idx) => { let s = 0; for (let i = 0; i < rank; i++) s += maps[i]![idx[i]!]! * st[i]!; return s; });
  return [gatherFlat(x, outDims, src)];
};

const shape: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'data');
  const rank = x.dims.length;
  const clampAxis = (a: number): number => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  const start = clampAxis(attrInt(node, 'start', 0));
  const end = clampAxis(attrInt(node, 'end', rank));
  const d = x.dims.slice(start, Math.max(start, end));
  return [tensorFrom('int64', [d.length], d)];
};

const constantOfShape: OpEval = (inputs, { node }) => {
  const dims = ints(need(inputs, 0, 'input'));
  const value = attrTensor(node, 'value') ?? tensorFrom('float32', [1], [0]);
  return [gatherFlat(value, dims, new Int32Array(sizeOf(dims)))];
};

const oneHot: OpEval = (inputs, { node }) => {
  const indices = need(inputs, 0, 'indices');
  const depth = f64(need(inputs, 1, 'depth'))[0]!;
  const values = need(inputs, 2, 'values');
  const rank = indices.dims.length + 1;
  const axis = normAxis(attrInt(node, 'axis', -1), rank);
  const outDims = [...indices.dims.slice(0, axis), depth, ...indices.dims.slice(axis)];
  const iv = f64(indices);
  const ist = stridesOf(indices.dims);
  const src = new Int32Array(sizeOf(outDims));
  forEachIndex(outDims, (k, idx) => {
    let flat = 0;
    for (let i = 0, j = 0; i < rank; i++) if (i !== axis) flat += idx[i]! * ist[j++]!;
    let v = iv[flat]!;
    if (v < 0) v += depth;
    src[k] = v === idx[axis] ? 1 : 0;
  });
  return [gatherFlat(values, outDims, src)];
};

export const SHAPE_OPS: OpTable = {
  Identity: (inputs) => [need(inputs, 0, 'input')],
  Dropout: (inputs) => {
    const x = need(inputs, 0, 'data');
    return [x, tensorFrom('bool', x.dims, new Float64Array(sizeOf(x.dims)).fill(1))];
  },
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Slice: slice,
  Split: split,
  Pad: pad,
  Gather: gather,
  GatherElements: gatherElements,
  Expand: expand,
  Tile: tile,
  Resize: resize,
  Upsample: resize,
  Shape: shape,
  Size: (inputs) => [tensorFrom('int64', [], [sizeOf(need(inputs, 0, 'data').dims)])],
  ConstantOfShape: constantOfShape,
  OneHot: oneHot,
};
