// Gather layer (src/layers/gather.ts): honest proofs verify for public, committed and virtual
// outputs (padding, fill, several and repeated sources, public slots, non-injective maps), and
// every verifier check rejects what it should. Claims on commitment 0 are checked by an oracle
// that evaluates them on the committed vectors (what the PCS opening proves); a virtual
// output's claims are produced by evaluating ŷ = y + Z·R directly (what a consumer reveals).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import type { Fp2 } from '../../src/field/ext.js';
import type { BaseVec } from '../../src/field/vec.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { evaluate } from '../../src/poly/mle.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { maskedLayout, specOf, type GMaskRef } from '../../src/sumcheck/session.js';
import { extElements } from '../../src/sumcheck/poly.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { gatherDegrees, proveGather, scatterAddExt, verifyGather, type GatherOutput, type GatherRefs, type PointClaim } from '../../src/layers/gather.js';
import { buildGatherMap, paddedPositions } from '../../src/layers/gather-map.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';
import { randomExt } from '../../src/sumcheck/random.js';

const MASK_VARS = 2;

function randInts(n: number, lo: number, hi: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => BigInt(lo + Math.floor(Math.random() * (hi - lo + 1))));
}

/** Checks claims against committed vectors, as a PCS opening would. */
class Oracle {
  failures = 0;
  constructor(private readonly vectors: readonly BaseVec[]) {}
  claim(commitment: number, c: LinearClaim): void {
    assert.equal(commitment, 0);
    let acc: Fp2 = E.ZERO;
    for (const t of c.terms) {
      if (!('poly' in t)) throw new Error('a layer claims single vectors only');
      const v = this.vectors[t.poly];
      let x: Fp2;
      if ('point' in t) x = evaluate(v, t.point);
      else {
        x = E.ZERO;
        extElements(t.weights).forEach((w, i) => {
          if (i < v.length) x = E.add(x, E.mul(w, E.fromBase(v[i])));
        });
      }
      acc = E.add(acc, E.mul(t.coeff, x));
    }
    if (!E.eq(acc, c.value)) this.failures++;
  }
}

interface Case {
  yDims: number[];
  idx: Int32Array;
  /** slot dims and the slot's tensor index (null: public slot). */
  slots: { dims: number[]; tensor: number | null; data: BigInt64Array }[];
  sources: { dims: number[]; data: BigInt64Array }[];
  fill: bigint;
}

function gatherValues(cs: Case): BigInt64Array {
  const all: bigint[] = cs.slots.flatMap((s) => Array.from(s.data));
  return BigInt64Array.from(cs.idx, (j) => (j < 0 ? cs.fill : all[j]));
}

function makeCase(kind: 'transpose-pad' | 'concat' | 'windows' | 'public-slot'): Case {
  const x = { dims: [3, 5], data: randInts(15, -100, 100) };
  if (kind === 'concat') {
    const z = { dims: [2, 5], data: randInts(10, -100, 100) };
    // Concat(x, z, x) along axis 0: [8, 5]
    const idx = Int32Array.from({ length: 40 }, (_, i) => (i < 15 ? i : i < 25 ? i : i - 10));
    return { yDims: [8, 5], idx, slots: [{ dims: [3, 5], tensor: 0, data: x.data }, { dims: [2, 5], tensor: 1, data: z.data }, { dims: [3, 5], tensor: 0, data: x.data }], sources: [x, z], fill: 0n };
  }
  if (kind === 'windows') {
    // 2×2 windows of stride 1 over a 3×5 image with padding 1 (fill −7): non-injective
    const idx: number[] = [];
    for (let oi = 0; oi < 4; oi++) for (let oj = 0; oj < 6; oj++) for (let ki = 0; ki < 2; ki++) for (let kj = 0; kj < 2; kj++) {
      const i = oi + ki - 1;
      const j = oj + kj - 1;
      idx.push(i < 0 || j < 0 || i >= 3 || j >= 5 ? -1 : i * 5 + j);
    }
    return { yDims: [24, 4], idx: Int32Array.from(idx), slots: [{ dims: [3, 5], tensor: 0, data: x.data }], sources: [x], fill: -7n };
  }
  if (kind === 'public-slot') {
    const c = { dims: [5], data: randInts(5, -9, 9) };
    // Concat(x, broadcast c) → [6, 5]
    const idx = Int32Array.from({ length: 30 }, (_, i) => (i < 15 ? i : 15 + (i % 5)));
    return { yDims: [6, 5], idx, slots: [{ dims: [3, 5], tensor: 0, data: x.data }, { dims: [5], tensor: null, data: c.data }], sources: [x], fill: 0n };
  }
  // transpose to [5, 3] then pad to [5, 6] with fill 3
  const idx: number[] = [];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) idx.push(j < 3 ? j * 5 + i : -1);
  return { yDims: [5, 6], idx: Int32Array.from(idx), slots: [{ dims: [3, 5], tensor: 0, data: x.data }], sources: [x], fill: 3n };
}

function mapOf(cs: Case) {
  return buildGatherMap(
    cs.yDims,
    cs.idx,
    cs.slots.map((s) => ({ dims: s.dims, source: s.tensor, table: s.tensor === null ? paddedTable(s.data, s.dims) : null })),
    cs.sources.map((s) => totalVars(s.dims)),
    cs.fill,
  );
}

interface Run {
  proof: SumcheckProof;
  oracle: Oracle;
  refs: GatherRefs;
  gRef: GMaskRef;
  claims: PointClaim[];
  publicY: BaseVec | null;
}

/**
 * Proves the layer with commitment 0 = sources, [y], [R̂], g. `yData` lets a cheater use another
 * output than the gather of the sources; `random` a virtual output's number of consumer claims.
 */
function run(cs: Case, kind: GatherOutput['kind'], opts: { yData?: BigInt64Array; claims?: number; label?: string } = {}): Run {
  const map = mapOf(cs);
  const yData = opts.yData ?? gatherValues(cs);
  const yTable = paddedTable(yData, cs.yDims);
  const yVars = totalVars(cs.yDims);
  const sources = cs.sources.map((s) => MaskedPoly.sample(paddedTable(s.data, s.dims), totalVars(s.dims), MASK_VARS));
  const masked: MaskedPoly[] = [...sources];
  const yMasked = MaskedPoly.sample(yTable, yVars, MASK_VARS);
  if (kind === 'committed') masked.push(yMasked);
  const rHat = MaskedPoly.sample(yMasked.mask, yMasked.maskVars, 0);
  if (kind === 'virtual') masked.push(rHat);
  const layout = maskedLayout(0, masked.map(specOf));
  const out: GatherOutput = kind === 'public' ? { kind } : kind === 'committed' ? { kind, ref: layout[sources.length] } : { kind, mask: layout[sources.length] };
  const refs: GatherRefs = { sources: layout.slice(0, sources.length), out };
  const degrees = gatherDegrees(map, refs);
  const g = SumcheckMask.sample(degrees);
  const gStart = layout[layout.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: 0, g: [gStart, gStart + 1], degrees };
  const oracle = new Oracle([...masked.flatMap((m) => m.commitPolys()), ...g.polys()]);
  // a virtual output's consumers reveal ŷ at random points (ŷ of the honest y + its mask R)
  const claims: PointClaim[] = [];
  if (kind === 'virtual') {
    for (let k = 0; k < (opts.claims ?? 2); k++) {
      const point = extElements(randomExt(yVars));
      claims.push({ point, value: yMasked.masked(evaluate(yTable, point), point) });
    }
  }
  const t = new Transcript(opts.label ?? 'test/layers/gather');
  const w = { sources, out: kind === 'committed' ? yMasked : kind === 'public' ? yTable : { virtualMask: rHat } };
  const proof = proveGather(map, refs, w, claims, g, gRef, oracle, t);
  return { proof, oracle, refs, gRef, claims, publicY: kind === 'public' ? yTable : null };
}

function verifyRun(cs: Case, r: Run, opts: { publicY?: BaseVec; claims?: PointClaim[]; label?: string } = {}): Oracle {
  const vectors = (r.oracle as unknown as { vectors: BaseVec[] }).vectors;
  const oracle = new Oracle(vectors);
  const t = new Transcript(opts.label ?? 'test/layers/gather');
  verifyGather(mapOf(cs), r.refs, opts.publicY ?? r.publicY, opts.claims ?? r.claims, r.gRef, r.proof, oracle, t);
  return oracle;
}

const KINDS = ['transpose-pad', 'concat', 'windows', 'public-slot'] as const;
const OUTS = ['public', 'committed', 'virtual'] as const;

test('gather: honest proofs verify and every claim holds (every map kind × output kind)', () => {
  for (const k of KINDS) {
    for (const o of OUTS) {
      const cs = makeCase(k);
      const r = run(cs, o);
      assert.equal(r.oracle.failures, 0, `${k}/${o}: prover claims`);
      const v = verifyRun(cs, r);
      assert.equal(v.failures, 0, `${k}/${o}: verifier claims`);
    }
  }
});

test('gather: scatterAddExt sums repeated targets', () => {
  const vals = extElements(randomExt(5));
  const pos = Int32Array.from([3, 1, 3, 0, 3]);
  const w = extElements(scatterAddExt(2, toExtVec(vals), pos));
  assert.ok(E.eq(w[3], E.add(E.add(vals[0], vals[2]), vals[4])));
  assert.ok(E.eq(w[1], vals[1]) && E.eq(w[0], vals[3]) && E.eq(w[2], E.ZERO));
});

function toExtVec(v: readonly Fp2[]): BigUint64Array {
  return BigUint64Array.from(v.flatMap((x) => [x[0], x[1]]));
}

test('gather: paddedPositions follows the per-dimension padding', () => {
  assert.deepEqual(Array.from(paddedPositions([3, 5])), [0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 16, 17, 18, 19, 20]);
  assert.deepEqual(Array.from(paddedPositions([1, 3])), [0, 1, 2]);
});

test('gather: a public output that is not the gather of the sources is rejected', () => {
  const cs = makeCase('windows');
  const r = run(cs, 'public');
  const wrong = gatherValues(cs);
  wrong[5] += 1n;
  assert.throws(() => verifyRun(cs, r, { publicY: paddedTable(wrong, cs.yDims) }), VerificationError);
});

test('gather: a tampered round message or final value is rejected', () => {
  for (const o of OUTS) {
    const cs = makeCase('transpose-pad');
    const r = run(cs, o);
    const rounds = r.proof.rounds.map((x) => x.slice());
    rounds[1][0] = E.add(rounds[1][0], E.ONE);
    assert.throws(() => verifyRun(cs, { ...r, proof: { ...r.proof, rounds } }), VerificationError, `${o}: round`);
    // a changed final value passes the sumcheck only if the products still match: it does not
    const values = r.proof.values.slice();
    values[0] = E.add(values[0], E.ONE);
    assert.throws(() => verifyRun(cs, { ...r, proof: { ...r.proof, values } }), VerificationError, `${o}: value`);
  }
});

test('gather: a virtual output claim that is not ŷ of the gather is rejected', () => {
  const cs = makeCase('concat');
  const r = run(cs, 'virtual', { claims: 3 });
  const claims = r.claims.map((c, k) => (k === 1 ? { point: c.point, value: E.add(c.value, E.ONE) } : c));
  assert.throws(() => verifyRun(cs, r, { claims }), VerificationError);
});

test('gather: a committed output with non-zero padding or a wrong entry cannot be proven (padding is constrained)', () => {
  for (const k of KINDS) {
    const cs = makeCase(k);
    const yTable = paddedTable(gatherValues(cs), cs.yDims);
    // a padding position of y (the tables of every case have padding)
    const real = new Set(paddedPositions(cs.yDims));
    const pad = yTable.findIndex((_, i) => !real.has(i));
    assert.ok(pad >= 0, `${k}: the case has padding`);
    // The honest prover refuses (the claimed sum is false); a cheater that goes on is rejected.
    const cheat = (mutate: (t: BaseVec) => void) => {
      Object.defineProperty(Object.prototype, 'unsafeAllowFalseClaim', { value: true, configurable: true, writable: true });
      const origSample = MaskedPoly.sample;
      let n = 0;
      MaskedPoly.sample = function (values, numVars, maskVars) {
        // the output is the masked tensor sampled after the sources
        if (n++ === cs.sources.length) mutate(values as BaseVec);
        return origSample.call(MaskedPoly, values, numVars, maskVars);
      };
      try {
        return run(cs, 'committed');
      } finally {
        MaskedPoly.sample = origSample;
        delete (Object.prototype as { unsafeAllowFalseClaim?: boolean }).unsafeAllowFalseClaim;
      }
    };
    for (const mutate of [(t: BaseVec) => void (t[pad] = 5n), (t: BaseVec) => { const i = paddedPositions(cs.yDims)[0]; t[i] = F.add(t[i], 1n); }]) {
      const r = cheat(mutate);
      // either the sumcheck fails or a claim on the committed vectors is false (the PCS rejects)
      let rejected = false;
      try {
        rejected = verifyRun(cs, r).failures > 0;
      } catch (e) {
        assert.ok(e instanceof VerificationError, String(e));
        rejected = true;
      }
      assert.ok(rejected, `${k}: the forged output was accepted`);
    }
  }
});

test('gather: sources are read only at real positions (padding of a committed source does not reach the output)', () => {
  const cs = makeCase('transpose-pad');
  const origSample = MaskedPoly.sample;
  let n = 0;
  MaskedPoly.sample = function (values, numVars, maskVars) {
    // garbage in every padding entry of the source table x (3×5 padded 4×8)
    if (n++ === 0) {
      const real = new Set(paddedPositions([3, 5]));
      for (let i = 0; i < values.length; i++) if (!real.has(i)) (values as BaseVec)[i] = 1000n + BigInt(i);
    }
    return origSample.call(MaskedPoly, values, numVars, maskVars);
  };
  let r: Run;
  try {
    r = run(cs, 'public');
  } finally {
    MaskedPoly.sample = origSample;
  }
  // the honest output still verifies: padding entries have weight 0 in W
  assert.equal(verifyRun(cs, r).failures, 0);
});

test('gather: a round mask of other degrees than the layer needs is rejected', () => {
  const cs = makeCase('windows');
  const r = run(cs, 'committed');
  const gRef = { ...r.gRef, degrees: r.gRef.degrees.map((d, i) => (i === 0 ? d + 1 : d)) };
  assert.throws(() => verifyRun(cs, { ...r, gRef }), (e: unknown) => e instanceof VerificationError && e.check === 'gather/mask');
});
