import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import * as E from '../../src/field/ext.js';
import { reduce as irReduce } from '../../src/ir/kernels.js';
import { hashPcs } from '../../src/pcs/index.js';
import type { RangeShape } from '../../src/lookup/range.js';
import { proveRanges, verifyRanges } from '../../src/layers/ranges.js';
import { proveReduce, reduceDegrees, reduceGapBits, reduceHelpers, verifyReduce, type ReduceMode, type ReduceParams, type ReduceRefs } from '../../src/layers/reduce.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession, maskedLayout, specOf, type GMaskRef } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';

const MASK_VARS = 2;
const LO = -20n;
const HI = 20n;

function rand(n: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => LO + BigInt(Math.floor(Math.random() * Number(HI - LO + 1n))));
}

function shape(p: ReduceParams) {
  const inner = p.dims.slice(p.axis + 1).reduce((a, b) => a * b, 1);
  const outer = p.dims.slice(0, p.axis).reduce((a, b) => a * b, 1);
  return { inner, outer, len: p.dims[p.axis], outDims: p.dims.filter((_, d) => d !== p.axis) };
}

interface Witness {
  out: BigInt64Array;
  s?: BigInt64Array;
  d?: BigInt64Array;
  m?: BigInt64Array;
}

function honest(p: ReduceParams, x: BigInt64Array): Witness {
  const s = shape(p);
  const out = irReduce(x, s.outer, s.len, s.inner, p.mode);
  const h = reduceHelpers(p, x);
  return h ? { out, s: h.s, d: h.d, m: h.m } : { out };
}

function run(p: ReduceParams, x: BigInt64Array, w: Witness, publicOut: boolean, cheat = false) {
  const sh = shape(p);
  const nx = totalVars(p.dims);
  const ny = totalVars(sh.outDims);
  const mp = (v: BigInt64Array, dims: readonly number[]) => MaskedPoly.sample(paddedTable(v, dims), totalVars(dims), MASK_VARS);
  const xm = mp(x, p.dims);
  const outTable = paddedTable(w.out, sh.outDims);
  const om = publicOut ? null : mp(w.out, sh.outDims);
  const sm = w.s ? mp(w.s, p.dims) : null;
  const dm = w.d ? mp(w.d, p.dims) : null;
  const mm = p.mode === 'argmax' || p.mode === 'argmin' ? mp(w.m!, sh.outDims) : null;
  const list = [xm, om, sm, dm, mm];
  const present = list.filter((m): m is MaskedPoly => m !== null);
  const layout = maskedLayout(0, present.map(specOf));
  let next = 0;
  const [rx, ro, rs, rd, rm] = list.map((m) => (m ? layout[next++] : null));
  const refs: ReduceRefs = { x: rx!, out: ro, s: rs, d: rd, m: rm };
  const degrees = reduceDegrees(p, refs);
  const g = SumcheckMask.sample(degrees);
  const gStart = layout[layout.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: 0, g: [gStart, gStart + 1], degrees };
  const t = new Transcript('test/layers/reduce');
  const s = new ProverSession(hashPcs, t);
  s.commit([...present.flatMap((m) => m.commitPolys()), ...g.polys()]);
  const proof = proveReduce(p, refs, { x: xm, out: om ?? outTable, s: sm, d: dm, m: mm }, g, gRef, s, t);
  const gap = reduceGapBits(p, LO, HI);
  const shapes: RangeShape[] = dm ? [{ numVars: nx, columns: 1, bits: gap.bits, signed: false, limbBits: Math.min(8, gap.bits), valueMaskVars: MASK_VARS }] : [];
  const rangeProof = dm ? proveRanges(shapes, [[dm]], [[rd!]], s, t, { unsafeAllowMisses: cheat }) : null;
  const openings = s.finish();
  const commitments = s.commitments.slice();
  void ny;
  const verifier = (opts: { publicOut?: BigInt64Array; proof?: SumcheckProof } = {}) => {
    const tv = new Transcript('test/layers/reduce');
    const v = new VerifierSession(hashPcs, tv, commitments);
    v.receive();
    verifyReduce(p, refs, null, publicOut ? paddedTable(opts.publicOut ?? w.out, sh.outDims) : null, gRef, opts.proof ?? proof, v, tv);
    if (rangeProof) verifyRanges(shapes, rangeProof, [[rd!]], v, tv);
    v.finish(openings);
  };
  return Object.assign(verifier, { proof });
}

const MODES: ReduceMode[] = ['sum', 'max', 'min', 'argmax', 'argmin'];
const CASES: [number[], number][] = [
  [[3, 5, 6], 1],
  [[3, 5, 6], 2],
  [[3, 5, 6], 0],
  [[1, 7], 1], // single-element output (phantom variable)
];

test('reduce layer: every mode and axis proves and verifies, private and public outputs', () => {
  for (const mode of MODES) {
    for (const [dims, axis] of CASES) {
      const p: ReduceParams = { dims, axis, mode };
      const x = rand(dims.reduce((a, b) => a * b, 1));
      for (const pub of [false, true]) run(p, x, honest(p, x), pub)();
    }
  }
});

test('reduce layer: a tampered public output is rejected for every mode', () => {
  for (const mode of MODES) {
    const p: ReduceParams = { dims: [3, 5, 6], axis: 1, mode };
    const x = rand(90);
    const w = honest(p, x);
    const verifier = run(p, x, w, true);
    const wrong = w.out.slice();
    wrong[4] += 1n;
    if (mode === 'argmax' || mode === 'argmin') wrong[4] = (wrong[4] % 5n + 5n) % 5n;
    assert.throws(() => verifier({ publicOut: wrong }), VerificationError, mode);
  }
});

test('reduce layer: argmax ties resolve to the first index; the last tied index is rejected by the gap range check', () => {
  for (const mode of ['argmax', 'argmin', 'max'] as const) {
    const p: ReduceParams = { dims: [2, 6], axis: 1, mode };
    const x = BigInt64Array.from([3n, 9n, 1n, 9n, 9n, -4n, 0n, 0n, 0n, 0n, 0n, 0n]);
    if (mode === 'argmin') x.forEach((v, i) => (x[i] = -v));
    const w = honest(p, x);
    if (mode !== 'max') assert.deepEqual([...w.out], [1n, 0n]);
    run(p, x, w, true)();
    // the cheat: select the LAST tied index (4 and 5) with helpers consistent with every relation
    const len = 6;
    const sel = [4, 5];
    const s = new BigInt64Array(12);
    const d = new BigInt64Array(12);
    const m = new BigInt64Array(2);
    const out = w.out.slice();
    const sigma = mode === 'argmin' ? -1n : 1n;
    const scale = mode === 'max' ? 1n : BigInt(len);
    const key = (i: number, j: number) => sigma * scale * x[i] + (mode === 'max' ? 0n : BigInt(len - 1 - j));
    for (let o = 0; o < 2; o++) {
      const j = sel[o];
      s[o * len + j] = 1n;
      m[o] = key(o * len + j, j);
      for (let k = 0; k < len; k++) d[o * len + k] = m[o] - key(o * len + k, k);
      if (mode !== 'max') out[o] = BigInt(j);
    }
    if (mode === 'max') continue; // for max any tied index gives the same output: nothing to reject
    assert.ok([...d].some((v) => v < 0n), 'the cheat needs a negative gap');
    assert.throws(run(p, x, { out, s, d, m }, true, true), VerificationError, mode);
  }
});

test('reduce layer: max answered with a smaller entry is rejected by the gap range check', () => {
  const p: ReduceParams = { dims: [4, 5], axis: 1, mode: 'max' };
  const x = rand(20);
  const w = honest(p, x);
  const out = w.out.slice();
  // pick the minimum of row 0 as the "max"
  let j = 0;
  for (let k = 1; k < 5; k++) if (x[k] < x[j]) j = k;
  if (x[j] === out[0]) return; // constant row (rare)
  out[0] = x[j];
  const s = w.s!.slice();
  const d = w.d!.slice();
  for (let k = 0; k < 5; k++) {
    s[k] = k === j ? 1n : 0n;
    d[k] = out[0] - x[k];
  }
  assert.throws(run(p, x, { out, s, d, m: w.m }, false, true), VerificationError);
});

test('reduce layer: a tampered round and a tampered value are rejected', () => {
  const p: ReduceParams = { dims: [3, 5], axis: 1, mode: 'argmax' };
  const x = rand(15);
  const verifier = run(p, x, honest(p, x), true);
  const proof = verifier.proof;
  assert.throws(() => verifier({ proof: { ...proof, rounds: proof.rounds.map((r, k) => (k === 0 ? [E.add(r[0], E.ONE), ...r.slice(1)] : r)) } }), VerificationError);
  assert.throws(() => verifier({ proof: { ...proof, values: proof.values.map((v, k) => (k === 1 ? E.add(v, E.ONE) : v)) } }), VerificationError);
});
