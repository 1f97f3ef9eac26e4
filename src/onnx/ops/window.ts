// Geometry shared by Conv, ConvTranspose and the pools: padding resolution and the table that
// maps (output position, kernel position) to an input position.
import type { Node } from '../graph.js';
import { sizeOf, stridesOf } from '../tensor.js';
import { attrInts, attrString } from './attrs.js';

export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Begin pads then end pads, one per spatial axis. */
  readonly pads: readonly number[];
  readonly outSpatial: readonly number[];
}

/**
 * Resolves kernel/strides/dilations/pads/auto_pad for a sliding window over `inSpatial`.
 * `ceilMode` (pools) rounds the output size up, dropping windows that start in the end padding.
 */
export function resolveWindow(node: Node, inSpatial: readonly number[], kernel: readonly number[], ceilMode = false): Window {
  const k = inSpatial.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(k).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(k).fill(1);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let pads = [...(attrInts(node, 'pads') ?? new Array<number>(2 * k).fill(0))];
  if (strides.length !== k || dilations.length !== k || pads.length !== 2 * k || kernel.length !== k) {
    throw new Error(`strides/dilations/pads/kernel_shape do not match ${k} spatial axes`);
  }
  const outSpatial: number[] = [];
  for (let i = 0; i < k; i++) {
    const ext = dilations[i]! * (kernel[i]! - 1) + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = Math.ceil(inSpatial[i]! / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + ext - inSpatial[i]!);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + k] = total - pads[i]!;
      outSpatial.push(out);
      continue;
    }
    if (autoPad === 'VALID') { pads[i] = 0; pads[i + k] = 0; }
    else if (autoPad !== 'NOTSET') throw new Error(`auto_pad '${autoPad}' is not supported`);
    const span = inSpatial[i]! + pads[i]! + pads[i + k]! - ext;
    let out = (ceilMode ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // With ceil_mode the last window must start inside the input or the begin padding.
    if (ceilMode && (out - 1) * strides[i]! >= inSpatial[i]! + pads[i]!) out--;
    outSpatial.push(out);
  }
  if (outSpatial.some((d) => d <= 0)) throw new Error(`window larger than the padded input [${inSpatial.join(',')}]`);
  return { kernel, strides, dilations, pads, outSpatial };
}

/**
 * For each output position p and kernel offset q, the flat spatial input index, or -1 when the
 * window reads padding. Layout: table[p * K + q].
 */
export function windowTable(inSpatial: readonly number[], w: Window): Int32Array {
  const k = inSpatial.length;
  const P = sizeOf(w.outSpatial);
  const K = sizeOf(w.kernel);
  const inStrides = stridesOf(inSpatial);
  const table = new Int32Array(P * K);
  const o = new Array<number>(k).fill(0);
  for (let p = 0; p < P; p++) {
    const q = new Array<number>(k).fill(0);
    for (let j = 0; j < K; j++) {
      let flat = 0;
      for (let ax = 0; ax < k; ax++) {
        const pos = o[ax]! * w.strides[ax]! - w.pads[ax]! + q[ax]! * w.dilations[ax]!;
        if (pos < 0 || pos >= inSpatial[ax]!) { flat = -1; break; }
        flat += pos * inStrides[ax]!;
      }
      table[p * K + j] = flat;
      for (let ax = k - 1; ax >= 0; ax--) { if (++q[ax]! < w.kernel[ax]!) break; q[ax] = 0; }
    }
    for (let ax = k - 1; ax >= 0; ax--) { if (++o[ax]! < w.outSpatial[ax]!) break; o[ax] = 0; }
  }
  return table;
}

/** For each output position, how many kernel offsets fall inside the padded input (count_include_pad). */
export function paddedCounts(inSpatial: readonly number[], w: Window): Int32Array {
  const k = inSpatial.length;
  const P = sizeOf(w.outSpatial);
  const counts = new Int32Array(P);
  const o = new Array<number>(k).fill(0);
  for (let p = 0; p < P; p++) {
    let c = 1;
    for (let ax = 0; ax < k; ax++) {
      let inside = 0;
      for (let q = 0; q < w.kernel[ax]!; q++) {
        const pos = o[ax]! * w.strides[ax]! - w.pads[ax]! + q * w.dilations[ax]!;
        if (pos >= -w.pads[ax]! && pos < inSpatial[ax]! + w.pads[ax + k]!) inside++;
      }
      c *= inside;
    }
    counts[p] = c;
    for (let ax = k - 1; ax >= 0; ax--) { if (++o[ax]! < w.outSpatial[ax]!) break; o[ax] = 0; }
  }
  return counts;
}
