// A float input read at a wider precision than the rest of the graph (`inputBits`): the input's
// grid is finer, the graph after it keeps `bits`, and bad requests are refused at compile time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/onnx/graph.js';
import { writeOnnx } from '../../src/onnx/write.js';
import { compile, runCompiled } from '../../src/quant/compile.js';
import { CompileError } from '../../src/ir/types.js';

// softmax over one row whose values differ by units but sit near 10^4
const model = writeOnnx({
  inputs: [{ name: 'x', dtype: 'float32', dims: [1, 4] }, { name: 'n', dtype: 'int32', dims: [1] }],
  outputs: [{ name: 'y', dtype: 'float32', dims: [1, 4] }, { name: 'm', dtype: 'int32', dims: [1] }],
  nodes: [
    { name: 'softmax', opType: 'Softmax', inputs: ['x'], outputs: ['y'] },
    { name: 'copy', opType: 'Identity', inputs: ['n'], outputs: ['m'] },
  ],
});
const sample = (values: readonly number[]): Record<string, Tensor> => ({
  x: { dtype: 'float32', dims: [1, 4], data: Float64Array.from(values) },
  n: { dtype: 'int32', dims: [1], data: Int32Array.from([3]) },
});
const large = sample([10000, 10001, 10002, 10003]);
const calibration = [large, sample([0, 1, 2, 3])];

function softmax(v: readonly number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

function maxError(inputBits?: Record<string, number>): number {
  const ir = compile(model, { calibration, ...(inputBits ? { inputBits } : {}) });
  const got = runCompiled(ir, large).outputs.get('y')!;
  const want = softmax([10000, 10001, 10002, 10003]);
  return Math.max(...want.map((w, i) => Math.abs(got[i] - w)));
}

test('inputBits: a 24-bit float input keeps unit differences near 10^4 that the 12-bit grid loses', () => {
  const ir = compile(model, { calibration, inputBits: { x: 24 } });
  const x = ir.inputs.find((i) => i.name === 'x')!;
  assert.equal(x.hi, 2n ** 23n - 1n);
  assert.equal(x.lo, -(2n ** 23n - 1n));
  const wide = maxError({ x: 24 });
  const narrow = maxError();
  assert.ok(wide < 0.01, `24-bit input: max error ${wide}`);
  assert.ok(narrow > 0.1, `12-bit input was expected to lose the differences (max error ${narrow})`);
});

test('inputBits: an integer input, an unknown input or bits outside [bits, 24] are refused', () => {
  assert.throws(() => compile(model, { calibration, inputBits: { n: 16 } }), (e: unknown) => e instanceof CompileError && /n: not a float input/.test(e.message));
  assert.throws(() => compile(model, { calibration, inputBits: { nope: 16 } }), (e: unknown) => e instanceof CompileError && /nope/.test(e.message));
  assert.throws(() => compile(model, { calibration, inputBits: { x: 25 } }), (e: unknown) => e instanceof CompileError && /\[12, 24\]/.test(e.message));
  assert.throws(() => compile(model, { calibration, inputBits: { x: 8 } }), (e: unknown) => e instanceof CompileError && /got 8/.test(e.message));
});
