// Locating ../shared/testdata (read-only models and conformance tests) from the compiled tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../src/onnx/graph.js';
import { decodeTensorBytes } from '../../src/onnx/proto.js';
import { f64, stringTensor, tensorFrom } from '../../src/onnx/tensor.js';
import type { DType } from '../../src/onnx/graph.js';

/** dist/test/onnx/*.js -> the repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const testdataDir = join(repoRoot, '..', 'shared', 'testdata');
export const haveTestdata = existsSync(testdataDir);
export const skipReason = haveTestdata ? false : `test data not found at ${testdataDir} (../shared/testdata relative to the repo root)`;

export function readTensorFile(path: string): { name: string; tensor: Tensor } {
  return decodeTensorBytes(readFileSync(path), { file: path });
}

/** A tensor from case.json's { dims, dtype, data } form. */
export function tensorFromJson(j: { dims: number[]; dtype: string; data: (number | string)[] }): Tensor {
  if (j.dtype === 'string') return stringTensor(j.dims, j.data as string[]);
  return tensorFrom(j.dtype as DType, j.dims, (j.data as (number | string)[]).map(Number));
}

/** Max |a - b| / (atol + rtol |b|) over the elements; <= 1 means "close". Exact for non-floats. */
export function closeness(actual: Tensor, expected: Tensor, atol: number, rtol: number): { ok: boolean; detail: string } {
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return { ok: false, detail: `dims [${actual.dims.join(',')}] vs expected [${expected.dims.join(',')}]` };
  }
  if (expected.dtype === 'string' || actual.dtype === 'string') {
    const a = actual.data as readonly string[];
    const b = expected.data as readonly string[];
    const i = b.findIndex((s, k) => a[k] !== s);
    return i < 0 ? { ok: true, detail: '' } : { ok: false, detail: `[${i}]: '${a[i]}' vs expected '${b[i]}'` };
  }
  const a = f64(actual);
  const b = f64(expected);
  const exact = !['float32', 'float64', 'float16'].includes(expected.dtype);
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y) continue;
    if (exact || !(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      return { ok: false, detail: `[${i}]: ${x} vs expected ${y}` };
    }
  }
  return { ok: true, detail: '' };
}
