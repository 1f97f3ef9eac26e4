// Range proofs end to end with the real hiding PCS (src/pcs): completeness, reveal counts,
// fresh commitments per proof, and randomized corruption of serialized proofs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { HashPcs } from '../../src/pcs/index.js';
import { proveRangeStandalone, verifyRangeStandalone } from '../../src/lookup/standalone.js';
import type { RangeShape } from '../../src/lookup/range.js';

const FULL = process.env.ZKINFER_FULL !== undefined;
// range proofs need up to 5 row combinations per commitment (see src/lookup/standalone.ts)
const hashPcs = new HashPcs({ evalMasks: 8 });

function values(n: number, bits: number, signed: boolean): BigUint64Array {
  return BigUint64Array.from({ length: 1 << n }, () => {
    const x = BigInt(Math.floor(Math.random() * 2 ** Math.min(bits, 30))) % (1n << BigInt(bits));
    return signed ? F.fromBigInt(x - (1n << BigInt(bits - 1))) : x;
  });
}

const S: RangeShape = { numVars: 6, columns: 1, bits: 20, signed: true, limbBits: 16, valueMaskVars: 1 };

test('pcs: a range proof verifies with the real PCS', () => {
  const bytes = proveRangeStandalone(hashPcs, S, [values(6, 20, true)], 'ctx');
  verifyRangeStandalone(hashPcs, S, bytes, 'ctx');
  assert.throws(() => verifyRangeStandalone(hashPcs, S, bytes, 'other context'), VerificationError);
});

test('pcs: 62-bit and 8-bit multi-column range proofs verify', () => {
  for (const [columns, bits] of [[2, 62], [3, 8]] as const) {
    const s: RangeShape = { numVars: 4, columns, bits, signed: false, limbBits: 16, valueMaskVars: 1 };
    const vals = Array.from({ length: columns }, () => values(4, bits, false));
    verifyRangeStandalone(hashPcs, s, proveRangeStandalone(hashPcs, s, vals));
  }
});

test('pcs: two proofs of the same values have different commitment roots', () => {
  const v = values(6, 20, true);
  const a = proveRangeStandalone(hashPcs, S, [v]);
  const b = proveRangeStandalone(hashPcs, S, [v]);
  // the first root starts after the u32 count and the u32 blob length
  assert.notDeepEqual(a.slice(8, 40), b.slice(8, 40));
});

test('pcs: a cheating prover with a value outside the range is rejected', () => {
  const v = values(6, 20, true);
  v[9] = 1n << 19n; // one past the signed 20-bit range
  const bytes = proveRangeStandalone(hashPcs, S, [v], '', { unsafeAllowMisses: true });
  assert.throws(() => verifyRangeStandalone(hashPcs, S, bytes), VerificationError);
});

test(`pcs: ${FULL ? 1000 : 120} randomly corrupted proofs are all rejected`, () => {
  const small: RangeShape = { numVars: 3, columns: 1, bits: 12, signed: false, limbBits: 8, valueMaskVars: 1 };
  const bytes = proveRangeStandalone(hashPcs, small, [values(3, 12, false)]);
  verifyRangeStandalone(hashPcs, small, bytes);
  const count = FULL ? 1000 : 120;
  let format = 0;
  let verification = 0;
  for (let i = 0; i < count; i++) {
    const bad = bytes.slice();
    const flips = 1 + Math.floor(Math.random() * 3);
    for (let f = 0; f < flips; f++) bad[Math.floor(Math.random() * bad.length)] ^= 1 << Math.floor(Math.random() * 8);
    if (i % 10 === 9) {
      // truncations and trailing bytes too
      const cut = Math.floor(Math.random() * bytes.length);
      const t = i % 20 === 9 ? bytes.slice(0, cut) : new Uint8Array([...bytes, 0]);
      assert.throws(() => verifyRangeStandalone(hashPcs, small, t), (e) => e instanceof FormatError || e instanceof VerificationError);
      format++;
      continue;
    }
    assert.throws(
      () => verifyRangeStandalone(hashPcs, small, bad),
      (e: unknown) => {
        if (e instanceof FormatError) format++;
        else if (e instanceof VerificationError) verification++;
        else return false;
        return true;
      },
      `corruption ${i} accepted`,
    );
  }
  assert.equal(format + verification, count);
});
