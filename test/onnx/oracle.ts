// onnxruntime as a test oracle: run the same ONNX bytes through ort and through
// loadOnnx + normalizeGraph + evaluateFloat, and compare every declared output.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { writeOnnx, type WriteModel } from '../../src/onnx/write.js';
import { loadOnnx } from '../../src/onnx/load.js';
import { normalizeGraph } from '../../src/onnx/normalize.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import { f64, tensorFrom } from '../../src/onnx/tensor.js';
import type { Tensor } from '../../src/onnx/graph.js';

/** Deterministic pseudo-random floats in [-1, 1) (xorshift), so failures reproduce. */
export function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

export const f32 = (dims: number[], seed: number, scale = 1): Tensor =>
  tensorFrom('float32', dims, rand(dims.reduce((a, b) => a * b, 1), seed).map((v) => v * scale));

function toOrt(t: Tensor): ort.Tensor {
  const dims = [...t.dims];
  switch (t.dtype) {
    case 'float32': return new ort.Tensor('float32', Float32Array.from(f64(t)), dims);
    case 'float64': return new ort.Tensor('float64', Float64Array.from(f64(t)), dims);
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from(t.data as BigInt64Array), dims);
    case 'int32': return new ort.Tensor('int32', Int32Array.from(f64(t)), dims);
    case 'int8': return new ort.Tensor('int8', Int8Array.from(f64(t)), dims);
    case 'uint8': return new ort.Tensor('uint8', Uint8Array.from(f64(t)), dims);
    case 'bool': return new ort.Tensor('bool', Uint8Array.from(f64(t)), dims);
    default: throw new Error(`oracle: feeding ${t.dtype} is not wired up`);
  }
}

export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, { dims: readonly number[]; data: (number | string)[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = toOrt(t);
  const out = await session.run(ortFeeds);
  const res: Record<string, { dims: readonly number[]; data: (number | string)[] }> = {};
  for (const [k, v] of Object.entries(out)) {
    const d = v.data as ArrayLike<number | bigint | string | boolean>;
    res[k] = { dims: v.dims, data: Array.from(d, (x) => (typeof x === 'string' ? x : Number(x))) };
  }
  return res;
}

/** Writes the model, evaluates it both ways (raw and normalized) and compares with onnxruntime. */
export async function matchesOrt(model: WriteModel, feeds: Record<string, Tensor>, tol = 1e-5): Promise<void> {
  const bytes = writeOnnx(model);
  const raw = loadOnnx(bytes, { file: 'oracle.onnx' });
  const norm = normalizeGraph(raw, { file: 'oracle.onnx' });
  const theirs = await runOrt(bytes, feeds);
  for (const graph of [raw, norm]) {
    const ours = evaluateFloat(graph, feeds);
    for (const o of model.outputs) {
      const a = ours.get(o.name);
      const b = theirs[o.name];
      assert.ok(a !== undefined && b !== undefined, `output ${o.name} missing`);
      assert.deepEqual([...a.dims], [...b.dims], `dims of ${o.name}`);
      if (graph === norm) assert.deepEqual([...norm.valueInfo.get(o.name)!.dims], [...b.dims], `inferred dims of ${o.name}`);
      if (a.dtype === 'string') { assert.deepEqual(a.data, b.data); continue; }
      const av = f64(a);
      b.data.forEach((x, i) => {
        const y = av[i]!;
        const ok = (Number.isNaN(y) && Number.isNaN(x as number)) || Math.abs(y - (x as number)) <= tol * (1 + Math.abs(x as number));
        assert.ok(ok, `${o.name}[${i}]: ours ${y}, onnxruntime ${x}`);
      });
    }
  }
}
