// Zero-knowledge tests of LogUp-GKR (ZK-NOTES "Tests that catch leaks", row 6); they complement
// the simulator argument in docs/protocol.md (Part 3 §3b).
//
// Brute force: a 4-row column whose first entry is a private 8-bit value s, looked up in
// [0, 256) (the statement is the same for every s). For each candidate c we rebuild the whole
// fraction tree with c at the proof's own challenges (α, every layer's point and λ) and
// recompute every value an unmasked LogUp-GKR would reveal — per layer the four halves L_p, R_p,
// L_q, R_q and the combined L_p + λL_q at the layer's point, the root's p_1(r_0), q_1(1 − r_0)
// and the four layer-1 fractions, the column's and the multiplicities' values at the link
// point, and the witness-side sum Σ 1/(α − v_i) — and assert that no revealed field element
// equals any of them. Control: the same prover with every mask zero must single out the secret
// (it matches more of the secret's quantities than of any other candidate's), which shows the
// test can fail.
//
// Distribution: two private columns with the same statement, many proofs each; every revealed
// word position must look uniform (χ² on the top 4 bits) for each witness and the two
// witnesses' histograms must agree (2×16 homogeneity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { ByteWriter } from '../../src/encoding/bytes.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { mleEvalSmall } from '../../src/sumcheck/poly.js';
import { maskedLayout, specOf } from '../../src/sumcheck/session.js';
import type { LookupShape } from '../../src/lookup/logup.js';
import { proveLookupsGkr, verifyLookupsGkr, writeLookupGkrProof, type LookupGkrChallenges, type LookupGkrProof } from '../../src/lookup/logup-gkr.js';
import { rangeTable } from '../../src/lookup/table.js';
import { RecordingPort } from './port.js';
import { assertNoCandidateMatches, assertUniformAndWitnessIndependent, matchCount, revealedSet, secretColumn as column } from './zk-scaffold.js';

const FULL = process.env.ZKINFER_FULL !== undefined;
const SHAPE: LookupShape = { relations: [{ table: rangeTable(8), columns: [{ numVars: 2, components: 1, maskVars: 1 }] }], extras: [], checks: [] };
const D = 9; // 256 table leaves at offset 0, the 4 column leaves at 256, zero fractions up to 512

interface Run {
  proof: LookupGkrProof;
  bytes: Uint8Array;
  revealed: Fp2[];
  ch: LookupGkrChallenges;
}

function run(secret: bigint, zeroMasks = false): Run {
  const values = column(secret);
  const v = zeroMasks ? new MaskedPoly(values, 2, 1, new BigUint64Array(4)) : MaskedPoly.sample(values, 2, 1);
  const pt = new Transcript('zk-gkr');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(v.commitPolys());
  const refs = { columns: [[maskedLayout(c0, [specOf(v)])]], extras: [] };
  const proof = proveLookupsGkr(SHAPE, { columns: [[[v]]], extras: [] }, refs, pp, pt, { unsafeZeroMasks: zeroMasks });
  const vt = new Transcript('zk-gkr');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  const ch = verifyLookupsGkr(SHAPE, proof, refs, vp, vt);
  const revealed = proof.sumchecks.flatMap((s) => [s.maskSum!, ...s.rounds.flat(), ...s.values, s.maskValue!]);
  const w = new ByteWriter();
  writeLookupGkrProof(w, proof);
  return { proof, bytes: w.finish(), revealed, ch };
}

/** Every quantity an unmasked LogUp-GKR would reveal, for the candidate column c. */
function unmaskedQuantities(c: bigint, ch: LookupGkrChallenges): Fp2[] {
  const alpha = ch.alphas[0];
  const col = column(c);
  const m = new Array<bigint>(256).fill(0n);
  col.forEach((x) => m[Number(x)]++);
  // leaves
  let p: Fp2[] = Array.from({ length: 1 << D }, () => E.ZERO);
  let q: Fp2[] = Array.from({ length: 1 << D }, () => E.ONE);
  for (let j = 0; j < 256; j++) {
    p[j] = E.fromBase(F.neg(m[j]));
    q[j] = E.sub(alpha, E.fromBase(BigInt(j)));
  }
  col.forEach((x, i) => {
    p[256 + i] = E.ONE;
    q[256 + i] = E.sub(alpha, E.fromBase(x));
  });
  const out: Fp2[] = [];
  const link = ch.points[D];
  out.push(mleEvalSmall(Array.from(col, (x) => E.fromBase(x)), link.slice(0, 2)));
  out.push(mleEvalSmall(m.map((x) => E.fromBase(x)), link.slice(0, 8)));
  out.push(Array.from(col, (x) => E.inv(E.sub(alpha, E.fromBase(x)))).reduce((a, b) => E.add(a, b), E.ZERO));
  // layers J = D − 1 … 1: halves of layer J + 1 at the layer's point
  for (let J = D - 1; J >= 1; J--) {
    const half = 1 << J;
    const [Lp, Rp, Lq, Rq] = [p.slice(0, half), p.slice(half), q.slice(0, half), q.slice(half)];
    const r = ch.points[J];
    const vals = [Lp, Rp, Lq, Rq].map((t) => mleEvalSmall(t, r));
    out.push(...vals, E.add(vals[0], E.mul(ch.lambdas[J - 1], vals[2])));
    p = Lp.map((_, i) => E.add(E.mul(Lp[i], Rq[i]), E.mul(Rp[i], Lq[i])));
    q = Lq.map((_, i) => E.mul(Lq[i], Rq[i]));
  }
  // root: layer 1
  const r0 = ch.points[0][0];
  out.push(...p, ...q, mleEvalSmall(p, [r0]), mleEvalSmall(q, [E.sub(E.ONE, r0)]));
  return out;
}

test('zk brute force (LogUp-GKR): no candidate value matches a revealed element', () => {
  for (const secret of FULL ? [0n, 17n, 128n, 255n] : [5n, 200n]) {
    const r = run(secret);
    assertNoCandidateMatches(r.revealed, (c) => unmaskedQuantities(c, r.ch), secret);
  }
});

test('zk brute force control (LogUp-GKR): with every mask zero the secret is singled out', () => {
  const secret = 77n;
  const r = run(secret, true);
  const seen = revealedSet(r.revealed);
  const own = matchCount(seen, unmaskedQuantities(secret, r.ch));
  assert.ok(own > 0);
  for (let c = 0n; c < 256n; c++) if (c !== secret) assert.ok(matchCount(seen, unmaskedQuantities(c, r.ch)) < own, `candidate ${c} not told apart`);
});

test('zk distribution (LogUp-GKR): revealed elements uniform and independent of the witness', () => {
  // 15 degrees of freedom: P(χ² > 70) ≈ 4e-9 per test; ~3000 tests stay below 2e-5.
  assertUniformAndWitnessIndependent((secret) => run(secret).bytes, [3n, 250n], FULL ? 400 : 120, 70);
});
