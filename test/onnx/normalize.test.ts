// normalizeGraph: folding, simplification, BatchNorm folding, shape inference, ordering; each
// checked for preserving what the model computes (evaluateFloat before vs after).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOnnx } from '../../src/onnx/load.js';
import { normalizeGraph, checkNormalized } from '../../src/onnx/normalize.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import { writeOnnx, attr, type WriteModel } from '../../src/onnx/write.js';
import { f64, tensorFrom } from '../../src/onnx/tensor.js';
import type { Graph, Tensor } from '../../src/onnx/graph.js';

function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return (s / 2 ** 32) * 2 - 1; });
}
const f32 = (dims: number[], seed: number): Tensor => tensorFrom('float32', dims, rand(dims.reduce((a, b) => a * b, 1), seed));
const positive = (dims: number[], seed: number): Tensor => tensorFrom('float32', dims, rand(dims.reduce((a, b) => a * b, 1), seed).map((v) => 0.5 + Math.abs(v)));

/** Loads a model, normalizes it, and checks both evaluate to the same outputs on `feeds`. */
function normalizedAndChecked(model: WriteModel, feeds: Record<string, Tensor>): Graph {
  const raw = loadOnnx(writeOnnx(model));
  const norm = normalizeGraph(raw);
  checkNormalized(norm);
  const a = evaluateFloat(raw, feeds);
  const b = evaluateFloat(norm, feeds);
  for (const o of model.outputs) {
    const x = f64(a.get(o.name)!);
    const y = f64(b.get(o.name)!);
    assert.equal(x.length, y.length);
    x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= 1e-5 * (1 + Math.abs(v)), `${o.name}[${i}]: ${v} vs normalized ${y[i]}`));
    assert.deepEqual(norm.valueInfo.get(o.name)!.dims, a.get(o.name)!.dims);
  }
  return norm;
}

const bnInits = (c: number, seed: number) => ({ g: f32([c], seed), be: f32([c], seed + 1), mu: f32([c], seed + 2), v: positive([c], seed + 3) });

test('BatchNormalization folds into the preceding Conv (with and without bias)', () => {
  for (const withBias of [true, false]) {
    const g = normalizedAndChecked({
      inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2, 5, 5] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: { w: f32([3, 2, 3, 3], 1), b: f32([3], 2), ...bnInits(3, 3) },
      nodes: [
        { opType: 'Conv', inputs: withBias ? ['x', 'w', 'b'] : ['x', 'w'], outputs: ['c'], attrs: { pads: attr.ints([1, 1, 1, 1]) } },
        { opType: 'BatchNormalization', inputs: ['c', 'g', 'be', 'mu', 'v'], outputs: ['n'], attrs: { epsilon: attr.float(1e-3) } },
        { opType: 'Relu', inputs: ['n'], outputs: ['y'] },
      ],
    }, { x: f32([1, 2, 5, 5], 9) });
    assert.deepEqual(g.nodes.map((n) => n.opType), ['Conv', 'Relu']);
    assert.equal(g.nodes[0]!.inputs.length, 3);
  }
});

test('BatchNormalization folds into Gemm (transB, alpha, beta) but not when the Conv output is shared', () => {
  const g = normalizedAndChecked({
    inputs: [{ name: 'x', dtype: 'float32', dims: [2, 4] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { w: f32([3, 4], 1), b: f32([3], 2), ...bnInits(3, 5) },
    nodes: [
      { opType: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['h'], attrs: { transB: attr.int(1), alpha: attr.float(0.7), beta: attr.float(1.3) } },
      { opType: 'BatchNormalization', inputs: ['h', 'g', 'be', 'mu', 'v'], outputs: ['y'] },
    ],
  }, { x: f32([2, 4], 8) });
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Gemm']);
  const shared = normalizedAndChecked({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2, 4, 4] }],
    outputs: [{ name: 'y', dtype: 'float32' }, { name: 'c', dtype: 'float32' }],
    initializers: { w: f32([3, 2, 1, 1], 1), ...bnInits(3, 3) },
    nodes: [
      { opType: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { opType: 'BatchNormalization', inputs: ['c', 'g', 'be', 'mu', 'v'], outputs: ['y'] },
    ],
  }, { x: f32([1, 2, 4, 4], 4) });
  assert.deepEqual(shared.nodes.map((n) => n.opType), ['Conv', 'BatchNormalization']);
});

test('shape arithmetic (Shape, Gather, Unsqueeze, Concat) folds into a constant Reshape shape', () => {
  const g = normalizedAndChecked({
    inputs: [{ name: 'x', dtype: 'float32', dims: ['N', 2, 3] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { zero: tensorFrom('int64', [], [0]), minus1: tensorFrom('int64', [1], [-1]), ax: tensorFrom('int64', [1], [0]) },
    nodes: [
      { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
      { opType: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: attr.int(0) } },
      { opType: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] },
      { opType: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: attr.int(0) } },
      { opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
    ],
  }, { x: f32([1, 2, 3], 3) });
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Reshape']);
  assert.deepEqual(Array.from(f64(g.initializers.get(g.nodes[0]!.inputs[1]!)!)), [1, 6]);
  assert.deepEqual(g.valueInfo.get('y')!.dims, [1, 6]);
});

test('Identity, Dropout and no-op Casts disappear, also when one of them produces a graph output', () => {
  const g = normalizedAndChecked({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 4] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    nodes: [
      { opType: 'Identity', inputs: ['x'], outputs: ['a'] },
      { opType: 'Sigmoid', inputs: ['a'], outputs: ['b'] },
      { opType: 'Dropout', inputs: ['b'], outputs: ['c'] },
      { opType: 'Cast', inputs: ['c'], outputs: ['d'], attrs: { to: attr.int(1) } },
      { opType: 'Relu', inputs: ['d'], outputs: ['e'] },
      { opType: 'Identity', inputs: ['e'], outputs: ['y'] },
    ],
  }, { x: f32([1, 4], 2) });
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Sigmoid', 'Relu']);
  assert.deepEqual(g.nodes[1]!.outputs, ['y']);
});

test('constants fold, dead nodes go, nodes come out in topological order with full valueInfo', () => {
  const g = normalizedAndChecked({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 3] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { a: f32([3], 1), b: f32([3], 2) },
    nodes: [
      // Written out of order on purpose.
      { opType: 'Add', inputs: ['x', 'ab'], outputs: ['y'] },
      { opType: 'Mul', inputs: ['a', 'b'], outputs: ['ab'] },
      { opType: 'Tanh', inputs: ['x'], outputs: ['unused'] },
    ],
  }, { x: f32([1, 3], 3) });
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Add']);
  assert.ok(g.initializers.has('ab') && !g.initializers.has('a'));
  for (const name of ['x', 'ab', 'y']) assert.ok(g.valueInfo.has(name), `valueInfo for ${name}`);
});

test('pre-quantized weights stay quantized by default and fold on request', () => {
  const model: WriteModel = {
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { wq: tensorFrom('int8', [2, 2], [10, -20, 30, -40]), s: tensorFrom('float32', [], [0.05]), z: tensorFrom('int8', [], [0]) },
    nodes: [
      { opType: 'DequantizeLinear', inputs: ['wq', 's', 'z'], outputs: ['w'] },
      { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] },
    ],
  };
  const kept = normalizedAndChecked(model, { x: f32([1, 2], 5) });
  assert.deepEqual(kept.nodes.map((n) => n.opType), ['DequantizeLinear', 'MatMul']);
  const folded = normalizeGraph(loadOnnx(writeOnnx(model)), { keepQuantized: false });
  assert.deepEqual(folded.nodes.map((n) => n.opType), ['MatMul']);
});

test('a normalized graph written back to ONNX runs in onnxruntime with the original outputs', async () => {
  const { runOrt } = await import('./oracle.js');
  const model: WriteModel = {
    inputs: [{ name: 'x', dtype: 'float32', dims: ['N', 2, 5, 5] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { w: f32([3, 2, 3, 3], 1), b: f32([3], 2), ...bnInits(3, 3), one: tensorFrom('int64', [1], [1]), minus1: tensorFrom('int64', [1], [-1]) },
    nodes: [
      { opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { pads: attr.ints([1, 1, 1, 1]) } },
      { opType: 'BatchNormalization', inputs: ['c', 'g', 'be', 'mu', 'v'], outputs: ['n'] },
      { opType: 'Shape', inputs: ['n'], outputs: ['s'] },
      { opType: 'Slice', inputs: ['s', 'one', 'one'], outputs: ['empty'] },
      { opType: 'Concat', inputs: ['one', 'minus1'], outputs: ['shape'], attrs: { axis: attr.int(0) } },
      { opType: 'Reshape', inputs: ['n', 'shape'], outputs: ['flat'] },
      { opType: 'Identity', inputs: ['flat'], outputs: ['y'] },
    ],
  };
  const feeds = { x: f32([1, 2, 5, 5], 11) };
  const norm = normalizeGraph(loadOnnx(writeOnnx(model)));
  assert.deepEqual(norm.nodes.map((n) => n.opType), ['Conv', 'Reshape']);
  const original = await runOrt(writeOnnx(model), feeds);
  const rewritten = await runOrt(writeOnnx(norm), feeds);
  assert.deepEqual(rewritten['y']!.dims, original['y']!.dims);
  original['y']!.data.forEach((v, i) => assert.ok(Math.abs((v as number) - (rewritten['y']!.data[i] as number)) < 1e-5, `y[${i}]`));
});

test('evaluateFloat returns every value and accepts integer inputs given as Float64Array', () => {
  const g = loadOnnx(writeOnnx({
    inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3] }, { name: 'i', dtype: 'int64', dims: [2] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { k: tensorFrom('float32', [], [2]) },
    nodes: [{ opType: 'Mul', inputs: ['x', 'k'], outputs: ['m'] }, { opType: 'Gather', inputs: ['m', 'i'], outputs: ['y'], attrs: { axis: attr.int(1) } }],
  }));
  const values = evaluateFloat(g, { x: f32([2, 3], 1), i: { dtype: 'int64', dims: [2], data: Float64Array.from([2, 0]) } });
  assert.deepEqual([...values.keys()].sort(), ['i', 'k', 'm', 'x', 'y']);
  const m = f64(values.get('m')!);
  assert.deepEqual(Array.from(f64(values.get('y')!)), [m[2], m[0], m[5], m[3]]);
});

test('node names are unique after loading, even when the file repeats or omits them', () => {
  const g = loadOnnx(writeOnnx({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    nodes: [
      { name: 'act', opType: 'Relu', inputs: ['x'], outputs: ['a'] },
      { name: 'act', opType: 'Sigmoid', inputs: ['a'], outputs: ['b'] },
      { name: 'Tanh_2', opType: 'Tanh', inputs: ['b'], outputs: ['c'] },
      { name: '', opType: 'Tanh', inputs: ['c'], outputs: ['y'] },
    ],
  }));
  const names = g.nodes.map((n) => n.name);
  assert.equal(new Set(names).size, names.length, names.join(', '));
  assert.deepEqual(names.slice(0, 2), ['act', 'act_2']);
});
