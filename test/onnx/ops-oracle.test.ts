// Single-op models, checked against onnxruntime, for the supported ops and attribute forms that
// the onnx-node conformance set does not exercise (Einsum, Resize modes, Tile, Expand, OneHot,
// old-opset Softmax, ai.onnx.ml transforms, tree node modes and aggregates ...).
import { test } from 'node:test';
import { attr, type WriteModel, type WriteValue, type WriteNode } from '../../src/onnx/write.js';
import { tensorFrom } from '../../src/onnx/tensor.js';
import type { DType, Tensor } from '../../src/onnx/graph.js';
import { f32, matchesOrt, rand } from './oracle.js';

/** A one-node model: runtime inputs `ins`, constant `inits`, one or more float outputs. */
function single(node: WriteNode, ins: Record<string, Tensor>, inits: Record<string, Tensor> = {}, opsets?: Record<string, number>, outTypes: DType[] = []): { model: WriteModel; feeds: Record<string, Tensor> } {
  const inputs: WriteValue[] = Object.entries(ins).map(([name, t]) => ({ name, dtype: t.dtype, dims: t.dims }));
  const outputs: WriteValue[] = node.outputs.map((name, i) => ({ name, dtype: outTypes[i] ?? 'float32' }));
  return { model: { inputs, outputs, initializers: inits, nodes: [node], ...(opsets ? { opsets } : {}) }, feeds: ins };
}

const i64 = (dims: number[], v: number[]): Tensor => tensorFrom('int64', dims, v);
const bool = (dims: number[], seed: number): Tensor => tensorFrom('bool', dims, rand(dims.reduce((a, b) => a * b, 1), seed).map((v) => (v > 0 ? 1 : 0)));

const CASES: Record<string, () => { model: WriteModel; feeds: Record<string, Tensor> }> = {
  'Einsum matmul': () => single({ opType: 'Einsum', inputs: ['a', 'b'], outputs: ['y'], attrs: { equation: attr.string('ij,jk->ik') } }, { a: f32([3, 4], 1), b: f32([4, 2], 2) }),
  'Einsum batched': () => single({ opType: 'Einsum', inputs: ['a', 'b'], outputs: ['y'], attrs: { equation: attr.string('bij,bjk->bik') } }, { a: f32([2, 3, 4], 1), b: f32([2, 4, 5], 2) }),
  'Einsum transpose + sum': () => single({ opType: 'Einsum', inputs: ['a'], outputs: ['y'], attrs: { equation: attr.string('ijk->ki') } }, { a: f32([2, 3, 4], 3) }),
  'Einsum ellipsis, implicit output': () => single({ opType: 'Einsum', inputs: ['a', 'b'], outputs: ['y'], attrs: { equation: attr.string('...ij,jk') } }, { a: f32([2, 3, 4], 4), b: f32([4, 2], 5) }),
  'Tile': () => single({ opType: 'Tile', inputs: ['x', 'r'], outputs: ['y'] }, { x: f32([2, 3], 1) }, { r: i64([2], [2, 3]) }),
  'Expand': () => single({ opType: 'Expand', inputs: ['x', 's'], outputs: ['y'] }, { x: f32([3, 1], 1) }, { s: i64([3], [2, 3, 4]) }),
  'Resize nearest half_pixel round_prefer_floor': () => single({ opType: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], attrs: { mode: attr.string('nearest') } }, { x: f32([1, 2, 3, 3], 1) }, { s: tensorFrom('float32', [4], [1, 1, 2, 1.5]) }),
  'Resize nearest asymmetric floor (sizes)': () => single({ opType: 'Resize', inputs: ['x', '', '', 'z'], outputs: ['y'], attrs: { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') } }, { x: f32([1, 1, 4, 4], 2) }, { z: i64([4], [1, 1, 7, 3]) }),
  'Resize nearest align_corners ceil': () => single({ opType: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], attrs: { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('align_corners'), nearest_mode: attr.string('ceil') } }, { x: f32([1, 1, 3, 3], 3) }, { s: tensorFrom('float32', [4], [1, 1, 2, 2]) }),
  'Upsample (opset 9)': () => single({ opType: 'Upsample', inputs: ['x', 's'], outputs: ['y'], attrs: { mode: attr.string('nearest') } }, { x: f32([1, 1, 2, 3], 1) }, { s: tensorFrom('float32', [4], [1, 1, 2, 3]) }, { '': 9 }),
  'Softplus': () => single({ opType: 'Softplus', inputs: ['x'], outputs: ['y'] }, { x: f32([10], 1, 30) }),
  'Sum of three, broadcasting': () => single({ opType: 'Sum', inputs: ['a', 'b', 'c'], outputs: ['y'] }, { a: f32([2, 3], 1), b: f32([3], 2), c: f32([2, 1], 3) }),
  'Mean': () => single({ opType: 'Mean', inputs: ['a', 'b'], outputs: ['y'] }, { a: f32([2, 3], 1), b: f32([1, 3], 2) }),
  'GlobalMaxPool': () => single({ opType: 'GlobalMaxPool', inputs: ['x'], outputs: ['y'] }, { x: f32([2, 3, 4, 5], 1) }),
  'LogSoftmax axis 1': () => single({ opType: 'LogSoftmax', inputs: ['x'], outputs: ['y'], attrs: { axis: attr.int(1) } }, { x: f32([2, 3, 4], 1, 5) }),
  'Softmax opset 11 (flattening semantics)': () => single({ opType: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: { axis: attr.int(1) } }, { x: f32([2, 3, 4], 2, 3) }, {}, { '': 11 }),
  'OneHot': () => single({ opType: 'OneHot', inputs: ['i', 'd', 'v'], outputs: ['y'], attrs: { axis: attr.int(1) } }, { i: i64([2, 3], [0, 2, -1, 1, 3, 0]) }, { d: i64([], [4]), v: tensorFrom('float32', [2], [-1, 5]) }),
  'GatherElements': () => single({ opType: 'GatherElements', inputs: ['x', 'i'], outputs: ['y'], attrs: { axis: attr.int(1) } }, { x: f32([3, 4], 1) }, { i: i64([3, 2], [0, 3, -1, 2, 1, 1]) }),
  'ReduceMin (axes attribute, opset 13)': () => single({ opType: 'ReduceMin', inputs: ['x'], outputs: ['y'], attrs: { axes: attr.ints([0, 2]), keepdims: attr.int(0) } }, { x: f32([2, 3, 4], 1) }),
  'TopK smallest': () => single({ opType: 'TopK', inputs: ['x', 'k'], outputs: ['v', 'i'], attrs: { largest: attr.int(0), axis: attr.int(1) } }, { x: f32([2, 6], 1) }, { k: i64([1], [3]) }, undefined, ['float32', 'int64']),
  'And / Or / Xor': () => ({
    model: {
      inputs: [{ name: 'a', dtype: 'bool', dims: [2, 3] }, { name: 'b', dtype: 'bool', dims: [3] }],
      outputs: [{ name: 'x', dtype: 'bool' }, { name: 'y', dtype: 'bool' }, { name: 'z', dtype: 'bool' }],
      nodes: [{ opType: 'And', inputs: ['a', 'b'], outputs: ['x'] }, { opType: 'Or', inputs: ['a', 'b'], outputs: ['y'] }, { opType: 'Xor', inputs: ['a', 'b'], outputs: ['z'] }],
    },
    feeds: { a: bool([2, 3], 1), b: bool([3], 2) },
  }),
  'Shape / Size / ConstantOfShape': () => ({
    model: {
      inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3] }],
      outputs: [{ name: 's', dtype: 'int64' }, { name: 'n', dtype: 'int64' }, { name: 'c', dtype: 'float32' }],
      nodes: [
        { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
        { opType: 'Size', inputs: ['x'], outputs: ['n'] },
        { opType: 'ConstantOfShape', inputs: ['s'], outputs: ['c'], attrs: { value: attr.tensor(tensorFrom('float32', [1], [2.5])) } },
      ],
    },
    feeds: { x: f32([2, 3], 1) },
  }),
  'Conv 1-D depthwise, dilated, asymmetric pads': () => single({ opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: attr.int(3), dilations: attr.ints([2]), pads: attr.ints([2, 1]), strides: attr.ints([2]) } }, { x: f32([1, 3, 11], 1) }, { w: f32([3, 1, 3], 2) }),
  'Conv 2-D SAME_LOWER, strided': () => single({ opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { auto_pad: attr.string('SAME_LOWER'), strides: attr.ints([2, 2]) } }, { x: f32([1, 2, 6, 5], 1) }, { w: f32([4, 2, 2, 3], 2), b: f32([4], 3) }),
  'QLinearConv per-channel weights': () => single(
    { opType: 'QLinearConv', inputs: ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'b'], outputs: ['y'], attrs: { pads: attr.ints([1, 1, 1, 1]) } },
    { x: tensorFrom('uint8', [1, 2, 4, 4], rand(32, 1).map((v) => Math.floor((v + 1) * 127))) },
    { xs: tensorFrom('float32', [], [0.02]), xz: tensorFrom('uint8', [], [128]), w: tensorFrom('int8', [3, 2, 3, 3], rand(54, 2).map((v) => Math.round(v * 100))), ws: tensorFrom('float32', [3], [0.01, 0.02, 0.005]), wz: tensorFrom('int8', [3], [0, 0, 0]), ys: tensorFrom('float32', [], [0.05]), yz: tensorFrom('uint8', [], [100]), b: tensorFrom('int32', [3], [100, -200, 300]) },
    undefined, ['uint8']),
  'QuantizeLinear per-axis int8 with ties': () => single({ opType: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['y'], attrs: { axis: attr.int(1) } }, { x: tensorFrom('float32', [2, 3], [0.5, 1.5, -2.5, 300, -300, 0.25]) }, { s: tensorFrom('float32', [3], [1, 1, 0.5]), z: tensorFrom('int8', [3], [0, 1, -1]) }, undefined, ['int8']),
  'Scaler + Normalizer L1/L2/MAX + LinearRegressor': () => ({
    model: {
      inputs: [{ name: 'x', dtype: 'float32', dims: [3, 4] }],
      outputs: [{ name: 's', dtype: 'float32' }, { name: 'l1', dtype: 'float32' }, { name: 'l2', dtype: 'float32' }, { name: 'mx', dtype: 'float32' }, { name: 'r', dtype: 'float32' }],
      nodes: <WriteNode[]>[
        { opType: 'Scaler', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['s'], attrs: { offset: attr.floats([0.1, -0.2, 0.3, 0]), scale: attr.floats([2, 3, 0.5, 1]) } },
        { opType: 'Normalizer', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['l1'], attrs: { norm: attr.string('L1') } },
        { opType: 'Normalizer', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['l2'], attrs: { norm: attr.string('L2') } },
        { opType: 'Normalizer', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['mx'], attrs: { norm: attr.string('MAX') } },
        { opType: 'LinearRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['r'], attrs: { coefficients: attr.floats(rand(8, 3)), intercepts: attr.floats([0.5, -1]), targets: attr.int(2) } },
      ],
    },
    feeds: { x: f32([3, 4], 7) },
  }),
  'LinearClassifier binary (one coefficient row), LOGISTIC, string labels': () => single(
    { opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['l', 'p'], attrs: { coefficients: attr.floats(rand(3, 4)), intercepts: attr.floats([0.1]), classlabels_strings: attr.strings(['neg', 'pos']), post_transform: attr.string('LOGISTIC') } },
    { x: f32([6, 3], 5, 3) }, {}, undefined, ['string', 'float32']),
  'TreeEnsembleRegressor MIN/MAX, BRANCH_EQ/NEQ/GTE, missing values': () => {
    const x = tensorFrom('float32', [5, 2], [0, 1, 1, 0, NaN, 0.5, 0.5, NaN, 2, 2]);
    const tree = (agg: string) => ({
      nodes_treeids: attr.ints([0, 0, 0, 0, 0, 1, 1, 1]), nodes_nodeids: attr.ints([0, 1, 2, 3, 4, 0, 1, 2]),
      nodes_featureids: attr.ints([0, 1, 0, 0, 0, 1, 0, 0]), nodes_modes: attr.strings(['BRANCH_EQ', 'BRANCH_NEQ', 'LEAF', 'LEAF', 'LEAF', 'BRANCH_GTE', 'LEAF', 'LEAF']),
      nodes_values: attr.floats([1, 0, 0, 0, 0, 0.5, 0, 0]), nodes_truenodeids: attr.ints([1, 2, 0, 0, 0, 1, 0, 0]), nodes_falsenodeids: attr.ints([4, 3, 0, 0, 0, 2, 0, 0]),
      nodes_missing_value_tracks_true: attr.ints([1, 0, 0, 0, 0, 0, 0, 0]),
      target_treeids: attr.ints([0, 0, 0, 1, 1]), target_nodeids: attr.ints([2, 3, 4, 1, 2]), target_ids: attr.ints([0, 0, 0, 0, 0]),
      target_weights: attr.floats([1.5, -2, 3, 0.25, 4]), n_targets: attr.int(1), aggregate_function: attr.string(agg),
    });
    return {
      model: {
        inputs: [{ name: 'x', dtype: 'float32', dims: [5, 2] }],
        outputs: [{ name: 'mn', dtype: 'float32' }, { name: 'mx', dtype: 'float32' }, { name: 'sm', dtype: 'float32' }],
        nodes: [
          { opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['mn'], attrs: tree('MIN') },
          { opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['mx'], attrs: tree('MAX') },
          { opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['sm'], attrs: { ...tree('SUM'), base_values: attr.floats([10]) } },
        ],
      },
      feeds: { x },
    };
  },
  'TreeEnsembleClassifier binary, probabilities (all weights positive)': () => single({
    opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['l', 'p'], attrs: {
      nodes_treeids: attr.ints([0, 0, 0, 0, 0]), nodes_nodeids: attr.ints([0, 1, 2, 3, 4]), nodes_featureids: attr.ints([0, 0, 1, 0, 0]),
      nodes_modes: attr.strings(['BRANCH_LEQ', 'LEAF', 'BRANCH_GT', 'LEAF', 'LEAF']), nodes_values: attr.floats([0, 0, 0.2, 0, 0]),
      nodes_truenodeids: attr.ints([1, 0, 3, 0, 0]), nodes_falsenodeids: attr.ints([2, 0, 4, 0, 0]),
      class_treeids: attr.ints([0, 0, 0]), class_nodeids: attr.ints([1, 3, 4]), class_ids: attr.ints([0, 0, 0]), class_weights: attr.floats([0.2, 0.9, 0.6]),
      classlabels_int64s: attr.ints([3, 7]),
    },
  }, { x: f32([6, 2], 9) }, {}, undefined, ['int64', 'float32']),
  'LinearClassifier binary (one coefficient row), NONE, int labels': () => single(
    { opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['l', 'p'], attrs: { coefficients: attr.floats(rand(3, 6)), intercepts: attr.floats([-0.05]), classlabels_ints: attr.ints([4, 9]) } },
    { x: f32([6, 3], 7, 3) }, {}, undefined, ['int64', 'float32']),
  'TreeEnsembleClassifier two class ids, two base values, SOFTMAX': () => single({
    opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['l', 'p'], attrs: {
      nodes_treeids: attr.ints([0, 0, 0]), nodes_nodeids: attr.ints([0, 1, 2]), nodes_featureids: attr.ints([1, 0, 0]),
      nodes_modes: attr.strings(['BRANCH_LT', 'LEAF', 'LEAF']), nodes_values: attr.floats([0.1, 0, 0]),
      nodes_truenodeids: attr.ints([1, 0, 0]), nodes_falsenodeids: attr.ints([2, 0, 0]),
      class_treeids: attr.ints([0, 0, 0, 0]), class_nodeids: attr.ints([1, 1, 2, 2]), class_ids: attr.ints([0, 1, 0, 1]), class_weights: attr.floats([0.3, -0.4, -0.2, 0.6]),
      classlabels_strings: attr.strings(['a', 'b']), base_values: attr.floats([0.05, -0.05]), post_transform: attr.string('SOFTMAX'),
    },
  }, { x: f32([6, 2], 12) }, {}, undefined, ['string', 'float32']),
  'opset 9 forms: Slice, Squeeze, Unsqueeze, ReduceSum axes as attributes; TopK k attribute': () => ({
    model: {
      opsets: { '': 9 },
      inputs: [{ name: 'x', dtype: 'float32', dims: [1, 4, 5] }],
      outputs: [{ name: 'a', dtype: 'float32' }, { name: 'b', dtype: 'float32' }, { name: 'c', dtype: 'float32' }, { name: 'v', dtype: 'float32' }, { name: 'i', dtype: 'int64' }],
      nodes: <WriteNode[]>[
        { opType: 'Slice', inputs: ['x'], outputs: ['a'], attrs: { starts: attr.ints([1, -4]), ends: attr.ints([3, 1000]), axes: attr.ints([1, 2]) } },
        { opType: 'Squeeze', inputs: ['x'], outputs: ['sq'], attrs: { axes: attr.ints([0]) } },
        { opType: 'Unsqueeze', inputs: ['sq'], outputs: ['b'], attrs: { axes: attr.ints([1, 3]) } },
        { opType: 'ReduceSum', inputs: ['x'], outputs: ['c'], attrs: { axes: attr.ints([-1]), keepdims: attr.int(0) } },
        { opType: 'TopK', inputs: ['x'], outputs: ['v', 'i'], attrs: { k: attr.int(2) } },
      ],
    },
    feeds: { x: f32([1, 4, 5], 3) },
  }),
  'opset 10 forms: Pad and Clip attributes, Split attribute, Dropout, Resize (X, scales)': () => ({
    model: {
      opsets: { '': 10 },
      inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2, 3, 4] }],
      outputs: [{ name: 'p', dtype: 'float32' }, { name: 'c', dtype: 'float32' }, { name: 's0', dtype: 'float32' }, { name: 's1', dtype: 'float32' }, { name: 'r', dtype: 'float32' }],
      initializers: { sc: tensorFrom('float32', [4], [1, 1, 2, 1.5]) },
      nodes: <WriteNode[]>[
        { opType: 'Pad', inputs: ['x'], outputs: ['p'], attrs: { pads: attr.ints([0, 0, 1, 2, 0, 0, 2, 1]), mode: attr.string('reflect') } },
        { opType: 'Dropout', inputs: ['x'], outputs: ['d'], attrs: { ratio: attr.float(0.3) } },
        { opType: 'Clip', inputs: ['d'], outputs: ['c'], attrs: { min: attr.float(-0.2), max: attr.float(0.3) } },
        { opType: 'Split', inputs: ['x'], outputs: ['s0', 's1'], attrs: { axis: attr.int(3), split: attr.ints([1, 3]) } },
        { opType: 'Resize', inputs: ['x', 'sc'], outputs: ['r'], attrs: { mode: attr.string('nearest') } },
      ],
    },
    feeds: { x: f32([1, 2, 3, 4], 4) },
  }),
  'ArrayFeatureExtractor': () => single({ opType: 'ArrayFeatureExtractor', domain: 'ai.onnx.ml', inputs: ['x', 'i'], outputs: ['y'] }, { x: f32([3, 5], 1) }, { i: i64([2], [4, 1]) }),
};

for (const [name, make] of Object.entries(CASES)) {
  test(`matches onnxruntime: ${name}`, async () => {
    const { model, feeds } = make();
    await matchesOrt(model, feeds);
  });
}
