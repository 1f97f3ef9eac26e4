import test from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/encoding/bytes.js';
import * as F from '../../src/field/goldilocks.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { SECTION } from '../../src/verify/container.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import type { VerifyingKey } from '../../src/verify/vk.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { verify } from '../../src/verify/verify.js';
import { planModel } from '../../src/verify/plan.js';
import { packingLayout } from '../../src/hash/packing.js';
import { tinyGraph } from './fixture.js';

function ints(n: number, lo: number, hi: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => BigInt(lo + Math.floor(Math.random() * (hi - lo + 1))));
}

const x4 = (): Map<string, IrTensor> => new Map([['x', { dims: [1, 4], data: BigInt64Array.from([5n, -7n, 100n, -127n]) }]]);

test('private weights: weights, bias and per-channel multipliers bound to the fingerprint; proof verifies', () => {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph);
  assert.equal(vk.fingerprint.length, 1);
  const { proof, outputs } = prove(pk, x4(), { context: 'c' });
  const res = verify(vk, proof, { context: 'c' });
  const y = outputs.get(graph.outputs[0].name)!;
  assert.deepEqual(res.outputs.get('y'), Array.from(y.data, (v) => Number(v) * 0.1));
});

test('private weights: onStep reports the fingerprint\'s steps in order; the proof verifies', () => {
  const { pk, vk } = setup(tinyGraph());
  const steps: string[] = [];
  const { proof } = prove(pk, x4(), { context: 'c', onStep: (s) => steps.push(s) });
  assert.deepEqual(steps, [
    'execute', 'fingerprint sponge', 'private parameters', 'witness', 'fingerprint masks', 'commit',
    'layers', 'ranges', 'fingerprint proof', 'open commitment 0',
    // the range check's LogUp commits its helper columns during the proof
    ...steps.slice(10).map(() => 'open helpers'),
  ]);
  assert.ok(steps.length > 10);
  verify(vk, proof, { context: 'c' });
});

test('private weights: one changed weight after setup is rejected (in the layers, or as a forged fingerprint)', () => {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph);
  const changed = pk.weights.get('W')!.data.slice();
  changed[4] += 1n;
  const W: IrTensor = { dims: [4, 3], data: changed };
  // the honest prover refuses a proving key whose weights do not hash to the fingerprint
  assert.throws(() => prove({ ...pk, weights: new Map([...pk.weights, ['W', W]]) }, x4()), /fingerprint/);
  // V hashes to the fingerprint, the layers use the changed weight: the opening of V refutes the layer's claim
  // (the claim reduction before the opening refuses the false claim already while proving; had
  // it not, the verifier's opening check would reject)
  assert.throws(() => verify(vk, prove(pk, x4(), { unsafeTest: { layerWeights: new Map([['W', W]]) } }).proof), (e: unknown) => e instanceof VerificationError || /claimed sum/.test(String(e)));
  // V holds the changed weight and the digest proof claims the setup's fingerprint
  const b = prove({ ...pk, weights: new Map([...pk.weights, ['W', W]]) }, x4(), { unsafeTest: { forgeFingerprint: true } });
  assert.throws(() => verify(vk, b.proof), VerificationError);
});

test('private weights: another model\'s verifying key rejects the proof; so does a key with another salt', () => {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph);
  const { proof } = prove(pk, x4());
  verify(vk, proof);
  const other = setup(graph).vk; // same weights, fresh salt: another fingerprint
  assert.throws(() => verify(other, proof), (e: unknown) => e instanceof VerificationError && e.check === 'statement/vk');
  const w = [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 13];
  assert.throws(() => verify(setup(tinyGraph(w)).vk, proof), VerificationError);
});

test('private weights: proofs over the same weights never repeat a commitment root (reuse)', () => {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph);
  const roots = new Set<string>();
  const runs = process.env.ZKINFER_FULL ? 12 : 3;
  for (let i = 0; i < runs; i++) {
    const { proof } = prove(pk, x4());
    verify(vk, proof);
    const file = deserializeProofFile(proof);
    const r = new ByteReader(file.sections.get(SECTION.commitments)!, 'commitments');
    const count = r.u32('count');
    for (let c = 0; c < count; c++) {
      const root = Buffer.from(r.blob(64, 'root')).toString('hex');
      assert.equal(roots.has(root), false, 'a commitment root repeats across proofs');
      roots.add(root);
      const sizes = r.u32('sizes');
      for (let k = 0; k < sizes; k++) r.u32('size');
    }
    // commitment 0 (V, the views' masks), 1 (the digest proof's masks), then the range proof's
    assert.ok(count >= 3);
  }
});

test('private weights: a proof without the fingerprint section, or with it corrupted, is rejected', () => {
  const { pk, vk } = setup(tinyGraph());
  const { proof } = prove(pk, x4());
  const file = deserializeProofFile(proof);
  const without = new Map(file.sections);
  without.delete(SECTION.fingerprint);
  assert.throws(() => verify(vk, serializeProofFile({ ...file, sections: without })), FormatError);
  const bytes = file.sections.get(SECTION.fingerprint)!;
  for (let i = 0; i < 20; i++) {
    const c = bytes.slice();
    c[Math.floor(Math.random() * c.length)] ^= 1 + Math.floor(Math.random() * 255);
    const sections = new Map(file.sections);
    sections.set(SECTION.fingerprint, c);
    assert.throws(() => verify(vk, serializeProofFile({ ...file, sections })), (e: unknown) => e instanceof VerificationError || e instanceof FormatError);
  }
});

test('private weights: V\'s direct signed range lookup rejects a carry between packing slots that the digest proof and the layers accept', () => {
  const { pk, vk } = setup(tinyGraph());
  // tinyGraph: 44 int8 limbs, packed k = 4 per element (M = 16): W's block is slot 0 (V[0..16)),
  // b's limb 0 starts slot 1 (V[16]). V[0] + 256 and V[16] − 1 pack to the same elements (so the
  // digest holds); the layers use W[0][0] + 256 and b[0] − 1, which is what the changed limbs say
  // (t = Σ 2^(8j)·limb_j); only the range check sees the digit 257.
  const layout = planModel(vk).weights!.layout;
  const M = packingLayout({ bits: 8, signed: true }, layout.count).elements;
  const [W, b] = ['W', 'b'].map((n) => layout.tensors.find((t) => t.name === n)!);
  assert.deepEqual([W.offsets[0], b.offsets[0]], [0, M]);
  const carry = (V: BigUint64Array): void => {
    V[0] = F.add(V[0], 256n);
    V[M] = F.sub(V[M], 1n);
  };
  const changed = (name: string, delta: bigint): [string, IrTensor] => {
    const t = pk.weights.get(name)!;
    const data = t.data.slice();
    data[0] += delta;
    return [name, { dims: t.dims, data }];
  };
  const layerWeights = new Map([changed('W', 256n), changed('b', -1n)]);
  const bad = prove(pk, x4(), { unsafeTest: { tamperVector: carry, layerWeights } });
  const inRangeCheck = (e: unknown): boolean => e instanceof VerificationError && /verifyRanges/.test(e.stack ?? '');
  assert.throws(() => verify(vk, bad.proof), inRangeCheck);
  // control: the same cheating path with the layers' weights changed by an in-range carry
  // (V[0] + 1: the packing changed) is refused by the digest proof's claim on V instead (while
  // proving: the claim reduction before the opening refuses the false claim)
  const inRange = (V: BigUint64Array): void => {
    V[0] = F.add(V[0], 1n);
  };
  assert.throws(() => verify(vk, prove(pk, x4(), { unsafeTest: { tamperVector: inRange, layerWeights: new Map([changed('W', 1n)]) } }).proof), (e: unknown) => (e instanceof VerificationError && !inRangeCheck(e)) || /claimed sum/.test(String(e)));
  // and an untouched V through the same path verifies
  verify(vk, prove(pk, x4(), { unsafeTest: { tamperVector: () => undefined } }).proof);
});

test('private weights: a two-layer model with a private input and private weights', () => {
  const g = new GraphBuilder('mlp2', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [2, 8], scale: 0.05, lo: -127n, hi: 127n });
  const w1 = g.addConstant('W1', { dims: [8, 6], data: ints(48, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const b1 = g.addConstant('b1', { dims: [6], data: ints(6, -1000, 1000) }, 'weight', 0.0005, -1023n, 1023n);
  const [h] = g.add('MatMul', ['x', w1, b1], { batch: 1, batchA: 1, batchB: 1, m: 2, k: 8, n: 6, biasMode: 1, outDims: [2, 6] }, 'fc1', 'mm');
  const w2 = g.addConstant('W2', { dims: [6, 4], data: ints(24, -127, 127) }, 'weight', 0.01, -127n, 127n);
  const [y] = g.add('MatMul', [h, w2], { batch: 1, batchA: 1, batchB: 1, m: 2, k: 6, n: 4, biasMode: 0, outDims: [2, 4] }, 'fc2', 'mm');
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [2, 4], scale: 0.001 });
  const graph: IrGraph = g.finish();
  const { pk, vk } = setup(graph);
  const x = new Map([['x', { dims: [2, 8], data: ints(16, -127, 127) }]]);
  const { proof, outputs } = prove(pk, x);
  const res = verify(vk, proof);
  assert.deepEqual(res.outputs.get('y'), Array.from(outputs.get(y)!.data, (v) => Number(v) * 0.001));
});

/** The key with one node attribute replaced (a verifier that trusts a wrong published bound). */
function withAttr(vk: VerifyingKey, node: string, key: string, value: number): VerifyingKey {
  return { ...vk, nodes: vk.nodes.map((n) => (n.name === node ? { ...n, attrs: { ...n.attrs, [key]: value } } : n)) };
}

test('private weights: multipliers are range-checked to their published bit length (multBits); an understated one is rejected', () => {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph);
  const rq = vk.nodes.find((n) => n.op === 'Requant')!;
  assert.equal(rq.attrs.multBits, 12, 'the largest multiplier, 3456, has 12 bits');
  // a key claiming 11 bits: the honest prover cannot decompose 2345 and 3456 into 11 bits
  const low = withAttr(vk, rq.name, 'multBits', 11);
  assert.throws(() => prove({ ...pk, vk: low }, x4()), /outside the 11-bit range/);
  // a prover that decomposes them anyway: only the multipliers' range check fails (the fingerprint, layout and layers agree)
  const cheat = prove({ ...pk, vk: low }, x4(), { unsafeTest: { rangeMisses: true } });
  assert.throws(() => verify(low, cheat.proof), VerificationError);
  // a looser published bound (13 bits) still proves and verifies
  const high = withAttr(vk, rq.name, 'multBits', 13);
  verify(high, prove({ ...pk, vk: high }, x4()).proof);
});

test('private weights: a multi-limb weight is range-checked to its declared range; a value outside it is rejected', () => {
  // b is declared int32 (5 limbs of 8 bits hold ±2^39): its range check makes |b| ≤ 2^31 what the bounds use.
  // Set up with b = −2^33 declared in 35 bits (5 limbs too), then verify against a key declaring int32
  const graph = tinyGraph();
  const b = graph.constants.get('b')!;
  const info = graph.values.get('b')!;
  const big: IrGraph = {
    ...graph,
    constants: new Map([...graph.constants, ['b', { dims: b.dims, data: BigInt64Array.from([100n, -(2n ** 33n), 300n]) }]]),
    values: new Map([...graph.values, ['b', { ...info, lo: -(2n ** 34n), hi: 2n ** 34n - 1n }]]),
  };
  const { pk, vk } = setup(big);
  const narrow: VerifyingKey = { ...vk, values: vk.values.map((v) => (v.name === 'b' ? { ...v, lo: info.lo, hi: info.hi } : v)) };
  assert.throws(() => prove({ ...pk, vk: narrow }, x4()), /outside the signed 32-bit range/);
  const cheat = prove({ ...pk, vk: narrow }, x4(), { unsafeTest: { rangeMisses: true } });
  assert.throws(() => verify(narrow, cheat.proof), VerificationError);
  verify(vk, prove(pk, x4()).proof); // declared in 35 bits, it proves
});
