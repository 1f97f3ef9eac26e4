// writeOnnx round trips: write -> loadOnnx -> evaluateFloat, compared with onnxruntime on the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { writeOnnx, attr, type WriteModel } from '../../src/onnx/write.js';
import { loadOnnx } from '../../src/onnx/load.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import { tensorFrom, f64 } from '../../src/onnx/tensor.js';
import type { Tensor } from '../../src/onnx/graph.js';

/** Deterministic pseudo-random floats in [-1, 1) (xorshift), so failures reproduce. */
function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, { dims: readonly number[]; data: number[] | string[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor('float32', Float32Array.from(f64(t)), [...t.dims]);
  const out = await session.run(ortFeeds);
  const res: Record<string, { dims: readonly number[]; data: number[] | string[] }> = {};
  for (const [k, v] of Object.entries(out)) {
    const d = v.data as ArrayLike<number | bigint | string>;
    res[k] = { dims: v.dims, data: Array.from(d, (x) => (typeof x === 'string' ? x : Number(x))) as number[] | string[] };
  }
  return res;
}

async function roundTrip(model: WriteModel, feeds: Record<string, Tensor>, tol = 1e-5): Promise<void> {
  const bytes = writeOnnx(model);
  const graph = loadOnnx(bytes, { file: 'roundtrip.onnx' });
  const ours = evaluateFloat(graph, feeds);
  const theirs = await runOrt(bytes, feeds);
  for (const o of model.outputs) {
    const a = ours.get(o.name);
    const b = theirs[o.name];
    assert.ok(a !== undefined && b !== undefined, `output ${o.name} missing`);
    assert.deepEqual([...a.dims], [...b.dims], `dims of ${o.name}`);
    if (a.dtype === 'string') { assert.deepEqual(a.data, b.data); continue; }
    const av = f64(a);
    b.data.forEach((x, i) => {
      const y = av[i]!;
      assert.ok(Math.abs(y - (x as number)) <= tol * (1 + Math.abs(x as number)), `${o.name}[${i}]: ours ${y}, onnxruntime ${x}`);
    });
  }
}

const f32 = (dims: number[], seed: number): Tensor => tensorFrom('float32', dims, rand(dims.reduce((a, b) => a * b, 1), seed));

test('MLP: Gemm + Relu + MatMul + Add + Sigmoid + Softmax', async () => {
  await roundTrip({
    inputs: [{ name: 'x', dtype: 'float32', dims: ['N', 4] }],
    outputs: [{ name: 'p', dtype: 'float32', dims: ['N', 3] }, { name: 's', dtype: 'float32', dims: ['N', 3] }],
    initializers: { w1: f32([5, 4], 1), b1: f32([5], 2), w2: f32([5, 3], 3), b2: f32([3], 4) },
    nodes: [
      { opType: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: attr.int(1) } },
      { opType: 'Relu', inputs: ['h'], outputs: ['r'] },
      { opType: 'MatMul', inputs: ['r', 'w2'], outputs: ['m'] },
      { opType: 'Add', inputs: ['m', 'b2'], outputs: ['z'] },
      { opType: 'Softmax', inputs: ['z'], outputs: ['p'], attrs: { axis: attr.int(-1) } },
      { opType: 'Sigmoid', inputs: ['z'], outputs: ['s'] },
    ],
  }, { x: f32([1, 4], 9) });
});

test('CNN: Conv (pads, strides, groups) + Relu', async () => {
  await roundTrip({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2, 7, 7] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { w: f32([4, 1, 3, 3], 5), b: f32([4], 6) },
    nodes: [
      { opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]), group: attr.int(2) } },
      { opType: 'Relu', inputs: ['c'], outputs: ['y'] },
    ],
  }, { x: f32([1, 2, 7, 7], 7) });
});

test('ai.onnx.ml LinearClassifier (multiclass, softmax)', async () => {
  await roundTrip({
    inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3] }],
    outputs: [{ name: 'label', dtype: 'int64', dims: [2] }, { name: 'scores', dtype: 'float32', dims: [2, 3] }],
    nodes: [{
      opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'scores'],
      attrs: { coefficients: attr.floats(rand(9, 11)), intercepts: attr.floats(rand(3, 12)), classlabels_ints: attr.ints([10, 20, 30]), post_transform: attr.string('SOFTMAX') },
    }],
  }, { x: f32([2, 3], 13) });
});

/** A depth-2 tree per ensemble member over 3 features, exercising several node modes. */
function treeAttrs(prefix: 'class' | 'target', nTrees: number, ids: (leaf: number) => number[], seed: number) {
  const modes = ['BRANCH_LEQ', 'BRANCH_GT', 'BRANCH_LT', 'LEAF', 'LEAF', 'LEAF', 'LEAF'];
  const r = rand(nTrees * 100, seed);
  const t: Record<string, number[] | string[]> = {
    nodes_treeids: [], nodes_nodeids: [], nodes_featureids: [], nodes_modes: [], nodes_values: [], nodes_truenodeids: [], nodes_falsenodeids: [],
    [`${prefix}_treeids`]: [], [`${prefix}_nodeids`]: [], [`${prefix}_ids`]: [], [`${prefix}_weights`]: [],
  };
  let k = 0;
  for (let tr = 0; tr < nTrees; tr++) {
    for (let nd = 0; nd < 7; nd++) {
      (t.nodes_treeids as number[]).push(tr);
      (t.nodes_nodeids as number[]).push(nd);
      (t.nodes_featureids as number[]).push(nd % 3);
      (t.nodes_modes as string[]).push(nd === 0 ? modes[tr % 3]! : modes[nd]!);
      (t.nodes_values as number[]).push(nd < 3 ? r[k++]! * 0.5 : 0);
      (t.nodes_truenodeids as number[]).push(nd < 3 ? 2 * nd + 1 : 0);
      (t.nodes_falsenodeids as number[]).push(nd < 3 ? 2 * nd + 2 : 0);
      if (nd >= 3) {
        for (const id of ids(nd)) {
          (t[`${prefix}_treeids`] as number[]).push(tr);
          (t[`${prefix}_nodeids`] as number[]).push(nd);
          (t[`${prefix}_ids`] as number[]).push(id);
          (t[`${prefix}_weights`] as number[]).push(r[k++]!);
        }
      }
    }
  }
  const out: Record<string, ReturnType<typeof attr.ints>> = {};
  for (const [name, v] of Object.entries(t)) {
    out[name] = name === 'nodes_modes' ? attr.strings(v as string[])
      : name.endsWith('values') || name.endsWith('weights') ? attr.floats(v as number[]) : attr.ints(v as number[]);
  }
  return out;
}

test('ai.onnx.ml TreeEnsembleClassifier (3 classes, logistic) and TreeEnsembleRegressor', async () => {
  const x = f32([8, 3], 21);
  await roundTrip({
    inputs: [{ name: 'x', dtype: 'float32', dims: [8, 3] }],
    outputs: [{ name: 'label', dtype: 'int64', dims: [8] }, { name: 'probs', dtype: 'float32', dims: [8, 3] }],
    nodes: [{
      opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'probs'],
      attrs: { ...treeAttrs('class', 4, (leaf) => [leaf % 3, (leaf + 1) % 3], 22), classlabels_int64s: attr.ints([0, 1, 2]), post_transform: attr.string('LOGISTIC'), base_values: attr.floats([0.1, -0.2, 0.3]) },
    }],
  }, { x });
  await roundTrip({
    inputs: [{ name: 'x', dtype: 'float32', dims: [8, 3] }],
    outputs: [{ name: 'y', dtype: 'float32', dims: [8, 2] }],
    nodes: [{
      opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'],
      attrs: { ...treeAttrs('target', 3, () => [0, 1], 23), n_targets: attr.int(2), aggregate_function: attr.string('AVERAGE'), base_values: attr.floats([0.5, -0.5]) },
    }],
  }, { x });
});

test('binary TreeEnsembleClassifier with string labels and margins (onnxruntime binary convention)', async () => {
  await roundTrip({
    inputs: [{ name: 'x', dtype: 'float32', dims: [8, 3] }],
    outputs: [{ name: 'label', dtype: 'string', dims: [8] }, { name: 'probs', dtype: 'float32', dims: [8, 2] }],
    nodes: [{
      opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'probs'],
      attrs: { ...treeAttrs('class', 3, () => [0], 31), classlabels_strings: attr.strings(['no', 'yes']), post_transform: attr.string('LOGISTIC'), base_values: attr.floats([0.2]) },
    }],
  }, { x: f32([8, 3], 32) });
});
