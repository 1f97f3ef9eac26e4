import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { HashPcs } from '../../src/pcs/index.js';

// The digest proof's mask commitment (1,440 tiny layer-mask vectors, 31 Libra masks) is opened at
// up to ~40–60 distinct row combinations; the default 4 evaluation masks are not enough.
const hashPcs = new HashPcs({ evalMasks: 64 });
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import * as F from '../../src/field/goldilocks.js';
import { digest, Purpose, randomSalt } from '../../src/hash/digest.js';
import { INT8, INT16, type PackingFormat } from '../../src/hash/packing.js';
import { proveDigestStandalone, verifyDigestStandalone } from '../../src/hash/digest-standalone.js';

const rejected = (e: unknown) => e instanceof VerificationError || e instanceof FormatError;

function randomValues(n: number, format: PackingFormat): Int32Array {
  const lo = format.signed ? -(2 ** (format.bits - 1)) : 0;
  return Int32Array.from({ length: n }, () => lo + randomInt(0, 2 ** format.bits));
}

test('bundle: commit V, range-check it, prove its digest, open every commitment once; verifies', () => {
  for (const [format, n] of [[INT8, 300], [INT16, 600]] as Array<[PackingFormat, number]>) {
    const values = randomValues(n, format);
    const salt = randomSalt();
    const options = { format, purpose: Purpose.attestedInput };
    const { digest: d, statement, bytes } = proveDigestStandalone(hashPcs, values, salt, options, 'ctx');
    assert.deepEqual(d, digest(values, salt, options));
    verifyDigestStandalone(hashPcs, statement, bytes, 'ctx');
    assert.throws(() => verifyDigestStandalone(hashPcs, statement, bytes, 'other verifier'), rejected);
    assert.throws(() => verifyDigestStandalone(hashPcs, { ...statement, digest: [F.add(d[0], 1n), d[1], d[2], d[3]] }, bytes, 'ctx'), rejected);
    assert.throws(() => verifyDigestStandalone(hashPcs, { ...statement, options: { ...options, purpose: Purpose.modelWeights } }, bytes, 'ctx'), rejected);
  }
});

test('bundle: two proofs of the same values have different commitment roots (fresh commitments)', () => {
  const values = randomValues(100, INT8);
  const salt = randomSalt();
  const a = proveDigestStandalone(hashPcs, values, salt, { format: INT8, purpose: Purpose.modelWeights });
  const b = proveDigestStandalone(hashPcs, values, salt, { format: INT8, purpose: Purpose.modelWeights });
  assert.deepEqual(a.digest, b.digest);
  // Bytes 1..5 are the version and count; the first root follows its length.
  assert.notDeepEqual(a.bytes.subarray(0, 64), b.bytes.subarray(0, 64));
});

test('bundle: random single-byte corruptions are rejected', () => {
  const values = randomValues(100, INT8);
  const { statement, bytes } = proveDigestStandalone(hashPcs, values, randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
  const trials = process.env.ZKINFER_FULL ? 1000 : 60;
  for (let t = 0; t < trials; t++) {
    const bad = bytes.slice();
    const pos = randomInt(0, bad.length);
    bad[pos] ^= randomInt(1, 256);
    assert.throws(() => verifyDigestStandalone(hashPcs, statement, bad), rejected, `byte ${pos}`);
  }
});

test('bundle: a carry between packing slots (same packed elements) is rejected by the range check', () => {
  const values = randomValues(300, INT8);
  const options = { format: INT8, purpose: Purpose.modelWeights };
  const M = 64; // 300 int8 values: ⌈300/7⌉ = 43 → 64 packed elements
  const { statement, bytes } = proveDigestStandalone(hashPcs, values, randomSalt(), options, '', {
    unsafeTamperValues: (V) => {
      V[5] = F.add(V[5], 256n);
      V[M + 5] = F.sub(V[M + 5], 1n);
      return V;
    },
  });
  assert.throws(() => verifyDigestStandalone(hashPcs, statement, bytes), VerificationError);
  // Control: the same cheating path with V left alone verifies.
  const control = proveDigestStandalone(hashPcs, values, randomSalt(), options, '', { unsafeTamperValues: (V) => V });
  verifyDigestStandalone(hashPcs, control.statement, control.bytes);
});
