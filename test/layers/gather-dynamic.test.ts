// GatherDynamic's lookup path (src/verify/plan-gather-dynamic.ts): pairs (idx, out) in the merged
// LogUp against {(k, data[k mod n])}. The table holds exactly the valid keys of the index's proven
// range (negative keys count from the end), padded with keys above that range (so a padding row
// can only match an index the proof's ranges exclude); an honest gather verifies, a wrong value
// and an index past the end (inside the proven range) are rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import { P } from '../../src/field/goldilocks.js';
import { hashPcs } from '../../src/pcs/index.js';
import type { RangeShape } from '../../src/lookup/range.js';
import type { PublicTable } from '../../src/lookup/table.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { ProverSession, VerifierSession, maskedLayout, specOf } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveRanges, verifyRanges, type TableLookupShape } from '../../src/layers/ranges.js';
import { dynamicLookupTable } from '../../src/verify/plan-gather-dynamic.js';

const f = (x: bigint): bigint => (x < 0n ? P + x : x);
const DATA = BigInt64Array.from([5n, -3n, 9n, 0n, 12n, -7n]);

function run(table: PublicTable, xs: bigint[], ys: bigint[], cheat: boolean): () => void {
  const n = 3; // 8 rows
  const x = MaskedPoly.sample(BigUint64Array.from(xs.map(f)), n, 2);
  const y = MaskedPoly.sample(BigUint64Array.from(ys.map(f)), n, 2);
  const z = MaskedPoly.sample(BigUint64Array.from({ length: 8 }, (_, i) => BigInt(i)), n, 2);
  const [xr, yr, zr] = maskedLayout(0, [x, y, z].map(specOf));
  const range: RangeShape = { numVars: n, columns: 1, bits: 8, signed: false, limbBits: 8, valueMaskVars: 2 };
  const look: TableLookupShape = { table, numVars: n, maskVars: 2 };
  const t = new Transcript('test/gather-dynamic');
  const s = new ProverSession(hashPcs, t);
  s.commit([x, y, z].flatMap((p) => p.commitPolys()));
  const proof = proveRanges([range], [[z]], [[zr]], s, t, { unsafeAllowMisses: cheat }, [{ shape: look, x, y, xRef: xr, yRef: yr }]);
  const openings = s.finish();
  const commitments = s.commitments.slice();
  return () => {
    const tv = new Transcript('test/gather-dynamic');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    verifyRanges([range], proof, [[zr]], v, tv, [{ shape: look, xRef: xr, yRef: yr }]);
    v.finish(openings);
  };
}

const gather = (xs: bigint[]): bigint[] => xs.map((k) => DATA[Number(k < 0n ? k + 6n : k)]);

test('GatherDynamic lookup table: the valid keys of the proven range, negative keys from the end, padding above', () => {
  const t = dynamicLookupTable('t', DATA, -2n, 40n);
  const keys = Array.from(t.values(0), (k) => (k > P / 2n ? k - P : k));
  const vals = Array.from(t.values(1), (k) => (k > P / 2n ? k - P : k));
  assert.deepEqual(keys, [-2n, -1n, 0n, 1n, 2n, 3n, 4n, 5n]);
  assert.deepEqual(vals, [12n, -7n, 5n, -3n, 9n, 0n, 12n, -7n]);
  const u = dynamicLookupTable('u', DATA, 0n, 40n);
  assert.deepEqual(Array.from(u.values(0)).slice(6), [41n, 42n], 'padding keys lie above the index bound');
  assert.throws(() => dynamicLookupTable('v', DATA, 6n, 40n), RangeError, 'no valid index');
});

test('GatherDynamic lookup: honest pairs verify; a wrong value and an index past the end are rejected', () => {
  const table = dynamicLookupTable('t', DATA, 0n, 40n);
  const xs = [0n, 5n, 2n, 2n, 4n, 1n, 3n, 0n];
  run(table, xs, gather(xs), false)();
  const wrong = gather(xs);
  wrong[3] += 1n;
  assert.throws(run(table, xs, wrong, true), VerificationError, 'a value that is not data[idx]');
  const past = xs.slice();
  past[1] = 6n; // in the index's proven range [0, 40] but not a position
  assert.throws(run(table, past, [...gather(xs).slice(0, 1), 0n, ...gather(xs).slice(2)], true), VerificationError, 'index past the end');
});
