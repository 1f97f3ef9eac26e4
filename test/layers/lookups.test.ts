import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import { P } from '../../src/field/goldilocks.js';
import { hashPcs } from '../../src/pcs/index.js';
import { explicitTable } from '../../src/lookup/table.js';
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
