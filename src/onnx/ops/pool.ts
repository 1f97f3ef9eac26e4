// Pooling: AveragePool, MaxPool (with optional Indices), GlobalAveragePool, GlobalMaxPool.
import { f64, sizeOf, tensorFrom } from '../tensor.js';
import { attrInt, attrInts, need } from './attrs.js';
import type { OpEval, OpTable } from './types.js';
import { paddedCounts, resolveWindow, windowTable } from './window.js';

function kernelOf(node: Parameters<OpEval>[1]['node']): readonly number[] {
  const k = attrInts(node, 'kernel_shape');
  if (k === undefined) throw new Error("attribute 'kernel_shape' is required");
  return k;
}

const averagePool: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const [N, C] = x.dims as [number, number];
  const inSpatial = x.dims.slice(2);
  const win = resolveWindow(node, inSpatial, kernelOf(node), attrInt(node, 'ceil_mode', 0) !== 0);
  const table = windowTable(inSpatial, win);
  const includePad = attrInt(node, 'count_include_pad', 0) !== 0;
  const padCounts = includePad ? paddedCounts(inSpatial, win) : undefined;
  const P = sizeOf(win.outSpatial);
  const K = sizeOf(win.kernel);
  const S = sizeOf(inSpatial);
  const xs = f64(x);
  const out = new Float64Array(N * C * P);
  for (let nc = 0; nc < N * C; nc++) {
    for (let p = 0; p < P; p++) {
      let sum = 0;
      let cnt = 0;
      for (let q = 0; q < K; q++) {
        const s = table[p * K + q]!;
        if (s >= 0) { sum += xs[nc * S + s]!; cnt++; }
      }
      out[nc * P + p] = sum / (padCounts === undefined ? cnt : padCounts[p]!);
    }
  }
  return [tensorFrom(x.dtype, [N, C, ...win.outSpatial], out)];
};

const maxPool: OpEval = (inputs, { node }) => {
  const x = need(inputs, 0, 'X');
  const [N, C] = x.dims as [number, number];
  const inSpatial = x.dims.slice(2);
  const win = resolveWindow(node, inSpatial, kernelOf(node), attrInt(node, 'ceil_mode', 0) !== 0);
  const table = windowTable(inSpatial, win);
  const columnMajor = attrInt(node, 'storage_order', 0) === 1;
  const P = sizeOf(win.outSpatial);
  const K = sizeOf(win.kernel);
  const S = sizeOf(inSpatial);
  const xs = f64(x);
  const out = new Float64Array(N * C * P);
  const idx = new Float64Array(N * C * P);
  for (let nc = 0; nc < N * C; nc++) {
    for (let p = 0; p < P; p++) {
      let best = -Infinity;
      let at = -1;
      for (let q = 0; q < K; q++) {
        const s = table[p * K + q]!;
        if (s >= 0 && (at < 0 || xs[nc * S + s]! > best)) { best = xs[nc * S + s]!; at = s; }
      }
      out[nc * P + p] = best;
      let flat = at;
      if (columnMajor && inSpatial.length === 2) {
        const [h, w] = inSpatial as [number, number];
        flat = (at % w) * h + Math.floor(at / w);
      }
      idx[nc * P + p] = nc * S + flat;
    }
  }
  const dims = [N, C, ...win.outSpatial];
  return [tensorFrom(x.dtype, dims, out), tensorFrom('int64', dims, idx)];
};

function globalPool(reduce: 'mean' | 'max'): OpEval {
  return (inputs) => {
    const x = need(inputs, 0, 'X');
    const [N, C] = x.dims as [number, number];
    const S = sizeOf(x.dims.slice(2));
    const xs = f64(x);
    const out = new Float64Array(N * C);
    for (let nc = 0; nc < N * C; nc++) {
      let acc = reduce === 'mean' ? 0 : -Infinity;
      for (let s = 0; s < S; s++) {
        const v = xs[nc * S + s]!;
        acc = reduce === 'mean' ? acc + v : Math.max(acc, v);
      }
      out[nc] = reduce === 'mean' ? acc / S : acc;
    }
    return [tensorFrom(x.dtype, [N, C, ...x.dims.slice(2).map(() => 1)], out)];
  };
}

export const POOL_OPS: OpTable = {
  AveragePool: averagePool,
  MaxPool: maxPool,
  GlobalAveragePool: globalPool('mean'),
  GlobalMaxPool: globalPool('max'),
};
