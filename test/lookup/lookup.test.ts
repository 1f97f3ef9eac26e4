// LogUp lookups and range checks: completeness (claims checked on the committed vectors) and
// soundness against cheating provers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { maskedLayout, specOf } from '../../src/sumcheck/session.js';
import { proveRange, verifyRange, type RangeShape } from '../../src/lookup/range.js';
import { proveLookups, verifyLookups, type LookupShape, type LookupProveOptions } from '../../src/lookup/logup.js';
import { explicitTable } from '../../src/lookup/table.js';
import { RecordingPort, allClaimsHold } from './port.js';

const FULL = process.env.ZKINFER_FULL !== undefined;

function randomInRange(n: number, bits: number, signed: boolean): BigUint64Array {
  return BigUint64Array.from({ length: n }, () => {
    let x = 0n;
    for (let b = 0; b < bits; b += 16) x |= BigInt(Math.floor(Math.random() * 65536)) << BigInt(b);
    x &= (1n << BigInt(bits)) - 1n;
    return signed ? F.fromBigInt(x - (1n << BigInt(bits - 1))) : x;
  });
}

/** Runs a range check end to end; returns whether the verifier accepted and the openings held. */
function rangeRun(s: RangeShape, values: BigUint64Array[], options: LookupProveOptions = {}, tamper?: (p: ReturnType<typeof proveRange>) => ReturnType<typeof proveRange>) {
  const polys = values.map((v) => MaskedPoly.sample(v, s.numVars, s.valueMaskVars));
  const pt = new Transcript('range-test');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(polys.flatMap((p) => p.commitPolys()));
  const refs = maskedLayout(c0, polys.map(specOf));
  let proof = proveRange(s, polys, refs, pp, pt, options);
  if (tamper) proof = tamper(proof);
  const vt = new Transcript('range-test');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  verifyRange(s, proof, refs, vp, vt);
  return { openingsHold: allClaimsHold(pp, vp), polys };
}

const shapes: [number, number, boolean, number][] = FULL
  ? [[4, 8, false, 16], [10, 16, false, 16], [8, 20, true, 16], [6, 32, false, 16], [5, 62, true, 16], [12, 40, false, 16], [16, 24, false, 12]]
  : [[4, 8, false, 16], [6, 16, false, 16], [5, 20, true, 16], [3, 33, false, 16], [3, 62, true, 16], [4, 20, false, 8]];
for (const [numVars, bits, signed, limbBits] of shapes) {
  test(`range: 2^${numVars} values in ${signed ? 'signed ' : ''}${bits} bits, ${limbBits}-bit limbs`, () => {
    const s: RangeShape = { numVars, columns: 2, bits, signed, limbBits, valueMaskVars: 1 };
    const values = [randomInRange(1 << numVars, bits, signed), randomInRange(1 << numVars, bits, signed)];
    // the range's extremes are in range
    values[0][0] = signed ? F.fromBigInt(-(1n << BigInt(bits - 1))) : 0n;
    values[0][1] = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    const { openingsHold, polys } = rangeRun(s, values);
    assert.ok(openingsHold, 'every claim holds on the committed vectors');
    assert.equal(polys[0].reveals, 1, 'each value column revealed once');
  });
}

test('range: the honest prover refuses a value at 2^k', () => {
  const s: RangeShape = { numVars: 3, columns: 1, bits: 20, signed: false, limbBits: 16, valueMaskVars: 1 };
  const v = randomInRange(8, 20, false);
  v[5] = 1n << 20n;
  assert.throws(() => rangeRun(s, [v]), /outside/);
});

for (const [bits, signed] of [[20, false], [16, false], [20, true], [62, false]] as const) {
  test(`range sound: a cheating prover with a value at the range's end (${signed ? 'signed ' : ''}${bits} bits) is rejected`, () => {
    const s: RangeShape = { numVars: 3, columns: 1, bits, signed, limbBits: 16, valueMaskVars: 1 };
    const v = randomInRange(8, bits, signed);
    v[3] = signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits); // one past the top
    assert.throws(() => rangeRun(s, [v], { unsafeAllowMisses: true }), VerificationError);
    const w = randomInRange(8, bits, signed);
    w[6] = signed ? F.fromBigInt(-(1n << BigInt(bits - 1)) - 1n) : F.P - 1n; // one below the bottom
    assert.throws(() => rangeRun(s, [w], { unsafeAllowMisses: true }), VerificationError);
  });
}

test('range sound: a wrong multiplicity is rejected', () => {
  const s: RangeShape = { numVars: 4, columns: 1, bits: 20, signed: false, limbBits: 16, valueMaskVars: 1 };
  const v = randomInRange(16, 20, false);
  for (const r of [0, 1]) {
    const tamper = (rel: number, m: BigUint64Array) => {
      if (rel !== r) return m;
      const out = m.slice();
      const j = out.findIndex((x) => x > 0n);
      out[j] -= 1n;
      out[(j + 1) % out.length] += 1n; // same total, one count moved
      return out;
    };
    assert.throws(() => rangeRun(s, [v], { unsafeTamperMultiplicities: tamper }), VerificationError);
  }
});

// A function table: (x, x^2 mod 2^16) for x in [0, 2^8), looked up as tuples.
function squareTable() {
  const xs = BigUint64Array.from({ length: 256 }, (_, i) => BigInt(i));
  const ys = xs.map((x) => (x * x) % 65536n);
  return { table: explicitTable('square8', [xs, ys]), xs, ys };
}

function tupleRun(n: number, tamper: (x: BigUint64Array, y: BigUint64Array) => void, options: LookupProveOptions = {}) {
  const { table } = squareTable();
  const x = BigUint64Array.from({ length: 1 << n }, () => BigInt(Math.floor(Math.random() * 256)));
  const y = x.map((v) => (v * v) % 65536n);
  tamper(x, y);
  const shape: LookupShape = { relations: [{ table, columns: [{ numVars: n, components: 2, maskVars: 1 }] }], extras: [], checks: [] };
  const polys = [MaskedPoly.sample(x, n, 1), MaskedPoly.sample(y, n, 1)];
  const pt = new Transcript('tuple-test');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(polys.flatMap((p) => p.commitPolys()));
  const refs = maskedLayout(c0, polys.map(specOf));
  const proof = proveLookups(shape, { columns: [[polys]], extras: [] }, { columns: [[refs]], extras: [] }, pp, pt, options);
  const vt = new Transcript('tuple-test');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  verifyLookups(shape, proof, { columns: [[refs]], extras: [] }, vp, vt);
  return allClaimsHold(pp, vp);
}

test('lookup: tuples (x, x² mod 2^16) into a function table', () => {
  assert.ok(tupleRun(FULL ? 14 : 9, () => {}));
});

test('lookup sound: a tuple with the wrong f(x) (a table miss by one element) is rejected', () => {
  assert.throws(() => tupleRun(6, (x, y) => void (y[7] = (y[7] + 1n) % 65536n)), /not in table/);
  assert.throws(() => tupleRun(6, (x, y) => void (y[7] = (y[7] + 1n) % 65536n), { unsafeAllowMisses: true }), VerificationError);
  assert.throws(() => tupleRun(6, (x) => void (x[2] = 256n), { unsafeAllowMisses: true }), VerificationError);
});
