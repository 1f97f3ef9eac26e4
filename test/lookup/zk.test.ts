// Zero-knowledge tests of LogUp range checks (ZK-NOTES "Tests that catch leaks"); they
// complement the simulator argument in docs/protocol.md (Part 3).
//
// Brute force: a 4-row column whose first entry is a private 8-bit value s (the statement
// "every entry is in [0, 256)" is the same for every s). For each candidate c we recompute,
// at the proof's own challenges, every quantity an unmasked LogUp would reveal — v(r), the
// limb(r), m(r), h(r), q(r) at the sumcheck point and the witness-side sum Σ 1/(α − v_i) —
// and assert that no revealed field element equals any of them.
//
// Distribution: two different private columns with the same public statement, many proofs
// each. Every revealed field element position (both coordinates) must look uniform (χ² on
// the top 4 bits, 16 buckets) for each witness, and the two witnesses' histograms must agree
// (2×16 χ² homogeneity). This catches structured leaks (a mask left in F_p, an unmasked small
// value, a constant); it cannot by itself see a leak that only shows relative to the
// challenges — that is what the brute-force test is for.
import { test } from 'node:test';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { maskedLayout, specOf } from '../../src/sumcheck/session.js';
import { proveRange, verifyRange, serializeRangeProof, type RangeShape } from '../../src/lookup/range.js';
import { RecordingPort } from './port.js';
import { mle } from '../sumcheck/helpers.js';
import { assertNoCandidateMatches, assertUniformAndWitnessIndependent, secretColumn as column } from './zk-scaffold.js';

const FULL = process.env.ZKINFER_FULL !== undefined;
const S: RangeShape = { numVars: 2, columns: 1, bits: 8, signed: false, limbBits: 8, valueMaskVars: 1 };

interface Run {
  proofBytes: Uint8Array;
  revealed: Fp2[];
  point: readonly Fp2[];
  alpha: Fp2;
}

function run(secret: bigint): Run {
  const v = MaskedPoly.sample(column(secret), S.numVars, S.valueMaskVars);
  const pt = new Transcript('zk-range');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(v.commitPolys());
  const refs = maskedLayout(c0, [specOf(v)]);
  const proof = proveRange(S, [v], refs, pp, pt);
  const vt = new Transcript('zk-range');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  verifyRange(S, proof, refs, vp, vt);
  // the sumcheck point and α, replayed from the claims the verifier produced
  const claims = vp.claims.flat();
  // m and q are claimed at the table-size point (8 coordinates), which starts with the column's
  const point = claims.find((c) => 'point' in c.terms[0] && c.terms[0].point.length === 8)!.terms[0] as { point: readonly Fp2[] };
  const sc = proof.lookup.sumcheck;
  const revealed = [sc.maskSum!, ...sc.rounds.flat(), ...sc.values, sc.maskValue!];
  // α is the first challenge after the multiplicity commitment: replay the verifier's transcript
  const at = new Transcript('zk-range');
  const ap = new RecordingPort(at, pp.digests);
  ap.commit(null); // the value column
  ap.commit(null); // limbs
  ap.commit(null); // multiplicities and g
  const alpha = at.challengeExt('logup/alpha');
  return { proofBytes: serializeRangeProof(proof), revealed, point: point.point, alpha };
}

function unmaskedQuantities(c: bigint, point: readonly Fp2[], alpha: Fp2): Fp2[] {
  const col = column(c);
  const r = point.slice(0, S.numVars);
  const out: Fp2[] = [mle(col, S.numVars, r)]; // v(r) = limb(r) for one 8-bit limb
  const m = new BigUint64Array(256);
  col.forEach((x) => m[Number(x)]++);
  out.push(mle(m, 8, point));
  const qv = new BigUint64Array(512);
  m.forEach((x, j) => {
    if (x === 0n) return;
    const q = E.mulBase(E.inv(E.sub(alpha, [BigInt(j), 0n])), x);
    qv[2 * j] = q[0];
    qv[2 * j + 1] = q[1];
  });
  out.push(mle(qv, 8, point));
  const h = Array.from(col, (x) => E.inv(E.sub(alpha, [x, 0n])));
  const hv = new BigUint64Array(8);
  h.forEach((x, i) => ((hv[2 * i] = x[0]), (hv[2 * i + 1] = x[1])));
  out.push(mle(hv, S.numVars, r));
  out.push(h.reduce((a, b) => E.add(a, b), E.ZERO)); // Σ 1/(α − v_i): determines s if revealed
  return out;
}

test('zk brute force (range check): no candidate value matches a revealed element', () => {
  for (const secret of [0n, 128n, 255n]) {
    const r = run(secret);
    assertNoCandidateMatches(r.revealed, (c) => unmaskedQuantities(c, r.point, r.alpha), secret);
  }
});

test('zk distribution (range check): revealed elements uniform and independent of the witness', () => {
  // 15 degrees of freedom: P(χ² > 60) ≈ 2e-7 per test, so a few hundred tests stay below 1e-4.
  assertUniformAndWitnessIndependent((secret) => run(secret).proofBytes, [3n, 250n], FULL ? 400 : 120, 60);
});
