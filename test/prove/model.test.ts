import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { planModel, UnsupportedModelError } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { SECTION } from '../../src/verify/container.js';
import { ByteReader } from '../../src/encoding/bytes.js';
import { forEachCorruption } from './shared-case.js';
import { tinyGraph } from './fixture.js';

function ints(n: number, lo: number, hi: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => BigInt(lo + Math.floor(Math.random() * (hi - lo + 1))));
}

/** Two Gemm layers without requantization: x (rows×8, int8) → 6 → 4. */
function mlp(rows: number, seedWeights = ints(8 * 6, -127, 127)): IrGraph {
  const g = new GraphBuilder('mlp2', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [rows, 8], scale: 0.05, lo: -127n, hi: 127n });
  const w1 = g.addConstant('W1', { dims: [8, 6], data: seedWeights }, 'weight', 0.01, -127n, 127n);
  const b1 = g.addConstant('b1', { dims: [6], data: ints(6, -1000, 1000) }, 'weight', 0.0005, -(2n ** 31n), 2n ** 31n - 1n);
  const [h] = g.add('MatMul', ['x', w1, b1], { batch: 1, batchA: 1, batchB: 1, m: rows, k: 8, n: 6, biasMode: 1, outDims: [rows, 6] }, 'fc1', 'mm');
  const w2 = g.addConstant('W2', { dims: [6, 4], data: ints(24, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const [y] = g.add('MatMul', [h, w2], { batch: 1, batchA: 1, batchB: 1, m: rows, k: 6, n: 4, biasMode: 0, outDims: [rows, 4] }, 'fc2', 'mm');
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [rows, 4], scale: 0.001 });
  return g.finish();
}

function input(rows: number): Map<string, IrTensor> {
  return new Map([['x', { dims: [rows, 8], data: ints(rows * 8, -127, 127) }]]);
}

test('model: prove and verify a two-layer network with public weights and a private input', () => {
  for (const rows of [1, 3]) {
    const graph = mlp(rows);
    const { pk, vk } = setup(graph, { weights: 'public' });
    const x = input(rows);
    const { proof, outputs } = prove(pk, x, { context: 'bank A' });
    const res = verify(vk, proof, { context: 'bank A' });
    const y = outputs.get(graph.outputs[0].name)!;
    assert.deepEqual(res.outputs.get('y'), Array.from(y.data, (v) => Number(v) * 0.001));
    assert.ok(proof.length < 2_000_000, `proof of ${proof.length} bytes`);
  }
});

test('model: rejections — context, another key, tampered output, another input\'s output', () => {
  const graph = mlp(2);
  const { pk, vk } = setup(graph, { weights: 'public' });
  const a = prove(pk, input(2), { context: 'c' });
  const b = prove(pk, input(2), { context: 'c' });
  verify(vk, a.proof, { context: 'c' });
  assert.throws(() => verify(vk, a.proof, { context: 'other' }), (e: unknown) => e instanceof VerificationError && e.check === 'statement/context');
  assert.throws(() => verify(vk, a.proof), VerificationError);
  const other = setup(mlp(2), { weights: 'public' }).vk;
  assert.throws(() => verify(other, a.proof, { context: 'c' }), (e: unknown) => e instanceof VerificationError && e.check === 'statement/vk');

  const file = deserializeProofFile(a.proof);
  const out = file.statement.outputs[0];
  assert.equal(out.kind, 'public');
  const tampered = (out as { values: BigInt64Array }).values.slice();
  tampered[3] += 1n;
  const forged = serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values: tampered }] } });
  assert.throws(() => verify(vk, forged, { context: 'c' }), VerificationError);
  // the output of another input, with this input's proof
  const fileB = deserializeProofFile(b.proof);
  const swapped = serializeProofFile({ ...file, statement: { ...file.statement, outputs: fileB.statement.outputs } });
  assert.throws(() => verify(vk, swapped, { context: 'c' }), VerificationError);
});

/**
 * Div (rounded division by a private divisor) three times: x / d with a public quotient (the
 * verifier bounds it), 2·(x / d) at another shift, whose quotient is committed and range-checked,
 * and x / s with a per-row divisor s broadcast by a Gather (virtual: Div reads it by one claim).
 */
function divideGraph(): IrGraph {
  const g = new GraphBuilder('divide', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [2, 4], scale: 0.05, lo: -127n, hi: 127n });
  g.addInput({ name: 'd', onnxDtype: 'float32', dims: [2, 4], scale: 0.05, lo: 1n, hi: 127n });
  g.addInput({ name: 's', onnxDtype: 'float32', dims: [2], scale: 0.05, lo: 1n, hi: 127n });
  const [q] = g.add('Div', ['x', 'd'], { shift: 6, inner: 1 }, 'div', 'div', [2 ** -6]);
  const [q3] = g.add('Div', ['x', 'd'], { shift: 3, inner: 1 }, 'div3', 'div', [2 ** -3]);
  const [y] = g.add('WeightedSum', [q3], { coeffs: [2n], offset: 0n }, 'double', 'wsum', [2 ** -2]);
  const rows = g.addConstant('rows', { dims: [8], data: BigInt64Array.from([0n, 0n, 0n, 0n, 1n, 1n, 1n, 1n]) }, 'public');
  const [sB] = g.add('Gather', ['s', rows], { outDims: [2, 4], fill: 0n }, 'rows', 'bcast', [0.05]);
  const [p] = g.add('Div', ['x', sB], { shift: 5, inner: 1 }, 'per-row', 'div', [2 ** -5]);
  g.addOutput({ name: q, onnxName: 'q', onnxDtype: 'float32', dims: [2, 4], scale: 2 ** -6 });
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [2, 4], scale: 2 ** -2 });
  g.addOutput({ name: p, onnxName: 'p', onnxDtype: 'float32', dims: [2, 4], scale: 2 ** -5 });
  return g.finish();
}

function divideInput(): Map<string, IrTensor> {
  return new Map([['x', { dims: [2, 4], data: ints(8, -127, 127) }], ['d', { dims: [2, 4], data: ints(8, 1, 127) }], ['s', { dims: [2], data: ints(2, 1, 127) }]]);
}

test('model: Div with a private divisor proves and verifies (public and committed quotients, a broadcast divisor)', () => {
  const graph = divideGraph();
  const { pk, vk } = setup(graph, { weights: 'public' });
  assert.deepEqual(planModel(vk).virtuals.map((v) => v.name), ['rows/bcast'], 'the broadcast divisor is virtual');
  const x = divideInput();
  const { proof, outputs } = prove(pk, x, { context: 'div' });
  const res = verify(vk, proof, { context: 'div' });
  for (const o of graph.outputs) assert.deepEqual(res.outputs.get(o.onnxName), Array.from(outputs.get(o.name)!.data, (v) => Number(v) * o.scale));
  // a public quotient off by one is rejected
  const file = deserializeProofFile(proof);
  const q = (file.statement.outputs[0] as { values: BigInt64Array }).values.slice();
  q[5] += 1n;
  const forged = serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values: q }, ...file.statement.outputs.slice(1)] } });
  assert.throws(() => verify(vk, forged, { context: 'div' }), VerificationError);
});

for (const [name, make, inputs] of [['a two-layer network', () => mlp(1), () => input(1)], ['Div', divideGraph, divideInput]] as const) {
  test(`model (${name}): each section corrupted and random single-byte corruptions are rejected, none crash`, () => {
    corruptionsRejected(make(), inputs());
  });
}

function corruptionsRejected(graph: IrGraph, x: Map<string, IrTensor>): void {
  const { pk, vk } = setup(graph, { weights: 'public' });
  const { proof } = prove(pk, x);
  const file = deserializeProofFile(proof);
  // flip a byte in the middle of each section
  for (const [tag, bytes] of file.sections) {
    const c = bytes.slice();
    c[c.length >> 1] ^= 0x5a;
    const sections = new Map(file.sections);
    sections.set(tag, c);
    assert.throws(() => verify(vk, serializeProofFile({ ...file, sections })), (e: unknown) => e instanceof VerificationError || e instanceof FormatError, `section ${tag}`);
  }
  const missing = new Map(file.sections);
  missing.delete(SECTION.ranges);
  assert.throws(() => verify(vk, serializeProofFile({ ...file, sections: missing })), /missing ranges/);
  forEachCorruption(proof, (c, pos) => assert.throws(() => verify(vk, c), (e: unknown) => e instanceof VerificationError || e instanceof FormatError, `byte ${pos}`));
}

test('model: fresh commitments in every proof (no root repeats)', () => {
  const { pk } = setup(mlp(1), { weights: 'public' });
  const x = input(1);
  const roots = new Set<string>();
  let total = 0;
  for (let i = 0; i < 4; i++) {
    const f = deserializeProofFile(prove(pk, x).proof);
    const r = new ByteReader(f.sections.get(SECTION.commitments)!);
    const n = r.u32();
    assert.ok(n >= 3, 'tensors, range-check limbs, LogUp-GKR helper');
    total += n;
    for (let j = 0; j < n; j++) {
      roots.add(Buffer.from(r.blob(64)).toString('hex'));
      const s = r.u32();
      for (let k = 0; k < s; k++) r.u32();
    }
  }
  assert.equal(roots.size, total);
});

/** A quantized MLP: Gemm → Requant (int8, per-column multipliers, clamps) → Gemm → Requant. */
function quantMlp(rows: number): IrGraph {
  const g = new GraphBuilder('qmlp', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [rows, 8], scale: 0.05, lo: -127n, hi: 127n });
  const w1 = g.addConstant('W1', { dims: [8, 6], data: ints(48, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const b1 = g.addConstant('b1', { dims: [6], data: ints(6, -5000, 5000) }, 'weight', 0.0005, -(2n ** 31n), 2n ** 31n - 1n);
  const [acc1] = g.add('MatMul', ['x', w1, b1], { batch: 1, batchA: 1, batchB: 1, m: rows, k: 8, n: 6, biasMode: 1, outDims: [rows, 6] }, 'fc1', 'mm');
  const mults1 = Array.from({ length: 6 }, () => BigInt(2000 + Math.floor(Math.random() * 4000)));
  const [h] = g.add('Requant', [acc1], { mults: mults1, shift: 16, inner: 1, lo: -127n, hi: 127n }, 'fc1', 'rq', [0.1]);
  const w2 = g.addConstant('W2', { dims: [6, 4], data: ints(24, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const [acc2] = g.add('MatMul', [h, w2], { batch: 1, batchA: 1, batchB: 1, m: rows, k: 6, n: 4, biasMode: 0, outDims: [rows, 4] }, 'fc2', 'mm');
  const [y] = g.add('Requant', [acc2], { mults: [30000n], shift: 18, inner: 1, lo: -127n, hi: 127n }, 'fc2', 'rq', [0.2]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [rows, 4], scale: 0.2 });
  return g.finish();
}

test('model: a quantized MLP (Gemm + Requant with clamps, twice) proves and verifies', () => {
  const graph = quantMlp(2);
  const { pk, vk } = setup(graph, { weights: 'public' });
  const x = input(2);
  const t0 = Date.now();
  const { proof, outputs } = prove(pk, x, { context: 'ctx' });
  const t1 = Date.now();
  const res = verify(vk, proof, { context: 'ctx' });
  const t2 = Date.now();
  const y = outputs.get(graph.outputs[0].name)!;
  assert.deepEqual(res.outputs.get('y'), Array.from(y.data, (v) => Number(v) * 0.2));
  const sizes = [...deserializeProofFile(proof).sections].map(([tag, b]) => `${tag}:${b.length}`).join(' ');
  console.log(`# quantized MLP: prove ${t1 - t0} ms, verify ${t2 - t1} ms, proof ${proof.length} bytes (sections ${sizes})`);
  // a tampered output is rejected
  const file = deserializeProofFile(proof);
  const vals = (file.statement.outputs[0] as { values: BigInt64Array }).values.slice();
  vals[0] = vals[0] === 127n ? 126n : vals[0] + 1n;
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values: vals }] } }), { context: 'ctx' }), VerificationError);
  // and the tiny fixture (one Gemm + per-column Requant, public weights) too
  const tiny = setup(tinyGraph(), { weights: 'public' });
  const tx = new Map([['x', { dims: [1, 4], data: BigInt64Array.from([5n, -7n, 100n, -127n]) }]]);
  verify(tiny.vk, prove(tiny.pk, tx).proof);
});

/** Gemm → Requant → ReLU (Lookup) → Gemm → Requant → a sigmoid-like Lookup as the output. */
function reluMlp(): IrGraph {
  const g = new GraphBuilder('relu-mlp', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 8], scale: 0.05, lo: -127n, hi: 127n });
  const w1 = g.addConstant('W1', { dims: [8, 6], data: ints(48, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const b1 = g.addConstant('b1', { dims: [6], data: ints(6, -5000, 5000) }, 'weight', 0.0005, -(2n ** 31n), 2n ** 31n - 1n);
  const [acc1] = g.add('MatMul', ['x', w1, b1], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 8, n: 6, biasMode: 1, outDims: [1, 6] }, 'fc1', 'mm');
  const [h] = g.add('Requant', [acc1], { mults: [3000n], shift: 16, inner: 1, lo: -127n, hi: 127n }, 'fc1', 'rq', [0.1]);
  const relu = g.addConstant('relu', { dims: [255], data: BigInt64Array.from({ length: 255 }, (_, j) => BigInt(Math.max(0, j - 127))) }, 'public');
  const [a] = g.add('Lookup', [h, relu], { tableLo: -127n, fn: 'Relu' }, 'relu', 'lookup', [0.1]);
  const w2 = g.addConstant('W2', { dims: [6, 4], data: ints(24, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const [acc2] = g.add('MatMul', [a, w2], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 6, n: 4, biasMode: 0, outDims: [1, 4] }, 'fc2', 'mm');
  const [z] = g.add('Requant', [acc2], { mults: [20000n], shift: 16, inner: 1, lo: -127n, hi: 127n }, 'fc2', 'rq', [0.2]);
  const sig = g.addConstant('sig', { dims: [255], data: BigInt64Array.from({ length: 255 }, (_, j) => BigInt(Math.round(100 / (1 + Math.exp(-(j - 127) / 20))))) }, 'public');
  const [y] = g.add('Lookup', [z, sig], { tableLo: -127n, fn: 'Sigmoid' }, 'sig', 'lookup', [0.01]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 4], scale: 0.01 });
  return g.finish();
}

test('model: ReLU and a sigmoid-like output as table lookups (merged LogUp), with rejections', () => {
  const graph = reluMlp();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const x = input(1);
  const { proof, outputs } = prove(pk, x);
  const res = verify(vk, proof);
  const y = outputs.get(graph.outputs[0].name)!;
  assert.deepEqual(res.outputs.get('y'), Array.from(y.data, (v) => Number(v) * 0.01));
  const file = deserializeProofFile(proof);
  const vals = (file.statement.outputs[0] as { values: BigInt64Array }).values.slice();
  vals[1] += 1n;
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values: vals }] } })), VerificationError);
});

test('model: a residual-style WeightedSum of two branches, with an offset', () => {
  const g = new GraphBuilder('wsum', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 8], scale: 0.05, lo: -127n, hi: 127n });
  const branch = (tag: string): string => {
    const w = g.addConstant(`W${tag}`, { dims: [8, 6], data: ints(48, -127, 127) }, 'weight', 0.01, -127n, 127n);
    const [acc] = g.add('MatMul', ['x', w], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 8, n: 6, biasMode: 0, outDims: [1, 6] }, `fc${tag}`, 'mm');
    return g.add('Requant', [acc], { mults: [4000n], shift: 16, inner: 1, lo: -127n, hi: 127n }, `fc${tag}`, 'rq', [0.1])[0];
  };
  const h1 = branch('1');
  const h2 = branch('2');
  const [s] = g.add('WeightedSum', [h1, h2], { coeffs: [1n, -2n], offset: 5n }, 'add', 'sum', [0.1]);
  g.addOutput({ name: s, onnxName: 's', onnxDtype: 'float32', dims: [1, 6], scale: 0.1 });
  const graph = g.finish();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const { proof, outputs } = prove(pk, input(1));
  const res = verify(vk, proof);
  assert.deepEqual(res.outputs.get('s'), Array.from(outputs.get(s)!.data, (v) => Number(v) * 0.1));
  const file = deserializeProofFile(proof);
  const vals = (file.statement.outputs[0] as { values: BigInt64Array }).values.slice();
  vals[2] += 1n;
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values: vals }] } })), VerificationError);
});

test('model: models outside the proven subset are refused clearly', () => {
  // private weights plan; a key whose fingerprint does not describe them is refused
  const priv = setup(mlp(1)).vk;
  planModel(priv);
  assert.throws(() => planModel({ ...priv, fingerprint: [] }), (e: unknown) => e instanceof UnsupportedModelError && /fingerprint/.test(e.message));
  assert.throws(() => planModel({ ...priv, fingerprint: [{ ...priv.fingerprint[0], count: priv.fingerprint[0].count + 1 }] }), (e: unknown) => e instanceof UnsupportedModelError && /fingerprint/.test(e.message));
  const { vk } = setup(mlp(1), { weights: 'public' });
  const other = { ...vk, nodes: vk.nodes.map((n, i) => (i === 0 ? { ...n, op: 'NoSuchOp' } : n)) };
  assert.throws(() => planModel(other), (e: unknown) => e instanceof UnsupportedModelError && /NoSuchOp/.test(e.message));
});
