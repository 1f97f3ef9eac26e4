// writeOnnx round trips: write -> loadOnnx -> evaluateFloat, compared with onnxruntime on the same bytes.
import { test } from 'node:test';
import { attr, type WriteModel } from '../../src/onnx/write.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { f32, matchesOrt, rand } from './oracle.js';

const roundTrip = (m: WriteModel, feeds: Record<string, Tensor>): Promise<void> => matchesOrt(m, feeds);


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
