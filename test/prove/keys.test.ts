import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/encoding/errors.js';
import { digest, Purpose } from '../../src/hash/digest.js';
import { execute } from '../../src/ir/execute.js';
import { deserializeProvingKey, graphOf, serializeProvingKey } from '../../src/prove/keys.js';
import { packingWidth, setup } from '../../src/prove/setup.js';
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
  // int8 weights in an 8-bit group; the int32 bias and the multipliers in a 32-bit group
  assert.deepEqual(vk.fingerprint.map((g) => [g.bits, g.count]), [[8, 12], [32, 6]]);
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

test('fingerprint equals the salted Poseidon2 digests of the grouped private values', () => {
  const { vk } = setup(tinyGraph(), { salts: SALTS.slice(0, 2) });
  const w8 = [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 12];
  const d8 = digest(w8, SALTS[0], { format: { bits: 8, signed: true }, purpose: Purpose.modelWeights });
  const d32 = digest([100, -200, 300, 1234, 2345, 3456], SALTS[1], { format: { bits: 32, signed: true }, purpose: Purpose.modelWeights });
  assert.deepEqual(vk.fingerprint[0].digest, d8);
  assert.deepEqual(vk.fingerprint[1].digest, d32);
});

test('one changed weight or a new salt changes the fingerprint and the vk hash', () => {
  const a = setup(tinyGraph(), { salts: SALTS.slice(0, 2) }).vk;
  const w = [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 12];
  w[7] = 9;
  const b = setup(tinyGraph(w), { salts: SALTS.slice(0, 2) }).vk;
  const c = setup(tinyGraph(), { salts: [SALTS[2], SALTS[1]] }).vk;
  const d = setup(tinyGraph()).vk; // fresh random salts
  assert.notDeepEqual(a.fingerprint[0].digest, b.fingerprint[0].digest);
  assert.deepEqual(a.fingerprint[1].digest, b.fingerprint[1].digest);
  assert.notDeepEqual(a.fingerprint[0].digest, c.fingerprint[0].digest);
  assert.notDeepEqual(a.fingerprint[0].digest, d.fingerprint[0].digest);
  assert.notEqual(hex(verifyingKeyHash(a)), hex(verifyingKeyHash(b)));
  assert.equal(hex(verifyingKeyHash(a)), hex(verifyingKeyHash(setup(tinyGraph(), { salts: SALTS.slice(0, 2) }).vk)));
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

test('packing widths come from declared ranges', () => {
  assert.equal(packingWidth(-128n, 127n), 8);
  assert.equal(packingWidth(-129n, 127n), 16);
  assert.equal(packingWidth(0n, 2n ** 31n - 1n), 32);
  assert.equal(packingWidth(0n, 2n ** 31n), null);
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
  assert.throws(() => deserializeVerifyingKey(other), /format version 2/);
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
