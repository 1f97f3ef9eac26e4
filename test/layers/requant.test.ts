import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import type { BaseVec } from '../../src/field/vec.js';
import { requant as irRequant } from '../../src/ir/kernels.js';
import { hashPcs } from '../../src/pcs/index.js';
import { proveRange, verifyRange, type RangeProof, type RangeShape } from '../../src/lookup/range.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession, maskedLayout, specOf, type GMaskRef } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { channelAxis, proveRequant, REQUANT_COLUMNS, requantColumns, requantDegrees, requantRangeBits, verifyRequant, type RequantColumn, type RequantParams, type RequantRefs } from '../../src/layers/requant.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';
import type { Commitment } from '../../src/pcs/types.js';

const MASK_VARS = 2;
const X_BOUND = 1n << 20n;

function params(dims: number[], perChannel: boolean): RequantParams {
  const count = perChannel ? dims[dims.length - 1] : 1;
  const mults = Array.from({ length: count }, () => BigInt(1000 + Math.floor(Math.random() * 3000)));
  return { dims, mults, channelAxis: channelAxis(dims, count, 1), shift: 20, lo: -127n, hi: 127n };
}

function randomX(dims: readonly number[]): BigInt64Array {
  const n = dims.reduce((a, b) => a * b, 1);
  return BigInt64Array.from({ length: n }, () => BigInt(Math.floor((Math.random() * 2 - 1) * Number(X_BOUND))));
}

type Columns = Record<RequantColumn | 'q', BigInt64Array>;

interface Run {
  refs: RequantRefs;
  gRef: GMaskRef;
  commitments: Commitment[];
  proof: SumcheckProof;
  ranges: RangeProof[];
  rangeShapes: RangeShape[];
  openings: unknown[];
  publicQ: BaseVec | null;
}

function rangeShapes(p: RequantParams, n: number): RangeShape[] {
  const bits = requantRangeBits(p, X_BOUND);
  return [
    { numVars: n, columns: 1, bits: bits.r, signed: false, limbBits: 16, valueMaskVars: MASK_VARS },
    { numVars: n, columns: 1, bits: bits.qp, signed: true, limbBits: 16, valueMaskVars: MASK_VARS },
    { numVars: n, columns: 3, bits: bits.nonneg, signed: false, limbBits: 16, valueMaskVars: MASK_VARS },
  ];
}

function run(p: RequantParams, x: BigInt64Array, cols: Columns, privateQ: boolean, cheat = false): Run {
  const n = totalVars(p.dims);
  const mp = (v: BigInt64Array) => MaskedPoly.sample(paddedTable(v, p.dims), n, MASK_VARS);
  const xm = mp(x);
  const qTable = paddedTable(cols.q, p.dims);
  const qm = privateQ ? mp(cols.q) : null;
  const cm = Object.fromEntries(REQUANT_COLUMNS.map((c) => [c, mp(cols[c])])) as Record<RequantColumn, MaskedPoly>;
  const list = [xm, ...(qm ? [qm] : []), ...REQUANT_COLUMNS.map((c) => cm[c])];
  const layout = maskedLayout(0, list.map(specOf));
  const refs: RequantRefs = {
    x: layout[0],
    q: qm ? layout[1] : null,
    cols: Object.fromEntries(REQUANT_COLUMNS.map((c, i) => [c, layout[(qm ? 2 : 1) + i]])) as Record<RequantColumn, (typeof layout)[number]>,
  };
  const degrees = requantDegrees(p, refs);
  const g = SumcheckMask.sample(degrees);
  const gStart = layout[layout.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: 0, g: [gStart, gStart + 1], degrees };
  const t = new Transcript('test/layers/requant');
  const session = new ProverSession(hashPcs, t);
  session.commit([...list.flatMap((m) => m.commitPolys()), ...g.polys()]);
  const proof = proveRequant(p, refs, { x: xm, q: qm ?? qTable, cols: cm }, g, gRef, session, t);
  const shapes = rangeShapes(p, n);
  const opts = { unsafeAllowMisses: cheat };
  const ranges = [
    proveRange(shapes[0], [cm.r], [refs.cols.r], session, t, opts),
    proveRange(shapes[1], [cm.qp], [refs.cols.qp], session, t, opts),
    proveRange(shapes[2], [cm.u1, cm.u2, cm.w], [refs.cols.u1, refs.cols.u2, refs.cols.w], session, t, opts),
  ];
  const openings = session.finish();
  return { refs, gRef, commitments: session.commitments.slice(), proof, ranges, rangeShapes: shapes, openings, publicQ: qm ? null : qTable };
}

function check(p: RequantParams, r: Run, publicQ = r.publicQ): void {
  const t = new Transcript('test/layers/requant');
  const session = new VerifierSession(hashPcs, t, r.commitments);
  session.receive();
  verifyRequant(p, r.refs, publicQ, r.gRef, r.proof, session, t);
  verifyRange(r.rangeShapes[0], r.ranges[0], [r.refs.cols.r], session, t);
  verifyRange(r.rangeShapes[1], r.ranges[1], [r.refs.cols.qp], session, t);
  verifyRange(r.rangeShapes[2], r.ranges[2], [r.refs.cols.u1, r.refs.cols.u2, r.refs.cols.w], session, t);
  session.finish(r.openings as never[]);
}

const CASES: [number[], boolean][] = [
  [[1, 8], true],
  [[3, 5], true],
  [[2, 3, 4], false],
];

test('requant columns reproduce the IR kernel exactly (clamps active)', () => {
  for (const [dims, per] of CASES) {
    const p = params(dims, per);
    const x = randomX(dims);
    const cols = requantColumns(p, x);
    const inner = 1;
    const expected = irRequant(x, BigInt64Array.from(p.mults), inner, p.shift, p.lo, p.hi);
    assert.deepEqual(cols.q, expected);
    assert.ok([...cols.q].some((v) => v === 127n || v === -127n), 'some entries clamp');
    for (let i = 0; i < x.length; i++) assert.ok(cols.r[i] >= 0n && cols.r[i] < 1n << BigInt(p.shift));
  }
});

test('requant layer: completeness with private and public q, with its range checks, through the hash PCS', () => {
  for (const [dims, per] of CASES) {
    const p = params(dims, per);
    const x = randomX(dims);
    for (const privateQ of [true, false]) check(p, run(p, x, requantColumns(p, x), privateQ));
  }
});

test('requant layer: a tampered public output is rejected', () => {
  const p = params([3, 5], true);
  const x = randomX(p.dims);
  const cols = requantColumns(p, x);
  const r = run(p, x, cols, false);
  const wrong = cols.q.slice();
  wrong[2] = wrong[2] === 127n ? 126n : wrong[2] + 1n;
  assert.throws(() => check(p, r, paddedTable(wrong, p.dims)), VerificationError);
});

test('requant layer: an unclamped output passes the relations but fails the range check on u2', () => {
  const p = params([3, 5], true);
  let x = randomX(p.dims);
  let cols = requantColumns(p, x);
  while (!cols.qp.some((v) => v > p.hi)) {
    x = randomX(p.dims);
    cols = requantColumns(p, x);
  }
  // the cheat: q = q′ everywhere (no clamping), with columns consistent with R1–R5
  const q = cols.qp.slice();
  const cheat: Columns = { ...cols, q, u1: q.map((v) => v - p.lo), u2: q.map((v) => p.hi - v), w: new BigInt64Array(q.length) };
  const r = run(p, x, cheat, true, true);
  // the relations alone hold: the rejection comes from the lookup of u2's limbs
  assert.throws(() => check(p, r), (e: unknown) => e instanceof VerificationError && !/requant/.test(e.check));
});

test('requant layer: a remainder out of range (quotient off by one) is rejected', () => {
  const p = params([1, 8], true);
  const x = randomX(p.dims);
  const cols = requantColumns(p, x);
  const i = cols.q.findIndex((v) => v > p.lo && v < p.hi);
  if (i < 0) return; // every entry clamps: nothing to shift (rare)
  const cheat: Columns = { ...cols, qp: cols.qp.slice(), q: cols.q.slice(), r: cols.r.slice(), u1: cols.u1.slice(), u2: cols.u2.slice() };
  cheat.qp[i] -= 1n;
  cheat.q[i] -= 1n;
  cheat.r[i] += 1n << BigInt(p.shift);
  cheat.u1[i] -= 1n;
  cheat.u2[i] += 1n;
  const r = run(p, x, cheat, true, true);
  assert.throws(() => check(p, r), (e: unknown) => e instanceof VerificationError || e instanceof FormatError);
});
