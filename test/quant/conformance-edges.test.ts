// Edge cases of ONNX semantics that the onnx-node conformance tests exercise, checked on small
// models built here: exact integer results where ONNX defines them, a precise refusal otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOnnx, attr } from '../../src/onnx/write.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compile, loadModel, runCompiled } from '../../src/quant/compile.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import { CompileError } from '../../src/ir/types.js';
import { STRING_CODE_HI, stringCode } from '../../src/quant/string-codes.js';

function reduceModel(op: string, dtype: 'float32' | 'int32' | 'uint8', dims: number[], axes: number[]): Uint8Array {
  const outDims = dims.map((d, i) => (axes.includes(i) ? 1 : d));
  return writeOnnx({
    opsets: { '': 18 },
    inputs: [{ name: 'x', dtype, dims }],
    outputs: [{ name: 'y', dtype, dims: outDims }],
    initializers: { axes: { dtype: 'int64', dims: [axes.length], data: BigInt64Array.from(axes.map(BigInt)) } },
    nodes: [{ name: 'r', opType: op, inputs: ['x', 'axes'], outputs: ['y'], attrs: { keepdims: attr.int(1) } }],
  });
}

const empty = (dtype: string): Tensor => ({ dtype: dtype as Tensor['dtype'], dims: [2, 0, 3], data: new Float64Array(0) });

test('reductions over an empty set give ONNX identity values', () => {
  const cases: [string, 'float32' | 'int32' | 'uint8', number][] = [
    ['ReduceSum', 'float32', 0], ['ReduceSum', 'int32', 0],
    ['ReduceMax', 'int32', -(2 ** 31)], ['ReduceMin', 'int32', 2 ** 31 - 1],
    ['ReduceMax', 'uint8', 0], ['ReduceMin', 'uint8', 255],
  ];
  for (const [op, dtype, want] of cases) {
    const g = compile(reduceModel(op, dtype, [2, 0, 3], [1]), { calibration: [{ x: empty(dtype) }] });
    const y = runCompiled(g, { x: empty(dtype) }).outputs.get('y')!;
    assert.deepEqual(Array.from(y), new Array(6).fill(want), `${op} ${dtype}`);
  }
});

test('empty-set reductions without a fixed-point identity are refused with the reason', () => {
  const refusals: [string, RegExp][] = [['ReduceMax', /max of an empty set is −∞ for float32/], ['ReduceMin', /\+∞/], ['ReduceMean', /mean of an empty set is NaN/]];
  for (const [op, why] of refusals) {
    assert.throws(() => compile(reduceModel(op, 'float32', [2, 0, 3], [1]), { calibration: [{ x: empty('float32') }] }),
      (e: unknown) => e instanceof CompileError && why.test(e.message) && e.message.includes(`(${op})`));
  }
});

test('MaxPool Indices: first maximum of each window, flat row- or column-major index, never a padding slot', () => {
  // Values on an integer grid with ties; channel 1 is constant at the calibrated minimum, so its
  // padded windows tie with the padding value unless padding reads below every element.
  const dims = [2, 2, 4, 5];
  const data = Float64Array.from({ length: 80 }, (_, i) => (Math.floor(i / 20) % 2 === 1 ? -7 : ((i * 5) % 11) - 5));
  data[0] = 7;
  for (const storageOrder of [0, 1]) {
    const bytes = writeOnnx({
      opsets: { '': 18 },
      inputs: [{ name: 'x', dtype: 'float32', dims }],
      outputs: [{ name: 'y', dtype: 'float32' }, { name: 'z', dtype: 'int64' }],
      nodes: [{ name: 'pool', opType: 'MaxPool', inputs: ['x'], outputs: ['y', 'z'], attrs: {
        kernel_shape: attr.ints([3, 2]), pads: attr.ints([1, 1, 1, 0]), strides: attr.ints([1, 2]), storage_order: attr.int(storageOrder),
      } }],
    });
    const x: Tensor = { dtype: 'float32', dims, data };
    const g = compile(bytes, { calibration: [{ x }] });
    const r = runCompiled(g, { x });
    const want = evaluateFloat(loadModel(bytes), { x }).get('z')!;
    assert.deepEqual(Array.from(r.outputs.get('z')!), Array.from(want.data as ArrayLike<number>, Number), `storage_order ${storageOrder}`);
  }
});

test('Softmax and LogSoftmax: wide input spans keep exp(0) exact; opset < 13 normalizes over every axis from `axis` on', () => {
  const dims = [2, 3, 4];
  // Spans of 15 in a row: a table symmetric around 0 would put exp(15) at the top and round exp(0) to 0.
  const data = Float64Array.from({ length: 24 }, (_, i) => ((i * 7) % 16) - 8 + (i % 3) * 0.25);
  for (const [op, opset, axis] of [['Softmax', 13, -1], ['Softmax', 11, 1], ['LogSoftmax', 11, 1], ['LogSoftmax', 13, 2]] as const) {
    const bytes = writeOnnx({
      opsets: { '': opset },
      inputs: [{ name: 'x', dtype: 'float32', dims }],
      outputs: [{ name: 'y', dtype: 'float32', dims }],
      nodes: [{ name: 'sm', opType: op, inputs: ['x'], outputs: ['y'], attrs: { axis: attr.int(axis) } }],
    });
    const x: Tensor = { dtype: 'float32', dims, data };
    const got = runCompiled(compile(bytes, { calibration: [{ x }] }), { x }).outputs.get('y')!;
    const want = evaluateFloat(loadModel(bytes), { x }).get('y')!.data as Float64Array;
    // A few output steps: 2^-11 for Softmax, (range / 2047) for LogSoftmax.
    let range = 0;
    for (const w of want) range = Math.max(range, Math.abs(w));
    const tol = 4 * (op === 'Softmax' ? 2 ** -11 : range / 2047);
    for (let i = 0; i < want.length; i++) {
      assert.ok(Math.abs(got[i] - want[i]) <= tol, `${op} opset ${opset} axis ${axis} [${i}]: ${got[i]} vs ${want[i]}`);
    }
  }
});

test('integer Add/Sub/Mul/Neg wrap around modulo 2^w like ONNX; uint32 products via 16-bit limbs', () => {
  const wrap = (v: bigint, w: number, signed: boolean): number => {
    const m = BigInt.asUintN(w, v);
    return Number(signed ? BigInt.asIntN(w, m) : m);
  };
  const cases: [string, 'int8' | 'uint8' | 'int16' | 'int32' | 'uint32', number, boolean, (a: bigint, b: bigint) => bigint][] = [
    ['Add', 'int8', 8, true, (a, b) => a + b], ['Sub', 'uint8', 8, false, (a, b) => a - b], ['Mul', 'int8', 8, true, (a, b) => a * b],
    ['Mul', 'int32', 32, true, (a, b) => a * b], ['Mul', 'uint32', 32, false, (a, b) => a * b], ['Sub', 'uint32', 32, false, (a, b) => a - b],
    ['Neg', 'int16', 16, true, (a) => -a],
  ];
  const samples: Record<string, number[][]> = {
    int8: [[127, -128, 100, -7, 0, 64], [1, -1, 100, 9, -128, 2]],
    uint8: [[0, 5, 255, 3, 200, 1], [1, 10, 0, 3, 201, 255]],
    int16: [[-32768, 32767, 0, -5, 1, 12345], [0, 0, 0, 0, 0, 0]],
    int32: [[2147483647, -2147483648, 65536, -3, 123456789, 7], [2, -1, 65536, 5, 987654321, -9]],
    uint32: [[4294967295, 65535, 65536, 3000000000, 0, 123456789], [4294967295, 65537, 65536, 7, 9, 987654321]],
  };
  for (const [op, dtype, w, signed, f] of cases) {
    const unary = op === 'Neg';
    const bytes = writeOnnx({
      opsets: { '': 14 },
      inputs: unary ? [{ name: 'a', dtype, dims: [6] }] : [{ name: 'a', dtype, dims: [6] }, { name: 'b', dtype, dims: [6] }],
      outputs: [{ name: 'y', dtype, dims: [6] }],
      nodes: [{ name: 'op', opType: op, inputs: unary ? ['a'] : ['a', 'b'], outputs: ['y'] }],
    });
    const [av, bv] = samples[dtype];
    const t = (v: number[]): Tensor => ({ dtype, dims: [6], data: Float64Array.from(v) });
    const inputs: Record<string, Tensor> = unary ? { a: t(av) } : { a: t(av), b: t(bv) };
    const got = runCompiled(compile(bytes, { calibration: [inputs] }), inputs).outputs.get('y')!;
    const want = av.map((a, i) => wrap(f(BigInt(a), BigInt(bv[i])), w, signed));
    assert.deepEqual(Array.from(got), want, `${op} ${dtype}`);
  }
});

test('uint64 results that may leave [0, 2^64) are refused: the wrapped value lies beyond p/2', () => {
  for (const op of ['Mul', 'Sub']) {
    const bytes = writeOnnx({
      opsets: { '': 14 },
      inputs: [{ name: 'a', dtype: 'uint64', dims: [2] }, { name: 'b', dtype: 'uint64', dims: [2] }],
      outputs: [{ name: 'y', dtype: 'uint64', dims: [2] }],
      nodes: [{ name: 'op', opType: op, inputs: ['a', 'b'], outputs: ['y'] }],
    });
    assert.throws(() => compile(bytes), (e: unknown) => e instanceof CompileError && /uint64/.test(e.message) && /p\/2/.test(e.message));
  }
});

test('a float input that feeds QuantizeLinear is read on that op\'s grid, at any --bits', () => {
  for (const [dtype, zp] of [['int16', -300], ['uint8', 7]] as const) {
    const bytes = writeOnnx({
      opsets: { '': 21 },
      inputs: [{ name: 'x', dtype: 'float32', dims: [8] }],
      outputs: [{ name: 'y', dtype, dims: [8] }],
      initializers: { s: { dtype: 'float32', dims: [], data: Float64Array.of(0.25) }, z: { dtype, dims: [], data: Float64Array.of(zp) } },
      nodes: [{ name: 'q', opType: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['y'] }],
    });
    const x: Tensor = { dtype: 'float32', dims: [8], data: Float64Array.of(0, 1000.3, -1000.3, 7.1, -7.1, 1e6, -1e6, 0.6) };
    const g = compile(bytes, { bits: 8, calibration: [{ x }] });
    const got = runCompiled(g, { x }).outputs.get('y')!;
    const want = evaluateFloat(loadModel(bytes), { x }).get('y')!.data as ArrayLike<number>;
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(got[i] - Number(want[i])) <= 1, `${dtype} [${i}]: ${got[i]} vs ${want[i]}`);
  }
});

test('string inputs of at most 7 UTF-8 bytes compare exactly as integer codes; longer strings are refused when read', () => {
  const bytes = writeOnnx({
    opsets: { '': 19 },
    inputs: [{ name: 'a', dtype: 'string', dims: [3] }, { name: 'b', dtype: 'string', dims: [3] }],
    outputs: [{ name: 'y', dtype: 'bool', dims: [3] }],
    nodes: [{ name: 'eq', opType: 'Equal', inputs: ['a', 'b'], outputs: ['y'] }],
  });
  const str = (...v: string[]): Tensor => ({ dtype: 'string', dims: [v.length], data: v });
  const g = compile(bytes, { calibration: [{ a: str('x', 'y', 'z'), b: str('x', 'q', 'z') }] });
  // "a" vs "a\0", one byte apart, and a 7-byte pair differing in the last byte
  const got = runCompiled(g, { a: str('a', 'caf\u00e9', 'string1'), b: str('a\u0000', 'caf\u00e9', 'string2') }).outputs.get('y')!;
  assert.deepEqual(Array.from(got), [0, 1, 0]);
  assert.throws(() => runCompiled(g, { a: str('8 bytes!', 'a', 'b'), b: str('a', 'a', 'b') }), /"8 bytes!" is not a string of at most 7 UTF-8 bytes/);
  assert.throws(() => runCompiled(g, { a: { dtype: 'string', dims: [3], data: Float64Array.from([1, 2, 3]) }, b: str('a', 'a', 'b') }), /give strings/);
});

test('string codes: 256^n + the big-endian bytes, injective, within [1, 2^57)', () => {
  assert.equal(stringCode(''), 1n);
  assert.equal(stringCode('a'), 0x161n);
  assert.equal(stringCode('a\u0000'), 0x16100n);
  assert.equal(stringCode('\u00e9'), 0x1c3a9n); // é is two UTF-8 bytes
  assert.equal(stringCode('string1'), 0x01737472696e6731n);
  assert.equal(stringCode('\u00ff\u00ff\u00ff\u00ff'.slice(0, 3) + '\u0080'), null); // 8 bytes
  assert.equal(stringCode('\u007f'.repeat(7)), 0x017f7f7f7f7f7f7fn);
  assert.ok(stringCode('\u007f'.repeat(7))! <= STRING_CODE_HI && STRING_CODE_HI === 2n ** 57n - 1n);
});
