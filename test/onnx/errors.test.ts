// Each class of bad input gets a one-line OnnxImportError naming what is wrong and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOnnx, OnnxImportError } from '../../src/onnx/load.js';
import { normalizeGraph } from '../../src/onnx/normalize.js';
import { loadOnnxFile } from '../../src/onnx/load-file.js';
import { proto } from '../../src/onnx/proto.js';
import { writeOnnx, attr, type WriteModel } from '../../src/onnx/write.js';
import { tensorFrom } from '../../src/onnx/tensor.js';

/** Runs `fn`, expects an OnnxImportError whose single-line message matches every pattern. */
function expectImportError(fn: () => unknown, ...patterns: RegExp[]): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OnnxImportError, `expected OnnxImportError, got ${(e as Error).name}: ${(e as Error).message}`);
    const msg = e.message;
    assert.ok(!msg.includes('\n'), `message must be one line: ${msg}`);
    for (const p of patterns) assert.match(msg, p);
    return msg;
  }
  assert.fail('expected an OnnxImportError, nothing was thrown');
}

const relu: WriteModel = {
  inputs: [{ name: 'x', dtype: 'float32', dims: [1, 4] }],
  outputs: [{ name: 'y', dtype: 'float32', dims: [1, 4] }],
  initializers: { w: tensorFrom('float32', [4, 4], new Array(16).fill(0.5)) },
  nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] }, { opType: 'Relu', inputs: ['h'], outputs: ['y'] }],
};

test('a valid model loads (baseline for the negative tests)', () => {
  const g = normalizeGraph(loadOnnx(writeOnnx(relu), { file: 'ok.onnx' }));
  assert.equal(g.nodes.length, 2);
});

test('not an ONNX file: text, JSON, an image header, zeros, empty', () => {
  const enc = new TextEncoder();
  for (const bytes of [enc.encode('hello, not a model'), enc.encode('{"graph": 1}'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), new Uint8Array(64), new Uint8Array(0)]) {
    expectImportError(() => loadOnnx(bytes, { file: 'bad.onnx' }), /^bad\.onnx: /, /not an ONNX file/);
  }
});

test('truncated file: every cut of a real model is refused, most as truncated', () => {
  const full = writeOnnx(relu);
  let truncatedSaid = 0;
  for (let cut = 1; cut < full.length; cut += 7) {
    const msg = expectImportError(() => normalizeGraph(loadOnnx(full.subarray(0, cut), { file: 'cut.onnx' })), /^cut\.onnx: /);
    if (/truncated/.test(msg)) truncatedSaid++;
  }
  assert.ok(truncatedSaid > (full.length / 7) * 0.8, `only ${truncatedSaid} cuts were reported as truncated`);
});

test('a missing file is a one-line error too', () => {
  expectImportError(() => loadOnnxFile('/nonexistent/dir/model.onnx'), /model\.onnx/, /cannot read the file \(ENOENT\)/);
});

test('external-data tensors are refused with the tensor name and the fix', () => {
  const bytes = writeOnnx(relu);
  const m = proto.ModelProto.decode(bytes);
  const w = m.graph!.initializer![0]!;
  w.rawData = new Uint8Array(0);
  w.dataLocation = 1;
  w.externalData = [proto.StringStringEntryProto.create({ key: 'location', value: 'weights.bin' })];
  const patched = proto.ModelProto.encode(m).finish();
  expectImportError(() => loadOnnx(patched, { file: 'ext.onnx' }), /^ext\.onnx: /, /initializer 'w'/, /external file \('weights\.bin'\)/, /save_as_external_data=False/);
});

test('an unsupported op names the op, the node and where the supported ops are listed', () => {
  const bytes = writeOnnx({ ...relu, nodes: [{ name: 'my_lstm', opType: 'LSTM', inputs: ['x', 'w'], outputs: ['y'] }] });
  expectImportError(() => loadOnnx(bytes, { file: 'lstm.onnx' }), /^lstm\.onnx: /, /node 'my_lstm' \(LSTM\)/, /unsupported op LSTM/, /docs\/ops\.md/);
  const two = writeOnnx({ ...relu, nodes: [{ name: 'a', opType: 'LSTM', inputs: ['x', 'w'], outputs: ['h'] }, { name: 'b', opType: 'NonZero', inputs: ['h'], outputs: ['y'] }] });
  expectImportError(() => loadOnnx(two), /node 'a' \(LSTM\)/, /also uses unsupported NonZero/);
  const ml = writeOnnx({ ...relu, nodes: [{ name: 'svm', opType: 'SVMClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'] }] });
  expectImportError(() => loadOnnx(ml), /node 'svm' \(SVMClassifier\)/, /domain 'ai\.onnx\.ml'/);
});

test('unsupported dtypes: a bfloat16 input, a complex initializer', () => {
  const bytes = writeOnnx(relu);
  const m = proto.ModelProto.decode(bytes);
  m.graph!.input![0]!.type!.tensorType!.elemType = 16;
  expectImportError(() => loadOnnx(proto.ModelProto.encode(m).finish(), { file: 'bf16.onnx' }), /value 'x'/, /unsupported dtype BFLOAT16/, /supported: float32/);
  const m2 = proto.ModelProto.decode(bytes);
  m2.graph!.initializer![0]!.dataType = 14;
  expectImportError(() => loadOnnx(proto.ModelProto.encode(m2).finish(), { file: 'c64.onnx' }), /initializer 'w'/, /unsupported dtype COMPLEX64/);
});

test('unresolvable dynamic shapes: an input without a shape, a Reshape driven by runtime data', () => {
  const noShape = writeOnnx({ ...relu, inputs: [{ name: 'x', dtype: 'float32' }] });
  expectImportError(() => loadOnnx(noShape, { file: 'noshape.onnx' }), /value 'x'/, /unresolvable dynamic shape/);
  const dataDriven = writeOnnx({
    inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3] }, { name: 's', dtype: 'float32', dims: [2] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    nodes: [
      { opType: 'Cast', inputs: ['s'], outputs: ['si'], attrs: { to: attr.int(7) } },
      { name: 'reshape_by_data', opType: 'Reshape', inputs: ['x', 'si'], outputs: ['y'] },
    ],
  });
  const g = loadOnnx(dataDriven, { file: 'dyn.onnx' });
  expectImportError(() => normalizeGraph(g, { file: 'dyn.onnx' }), /^dyn\.onnx: /, /node 'reshape_by_data' \(Reshape\)/, /input 1 \('si'\)/, /unresolvable dynamic shape/);
});

test('symbolic dims bind to 1 by default, to user values, and conflicting user dims are refused', () => {
  const sym = writeOnnx({ ...relu, inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 4] }], outputs: [{ name: 'y', dtype: 'float32', dims: ['batch', 4] }] });
  assert.deepEqual(normalizeGraph(loadOnnx(sym)).outputs[0]!.dims, [1, 4]);
  assert.deepEqual(normalizeGraph(loadOnnx(sym, { dims: { batch: 5 } })).outputs[0]!.dims, [5, 4]);
  assert.deepEqual(normalizeGraph(loadOnnx(sym, { inputDims: { x: [3, 4] } })).outputs[0]!.dims, [3, 4]);
  expectImportError(() => loadOnnx(sym, { file: 's.onnx', inputDims: { x: [3, 5] } }), /input 'x'/, /model fixes it to 4/);
  expectImportError(() => loadOnnx(sym, { dims: { batch: 0 } }), /dims\.batch/, /positive integer/);
});

test('an unsupported opset is refused with the supported range', () => {
  const bytes = writeOnnx({ ...relu, opsets: { '': 30 } });
  expectImportError(() => loadOnnx(bytes, { file: 'new.onnx' }), /opset 30/, /9–25/);
  // Below opset 9 a model is read as opset 9 only when its ops have not changed since its opset.
  const reluOnly: WriteModel = { ...relu, initializers: {}, nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }] };
  expectImportError(() => loadOnnx(writeOnnx({ ...reluOnly, opsets: { '': 5 } }), { file: 'old.onnx' }), /opset 5/, /Relu changed at opset 6/, /9–25/);
  expectImportError(() => loadOnnx(writeOnnx({ ...relu, opsets: { '': 7 } }), { file: 'old.onnx' }), /node 'MatMul_0' \(MatMul\)/, /not read below opset 9/);
  assert.equal(loadOnnx(writeOnnx({ ...reluOnly, opsets: { '': 7 } })).opsets[''], 9);
});

test('an unsupported attribute value is refused at import, naming node, op and value', () => {
  const bytes = writeOnnx({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 1, 2, 2] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { s: tensorFrom('float32', [4], [1, 1, 2, 2]) },
    nodes: [{ name: 'up', opType: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], attrs: { mode: attr.string('cubic') } }],
  });
  expectImportError(() => normalizeGraph(loadOnnx(bytes, { file: 'r.onnx' }), { file: 'r.onnx' }), /^r\.onnx: node 'up' \(Resize\)/, /mode 'cubic' is not supported/);
});

test('importOnnxFile reads, loads and normalizes a model from disk', async () => {
  const { importOnnxFile } = await import('../../src/onnx/load-file.js');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'zkinfer-onnx-')), 'relu.onnx');
  writeFileSync(path, writeOnnx(relu));
  const g = importOnnxFile(path);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['MatMul', 'Relu']);
  writeFileSync(path, new TextEncoder().encode('not a model'));
  expectImportError(() => importOnnxFile(path), /^relu\.onnx: not an ONNX file/);
});
