import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import * as E from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { binary, divide as irDivide, isqrt, where as irWhere } from '../../src/ir/kernels.js';
import { HashPcs } from '../../src/pcs/index.js';
import type { RangeShape } from '../../src/lookup/range.js';
import { proveRanges, verifyRanges } from '../../src/layers/ranges.js';
import { pointwiseDegrees, provePointwise, verifyPointwise, type PointwiseParams } from '../../src/layers/pointwise.js';
import { pointwiseOpSpec, type Interval, type PointwiseOpSpec } from '../../src/layers/pointwise-ops.js';
import type { DivideAttrs } from '../../src/layers/pointwise-divide.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession, maskedLayout, specOf, type GMaskRef, type MaskedRef } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';

const MASK_VARS = 2;
// every tensor of a case in one commitment: Div's five columns and two range checks need more than the default 8 combinations
const hashPcs = new HashPcs({ evalMasks: 16 });

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

function makeCase(op: string, mode: string | undefined, dims: number[], inputs: BigInt64Array[], ranges: Interval[], out: BigInt64Array, publicOut = false, attrs: DivideAttrs = {}): Case {
  const spec = pointwiseOpSpec(op, mode, ranges, false, attrs);
  const helpers = spec.witness(inputs, out);
  return { spec, dims, tensors: [out, ...inputs, ...helpers], publicOut };
}

/** Proves the layer and its range checks; returns a verifier (optionally with a replaced public output or proof). */
function run(c: Case, cheat = false) {
  const n = totalVars(c.dims);
  // a range check of a public output is the verifier's check of the values (as plan-pointwise.ts plans it)
  const isPublic = (t: number): boolean => c.publicOut && t === 0;
  const publicRanges = c.spec.ranges.filter((r) => r.tensors.some(isPublic)).map((r) => {
    const [lo, hi] = r.signed ? [-(1n << BigInt(r.bits - 1)), (1n << BigInt(r.bits - 1)) - 1n] : [0n, (1n << BigInt(r.bits)) - 1n];
    return { tensor: 0, lo, hi };
  });
  const ranges = c.spec.ranges.map((r) => ({ ...r, tensors: r.tensors.filter((t) => !isPublic(t)) })).filter((r) => r.tensors.length > 0);
  const params: PointwiseParams = { dims: c.dims, tensors: c.tensors.length, relations: c.spec.relations, publicRanges };
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
  const shapes: RangeShape[] = ranges.map((r) => ({ numVars: n, columns: r.tensors.length, bits: r.bits, signed: r.signed ?? false, limbBits: Math.min(8, r.bits), valueMaskVars: Math.min(MASK_VARS, n) }));
  const rangeProof = shapes.length > 0 ? proveRanges(shapes, ranges.map((r) => r.tensors.map((i) => masked[i]!)), ranges.map((r) => r.tensors.map((i) => refs[i]!)), s, t, { unsafeAllowMisses: cheat }) : null;
  const openings = s.finish();
  const commitments = s.commitments.slice();
  const verifier = (opts: { publicOut?: BigInt64Array; proof?: SumcheckProof; gRef?: GMaskRef } = {}) => {
    const tv = new Transcript('test/layers/pointwise');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    const publics = refs.map((r, i) => (r === null ? paddedTable(i === 0 && opts.publicOut ? opts.publicOut : c.tensors[i], c.dims) : null));
    verifyPointwise(params, refs, publics, opts.gRef ?? gRef, opts.proof ?? proof, v, tv);
    // a failure of the range checks is marked, so a test can tell it from a failure of the relations
    try {
      if (rangeProof) verifyRanges(shapes, rangeProof, ranges.map((r) => r.tensors.map((i) => refs[i]!)), v, tv);
    } catch (e) {
      throw e instanceof VerificationError ? new VerificationError(`ranges/${e.check}`, e.message) : e;
    }
    v.finish(openings);
  };
  return Object.assign(verifier, { proof });
}

const B = 2047;
const I12: Interval = { lo: -2047n, hi: 2047n };
const BIT: Interval = { lo: 0n, hi: 1n };
const DIMS = [3, 5];
const SIZE = 15;

type OpCase = [string, string | undefined, BigInt64Array[], Interval[], BigInt64Array, DivideAttrs?];

/** Div cases: signed and non-negative numerators, odd and even divisors, ties of the half-up rounding. */
const DIV_SHIFT = 4;
const DIV_B: Interval = { lo: 1n, hi: 4096n };
function divInputs(nonNegative: boolean): [BigInt64Array, BigInt64Array] {
  const a = rand(SIZE, nonNegative ? 0 : -B, B);
  const b = rand(SIZE, 1, 4096);
  a[0] = 1n; b[0] = 32n; // 16/32 = 0.5 rounds up to 1
  a[1] = nonNegative ? 0n : -1n; b[1] = 32n; // −0.5 rounds up to 0
  b[2] = 1n;
  a[3] = 7n; b[3] = 3n; // an odd divisor
  return [a, b];
}
const divide = (a: BigInt64Array, b: BigInt64Array): BigInt64Array => irDivide(a, b, 1, DIV_SHIFT) as BigInt64Array;

function ops(): OpCase[] {
  const a = rand(SIZE, -B, B);
  const b = rand(SIZE, -B, B);
  b[0] = a[0]; // a tie
  const c = rand(SIZE, 0, 1);
  const d = rand(SIZE, 0, 1);
  const pos = rand(SIZE, 1, 1 << 20);
  pos[1] = 1n;
  const [da, db] = divInputs(false);
  const [ua, ub] = divInputs(true);
  const out: OpCase[] = [
    ['Mul', undefined, [a, b], [I12, I12], binary(a, b, 'mul')],
    ['Max', undefined, [a, b], [I12, I12], binary(a, b, 'max')],
    ['Min', undefined, [a, b], [I12, I12], binary(a, b, 'min')],
    ['Where', undefined, [c, a, b], [BIT, I12, I12], irWhere(c, a, b)],
    ['Sqrt', undefined, [pos], [{ lo: 1n, hi: 1n << 20n }], isqrt(pos) as BigInt64Array],
    ['Div', undefined, [da, db], [I12, DIV_B], divide(da, db), { shift: DIV_SHIFT }],
    ['Div', undefined, [ua, ub], [{ lo: 0n, hi: BigInt(B) }, DIV_B], divide(ua, ub), { shift: DIV_SHIFT }],
    // a divisor whose proven range reaches below 1: the relations alone prove it positive
    ['Div', undefined, [da, db], [I12, { lo: -4096n, hi: 4096n }], divide(da, db), { shift: DIV_SHIFT }],
  ];
  for (const mode of ['less', 'greater', 'lessOrEqual', 'greaterOrEqual', 'equal'] as const) out.push(['Compare', mode, [a, b], [I12, I12], binary(a, b, mode)]);
  for (const mode of ['and', 'or', 'xor'] as const) out.push(['Compare', mode, [c, d], [BIT, BIT], binary(c, d, mode)]);
  return out;
}

test('pointwise layer: every op proves and verifies with private and public outputs (ties included)', () => {
  for (const [op, mode, inputs, ranges, out, attrs] of ops()) {
    for (const pub of [false, true]) run(makeCase(op, mode, DIMS, inputs, ranges, out, pub, attrs))();
  }
});

test('pointwise layer: a single-element tensor (phantom variable) proves', () => {
  const a = BigInt64Array.of(-5n);
  const b = BigInt64Array.of(7n);
  run(makeCase('Mul', undefined, [1, 1], [a, b], [I12, I12], binary(a, b, 'mul'), true))();
  run(makeCase('Max', undefined, [1], [a, b], [I12, I12], binary(a, b, 'max')))();
});

test('pointwise layer: a tampered public output is rejected for every op', () => {
  for (const [op, mode, inputs, ranges, out, attrs] of ops()) {
    const verifier = run(makeCase(op, mode, DIMS, inputs, ranges, out, true, attrs));
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

const inRanges = (e: unknown): boolean => e instanceof VerificationError && e.check.startsWith('ranges/');

/** Div tensors [q, a, b, r, u] with r, u recomputed from q by the relations (so only range checks can object). */
function divTensors(q: BigInt64Array, a: BigInt64Array, b: BigInt64Array): BigInt64Array[] {
  const scale = 1n << BigInt(DIV_SHIFT + 1);
  const r = a.map((x, i) => scale * x + b[i] - 2n * q[i] * b[i]);
  return [q, a, b, r, b.map((y, i) => 2n * y - 1n - r[i])];
}

test('pointwise layer Div: a quotient off by one with the compensating remainder out of [0, 2b) fails the range checks', () => {
  const [a, b] = divInputs(false);
  const spec = pointwiseOpSpec('Div', undefined, [I12, DIV_B], false, { shift: DIV_SHIFT });
  for (const delta of [1n, -1n]) {
    // +1: r − 2b < 0 (a negative remainder); −1: r + 2b ≥ 2b, so u = 2b − 1 − r < 0
    const q = divide(a, b);
    q[5] += delta;
    const tensors = divTensors(q, a, b);
    assert.ok(delta > 0n ? tensors[3][5] < 0n : tensors[4][5] < 0n);
    assert.throws(run({ spec, dims: DIMS, tensors, publicOut: false }, true), inRanges, `delta ${delta}`);
  }
});

test('pointwise layer Div: a zero divisor fails the range checks (u = −1 − r), even where its proven range allows 0', () => {
  const [a, b] = divInputs(false);
  const spec = pointwiseOpSpec('Div', undefined, [I12, { lo: 0n, hi: 4096n }], false, { shift: DIV_SHIFT });
  for (const num of [0n, 9n]) {
    const a2 = a.slice();
    const b2 = b.slice();
    a2[6] = num;
    b2[6] = 0n;
    const q = divide(a, b);
    q[6] = 0n;
    const tensors = divTensors(q, a2, b2);
    assert.ok(tensors[4][6] < 0n);
    assert.throws(run({ spec, dims: DIMS, tensors, publicOut: false }, true), inRanges, `numerator ${num}`);
  }
});

test('pointwise layer Div: a field-element quotient with an in-range remainder fails the quotient range check (committed) or the public-range check', () => {
  const [a, b] = divInputs(false);
  const spec = pointwiseOpSpec('Div', undefined, [I12, DIV_B], false, { shift: DIV_SHIFT });
  const i = 7;
  b[i] = 100n;
  const honest = divTensors(divide(a, b), a, b);
  const q = divide(a, b);
  const [, , , r0] = divTensors(q, a, b);
  const r = r0.slice();
  const u = b.map((y, j) => 2n * y - 1n - r[j]);
  r[i] = r0[i] === 0n ? 1n : 0n;
  u[i] = 2n * b[i] - 1n - r[i];
  // q·2b = 2^(k+1)·a + b − r in F_p: R1 and R2 hold in the field, q is no integer quotient
  const num = F.fromBigInt((1n << BigInt(DIV_SHIFT + 1)) * a[i] + b[i] - r[i]);
  q[i] = F.toSigned(F.mul(num, F.inv(F.fromBigInt(2n * b[i]))));
  assert.ok(q[i] > 1n << 40n || q[i] < -(1n << 40n));
  const tensors = [q, a, b, r, u];
  assert.throws(run({ spec, dims: DIMS, tensors, publicOut: false }, true), inRanges);
  assert.throws(run({ spec, dims: DIMS, tensors, publicOut: true }, true), (e: unknown) => e instanceof VerificationError && e.check === 'pointwise/public-range');
  run({ spec, dims: DIMS, tensors: honest, publicOut: true })();
});

test('pointwise layer Div: refused attributes and bounds', () => {
  assert.throws(() => pointwiseOpSpec('Div', undefined, [I12, DIV_B], false, { shift: 4, inner: 3 }), /Gather/);
  assert.throws(() => pointwiseOpSpec('Div', undefined, [I12, DIV_B], false, { shift: 4, rounding: 'trunc' }), /half-up/);
  assert.throws(() => pointwiseOpSpec('Div', undefined, [I12, { lo: -5n, hi: 0n }], false, { shift: 4 }), /never ≥ 1/);
  assert.throws(() => pointwiseOpSpec('Div', undefined, [{ lo: -(1n << 40n), hi: 1n << 40n }, DIV_B], false, { shift: 30 }), /p\/2/);
});
