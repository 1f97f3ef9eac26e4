// Hand-built ai.onnx.ml models covering every tree node mode, aggregate, classifier convention,
// post_transform, Normalizer norm and LinearClassifier shape, run through the integer graph and
// compared with onnxruntime (and with the float reference where onnxruntime has a quirk we do not
// follow). Inputs are multiples of 1/8 and the calibration makes the input scale 1/1024, so the
// inputs quantize exactly and every difference comes from the integer semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { attr, writeOnnx, type WriteModel, type WriteNode } from '../../src/onnx/write.js';
import { loadOnnx } from '../../src/onnx/load.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compileGraph, runCompiled } from '../../src/quant/compile.js';
import { Prng } from '../../src/train/prng.js';
import { sigmoidTolerance, softmaxTolerance } from './tolerances.js';

interface OrtTensor { readonly data: ArrayLike<number | bigint | string> }
interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<{ run(f: Record<string, unknown>): Promise<Record<string, OrtTensor>> }> };
  Tensor: new (type: string, data: Float32Array, dims: readonly number[]) => unknown;
}
const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;

const F = 3;
const rng = new Prng(5);
/** Rows of multiples of 1/8 in [−1.5, 1.5], plus the thresholds' own values. */
function inputs(n: number): Float32Array {
  const x = new Float32Array(n * F);
  for (let i = 0; i < x.length; i++) x[i] = (rng.nextInt(25) - 12) / 8;
  return x;
}
const X = inputs(64);
const N = X.length / F;
/** The calibration row that pins the input scale to 1/1024 (max |x| = 2047/1024). */
const PIN = Float32Array.from([2047 / 1024, 0, 0]);

function model(nodes: WriteNode[], outputs: { name: string; dtype: 'float32' | 'int64' | 'string'; dims: (number | string)[] }[]): Uint8Array {
  const m: WriteModel = { inputs: [{ name: 'x', dtype: 'float32', dims: ['N', F] }], outputs, nodes, opsets: { '': 13, 'ai.onnx.ml': 1 } };
  return writeOnnx(m);
}

interface Compared { ort: Record<string, Float64Array>; int: Record<string, Float64Array>; float: Record<string, Float64Array>; bits: number }

async function compare(bytes: Uint8Array, outputs: string[]): Promise<Compared> {
  const session = await ort.InferenceSession.create(bytes);
  const res = await session.run({ x: new ort.Tensor('float32', X, [N, F]) });
  const graph = loadOnnx(bytes, { dims: { N } });
  const cal: Tensor = { dtype: 'float32', dims: [N, F], data: Float64Array.from([...PIN, ...X.subarray(F)]) };
  const input: Tensor = { dtype: 'float32', dims: [N, F], data: Float64Array.from(X) };
  const ir = compileGraph(graph, { calibration: [{ x: cal }] });
  assert.equal(ir.inputs[0]!.scale, 1 / 1024, 'the calibration pins the input scale');
  const run = runCompiled(ir, { x: input });
  const float = evaluateFloat(graph, { x: input });
  const out: Compared = { ort: {}, int: {}, float: {}, bits: ir.bits };
  for (const o of outputs) {
    out.ort[o] = Float64Array.from(Array.from(res[o]!.data, Number));
    out.int[o] = run.outputs.get(o)!;
    out.float[o] = Float64Array.from(Array.from(float.get(o)!.data as ArrayLike<number | bigint>, Number));
  }
  return out;
}

function maxErr(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Two trees using all six branch modes; thresholds sit on the input grid and between it. */
function forestAttrs(prefix: 'target' | 'class', targets: number, weight: (tree: number, node: number, t: number) => number) {
  // tree 0: 0 LT f0 0.5 → 1 | 2;  1 GTE f1 −0.25 → 3 | 4;  2 LEQ f2 −0.5 → 5 | 6
  // tree 1: 0 EQ f2 0.25 → 1 | 2;  2 NEQ f0 1.0 → 3 | 4;  3 GT f1 0.1 → 5 | 6
  type TreeNode = { tree: number; id: number; mode: string; feature?: number; value?: number; yes?: number; no?: number };
  const b = (tree: number, id: number, mode: string, feature: number, value: number, yes: number, no: number): TreeNode => ({ tree, id, mode, feature, value, yes, no });
  const leaf = (tree: number, id: number): TreeNode => ({ tree, id, mode: 'LEAF' });
  const nodes: TreeNode[] = [
    b(0, 0, 'BRANCH_LT', 0, 0.5, 1, 2), b(0, 1, 'BRANCH_GTE', 1, -0.25, 3, 4), b(0, 2, 'BRANCH_LEQ', 2, -0.5, 5, 6),
    leaf(0, 3), leaf(0, 4), leaf(0, 5), leaf(0, 6),
    b(1, 0, 'BRANCH_EQ', 2, 0.25, 1, 2), leaf(1, 1), b(1, 2, 'BRANCH_NEQ', 0, 1.0, 3, 4), b(1, 3, 'BRANCH_GT', 1, 0.1, 5, 6),
    leaf(1, 4), leaf(1, 5), leaf(1, 6),
  ];
  const leaves = nodes.filter((n) => n.mode === 'LEAF');
  const w = { tree: [] as number[], node: [] as number[], id: [] as number[], weight: [] as number[] };
  for (const l of leaves) for (let t = 0; t < targets; t++) { w.tree.push(l.tree); w.node.push(l.id); w.id.push(t); w.weight.push(weight(l.tree, l.id, t)); }
  return {
    nodes_treeids: attr.ints(nodes.map((n) => n.tree)), nodes_nodeids: attr.ints(nodes.map((n) => n.id)),
    nodes_modes: attr.strings(nodes.map((n) => n.mode)), nodes_featureids: attr.ints(nodes.map((n) => n.feature ?? 0)),
    nodes_values: attr.floats(nodes.map((n) => n.value ?? 0)), nodes_truenodeids: attr.ints(nodes.map((n) => n.yes ?? 0)),
    nodes_falsenodeids: attr.ints(nodes.map((n) => n.no ?? 0)),
    [`${prefix}_treeids`]: attr.ints(w.tree), [`${prefix}_nodeids`]: attr.ints(w.node), [`${prefix}_ids`]: attr.ints(w.id),
    [`${prefix}_weights`]: attr.floats(w.weight),
  };
}

// Include the thresholds themselves in the inputs, so the ties of every mode are exercised.
X.set([0.5, -0.25, 0.25, 1.0, 0.125, -0.5, 0.375, 0, 0.25], 3 * F);

for (const aggregate of ['SUM', 'AVERAGE', 'MIN', 'MAX']) {
  test(`TreeEnsembleRegressor (all branch modes, 2 targets, ${aggregate}): integer = onnxruntime up to leaf rounding`, async () => {
    const bytes = model([{
      opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'],
      attrs: {
        ...forestAttrs('target', 2, (tr, nd, t) => (tr + 1) * 1.37 * nd - 2.1 * t + 0.3),
        n_targets: attr.int(2), aggregate_function: attr.string(aggregate), base_values: attr.floats([0.75, -1.5]),
      },
    }], [{ name: 'y', dtype: 'float32', dims: ['N', 2] }]);
    const r = await compare(bytes, ['y']);
    // Leaves at a power-of-two scale ≤ (Σ|leaf| + |base|)/2^30: error ≤ 3 leaves · scale/2, plus float32 output rounding.
    assert.ok(maxErr(r.int.y!, r.ort.y!) < 1e-5, `max error ${maxErr(r.int.y!, r.ort.y!)}`);
  });
}

for (const transform of ['NONE', 'LOGISTIC', 'SOFTMAX']) {
  test(`TreeEnsembleClassifier (3 classes, ${transform}): labels equal onnxruntime's, scores within the table resolution`, async () => {
    const bytes = model([{
      opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'scores'],
      attrs: {
        ...forestAttrs('class', 3, (tr, nd, c) => Math.sin(7 * tr + 3 * nd + 11 * c) * 2),
        classlabels_int64s: attr.ints([10, 20, 30]), post_transform: attr.string(transform), base_values: attr.floats([0.1, -0.2, 0.05]),
      },
    }], [{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'scores', dtype: 'float32', dims: ['N', 3] }]);
    const r = await compare(bytes, ['label', 'scores']);
    assert.deepEqual(Array.from(r.int.label!), Array.from(r.ort.label!));
    // NONE: leaf rounding only; LOGISTIC and SOFTMAX: the table bounds of tolerances.ts.
    const tol = transform === 'NONE' ? 1e-5 : transform === 'LOGISTIC' ? sigmoidTolerance(r.bits) : softmaxTolerance(r.bits);
    assert.ok(maxErr(r.int.scores!, r.ort.scores!) <= tol, `max error ${maxErr(r.int.scores!, r.ort.scores!)} > ${tol}`);
  });
}

for (const [kind, transform, weight] of [
  ['probability leaves (all weights ≥ 0, ties at exactly 0.5)', 'NONE', (_t: number, nd: number) => [0.5, 0.25, 0.125, 0.0625][nd % 4]!],
  ['log-odds leaves, LOGISTIC', 'LOGISTIC', (t: number, nd: number) => Math.cos(5 * t + nd) * 1.5],
  ['log-odds leaves, NONE', 'NONE', (t: number, nd: number) => Math.cos(5 * t + nd) * 1.5],
] as const) {
  test(`TreeEnsembleClassifier binary case, ${kind}: labels and scores as onnxruntime`, async () => {
    const bytes = model([{
      opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'scores'],
      attrs: { ...forestAttrs('class', 1, (t, nd) => weight(t, nd)), classlabels_int64s: attr.ints([0, 1]), post_transform: attr.string(transform) },
    }], [{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'scores', dtype: 'float32', dims: ['N', 2] }]);
    const r = await compare(bytes, ['label', 'scores']);
    assert.deepEqual(Array.from(r.int.label!), Array.from(r.ort.label!));
    const tol = transform === 'LOGISTIC' ? sigmoidTolerance(r.bits) : 1e-6;
    assert.ok(maxErr(r.int.scores!, r.ort.scores!) <= tol, `max error ${maxErr(r.int.scores!, r.ort.scores!)} > ${tol}`);
  });
}

test('LinearClassifier, 3 classes, SOFTMAX: labels equal onnxruntime\'s, probabilities within the exp table bound', async () => {
  const bytes = model([{
    opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'p'],
    attrs: {
      coefficients: attr.floats([1.5, -2, 0.5, -1, 0.25, 2, 0.3, 1.1, -0.7]), intercepts: attr.floats([0.1, -0.3, 0.2]),
      classlabels_ints: attr.ints([4, 5, 6]), post_transform: attr.string('SOFTMAX'),
    },
  }], [{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'p', dtype: 'float32', dims: ['N', 3] }]);
  const r = await compare(bytes, ['label', 'p']);
  assert.deepEqual(Array.from(r.int.label!), Array.from(r.ort.label!));
  assert.ok(maxErr(r.int.p!, r.ort.p!) <= softmaxTolerance(r.bits), `max error ${maxErr(r.int.p!, r.ort.p!)}`);
});

test('LinearClassifier, one score column, two labels, LOGISTIC: labels as onnxruntime, scores as the float reference [σ(−s), σ(s)]', async () => {
  const bytes = model([{
    opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'p'],
    attrs: { coefficients: attr.floats([1.5, -2, 0.5]), intercepts: attr.floats([0.125]), classlabels_ints: attr.ints([7, 9]), post_transform: attr.string('LOGISTIC') },
  }], [{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'p', dtype: 'float32', dims: ['N', 2] }]);
  const r = await compare(bytes, ['label', 'p']);
  assert.deepEqual(Array.from(r.int.label!), Array.from(r.ort.label!));
  assert.ok(maxErr(r.int.p!, r.float.p!) <= sigmoidTolerance(r.bits), `max error ${maxErr(r.int.p!, r.float.p!)}`);
});

for (const norm of ['L1', 'L2', 'MAX']) {
  test(`Normalizer ${norm} of LinearClassifier probabilities (non-negative by their bound): within 2^−14 of onnxruntime`, async () => {
    const bytes = model([
      {
        opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'p'],
        attrs: {
          coefficients: attr.floats([1.5, -2, 0.5, -1, 0.25, 2, 0.3, 1.1, -0.7]), intercepts: attr.floats([0.1, -0.3, 0.2]),
          classlabels_ints: attr.ints([0, 1, 2]), post_transform: attr.string('LOGISTIC'),
        },
      },
      { opType: 'Normalizer', domain: 'ai.onnx.ml', inputs: ['p'], outputs: ['y'], attrs: { norm: attr.string(norm) } },
    ], [{ name: 'y', dtype: 'float32', dims: ['N', 3] }]);
    const r = await compare(bytes, ['y']);
    // The probabilities carry the sigmoid table's error each; a ratio of such values moves by at
    // most about twice that relative to its size, plus the divide's 2^−17.
    const tol = 2 * sigmoidTolerance(r.bits) + 2 ** -16;
    assert.ok(maxErr(r.int.y!, r.ort.y!) <= tol, `max error ${maxErr(r.int.y!, r.ort.y!)} > ${tol}`);
  });
}

test('Normalizer MAX of signed inputs: negative maxima flip signs, zero maxima pass the row through (as onnxruntime)', async () => {
  const bytes = model([
    { opType: 'Scaler', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['s'], attrs: { offset: attr.floats([0, 0, 0]), scale: attr.floats([1, 1, 1]) } },
    { opType: 'Normalizer', domain: 'ai.onnx.ml', inputs: ['s'], outputs: ['y'], attrs: { norm: attr.string('MAX') } },
  ], [{ name: 'y', dtype: 'float32', dims: ['N', F] }]);
  const saved = X.slice(12 * F, 15 * F);
  X.set([0, -0.5, -1, -0.25, -0.5, -1.5, 0.125, 0.5, -1], 12 * F); // max 0, max < 0, max > 0
  try {
    const r = await compare(bytes, ['y']);
    // Scaler output rounding (2^−22 relative) and the divide's / pass-through's 2^−17.
    assert.ok(maxErr(r.int.y!, r.ort.y!) <= 2 ** -15, `max error ${maxErr(r.int.y!, r.ort.y!)}`);
    assert.ok(Array.from(r.ort.y!.subarray(12 * F, 13 * F)).every((v, j) => v === [0, -0.5, -1][j]), 'the zero-maximum row is passed through');
  } finally {
    X.set(saved, 12 * F);
  }
});

test('refused clearly: PROBIT, SOFTMAX_ZERO, two classes weighted on both, MIN without a weight for every target', () => {
  const compileOf = (nodes: WriteNode[], outputs: { name: string; dtype: 'float32' | 'int64'; dims: (number | string)[] }[]) => {
    const graph = loadOnnx(model(nodes, outputs), { dims: { N } });
    return () => compileGraph(graph, { calibration: [{ x: { dtype: 'float32', dims: [N, F], data: Float64Array.from(X) } }] });
  };
  const cls = (transform: string, classes: number, labels: number[]) => compileOf([{
    opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'scores'],
    attrs: { ...forestAttrs('class', classes, (t, nd, c) => t + nd - c), classlabels_int64s: attr.ints(labels), post_transform: attr.string(transform) },
  }], [{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'scores', dtype: 'float32', dims: ['N', labels.length] }]);
  assert.throws(cls('PROBIT', 3, [0, 1, 2]), /PROBIT/);
  assert.throws(cls('SOFTMAX_ZERO', 3, [0, 1, 2]), /SOFTMAX_ZERO/);
  assert.throws(cls('NONE', 2, [0, 1]), /two classes with weights on both/);
  const sparse = forestAttrs('target', 1, (t, nd) => t + nd);
  assert.throws(compileOf([{
    opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'],
    attrs: { ...sparse, n_targets: attr.int(2), aggregate_function: attr.string('MIN') },
  }], [{ name: 'y', dtype: 'float32', dims: ['N', 2] }]), /needs a weight for every target/);
});
