import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import * as E from '../../src/field/ext.js';
import { binary, isqrt, where as irWhere } from '../../src/ir/kernels.js';
import { hashPcs } from '../../src/pcs/index.js';
import type { RangeShape } from '../../src/lookup/range.js';
import { proveRanges, verifyRanges } from '../../src/layers/ranges.js';
import { pointwiseDegrees, provePointwise, verifyPointwise, type PointwiseParams } from '../../src/layers/pointwise.js';
import { pointwiseOpSpec, type Interval, type PointwiseOpSpec } from '../../src/layers/pointwise-ops.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession, maskedLayout, specOf, type GMaskRef, type MaskedRef } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';

const MASK_VARS = 2;

function rand(n: number, lo: number, hi: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => BigInt(lo + Math.floor(Math.random() * (hi - lo + 1))));
}

interface Case {
  spec: PointwiseOpSpec;
  dims: number[];
  /** out, inputs, helpers */
  tensors: BigInt64Array[];
  /** tensor 0 (out) public */
  publicOut: boolean;
}

function makeCase(op: string, mode: string | undefined, dims: number[], inputs: BigInt64Array[], ranges: Interval[], out: BigInt64Array, publicOut = false): Case {
  const spec = pointwiseOpSpec(op, mode, ranges, false);
  const helpers = spec.witness(inputs, out);
  return { spec, dims, tensors: [out, ...inputs, ...helpers], publicOut };
}

/** Proves the layer and its range checks; returns a verifier (optionally with a replaced public output or proof). */
function run(c: Case, cheat = false) {
  const n = totalVars(c.dims);
  const params: PointwiseParams = { dims: c.dims, tensors: c.tensors.length, relations: c.spec.relations };
  const tables = c.tensors.map((t) => paddedTable(t, c.dims));
  const masked = tables.map((t, i) => (i === 0 && c.publicOut ? null : MaskedPoly.sample(t, n, MASK_VARS)));
  const committed = masked.filter((m): m is MaskedPoly => m !== null);
  const layout = maskedLayout(0, committed.map(specOf));
  let next = 0;
  const refs: (MaskedRef | null)[] = masked.map((m) => (m ? layout[next++] : null));
  const degrees = pointwiseDegrees(params, refs);
  const g = SumcheckMask.sample(degrees);
  const gStart = layout[layout.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: 0, g: [gStart, gStart + 1], degrees };
  const t = new Transcript('test/layers/pointwise');
  const s = new ProverSession(hashPcs, t);
  s.commit([...committed.flatMap((m) => m.commitPolys()), ...g.polys()]);
  const proof = provePointwise(params, refs, masked.map((m, i) => m ?? tables[i]), g, gRef, s, t);
  const shapes: RangeShape[] = c.spec.ranges.map((r) => ({ numVars: n, columns: r.tensors.length, bits: r.bits, signed: false, limbBits: Math.min(8, r.bits), valueMaskVars: Math.min(MASK_VARS, n) }));
  const rangeProof = shapes.length > 0 ? proveRanges(shapes, c.spec.ranges.map((r) => r.tensors.map((i) => masked[i]!)), c.spec.ranges.map((r) => r.tensors.map((i) => refs[i]!)), s, t, { unsafeAllowMisses: cheat }) : null;
  const openings = s.finish();
  const commitments = s.commitments.slice();
  const verifier = (opts: { publicOut?: BigInt64Array; proof?: SumcheckProof; gRef?: GMaskRef } = {}) => {
    const tv = new Transcript('test/layers/pointwise');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    const publics = refs.map((r, i) => (r === null ? paddedTable(i === 0 && opts.publicOut ? opts.publicOut : c.tensors[i], c.dims) : null));
    verifyPointwise(params, refs, publics, opts.gRef ?? gRef, opts.proof ?? proof, v, tv);
    if (rangeProof) verifyRanges(shapes, rangeProof, c.spec.ranges.map((r) => r.tensors.map((i) => refs[i]!)), v, tv);
    v.finish(openings);
  };
  return Object.assign(verifier, { proof });
}

const B = 2047;
const I12: Interval = { lo: -2047n, hi: 2047n };
const BIT: Interval = { lo: 0n, hi: 1n };
const DIMS = [3, 5];
const SIZE = 15;

function ops(): [string, string | undefined, BigInt64Array[], Interval[], BigInt64Array][] {
  const a = rand(SIZE, -B, B);
  const b = rand(SIZE, -B, B);
  b[0] = a[0]; // a tie
  const c = rand(SIZE, 0, 1);
  const d = rand(SIZE, 0, 1);
  const pos = rand(SIZE, 1, 1 << 20);
  pos[1] = 1n;
  const out: [string, string | undefined, BigInt64Array[], Interval[], BigInt64Array][] = [
    ['Mul', undefined, [a, b], [I12, I12], binary(a, b, 'mul')],
    ['Max', undefined, [a, b], [I12, I12], binary(a, b, 'max')],
    ['Min', undefined, [a, b], [I12, I12], binary(a, b, 'min')],
    ['Where', undefined, [c, a, b], [BIT, I12, I12], irWhere(c, a, b)],
    ['Sqrt', undefined, [pos], [{ lo: 1n, hi: 1n << 20n }], isqrt(pos) as BigInt64Array],
  ];
  for (const mode of ['less', 'greater', 'lessOrEqual', 'greaterOrEqual', 'equal'] as const) out.push(['Compare', mode, [a, b], [I12, I12], binary(a, b, mode)]);
  for (const mode of ['and', 'or', 'xor'] as const) out.push(['Compare', mode, [c, d], [BIT, BIT], binary(c, d, mode)]);
  return out;
}

test('pointwise layer: every op proves and verifies with private and public outputs (ties included)', () => {
  for (const [op, mode, inputs, ranges, out] of ops()) {
    for (const pub of [false, true]) {
      if (pub && op === 'Sqrt') continue; // its output is range-checked: committed
      run(makeCase(op, mode, DIMS, inputs, ranges, out, pub))();
    }
  }
});

test('pointwise layer: a single-element tensor (phantom variable) proves', () => {
  const a = BigInt64Array.of(-5n);
  const b = BigInt64Array.of(7n);
  run(makeCase('Mul', undefined, [1, 1], [a, b], [I12, I12], binary(a, b, 'mul'), true))();
  run(makeCase('Max', undefined, [1], [a, b], [I12, I12], binary(a, b, 'max')))();
});

test('pointwise layer: a tampered public output is rejected for every op', () => {
  for (const [op, mode, inputs, ranges, out] of ops()) {
    if (op === 'Sqrt') continue;
    const verifier = run(makeCase(op, mode, DIMS, inputs, ranges, out, true));
    const wrong = out.slice();
    wrong[3] = op === 'Compare' ? 1n - wrong[3] : wrong[3] + 1n;
    assert.throws(() => verifier({ publicOut: wrong }), VerificationError, `${op} ${mode ?? ''}`);
  }
});

test('pointwise layer: wrong committed outputs with relation-consistent helpers fail the range checks', () => {
  const a = rand(SIZE, -B, B);
  const b = rand(SIZE, -B, B);
  a[2] = 5n;
  b[2] = 9n;
  // Max answered with the minimum at entry 2: d1, d2 from the relations, one of them negative
  const spec = pointwiseOpSpec('Max', undefined, [I12, I12], false);
  const out = binary(a, b, 'max');
  out[2] = 5n;
  const cheat: Case = { spec, dims: DIMS, tensors: [out, a, b, ...spec.witness([a, b], out)], publicOut: false };
  assert.throws(run(cheat, true), VerificationError);
  // less answered wrongly: e = −1 − … is negative
  const lspec = pointwiseOpSpec('Compare', 'less', [I12, I12], false);
  const lout = binary(a, b, 'less');
  lout[2] = 0n;
  assert.throws(run({ spec: lspec, dims: DIMS, tensors: [lout, a, b, ...lspec.witness([a, b], lout)], publicOut: false }, true), VerificationError);
  // Sqrt off by one: one of u1, u2 negative
  const x = rand(SIZE, 1, 1 << 20);
  const sspec = pointwiseOpSpec('Sqrt', undefined, [{ lo: 1n, hi: 1n << 20n }], false);
  const s = isqrt(x) as BigInt64Array;
  s[4] += 1n;
  assert.throws(run({ spec: sspec, dims: DIMS, tensors: [s, x, ...sspec.witness([x], s)], publicOut: false }, true), VerificationError);
});

test('pointwise layer: equal with a wrong bit fails the relations (no range check involved)', () => {
  const a = rand(SIZE, -B, B);
  const b = a.slice();
  b[1] += 1n;
  const spec = pointwiseOpSpec('Compare', 'equal', [I12, I12], false);
  const out = binary(a, b, 'equal');
  out[1] = 1n; // claims a = b where they differ
  const tensors = [out, a, b, ...spec.witness([a, b], out)];
  assert.throws(() => run({ spec, dims: DIMS, tensors, publicOut: false }), /claimed sum/, 'the honest prover refuses a false relation');
});

test('pointwise layer: a round mask of other degrees, a tampered round and a tampered final value are rejected', () => {
  const [op, mode, inputs, ranges, out] = ops()[1];
  const verifier = run(makeCase(op, mode, DIMS, inputs, ranges, out, true));
  verifier();
  assert.throws(() => verifier({ gRef: { commitment: 0, g: [0, 1], degrees: [1, 1, 1] } }), (e: unknown) => e instanceof VerificationError && e.check === 'pointwise/mask');
  const proof = verifier.proof;
  const round: SumcheckProof = { ...proof, rounds: proof.rounds.map((r, k) => (k === 1 ? [E.add(r[0], E.ONE), ...r.slice(1)] : r)) };
  assert.throws(() => verifier({ proof: round }), VerificationError);
  const value: SumcheckProof = { ...proof, values: proof.values.map((v, k) => (k === 0 ? E.add(v, E.ONE) : v)) };
  assert.throws(() => verifier({ proof: value }), VerificationError);
});
