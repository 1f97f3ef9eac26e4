import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { paddedTable } from '../../src/layers/tensor.js';
import { P } from '../../src/field/goldilocks.js';
import { hashPcs } from '../../src/pcs/index.js';
import { explicitTable, signedRangeTable } from '../../src/lookup/table.js';
import { evaluate } from '../../src/poly/mle.js';
import type { RangeShape } from '../../src/lookup/range.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { ProverSession, VerifierSession, maskedLayout, specOf } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveRanges, rangeCommitmentSizes, verifyRanges, type TableLookupShape } from '../../src/layers/ranges.js';

const f = (x: bigint): bigint => (x < 0n ? P + x : x);
const N = 4; // 16 rows

/** ReLU on [−8, 8): keys −8 … 7, values max(0, k). */
const relu = explicitTable('relu16', [BigUint64Array.from({ length: 16 }, (_, j) => f(BigInt(j - 8))), BigUint64Array.from({ length: 16 }, (_, j) => BigInt(Math.max(0, j - 8)))]);

function run(xs: bigint[], ys: bigint[], cheat: boolean): () => void {
  const x = MaskedPoly.sample(BigUint64Array.from(xs.map(f)), N, 2);
  const y = MaskedPoly.sample(BigUint64Array.from(ys.map(f)), N, 2);
  const z = MaskedPoly.sample(BigUint64Array.from({ length: 16 }, (_, i) => BigInt(i * 100)), N, 2);
  const [xr, yr, zr] = maskedLayout(0, [x, y, z].map(specOf));
  const range: RangeShape = { numVars: N, columns: 1, bits: 12, signed: false, limbBits: 8, valueMaskVars: 2 };
  const look: TableLookupShape = { table: relu, numVars: N, maskVars: 2 };
  const t = new Transcript('test/lookups');
  const s = new ProverSession(hashPcs, t);
  s.commit([x, y, z].flatMap((p) => p.commitPolys()));
  const proof = proveRanges([range], [[z]], [[zr]], s, t, { unsafeAllowMisses: cheat }, [{ shape: look, x, y, xRef: xr, yRef: yr }]);
  const openings = s.finish();
  const commitments = s.commitments.slice();
  assert.deepEqual(commitments.slice(1).map((c) => c.sizes), rangeCommitmentSizes([range], [look]));
  return () => {
    const tv = new Transcript('test/lookups');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    verifyRanges([range], proof, [[zr]], v, tv, [{ shape: look, xRef: xr, yRef: yr }]);
    v.finish(openings);
  };
}

test('merged LogUp: range checks and a table lookup together; a pair outside the table is rejected', () => {
  const xs = Array.from({ length: 16 }, () => BigInt(Math.floor(Math.random() * 16) - 8));
  const ys = xs.map((v) => (v > 0n ? v : 0n));
  run(xs, ys, false)();
  const bad = ys.slice();
  bad[5] = bad[5] + 1n; // not ReLU(x) any more
  assert.throws(() => run(xs, bad, false), /./, 'the honest prover refuses');
  assert.throws(run(xs, bad, true), VerificationError);
});

test('merged LogUp with a row indicator: the padding of a 3×5 tensor is not looked up; a real row outside the table is rejected', () => {
  // sigmoid-like table on [−8, 8): maps 0 to 5, so the zero padding (0, 0) is not a row
  const table = explicitTable('shift16', [BigUint64Array.from({ length: 16 }, (_, j) => f(BigInt(j - 8))), BigUint64Array.from({ length: 16 }, (_, j) => BigInt(j - 8 + 5 + 8))]);
  const dims = [3, 5];
  const prove = (xs: bigint[], ys: bigint[], cheat: boolean) => {
    const pad = (v: bigint[]) => paddedTable(BigInt64Array.from(v), dims);
    const x = MaskedPoly.sample(pad(xs), 5, 2);
    const y = MaskedPoly.sample(pad(ys), 5, 2);
    const z = MaskedPoly.sample(BigUint64Array.from({ length: 32 }, (_, i) => BigInt(i)), 5, 2);
    const [xr, yr, zr] = maskedLayout(0, [x, y, z].map(specOf));
    const range: RangeShape = { numVars: 5, columns: 1, bits: 8, signed: false, limbBits: 8, valueMaskVars: 2 };
    const look: TableLookupShape = { table, numVars: 5, maskVars: 2, dims };
    const t = new Transcript('test/lookups/rows');
    const s = new ProverSession(hashPcs, t);
    s.commit([x, y, z].flatMap((p) => p.commitPolys()));
    const proof = proveRanges([range], [[z]], [[zr]], s, t, { unsafeAllowMisses: cheat }, [{ shape: look, x, y, xRef: xr, yRef: yr }]);
    const openings = s.finish();
    const commitments = s.commitments.slice();
    return (shape: TableLookupShape = look) => {
      const tv = new Transcript('test/lookups/rows');
      const v = new VerifierSession(hashPcs, tv, commitments);
      v.receive();
      verifyRanges([range], proof, [[zr]], v, tv, [{ shape, xRef: xr, yRef: yr }]);
      v.finish(openings);
    };
  };
  const xs = Array.from({ length: 15 }, () => BigInt(Math.floor(Math.random() * 16) - 8));
  const ys = xs.map((v) => v + 13n);
  const ok = prove(xs, ys, false);
  ok();
  // without the indicator the same proof does not verify (the padding rows would count)
  assert.throws(() => ok({ table, numVars: 5, maskVars: 2 }), (e: unknown) => e instanceof VerificationError || e instanceof FormatError || e instanceof RangeError);
  const bad = ys.slice();
  bad[14] += 1n; // the last REAL entry
  assert.throws(prove(xs, bad, true), VerificationError);
});

/** A direct signed range check (the column itself looked up, no limbs) beside a limb check, merged. */
function runDirect(values: bigint[], cheat: boolean): () => void {
  const d = MaskedPoly.sample(BigUint64Array.from(values.map(f)), N, 2);
  const z = MaskedPoly.sample(BigUint64Array.from({ length: 16 }, (_, i) => BigInt(i * 100)), N, 2);
  const [dr, zr] = maskedLayout(0, [d, z].map(specOf));
  const direct: RangeShape = { numVars: N, columns: 1, bits: 4, signed: true, limbBits: 4, valueMaskVars: 2, direct: true };
  const limbs: RangeShape = { numVars: N, columns: 1, bits: 12, signed: false, limbBits: 8, valueMaskVars: 2 };
  const t = new Transcript('test/direct');
  const s = new ProverSession(hashPcs, t);
  s.commit([d, z].flatMap((p) => p.commitPolys()));
  const proof = proveRanges([direct, limbs], [[d], [z]], [[dr], [zr]], s, t, { unsafeAllowMisses: cheat });
  const openings = s.finish();
  const commitments = s.commitments.slice();
  // the direct check commits nothing: only z's two limbs are in the limb commitment
  assert.deepEqual(commitments.slice(1).map((c) => c.sizes), rangeCommitmentSizes([direct, limbs]));
  assert.equal(commitments[1].sizes.filter((n) => n === 16).length, 2);
  return () => {
    const tv = new Transcript('test/direct');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    verifyRanges([direct, limbs], proof, [[dr], [zr]], v, tv);
    v.finish(openings);
  };
}

test('direct signed range check: every value of [−8, 8) (−1 and −8 included) passes; 8 and −9 are rejected', () => {
  runDirect(Array.from({ length: 16 }, (_, i) => BigInt(i - 8)), false)();
  for (const bad of [8n, -9n, 1n << 40n]) {
    const values = Array.from({ length: 16 }, (_, i) => BigInt((i % 16) - 8));
    values[3] = bad;
    assert.throws(() => runDirect(values, false), /not in table/, 'the honest prover refuses');
    assert.throws(runDirect(values, true), VerificationError);
  }
});

test('signed range table: entries −2^(k−1) … 2^(k−1) − 1, its MLE in closed form, keys found by value', () => {
  const table = signedRangeTable(5);
  const values = table.values(0);
  assert.equal(values.length, 32);
  assert.equal(values[0], f(-16n));
  assert.equal(values[31], 15n);
  const point = Array.from({ length: 5 }, (_, i): [bigint, bigint] => [BigInt(1000 + 17 * i), BigInt(3 + i)]);
  assert.deepEqual(table.evaluate(0, point), evaluate(values, point));
  assert.equal(table.indexOf(f(-16n)), 0);
  assert.equal(table.indexOf(f(-1n)), 15);
  assert.equal(table.indexOf(15n), 31);
  assert.equal(table.indexOf(16n), -1);
  assert.equal(table.indexOf(f(-17n)), -1);
});
