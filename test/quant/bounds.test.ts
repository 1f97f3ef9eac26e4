// A setting whose static bounds do not fit p/2 is refused with a message naming the layer and
// the bound; the same model compiles at a lower precision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOnnx } from '../../src/onnx/write.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compile } from '../../src/quant/compile.js';
import { CompileError } from '../../src/ir/types.js';

const K = 1 << 14;
const weights: Tensor = { dtype: 'float32', dims: [K, 2], data: Float64Array.from({ length: 2 * K }, (_, i) => ((i * 7919) % 13) / 13 - 0.5) };
const model = writeOnnx({
  inputs: [{ name: 'x', dtype: 'float32', dims: [1, K] }],
  outputs: [{ name: 'y', dtype: 'float32', dims: [1, 2] }],
  initializers: { w: weights },
  nodes: [{ name: 'wide_dense', opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
});

test('bounds that reach p/2 are refused naming the layer; a lower precision compiles', () => {
  assert.throws(() => compile(model, { bits: 24 }), (e: unknown) => {
    assert.ok(e instanceof CompileError, String(e));
    assert.match(e.message, /wide_dense/);
    assert.match(e.message, /B_acc|B_in|bound|multiplier/);
    assert.match(e.message, /p\/2/);
    return true;
  });
  const g = compile(model, { bits: 8 });
  const mm = g.nodes.find((n) => n.op === 'MatMul')!;
  assert.equal(mm.bounds.B_acc, BigInt(K) * 127n * 127n);
});
