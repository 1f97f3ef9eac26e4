import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import * as F from '../../src/field/goldilocks.js';
import { permute } from '../../src/hash/poseidon2.js';
import { spongeReference, blockCount } from '../../src/hash/sponge.js';
import { INT8, INT16, UINT8, packingLayout, packReference, unpackReference, type PackingFormat } from '../../src/hash/packing.js';
import { digest, digestReference, digestIv, domainWord, interleave, randomSalt, Purpose, type Salt } from '../../src/hash/digest.js';

test('sponge: overwrite mode, IV in the capacity, zero-filled last block, output = rate[0..4)', () => {
  const iv = [11n, 22n, 33n, 44n];
  const input = Array.from({ length: 19 }, (_, i) => BigInt(1000 + i));
  // Composed by hand from the permutation: 3 blocks, the last holding 3 elements and 5 zeros.
  let s = [...input.slice(0, 8), ...iv];
  s = permute(s);
  s = [...input.slice(8, 16), ...s.slice(8)];
  s = permute(s);
  s = [...input.slice(16, 19), 0n, 0n, 0n, 0n, 0n, ...s.slice(8)];
  s = permute(s);
  assert.deepEqual(spongeReference(iv, input), s.slice(0, 4));
  assert.equal(blockCount(0), 1);
  assert.equal(blockCount(8), 1);
  assert.equal(blockCount(9), 2);
  assert.deepEqual(spongeReference(iv, []), permute([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, ...iv]).slice(0, 4));
  assert.throws(() => spongeReference([1n, 2n, 3n], []), /IV/);
  assert.throws(() => spongeReference(iv, [F.P]), /canonical/);
});

test('packing layout: k = ⌊63/w⌋ or the power of two below it, whichever gives the shorter V (then fewer elements); powers of two', () => {
  const a = packingLayout(INT8, 1 << 20);
  assert.deepEqual([a.perElement, a.slots, a.elements, a.offset], [4, 4, 1 << 18, 128]); // k = 7 would need V = 2^21
  const int12 = packingLayout({ bits: 12, signed: true }, 1321296); // the 1M MLP's private parameters
  assert.deepEqual([int12.perElement, int12.slots, int12.elements], [4, 4, 1 << 19]); // k = 5 would need V = 8·2^19
  const b = packingLayout(INT16, 100);
  assert.deepEqual([b.perElement, b.slots, b.elements, b.offset], [2, 2, 64, 32768]);
  assert.equal(packingLayout(INT8, 0).elements, 16);
  const full = packingLayout(INT8, 112); // V = 128 either way: k = 7 needs 16 elements, k = 4 32
  assert.deepEqual([full.perElement, full.slots, full.elements], [7, 8, 16]);
  assert.deepEqual([packingLayout(INT8, 113).perElement, packingLayout(INT8, 113).elements], [4, 32]);
  assert.equal(packingLayout({ bits: 4, signed: true }, 1).perElement, 8);
  assert.equal(packingLayout({ bits: 4, signed: true }, 15 * 16).perElement, 15);
  assert.equal(packingLayout({ bits: 32, signed: true }, 1).perElement, 1);
  assert.throws(() => packingLayout({ bits: 32, signed: false }, 1), /31/);
  assert.throws(() => packingLayout({ bits: 0, signed: true }, 1), /bits/);
});

test('packing by hand: value i of 7 int8 values lands in slot 0 of element i, padding is offset 128', () => {
  const e = packReference([0, 1, -128, 127, 5, 6, -1], INT8); // k = 4 slots of 8 bits
  assert.equal(e.length, 16);
  assert.equal(e[0], 0x80808080n);
  assert.equal(e[1], 0x80808081n);
  assert.equal(e[2], 0x80808000n);
  assert.equal(e[3], 0x808080ffn);
  assert.equal(e[6], 0x8080807fn);
  assert.equal(e[7], 0x80808080n);
  // 113 values: k = 4, M = 32, so value 32 sits in slot 1 of element 0.
  const v = Array.from({ length: 113 }, (_, i) => (i === 32 ? 1 : 0));
  assert.equal(packReference(v, INT8)[0], 0x80808180n);
  // 112 values: k = 7, M = 16, so value 16 sits in slot 1 of element 0 (7 slots of 8 bits).
  const u = Array.from({ length: 112 }, (_, i) => (i === 16 ? 1 : 0));
  assert.equal(packReference(u, INT8)[0], 0x80808080808180n);
});

test('packing is injective: unpack inverts it; out-of-range values are rejected', () => {
  for (const format of [INT8, INT16, UINT8, { bits: 4, signed: true }, { bits: 32, signed: true }, { bits: 31, signed: false }] as PackingFormat[]) {
    const n = randomInt(1, 300);
    const lo = format.signed ? -(2 ** (format.bits - 1)) : 0;
    const values = Array.from({ length: n }, () => lo + Math.floor(Math.random() * 2 ** format.bits));
    const packed = packReference(values, format);
    for (const e of packed) assert.ok(e < 1n << 63n);
    assert.deepEqual(unpackReference(packed, format, n), values, JSON.stringify(format));
  }
  assert.throws(() => packReference([128], INT8), /outside/);
  assert.throws(() => packReference([-129], INT8), /outside/);
  assert.throws(() => packReference([0.5], INT8), /outside/);
});

test('WASM digest equals the scalar reference across formats and lengths', () => {
  const cases: Array<[PackingFormat, number]> = [
    [INT8, 0], [INT8, 1], [INT8, 55], [INT8, 112], [INT8, 113], [INT8, 3000],
    [INT16, 24], [INT16, 25], [INT16, 777], [UINT8, 100], [{ bits: 4, signed: true }, 500],
    [{ bits: 32, signed: true }, 40], [{ bits: 31, signed: false }, 17],
  ];
  for (const [format, n] of cases) {
    const lo = format.signed ? -(2 ** (format.bits - 1)) : 0;
    const values = Array.from({ length: n }, () => lo + Math.floor(Math.random() * 2 ** format.bits));
    const salt = randomSalt();
    const options = { format, purpose: Purpose.modelWeights };
    const expected = digestReference(values, salt, options);
    assert.deepEqual(digest(values, salt, options), expected, `${JSON.stringify(format)} n=${n}`);
    if (format === INT8) assert.deepEqual(digest(Int8Array.from(values), salt, options), expected);
    if (format === INT16) assert.deepEqual(digest(Int16Array.from(values), salt, options), expected);
  }
});

test('digest changes with any value, the count, the salt, the purpose and the format', () => {
  const salt: Salt = [1n, 2n];
  const options = { format: INT8, purpose: Purpose.modelWeights };
  const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 256 - 128);
  const d = digest(values, salt, options);
  const differs = (x: readonly bigint[]) => assert.notDeepEqual(x, d);
  for (const i of [0, 1, 55, 99]) {
    const v = values.slice();
    v[i] = v[i] === 127 ? 126 : v[i] + 1;
    differs(digest(v, salt, options));
  }
  differs(digest([...values, 0], salt, options)); // same packed elements, different count
  differs(digest(values, [1n, 3n], options));
  differs(digest(values, salt, { ...options, purpose: Purpose.attestedInput }));
  differs(digest(values.map((x) => x + 128), salt, { format: UINT8, purpose: Purpose.modelWeights }));
  assert.deepEqual(digest(values, salt, options), d);
  assert.throws(() => digest([...values, 200], salt, options), /value 100 = 200/);
  assert.throws(() => digest(Int16Array.of(1, 2, 300), salt, options), /value 2 = 300/);
  assert.throws(() => digest(values, [1n, F.P], options), /salt/);
});

test('interleaved block order: permutation b absorbs elements b, b + B, …, b + 7B', () => {
  const e = Array.from({ length: 32 }, (_, i) => BigInt(i));
  assert.deepEqual(interleave(e).slice(0, 8), [0n, 4n, 8n, 12n, 16n, 20n, 24n, 28n]);
  assert.deepEqual(interleave(e).slice(8, 16), [1n, 5n, 9n, 13n, 17n, 21n, 25n, 29n]);
  assert.throws(() => interleave(e.slice(1)), /blocks/);
});

test('IV layout and a pinned regression vector (documented in docs/protocol.md (Part 4))', () => {
  const options = { format: INT8, purpose: Purpose.modelWeights };
  assert.equal(domainWord(options), 0x7a6b503201010108n);
  assert.deepEqual(digestIv(options, 10, [5n, 6n]), [0x7a6b503201010108n, 10n, 5n, 6n]);
  const d = digest([-128, -1, 0, 1, 127], [5n, 6n], options);
  assert.deepEqual(d, digestReference([-128, -1, 0, 1, 127], [5n, 6n], options));
  // Computed by this implementation (not independent): guards the digest definition against drift.
  // Computed by this implementation (not independent): guards the digest definition against drift.
  assert.deepEqual(d, [9518528874331672560n, 15598363302047038804n, 2080914168920073313n, 10201344294030623590n]);
});

test('random salts are canonical and distinct', () => {
  const a = randomSalt();
  const b = randomSalt();
  assert.ok(a.every((x) => x < F.P));
  assert.notDeepEqual(a, b);
});
