// The sponge witness's trace (src/hash/sponge-trace.ts): the layers it does not store, computed
// when asked for (forward from layers 0 and 27, backward for the partial rounds' slots), equal
// the full trace of the same permutations, in every order the prover or a test may ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { digest, Purpose, randomSalt } from '../../src/hash/digest.js';
import { INT8, INT16, UINT8, type PackingFormat } from '../../src/hash/packing.js';
import { permuteBatchTrace, TRACE_LAYERS } from '../../src/hash/poseidon2-wasm.js';
import { digestWitness, layerColumn, releaseDigestWitness, TraceLayers, type DigestWitness } from '../../src/hash/digest-witness.js';
import { SpongeTrace } from '../../src/hash/sponge-trace.js';

function randomValues(n: number, format: PackingFormat): Int32Array {
  const lo = format.signed ? -(2 ** (format.bits - 1)) : 0;
  return Int32Array.from({ length: n }, () => lo + randomInt(2 ** format.bits));
}

/** The witness and the full trace (all 384 columns) of the same permutations. */
function withFull(w: DigestWitness): DigestWitness {
  const P = w.blocks;
  const inputs = new BigUint64Array(12 * P);
  for (let s = 0; s < 12; s++) {
    const col = layerColumn(w, 0, s);
    for (let i = 0; i < P; i++) inputs[12 * i + s] = col[i];
  }
  return { ...w, trace: permuteBatchTrace(inputs) };
}

const cases: [PackingFormat, number][] = [[INT8, 7 * 64 * 3], [INT16, 3 * 1000 + 1], [UINT8, 16], [INT8, 7 * 4096]];

test('every layer the sponge trace computes (the prover\'s walk, random access) equals the full trace, on random inputs', () => {
  for (const [format, n] of cases) {
    const values = randomValues(n, format);
    const options = { format, purpose: Purpose.modelWeights };
    const w = digestWitness(values, randomSalt(), options);
    assert.ok(w.trace instanceof SpongeTrace);
    const full = withFull(w);
    // the chaining: the full trace's last output is the digest
    assert.deepEqual(Array.from({ length: 4 }, (_, s) => layerColumn(full, TRACE_LAYERS - 1, s)[w.blocks - 1]), [...w.digest]);
    const walk = new TraceLayers(w);
    for (let layer = TRACE_LAYERS - 1; layer >= 0; layer--) {
      const cols = walk.layer(layer);
      for (let s = 0; s < 12; s++) assert.deepEqual(cols[s], layerColumn(full, layer, s), `${n} values: layer ${layer} slot ${s} (walk)`);
    }
    walk.close();
    for (let k = 0; k < 12; k++) {
      const layer = randomInt(TRACE_LAYERS);
      const slot = randomInt(12);
      assert.deepEqual(layerColumn(w, layer, slot), layerColumn(full, layer, slot), `${n} values: layer ${layer} slot ${slot} (random access)`);
    }
  }
});

test('a walk keeps each computed layer until the layer two below is asked for, in any order; random access does not disturb it', () => {
  const w = digestWitness(randomValues(7 * 512, INT8), randomSalt(), { format: INT8, purpose: Purpose.generic });
  const full = withFull(w);
  const walk = new TraceLayers(w);
  const order = [30, 29, 31, 4, 3, 20, 19, 26, 25, 5, 28, 1, 2, 12, 27, 0, 11];
  for (let i = 0; i < order.length; i++) {
    const cols = walk.layer(order[i]);
    // a column read out of order by random access (its own buffers) in between
    layerColumn(w, 1 + randomInt(TRACE_LAYERS - 2), 1 + randomInt(11));
    assert.deepEqual(cols.map((c) => c.slice()), Array.from({ length: 12 }, (_, s) => layerColumn(full, order[i], s)), `layer ${order[i]}`);
    if (i > 0 && order[i - 1] % 2 !== order[i] % 2) {
      const prev = walk.layer(order[i - 1]);
      assert.deepEqual(prev[5], layerColumn(full, order[i - 1], 5), `layer ${order[i - 1]} still held after ${order[i]}`);
    }
  }
  walk.close();
});

test('walks over one witness are independent; each holds kernel memory until close(), and refuses after it or once memory under it was released', () => {
  const w = digestWitness(randomValues(7 * 64, INT8), randomSalt(), { format: INT8, purpose: Purpose.generic });
  const full = withFull(w);
  const a = new TraceLayers(w);
  a.layer(30);
  const b = new TraceLayers(w);
  b.layer(28);
  assert.deepEqual(a.layer(28)[7], layerColumn(full, 28, 7));
  assert.deepEqual(b.layer(26)[7], layerColumn(full, 26, 7));
  b.close();
  a.close();
  assert.throws(() => a.layer(28), /closed/);
  // closing the older of two open walks gives the newer one's memory back too: the newer one notices
  const c = new TraceLayers(w);
  const d = new TraceLayers(w);
  c.close();
  assert.throws(() => d.layer(28), /released/);
  d.close();
});

test('the sponge witness\'s digest and V equal the plain digest and the padded values, for every typed input', () => {
  const values = randomValues(7 * 100 + 3, INT8);
  const salt = randomSalt();
  const options = { format: INT8, purpose: Purpose.attestedInput };
  const expect = digest(values, salt, options);
  for (const typed of [values, Int8Array.from(values), Int16Array.from(values), Array.from(values)]) {
    const w = digestWitness(typed, salt, options);
    assert.deepEqual(w.digest, expect);
    assert.equal(w.valueVector.length, w.layout.slots * w.layout.elements);
    for (let i = 0; i < w.valueVector.length; i++) {
      const v = i < values.length ? values[i] : 0;
      if (w.valueVector[i] !== (v < 0 ? 0xffffffff00000001n + BigInt(v) : BigInt(v))) assert.fail(`V[${i}]`);
    }
  }
  const u8 = Uint8Array.from({ length: 300 }, () => randomInt(256));
  assert.deepEqual(digestWitness(u8, salt, { format: UINT8, purpose: Purpose.generic }).digest, digest(Array.from(u8), salt, { format: UINT8, purpose: Purpose.generic }));
});

test('a witness on a new kernel instance leaves V\'s zero padding to the never-written memory: V is exact', () => {
  const options = { format: INT8, purpose: Purpose.modelWeights };
  // the first run takes a released instance if there is one, so the second one is new
  const other = digestWitness(randomValues(7 * 2048, INT8), randomSalt(), options);
  const n = 7 * 300 + 5;
  const values = randomValues(n, INT8);
  const w = digestWitness(values, randomSalt(), options);
  assert.ok(w.valueVector.length > n + 1000, 'V has a zero tail');
  for (let i = 0; i < w.valueVector.length; i++) {
    const v = i < n ? values[i] : 0;
    if (w.valueVector[i] !== (v < 0 ? 0xffffffff00000001n + BigInt(v) : BigInt(v))) assert.fail(`V[${i}]`);
  }
  releaseDigestWitness(other);
  releaseDigestWitness(w);
});

test('a released witness: its V and columns are emptied and its walks refuse; the next run reuses the memory and is exact', () => {
  const options = { format: INT8, purpose: Purpose.modelWeights };
  const first = digestWitness(randomValues(7 * 2048, INT8), randomSalt(), options);
  const walk = new TraceLayers(first);
  const held = walk.layer(29);
  releaseDigestWitness(first);
  assert.equal(first.valueVector.length, 0);
  assert.equal(held[0].length, 0);
  assert.throws(() => walk.layer(28), /released/);
  walk.close();
  assert.throws(() => layerColumn(first, 0, 8), /released/);
  // a smaller and a larger run after it, on the released memory
  for (const n of [7 * 300, 7 * 4096]) {
    const values = randomValues(n, INT8);
    const salt = randomSalt();
    const w = digestWitness(values, salt, options);
    assert.deepEqual(w.digest, digest(values, salt, options));
    for (let i = 0; i < w.valueVector.length; i++) {
      const v = i < n ? values[i] : 0;
      if (w.valueVector[i] !== (v < 0 ? 0xffffffff00000001n + BigInt(v) : BigInt(v))) assert.fail(`V[${i}]`);
    }
    const full = withFull(w);
    const cols = new TraceLayers(w);
    for (let layer = TRACE_LAYERS - 2; layer >= 0; layer--) {
      const got = cols.layer(layer);
      for (let s = 0; s < 12; s++) assert.deepEqual(got[s], layerColumn(full, layer, s), `${n} values after a release: layer ${layer} slot ${s}`);
    }
    cols.close();
    releaseDigestWitness(w);
  }
});
