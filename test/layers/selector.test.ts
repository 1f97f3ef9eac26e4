// The Selector layer (src/layers/selector.ts): one-hot rows of S pointing at idx. Complete with
// committed and public indices (a single row: phantom variable); each relation rejected alone:
// a non-bit S whose rows still sum to 1 and point at idx (R1), a row with two ones (R2), a
// one-hot row pointing elsewhere than idx (R3), a one set in a padded row (R2 on padding), a one
// in a padded column (R4);
// a tampered round and value. With wrap (negative indices counted from the end): complete, and
// rejected with a wrong sign bit (R3), a non-bit sign (R5), a sign set on a padded row (R5), and
// a row selected at idx + L for a non-negative idx (R3 with its honest sign 0).
import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import * as E from '../../src/field/ext.js';
import { hashPcs } from '../../src/pcs/index.js';
import { proveSelector, selectorDegrees, selectorMatrix, selectorSigns, verifySelector, type SelectorParams, type SelectorRefs } from '../../src/layers/selector.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession, maskedLayout, specOf, type GMaskRef } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';
import type { BaseVec } from '../../src/field/vec.js';

const MASK_VARS = 2;

/** S's padded table from row-major values; `padded`: extra (row, column) entries set in the padding. */
function sTable(p: SelectorParams, s: BigInt64Array, padded: readonly [number, number, bigint][] = []): BaseVec {
  const t = paddedTable(s, [p.rows, p.len]);
  const width = 2 ** Math.ceil(Math.log2(p.len));
  for (const [r, c, v] of padded) t[r * width + c] = v;
  return t;
}

/** `neg`: the sign bits' padded table (with p.wrap). */
function run(p: SelectorParams, s: BaseVec, idx: BigInt64Array, publicIdx: boolean, cheat = false, neg?: BaseVec) {
  const ns = totalVars([p.rows, p.len]);
  const sm = MaskedPoly.sample(s, ns, MASK_VARS);
  const idxTable = paddedTable(idx, [p.rows]);
  const ny = totalVars([p.rows]);
  const im = publicIdx ? null : MaskedPoly.sample(idxTable, ny, Math.min(MASK_VARS, ny));
  const nm = neg ? MaskedPoly.sample(neg, ny, Math.min(MASK_VARS, ny)) : undefined;
  const present = [sm, ...(im ? [im] : []), ...(nm ? [nm] : [])];
  const layout = maskedLayout(0, present.map(specOf));
  const refs: SelectorRefs = { s: layout[0], idx: im ? layout[1] : null, ...(nm ? { neg: layout[present.length - 1] } : {}) };
  const degrees = selectorDegrees(p, refs);
  const g = SumcheckMask.sample(degrees);
  const gStart = layout[layout.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: 0, g: [gStart, gStart + 1], degrees };
  const t = new Transcript('test/layers/selector');
  const session = new ProverSession(hashPcs, t);
  session.commit([...present.flatMap((m) => m.commitPolys()), ...g.polys()]);
  const proof = proveSelector(p, refs, { s: sm, idx: im ?? idxTable, ...(nm ? { neg: nm } : {}) }, g, gRef, session, t, { unsafeAllowFalseClaim: cheat });
  const openings = session.finish();
  const commitments = session.commitments.slice();
  const verifier = (opts: { proof?: SumcheckProof; idx?: BigInt64Array } = {}) => {
    const tv = new Transcript('test/layers/selector');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    verifySelector(p, refs, publicIdx ? paddedTable(opts.idx ?? idx, [p.rows]) : null, gRef, opts.proof ?? proof, v, tv);
    v.finish(openings);
  };
  return Object.assign(verifier, { proof });
}

const honest = (p: SelectorParams, idx: number[]): { s: BaseVec; idx: BigInt64Array } => {
  const i = BigInt64Array.from(idx, BigInt);
  return { s: sTable(p, selectorMatrix(p, i)!), idx: i };
};

test('selector layer: one-hot rows prove and verify, committed and public indices, a single row', () => {
  const cases: [SelectorParams, number[]][] = [
    [{ rows: 5, len: 6 }, [0, 5, 3, 3, 1]],
    [{ rows: 4, len: 8 }, [7, 0, 2, 6]],
    [{ rows: 1, len: 3 }, [2]],
  ];
  for (const [p, idx] of cases) {
    const w = honest(p, idx);
    for (const pub of [false, true]) run(p, w.s, w.idx, pub)();
  }
  assert.equal(selectorMatrix({ rows: 2, len: 4 }, BigInt64Array.from([1n, 4n])), null, 'an index past the end has no row');
});

test('selector layer: a public index that S does not point at is rejected (R3)', () => {
  const p = { rows: 5, len: 6 };
  const w = honest(p, [0, 5, 3, 3, 1]);
  const verifier = run(p, w.s, w.idx, true);
  assert.throws(() => verifier({ idx: BigInt64Array.from([0n, 5n, 2n, 3n, 1n]) }), VerificationError);
});

test('selector layer: each relation is enforced on its own', () => {
  const p = { rows: 3, len: 5 };
  const idx = BigInt64Array.from([2n, 4n, 1n]);
  // R1: row 0 = 2·e_3 − e_4: sums to 1 and Σ a·S = 6 − 4 = 2 = idx[0], but not bits
  const r1 = selectorMatrix(p, idx)!;
  r1.fill(0n, 0, 5);
  r1[3] = 2n;
  r1[4] = -1n;
  assert.throws(run(p, sTable(p, r1), idx, false, true), VerificationError, 'R1');
  // R2: row 1 = e_0 + e_4: bits, Σ a·S = 4 = idx[1], but two ones
  const r2 = selectorMatrix(p, idx)!;
  r2[5] = 1n;
  assert.throws(run(p, sTable(p, r2), idx, false, true), VerificationError, 'R2');
  // R3: row 2 one-hot at 3 while idx[2] = 1
  const r3 = selectorMatrix(p, idx)!;
  r3[10 + 1] = 0n;
  r3[10 + 3] = 1n;
  assert.throws(run(p, sTable(p, r3), idx, false, true), VerificationError, 'R3');
  // R2 on a padded row (row 3 of 4): a one in a real column
  const ok = selectorMatrix(p, idx)!;
  assert.throws(run(p, sTable(p, ok, [[3, 2, 1n]]), idx, false, true), VerificationError, 'padded row');
  // R4: a one in a padded column of a real row (a bit, outside Σ and the index)
  assert.throws(run(p, sTable(p, ok, [[0, 6, 1n]]), idx, false, true), VerificationError, 'R4');
});

test('selector layer: a tampered round and a tampered value are rejected', () => {
  const p = { rows: 4, len: 3 };
  const w = honest(p, [2, 0, 1, 1]);
  const verifier = run(p, w.s, w.idx, false);
  const proof = verifier.proof;
  assert.throws(() => verifier({ proof: { ...proof, rounds: proof.rounds.map((r, k) => (k === 0 ? [E.add(r[0], E.ONE), ...r.slice(1)] : r)) } }), VerificationError);
  assert.throws(() => verifier({ proof: { ...proof, values: proof.values.map((v, k) => (k === 0 ? E.add(v, E.ONE) : v)) } }), VerificationError);
});

test('selector layer: negative indices count from the end (wrap): complete with committed and public indices', () => {
  const p: SelectorParams = { rows: 5, len: 6, wrap: true };
  const idx = BigInt64Array.from([0n, -1n, 3n, -6n, 5n]);
  const s = selectorMatrix(p, idx)!;
  assert.deepEqual(Array.from({ length: 5 }, (_, t) => s.slice(t * 6, t * 6 + 6).indexOf(1n)), [0, 5, 3, 0, 5]);
  const neg = paddedTable(selectorSigns(idx), [p.rows]);
  for (const pub of [false, true]) run(p, sTable(p, s), idx, pub, false, neg)();
  assert.equal(selectorMatrix(p, BigInt64Array.from([0n, -7n, 0n, 0n, 0n])), null, 'an index before −L has no row');
});

test('selector layer: with wrap, each new check is enforced on its own', () => {
  const p: SelectorParams = { rows: 3, len: 5, wrap: true };
  const idx = BigInt64Array.from([2n, -1n, 1n]);
  const s = sTable(p, selectorMatrix(p, idx)!);
  const signs = Array.from(selectorSigns(idx));
  const table = (v: readonly bigint[]): BaseVec => paddedTable(BigInt64Array.from(v), [p.rows]);
  run(p, s, idx, false, false, table(signs))();
  // a wrong sign bit: row 1 (idx −1, S at 4) with neg = 0 (R3: 4 − 0 ≠ −1)
  assert.throws(run(p, s, idx, false, true, table([0n, 0n, 0n])), VerificationError, 'wrong sign');
  // a non-bit sign: S at 4, neg = 2, idx = 4 − 2·5 = −6 satisfies R3 (R5: 2² ≠ 2)
  const idx5 = BigInt64Array.from([-6n, -1n, 1n]);
  const s5 = sTable(p, selectorMatrix(p, BigInt64Array.from([4n, -1n, 1n]))!);
  assert.throws(run(p, s5, idx5, false, true, table([2n, 1n, 0n])), VerificationError, 'non-bit sign');
  // a sign set on the padded row 3 (R5 on padding: neg² − I_y·neg = 1 there)
  const padded = table(signs);
  padded[3] = 1n;
  assert.throws(run(p, s, idx, false, true, padded), VerificationError, 'padded sign');
  // idx[2] = 1 ≥ 0 read at row idx + L = 6 (a padded column) with neg = 1: R3 holds, R2/R4 reject
  const shifted = selectorMatrix(p, idx)!;
  shifted[10 + 1] = 0n;
  assert.throws(run(p, sTable(p, shifted, [[2, 6, 1n]]), idx, false, true, table([signs[0], signs[1], 1n])), VerificationError, 'row idx + L');
});
