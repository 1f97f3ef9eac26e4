// Every check of the canonical byte reader (src/encoding/bytes.ts) that the proof and key
// decoders rely on: each malformed input is refused with a FormatError naming the fault, and the
// same bytes without the fault decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P } from '../../src/field/goldilocks.js';
import { ByteReader, ByteWriter } from '../../src/encoding/bytes.js';
import { FormatError } from '../../src/encoding/errors.js';

const format = (re: RegExp) => (e: unknown): boolean => e instanceof FormatError && re.test(e.message);

function u64le(x: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, x, true);
  return b;
}

test('reader: truncated u8, u32, u64, bytes and words are refused (need)', () => {
  const bytes = new ByteWriter().u8(7).u32(9).u64(11n).bytes(Uint8Array.of(1, 2, 3)).words(BigUint64Array.of(5n, 6n)).finish();
  const r = new ByteReader(bytes, 'x');
  assert.equal(r.u8(), 7);
  assert.equal(r.u32(), 9);
  assert.equal(r.u64(), 11n);
  assert.deepEqual(r.bytes(3), Uint8Array.of(1, 2, 3));
  assert.deepEqual(r.words(2), BigUint64Array.of(5n, 6n));
  r.end();
  assert.throws(() => new ByteReader(new Uint8Array(0), 'x').u8('the tag'), format(/x: truncated while reading the tag at byte 0/));
  assert.throws(() => new ByteReader(new Uint8Array(3), 'x').u32(), format(/truncated/));
  assert.throws(() => new ByteReader(new Uint8Array(7), 'x').u64(), format(/truncated/));
  assert.throws(() => new ByteReader(new Uint8Array(2), 'x').bytes(3), format(/truncated/));
  assert.throws(() => new ByteReader(new Uint8Array(15), 'x').words(2), format(/truncated/));
  // a blob whose length prefix runs past the end
  assert.throws(() => new ByteReader(new ByteWriter().u32(5).bytes(new Uint8Array(4)).finish(), 'x').blob(100), format(/truncated/));
});

test('reader: a count or blob length above its bound is refused before anything is allocated (count)', () => {
  const bytes = new ByteWriter().u32(17).finish();
  assert.equal(new ByteReader(bytes, 'x').count(17), 17);
  assert.throws(() => new ByteReader(bytes, 'x').count(16, 'rows'), format(/x: rows is 17, more than the allowed 16/));
  const blob = new ByteWriter().blob(new Uint8Array(65)).finish();
  assert.equal(new ByteReader(blob, 'x').blob(65).length, 65);
  assert.throws(() => new ByteReader(blob, 'x').blob(64, 'root'), format(/root length is 65, more than the allowed 64/));
});

test('reader: a field element ≥ p is refused, base and extension (base)', () => {
  for (const ok of [0n, 1n, P - 1n]) assert.equal(new ByteReader(u64le(ok), 'x').base(), ok);
  for (const bad of [P, P + 1n, (1n << 64n) - 1n]) {
    assert.throws(() => new ByteReader(u64le(bad), 'x').base('s_0(2)'), format(/x: s_0\(2\) is not a canonical field element/), `${bad}`);
  }
  // either half of an extension element
  assert.throws(() => new ByteReader(Uint8Array.from([...u64le(P), ...u64le(0n)]), 'x').ext(), format(/not a canonical/));
  assert.throws(() => new ByteReader(Uint8Array.from([...u64le(0n), ...u64le(P)]), 'x').ext(), format(/not a canonical/));
});

test('reader: a vector with one word ≥ p is refused, naming its byte (words)', () => {
  const good = [1n, P - 1n, 2n, 0n];
  assert.deepEqual(new ByteReader(Uint8Array.from(good.flatMap((x) => [...u64le(x)])), 'x').words(4), BigUint64Array.from(good));
  for (const i of [0, 2, 3]) {
    const bad = good.slice();
    bad[i] = i === 2 ? (1n << 64n) - 1n : P;
    const bytes = Uint8Array.from(bad.flatMap((x) => [...u64le(x)]));
    assert.throws(() => new ByteReader(bytes, 'x').words(4), format(new RegExp(`not a canonical field element \\(at byte ${8 * i}\\)`)), `word ${i}`);
  }
});

test('reader: trailing bytes are refused (end)', () => {
  const bytes = new ByteWriter().u32(1).finish();
  const r = new ByteReader(bytes, 'x');
  r.u32();
  r.end();
  const extra = new ByteReader(Uint8Array.from([...bytes, 0]), 'x');
  extra.u32();
  assert.throws(() => extra.end(), format(/x: 1 trailing bytes/));
});

test('reader: a string that is not UTF-8 is refused with a FormatError (string)', () => {
  assert.equal(new ByteReader(new ByteWriter().string('relu→6').finish(), 'x').string(64), 'relu→6');
  // a lone continuation byte and a truncated 3-byte sequence
  for (const body of [[0x61, 0x80], [0xe2, 0x86]]) {
    const bytes = new ByteWriter().blob(Uint8Array.from(body)).finish();
    assert.throws(() => new ByteReader(bytes, 'x').string(64, 'node name'), format(/x: node name is not valid UTF-8/));
  }
});
