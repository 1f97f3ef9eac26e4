// Trained models → ONNX model descriptions (written by src/onnx/write.ts).
import { attr, type WriteModel } from '../onnx/write.js';
import type { Tensor } from '../onnx/graph.js';
import type { LogisticModel } from './logistic.js';
import type { BoostedTrees } from './gbdt.js';
import type { Mlp } from './mlp.js';
import type { Cnn } from './cnn.js';

const BATCH = 'N';

function f32Tensor(dims: number[], data: ArrayLike<number>): Tensor {
  return { dtype: 'float32', dims, data: Float64Array.from(data) };
}

/**
 * Standardize, then a binary logistic regression, in the ai.onnx.ml form sklearn-onnx emits:
 * Scaler(offset = mean, scale = 1/std) → LinearClassifier with the two rows [−w; w] and
 * intercepts [−b, b], post_transform LOGISTIC, labels [0, 1]. Outputs: label (int64 [N]) and
 * probabilities (float [N, 2]). The input is int64: German Credit's attributes are integer codes.
 */
export function logisticToOnnx(model: LogisticModel, features: number, name: string): WriteModel {
  const { mean, invStd } = model.standardizer;
  const w = Array.from(model.weights);
  return {
    name,
    inputs: [{ name: 'features', dtype: 'int64', dims: [BATCH, features] }],
    outputs: [
      { name: 'label', dtype: 'int64', dims: [BATCH] },
      { name: 'probabilities', dtype: 'float32', dims: [BATCH, 2] },
    ],
    nodes: [
      {
        name: 'standardize', opType: 'Scaler', domain: 'ai.onnx.ml', inputs: ['features'], outputs: ['standardized'],
        attrs: { offset: attr.floats(Array.from(mean)), scale: attr.floats(Array.from(invStd)) },
      },
      {
        name: 'logistic', opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['standardized'], outputs: ['label', 'probabilities'],
        attrs: {
          coefficients: attr.floats([...w.map((v) => -v), ...w]),
          intercepts: attr.floats([-model.intercept, model.intercept]),
          classlabels_ints: attr.ints([0, 1]),
          post_transform: attr.string('LOGISTIC'),
          multi_class: attr.int(0),
        },
      },
    ],
    opsets: { '': 13, 'ai.onnx.ml': 1 },
    producer: 'zkinfer-train',
  };
}

/**
 * A binary gradient-boosted ensemble as a TreeEnsembleClassifier: every tree's nodes in creation
 * order (node id = index), BRANCH_LEQ tests, leaf log-odds as class-0 weights, the prior log-odds
 * as base_values, post_transform LOGISTIC. onnxruntime's binary case then labels s > 0 as 1 and
 * gives probabilities [σ(−s), σ(s)], s = base + Σ leaves.
 */
export function boostedTreesToOnnx(model: BoostedTrees, features: number, name: string): WriteModel {
  const n = { tree: [] as number[], node: [] as number[], feature: [] as number[], mode: [] as string[], value: [] as number[],
    yes: [] as number[], no: [] as number[], missing: [] as number[], hit: [] as number[] };
  const c = { tree: [] as number[], node: [] as number[], id: [] as number[], weight: [] as number[] };
  model.trees.forEach((tree, t) => {
    tree.forEach((nd, i) => {
      const leaf = nd.feature < 0;
      n.tree.push(t);
      n.node.push(i);
      n.feature.push(leaf ? 0 : nd.feature);
      n.mode.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      n.value.push(leaf ? 0 : nd.threshold);
      n.yes.push(leaf ? 0 : nd.left);
      n.no.push(leaf ? 0 : nd.right);
      n.missing.push(0);
      n.hit.push(1);
      if (leaf) {
        c.tree.push(t);
        c.node.push(i);
        c.id.push(0);
        c.weight.push(nd.value);
      }
    });
  });
  return {
    name,
    inputs: [{ name: 'features', dtype: 'int64', dims: [BATCH, features] }],
    outputs: [
      { name: 'label', dtype: 'int64', dims: [BATCH] },
      { name: 'probabilities', dtype: 'float32', dims: [BATCH, 2] },
    ],
    nodes: [{
      name: 'boosted_trees', opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['features'], outputs: ['label', 'probabilities'],
      attrs: {
        nodes_treeids: attr.ints(n.tree), nodes_nodeids: attr.ints(n.node), nodes_featureids: attr.ints(n.feature),
        nodes_modes: attr.strings(n.mode), nodes_values: attr.floats(n.value), nodes_truenodeids: attr.ints(n.yes),
        nodes_falsenodeids: attr.ints(n.no), nodes_missing_value_tracks_true: attr.ints(n.missing), nodes_hitrates: attr.floats(n.hit),
        class_treeids: attr.ints(c.tree), class_nodeids: attr.ints(c.node), class_ids: attr.ints(c.id), class_weights: attr.floats(c.weight),
        classlabels_int64s: attr.ints([0, 1]), base_values: attr.floats([model.baseScore]), post_transform: attr.string('LOGISTIC'),
      },
    }],
    opsets: { '': 13, 'ai.onnx.ml': 1 },
    producer: 'zkinfer-train',
  };
}

/** A ReLU MLP as Gemm (transB = 1) + Relu layers; input `image` float [N, in], output `logits` [N, classes]. */
export function mlpToOnnx(mlp: Mlp, name: string): WriteModel {
  const initializers: Record<string, Tensor> = {};
  const nodes: WriteModel['nodes'][number][] = [];
  let current = 'image';
  mlp.layers.forEach((layer, l) => {
    initializers[`w${l}`] = f32Tensor([layer.outputs, layer.inputs], layer.weights);
    initializers[`b${l}`] = f32Tensor([layer.outputs], layer.bias);
    const last = l === mlp.layers.length - 1;
    const out = last ? 'logits' : `dense${l}`;
    nodes.push({ name: `dense${l}`, opType: 'Gemm', inputs: [current, `w${l}`, `b${l}`], outputs: [out], attrs: { transB: attr.int(1) } });
    current = out;
    if (!last) {
      nodes.push({ name: `relu${l}`, opType: 'Relu', inputs: [out], outputs: [`relu${l}`] });
      current = `relu${l}`;
    }
  });
  return {
    name,
    inputs: [{ name: 'image', dtype: 'float32', dims: [BATCH, mlp.layers[0]!.inputs] }],
    outputs: [{ name: 'logits', dtype: 'float32', dims: [BATCH, mlp.layers[mlp.layers.length - 1]!.outputs] }],
    initializers,
    nodes,
    opsets: { '': 13 },
    producer: 'zkinfer-train',
  };
}

/**
 * The small CNN: `image` float [N, 1, side, side] → Conv(k×k, stride s, no padding) → Relu →
 * Flatten → Gemm(transB = 1) → `logits` [N, classes].
 */
export function cnnToOnnx(m: Cnn, name: string): WriteModel {
  const flat = m.channels * m.outSide * m.outSide;
  return {
    name,
    inputs: [{ name: 'image', dtype: 'float32', dims: [BATCH, 1, m.side, m.side] }],
    outputs: [{ name: 'logits', dtype: 'float32', dims: [BATCH, m.classes] }],
    initializers: {
      conv_w: f32Tensor([m.channels, 1, m.kernel, m.kernel], m.convW),
      conv_b: f32Tensor([m.channels], m.convB),
      dense_w: f32Tensor([m.classes, flat], m.denseW),
      dense_b: f32Tensor([m.classes], m.denseB),
    },
    nodes: [
      {
        name: 'conv', opType: 'Conv', inputs: ['image', 'conv_w', 'conv_b'], outputs: ['conv'],
        attrs: { kernel_shape: attr.ints([m.kernel, m.kernel]), strides: attr.ints([m.stride, m.stride]), pads: attr.ints([0, 0, 0, 0]) },
      },
      { name: 'relu', opType: 'Relu', inputs: ['conv'], outputs: ['relu'] },
      { name: 'flatten', opType: 'Flatten', inputs: ['relu'], outputs: ['flat'], attrs: { axis: attr.int(1) } },
      { name: 'dense', opType: 'Gemm', inputs: ['flat', 'dense_w', 'dense_b'], outputs: ['logits'], attrs: { transB: attr.int(1) } },
    ],
    opsets: { '': 13 },
    producer: 'zkinfer-train',
  };
}
