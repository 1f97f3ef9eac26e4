// Shared by the training tests: onnxruntime on an ONNX file, argmax, and label agreement.
import { createRequire } from 'node:module';

interface OrtTensor { readonly data: ArrayLike<number | bigint>; readonly dims: readonly number[] }
interface OrtSession { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>> }
interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<OrtSession> };
  Tensor: new (type: string, data: ArrayLike<number | bigint>, dims: readonly number[]) => unknown;
}

/** onnxruntime-node (a dev dependency, CommonJS). */
export function ort(): Ort {
  return createRequire(import.meta.url)('onnxruntime-node') as Ort;
}

export function argmaxRows(data: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c]! > data[r * cols + best]!) best = c;
    out.push(best);
  }
  return out;
}
