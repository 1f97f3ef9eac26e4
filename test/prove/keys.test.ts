import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/encoding/errors.js';
import { digest, Purpose } from '../../src/hash/digest.js';
import { execute } from '../../src/ir/execute.js';
import { deserializeProvingKey, graphOf, serializeProvingKey } from '../../src/prove/keys.js';
import { setup } from '../../src/prove/setup.js';
import { limbBound, limbsFor, privateLayout, toLimbs } from '../../src/verify/private-weights.js';
import { FORMAT_VERSION } from '../../src/verify/container.js';
import { deserializeVerifyingKey, serializeVerifyingKey, verifyingKeyHash } from '../../src/verify/vk.js';
import { tinyGraph } from './fixture.js';

const SALTS = [
  [11n, 12n],
  [21n, 22n],
  [31n, 32n],
] as const;

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

test('setup splits the graph: weights and multipliers only in the proving key', () => {
  const { pk, vk } = setup(tinyGraph());
  assert.deepEqual([...vk.weights].length, 2);
  const rq = vk.nodes.find((n) => n.op === 'Requant')!;
  assert.deepEqual(rq.privateAttrs, ['mults']);
  assert.equal('mults' in rq.attrs, false);
  assert.equal(vk.publicConstants.size, 0);
  assert.deepEqual(pk.privateAttrs.get(rq.name), { mults: [1234n, 2345n, 3456n] });
  // one digest over V: signed 8-bit limbs (vk.bits) of the weights, the bias and the multipliers
  assert.deepEqual(vk.fingerprint.map((g) => g.bits), [8]);
  assert.deepEqual({ multCount: rq.attrs.multCount, multLimbs: rq.attrs.multLimbs }, { multCount: 3, multLimbs: 2 });
  // the vk bytes do not contain the weight or multiplier values (as i64 words)
  const bytes = serializeVerifyingKey(vk);
  const words = new Set<string>();
  for (let i = 0; i + 8 <= bytes.length; i++) words.add(hex(bytes.subarray(i, i + 8)));
  for (const secret of [1234n, 2345n, 3456n, -200n, 300n]) {
    const w = new Uint8Array(8);
    new DataView(w.buffer).setBigInt64(0, secret, true);
    assert.equal(words.has(hex(w)), false, `vk contains ${secret}`);
  }
});

test('fingerprint equals the salted Poseidon2 digest of the limb layout of the private values', () => {
  const { vk } = setup(tinyGraph(), { salts: SALTS.slice(0, 1) });
  const layout = privateLayout(vk);
  // W (4×3 → padded 4×4), b (3 → 4) in 5 limbs of 8 bits (declared ±2^31), mults (3 → 4) in 2 limbs
  assert.deepEqual(layout.tensors.map((t) => [t.name, t.limbs]), [['W', 1], ['b', 5], ['gemm/rq/mults', 2]]);
  assert.equal(layout.count, 16 + 5 * 4 + 2 * 4);
  const V = new Array<number>(layout.count).fill(0);
  const w = [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 12];
  w.forEach((x, e) => (V[Math.floor(e / 3) * 4 + (e % 3)] = x));
  const put = (name: string, values: bigint[]) => {
    const t = layout.tensors.find((x) => x.name === name)!;
    values.forEach((v, e) => toLimbs(v, 8, t.limbs).forEach((d, j) => (V[t.offsets[j] + e] = Number(d))));
  };
  put('b', [100n, -200n, 300n]);
  put('gemm/rq/mults', [1234n, 2345n, 3456n]);
  assert.deepEqual(toLimbs(1234n, 8, 2), [-46n, 5n]);
  const d = digest(V, SALTS[0], { format: { bits: 8, signed: true }, purpose: Purpose.modelWeights });
  assert.deepEqual(vk.fingerprint[0].digest, d);
});

test('one changed weight or a new salt changes the fingerprint and the vk hash', () => {
  const a = setup(tinyGraph(), { salts: SALTS.slice(0, 1) }).vk;
  const w = [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 12];
  w[7] = 9;
  const b = setup(tinyGraph(w), { salts: SALTS.slice(0, 1) }).vk;
  const c = setup(tinyGraph(), { salts: [SALTS[2]] }).vk;
  const d = setup(tinyGraph()).vk; // a fresh random salt
  assert.notDeepEqual(a.fingerprint[0].digest, b.fingerprint[0].digest);
  assert.notDeepEqual(a.fingerprint[0].digest, c.fingerprint[0].digest);
  assert.notDeepEqual(a.fingerprint[0].digest, d.fingerprint[0].digest);
  assert.notEqual(hex(verifyingKeyHash(a)), hex(verifyingKeyHash(b)));
  assert.equal(hex(verifyingKeyHash(a)), hex(verifyingKeyHash(setup(tinyGraph(), { salts: SALTS.slice(0, 1) }).vk)));
});

test('keys round-trip canonically and the rebuilt graph executes identically', () => {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph, { inputs: { x: 'public' } });
  const vkBytes = serializeVerifyingKey(vk);
  const pkBytes = serializeProvingKey(pk);
  const vk2 = deserializeVerifyingKey(vkBytes);
  const pk2 = deserializeProvingKey(pkBytes);
  assert.deepEqual(serializeVerifyingKey(vk2), vkBytes);
  assert.deepEqual(serializeProvingKey(pk2), pkBytes);
  assert.equal(vk2.inputs[0].visibility, 'public');
  const x = new Map([['x', { dims: [1, 4], data: BigInt64Array.from([5n, -7n, 100n, -127n]) }]]);
  const out = graph.outputs[0].name;
  assert.deepEqual(execute(graphOf(pk2), x).get(out), execute(graph, x).get(out));
});

test('limbs: signed digits, the fewest that cover a range, exact bounds', () => {
  for (const x of [0n, 1n, -1n, 127n, -128n, 128n, 2n ** 31n - 1n, -(2n ** 31n)]) {
    const limbs = limbsFor(8, x, x);
    const d = toLimbs(x, 8, limbs);
    assert.equal(d.reduce((s, v, j) => s + v * 256n ** BigInt(j), 0n), x);
    assert.ok(d.every((v) => v >= -128n && v < 128n));
  }
  assert.equal(limbsFor(8, -128n, 127n), 1);
  assert.equal(limbsFor(8, -128n, 128n), 2);
  assert.equal(limbBound(12, 1), 2048n);
  assert.throws(() => toLimbs(128n, 8, 1), RangeError);
});

test('malformed keys are refused with FormatError: truncation, trailing bytes, version, kind', () => {
  const { pk, vk } = setup(tinyGraph());
  const vkBytes = serializeVerifyingKey(vk);
  const pkBytes = serializeProvingKey(pk);
  for (let n = 0; n < vkBytes.length; n++) assert.throws(() => deserializeVerifyingKey(vkBytes.subarray(0, n)), FormatError, `prefix ${n}`);
  assert.throws(() => deserializeVerifyingKey(Uint8Array.from([...vkBytes, 0])), /trailing/);
  assert.throws(() => deserializeProvingKey(Uint8Array.from([...pkBytes, 0])), /trailing/);
  const other = vkBytes.slice();
  new DataView(other.buffer).setUint32(4, FORMAT_VERSION + 1, true);
  assert.throws(() => deserializeVerifyingKey(other), new RegExp(`format version ${FORMAT_VERSION + 1}`));
  assert.throws(() => deserializeVerifyingKey(pkBytes), /provingKey file, not a verifyingKey/);
  assert.throws(() => deserializeProvingKey(vkBytes), FormatError);
});

test('random single-byte corruptions of a key never crash: FormatError or a different key', () => {
  const { vk } = setup(tinyGraph());
  const bytes = serializeVerifyingKey(vk);
  const hash = hex(verifyingKeyHash(vk));
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const c = bytes.slice();
    const pos = Math.floor(Math.random() * c.length);
    c[pos] ^= 1 + Math.floor(Math.random() * 255);
    try {
      const k = deserializeVerifyingKey(c);
      // decoded: then it is another key, with another hash (a proof for the old one is refused)
      assert.notEqual(hex(verifyingKeyHash(k)), hash);
    } catch (e) {
      assert.ok(e instanceof FormatError, `byte ${pos}: ${String(e)}`);
      refused++;
    }
  }
  assert.ok(refused > 0);
});
