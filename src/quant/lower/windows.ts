// Sliding windows as index tables (im2col): shared by Conv, ConvTranspose and pooling.
import type { Node } from '../../onnx/graph.js';
import { sizeOf } from '../../ir/types.js';
import { strides } from './helpers.js';

export interface WindowSpec {
  /** Spatial dims of the (virtual) input. */
  readonly inSpatial: readonly number[];
  readonly outSpatial: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Padding before each spatial dim. */
  readonly padsBegin: readonly number[];
  /**
   * Input upsampling (ConvTranspose): a coordinate t of the conv input is a real input element
   * t / up when t ≡ 0 (mod up), and zero otherwise.
   */
  readonly up?: readonly number[];
}

function attrInts(node: Node, key: string): number[] | undefined {
  const a = node.attrs[key];
  return a && a.kind === 'ints' ? [...a.value] : undefined;
}

export function attrInt(node: Node, key: string, fallback: number): number {
  const a = node.attrs[key];
  return a && a.kind === 'int' ? a.value : fallback;
}

export function attrFloat(node: Node, key: string, fallback: number): number {
  const a = node.attrs[key];
  return a && a.kind === 'float' ? a.value : a && a.kind === 'int' ? a.value : fallback;
}

export function attrString(node: Node, key: string, fallback: string): string {
  const a = node.attrs[key];
  return a && a.kind === 'string' ? a.value : fallback;
}

/** Reads kernel_shape/strides/dilations/pads/auto_pad of a conv or pool node for given spatial dims. */
export function windowSpec(node: Node, inSpatial: readonly number[], outSpatial: readonly number[], kernel: readonly number[]): WindowSpec {
  const r = inSpatial.length;
  const st = attrInts(node, 'strides') ?? new Array<number>(r).fill(1);
  const dil = attrInts(node, 'dilations') ?? new Array<number>(r).fill(1);
  const pads = attrInts(node, 'pads') ?? new Array<number>(2 * r).fill(0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let begin = pads.slice(0, r);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    begin = inSpatial.map((s, i) => {
      const total = Math.max(0, (outSpatial[i] - 1) * st[i] + (kernel[i] - 1) * dil[i] + 1 - s);
      return autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    });
  } else if (autoPad === 'VALID') {
    begin = new Array<number>(r).fill(0);
  }
  return { inSpatial, outSpatial, kernel, strides: st, dilations: dil, padsBegin: begin };
}

/**
 * For every output position o (row-major over outSpatial) and kernel offset k (row-major over
 * kernel): the row-major spatial index of the input element, or −1 (padding / upsampling zero).
 * Returned as a flat array [prod(out)][prod(kernel)].
 */
export function windowIndex(w: WindowSpec): Int32Array {
  const r = w.inSpatial.length;
  const nO = sizeOf(w.outSpatial);
  const nK = sizeOf(w.kernel);
  const inStr = strides(w.inSpatial);
  const oStr = strides(w.outSpatial);
  const kStr = strides(w.kernel);
  const out = new Int32Array(nO * nK);
  for (let o = 0; o < nO; o++) {
    for (let k = 0; k < nK; k++) {
      let idx = 0;
      for (let d = 0; d < r; d++) {
        const oc = Math.floor(o / oStr[d]) % w.outSpatial[d];
        const kc = Math.floor(k / kStr[d]) % w.kernel[d];
        let t = oc * w.strides[d] + kc * w.dilations[d] - w.padsBegin[d];
        const up = w.up?.[d] ?? 1;
        if (t < 0 || t % up !== 0) { idx = -1; break; }
        t /= up;
        if (t >= w.inSpatial[d]) { idx = -1; break; }
        idx += t * inStr[d];
      }
      out[o * nK + k] = idx;
    }
  }
  return out;
}
