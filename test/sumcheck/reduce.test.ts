// The claim reduction (src/sumcheck/reduce.ts): any batch of linear claims on one commitment is
// opened through ONE point of the concatenation. Completeness over vectors of many sizes (powers
// of two and not), points and dense functionals; the weight polynomial the verifier evaluates
// agrees with the prover's table; each verifier check rejects the part of a proof it guards;
// random corruptions are all rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as V from '../../src/field/vec.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { HashPcs, type HashPcsProof } from '../../src/pcs/index.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { ReducingPcs, absorbReduction, batchedValue, finalClaims, reductionLayout, reductionShape, type ReducedProof } from '../../src/sumcheck/reduce.js';
import { absorbProofHead } from '../../src/sumcheck/proof.js';
import { roundDegrees } from '../../src/sumcheck/types.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { eqPrefixInner, HighBitsEq, weightAt, weightTable } from '../../src/sumcheck/reduce-weights.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { proveSumcheck } from '../../src/sumcheck/prover.js';
import { ProverSession, VerifierSession } from '../../src/sumcheck/session.js';
import { claimOf, extOf, pointOf, Rng, vecOf } from '../pcs/helpers.js';
import { numVars } from '../../src/poly/mle.js';

const FULL = process.env.ZKINFER_FULL !== undefined;
const base = new HashPcs({ evalMasks: 4 });
const pcs = new ReducingPcs(base);
type P = ReducedProof<HashPcsProof>;

const SIZES = [1000, 64, 8, 3, 256, 1, 5];

/** Many claims: every vector at two points (one claim mixes two vectors), and two dense functionals. */
function claimsFor(rng: Rng, polys: readonly BigUint64Array[]): LinearClaim[] {
  const claims: LinearClaim[] = [];
  polys.forEach((p, i) => {
    const k = numVars(p.length);
    claims.push(claimOf(polys, [{ poly: i, coeff: E.ONE, point: pointOf(rng, k) }]));
    claims.push(claimOf(polys, [
      { poly: i, coeff: extOf(rng), point: pointOf(rng, k) },
      { poly: (i + 1) % polys.length, coeff: extOf(rng), point: pointOf(rng, numVars(polys[(i + 1) % polys.length].length)) },
    ]));
  });
  const dense = (len: number) => V.extFromElements(Array.from({ length: len }, () => extOf(rng)));
  const last = polys.length - 1;
  claims.push(claimOf(polys, [{ poly: 1, coeff: extOf(rng), weights: dense(Math.min(40, 2 ** numVars(polys[1].length))) }, { poly: last, coeff: E.ONE, weights: dense(2 ** numVars(polys[last].length)) }]));
  return claims;
}

interface Run {
  readonly polys: BigUint64Array[];
  readonly claims: LinearClaim[];
  readonly commitment: { root: Uint8Array; sizes: readonly number[] };
  readonly proof: P;
}

function run(seed: number, sizes = SIZES): Run {
  const rng = new Rng(seed);
  const polys = sizes.map((n) => vecOf(rng, n));
  const claims = claimsFor(rng, polys);
  const { commitment, state } = pcs.commit(polys);
  const t = new Transcript('test/reduce');
  const proof = pcs.open(state, claims, t);
  return { polys, claims, commitment, proof };
}

function check(r: Run, proof: P = r.proof, claims: readonly LinearClaim[] = r.claims): void {
  pcs.verify(r.commitment, claims, proof, new Transcript('test/reduce'));
}

function rejects(f: () => void, check: string | RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof VerificationError && (typeof check === 'string' ? e.check === check : check.test(e.check)), `expected a VerificationError (${check})`);
}

test('reduce: Σ_{i<S} eq(r,i)·eq(s,i) in O(ℓ) equals the sum over the first S indices', () => {
  const rng = new Rng(1);
  for (const n of [0, 1, 3, 5]) {
    const r = pointOf(rng, n);
    const s = pointOf(rng, n);
    const er = V.eqTable(r);
    const es = V.eqTable(s);
    for (let S = 0; S <= 2 ** n; S++) {
      let want: Fp2 = E.ZERO;
      for (let i = 0; i < S; i++) want = E.add(want, E.mul([er[2 * i], er[2 * i + 1]], [es[2 * i], es[2 * i + 1]]));
      assert.deepEqual(eqPrefixInner(r, s, S), want, `n = ${n}, S = ${S}`);
    }
  }
});

test('reduce: the memoized eq(bits(m), s[k..]) of aligned blocks equals the product over the bits, in any order of queries', () => {
  const rng = new Rng(31);
  const n = 12;
  const s = pointOf(rng, n);
  const high = new HighBitsEq(s);
  for (let q = 0; q < 400; q++) {
    const k = Number(rng.u64() % BigInt(n + 1));
    const m = Number(rng.u64() % BigInt(2 ** (n - k)));
    let want: Fp2 = E.ONE;
    for (let j = k; j < n; j++) want = E.mul(want, Math.floor(m / 2 ** (j - k)) % 2 === 1 ? s[j] : E.sub(E.ONE, s[j]));
    assert.deepEqual(high.at(k, m), want, `k = ${k}, m = ${m}`);
  }
});

test('reduce: the verifier\'s W(s) is the MLE of the prover\'s W table, and ⟨L, W⟩ = Σ λ_c·v_c', () => {
  const rng = new Rng(2);
  const polys = SIZES.map((n) => vecOf(rng, n));
  const claims = claimsFor(rng, polys);
  const layout = reductionLayout(base, SIZES);
  const lambdas = claims.map(() => extOf(rng));
  const W = weightTable(layout.concat, SIZES, claims, lambdas);
  const s = pointOf(rng, layout.concat.numVars);
  assert.deepEqual(weightAt(layout.concat, SIZES, claims, lambdas, s), V.extInner(W, V.eqTable(s)));
  const L = new BigUint64Array(2 ** layout.concat.numVars);
  polys.forEach((p, i) => L.set(p, layout.concat.offsets[i]));
  let want: Fp2 = E.ZERO;
  claims.forEach((c, i) => (want = E.add(want, E.mul(lambdas[i], c.value))));
  assert.deepEqual(V.baseInnerExt(L, W), want);
});

test('reduce: points with boolean top coordinates (views of one block) build the same W as the verifier\'s, blocks past a vector\'s end included', () => {
  const rng = new Rng(5);
  const sizes = [1000, 64, 5, 1];
  const polys = sizes.map((n) => vecOf(rng, n));
  const claims: LinearClaim[] = [];
  polys.forEach((p, i) => {
    const k = numVars(p.length);
    for (let bits = 0; bits <= k; bits++) {
      for (const block of [0, 2 ** bits - 1, Math.floor(2 ** bits / 3)]) {
        const top = Array.from({ length: bits }, (_, j): Fp2 => (Math.floor(block / 2 ** j) % 2 === 1 ? E.ONE : E.ZERO));
        claims.push(claimOf(polys, [{ poly: i, coeff: extOf(rng), point: [...pointOf(rng, k - bits), ...top] }]));
      }
    }
  });
  const layout = reductionLayout(base, sizes);
  const lambdas = claims.map(() => extOf(rng));
  const W = weightTable(layout.concat, sizes, claims, lambdas);
  const s = pointOf(rng, layout.concat.numVars);
  assert.deepEqual(weightAt(layout.concat, sizes, claims, lambdas, s), V.extInner(W, V.eqTable(s)));
  const L = new BigUint64Array(2 ** layout.concat.numVars);
  polys.forEach((p, i) => L.set(p, layout.concat.offsets[i]));
  assert.deepEqual(V.baseInnerExt(L, W), batchedValue(claims, lambdas));
});

test('reduce: many points on vectors of many sizes open with at most four row combinations', () => {
  const r = run(3);
  check(r);
  assert.ok(r.claims.length >= 15);
  assert.ok(r.proof.base.rows.length - 1 <= 4, `${r.proof.base.rows.length - 1} row combinations`);
  // the plain scheme would need one combination per distinct point
  assert.throws(() => base.open(base.commit(r.polys).state, r.claims, new Transcript('x')), /evaluation masks/);
  // the same through sessions, with the serialized proof
  const t = new Transcript('test/reduce/session');
  const ps = new ProverSession(pcs, t);
  const c = ps.commit(r.polys);
  for (const cl of r.claims) ps.claim(c, cl);
  const [o] = ps.finish();
  const bytes = pcs.serializeProof(o);
  const vs = new VerifierSession(pcs, new Transcript('test/reduce/session'), ps.commitments);
  vs.receive();
  for (const cl of r.claims) vs.claim(0, cl);
  vs.finish([pcs.deserializeProof(bytes, ps.commitments[0], vs.claimsOf(0))]);
  // no claims at all, and one vector
  const one = pcs.commit([vecOf(new Rng(4), 2)]);
  const p1 = pcs.open(one.state, [], new Transcript('t'));
  pcs.verify(one.commitment, [], p1, new Transcript('t'));
});

test('reduce: a false claim, a wrong context and malformed claims are rejected', () => {
  const r = run(5);
  const bad = r.claims.map((c, i) => (i === 7 ? { ...c, value: E.add(c.value, E.ONE) } : c));
  rejects(() => check(r, r.proof, bad), 'sumcheck/final');
  assert.throws(() => pcs.verify(r.commitment, r.claims, r.proof, new Transcript('other')), VerificationError);
  rejects(() => check(r, r.proof, [...r.claims, { terms: [{ coeff: E.ONE, layoutPoint: pointOf(new Rng(1), 12) }], value: E.ZERO }]), 'reduce/claims');
  rejects(() => check(r, r.proof, [{ terms: [{ poly: 99, coeff: E.ONE, point: [] }], value: E.ZERO }]), 'reduce/claims');
  rejects(() => check(r, r.proof, [{ terms: [{ poly: 0, coeff: E.ONE, point: [E.ONE] }], value: E.ZERO }]), 'reduce/claims');
  // the prover refuses a false claim too (the sumcheck's claimed sum is not the sum)
  const { state } = pcs.commit(r.polys);
  assert.throws(() => pcs.open(state, bad, new Transcript('test/reduce')), /claimed sum/);
  // a commitment of no caller vector: the prover refuses to make it, the verifier to check it
  assert.throws(() => pcs.commit([]), /at least one vector/);
  rejects(() => pcs.verify({ ...r.commitment, sizes: [] }, [], r.proof, new Transcript('test/reduce')), 'reduce/claims');
});

test('reduce: each part of the proof is checked (rounds, G, L̂(s), g(s), the base opening)', () => {
  const r = run(6);
  const sc = r.proof.sumcheck;
  const bump = (x: Fp2): Fp2 => E.add(x, E.ONE);
  const rounds = sc.rounds.map((rd) => rd.slice());
  rounds[2][0] = bump(rounds[2][0]);
  rejects(() => check(r, { ...r.proof, sumcheck: { ...sc, rounds } }), 'sumcheck/final');
  rejects(() => check(r, { ...r.proof, sumcheck: { ...sc, maskSum: bump(sc.maskSum!) } }), 'sumcheck/final');
  rejects(() => check(r, { ...r.proof, sumcheck: { ...sc, values: [bump(sc.values[0])] } }), 'sumcheck/final');
  rejects(() => check(r, { ...r.proof, sumcheck: { ...sc, maskValue: bump(sc.maskValue!) } }), 'sumcheck/final');
  const row = r.proof.base.rows[1].slice();
  row[0] ^= 1n;
  rejects(() => check(r, { ...r.proof, base: { ...r.proof.base, rows: [r.proof.base.rows[0], row, ...r.proof.base.rows.slice(2)] } }), /value|consistency/);
  const mu = bump(r.proof.base.maskSum);
  rejects(() => check(r, { ...r.proof, base: { ...r.proof.base, maskSum: mu } }), /value|consistency|proximity/);
});

/**
 * A cheater's opening: the honest reduction sumcheck, then L̂(s) moved by `dl` and g(s) by `dg`
 * (one of them compensating, so the sumcheck's final check still passes), then a base opening of
 * the moved values under the transcript the verifier will have.
 */
function shifted(seed: number, shift: (ws: Fp2, rho: Fp2) => { dl: Fp2; dg: Fp2 }): { commitment: Run['commitment']; claims: LinearClaim[]; proof: P } {
  const rng = new Rng(seed);
  const polys = SIZES.map((n) => vecOf(rng, n));
  const claims = claimsFor(rng, polys);
  const { commitment, state } = pcs.commit(polys);
  const { layout } = state;
  const numVars = layout.concat.numVars;
  const t = new Transcript('test/reduce');
  const lambdas = absorbReduction(t, commitment, claims);
  const L = new BigUint64Array(2 ** numVars);
  polys.forEach((p, i) => L.set(p, layout.concat.offsets[i]));
  const shape = reductionShape(numVars, batchedValue(claims, lambdas));
  const out = proveSumcheck(shape, [new MaskedPoly(L, numVars, 1, state.mask), weightTable(layout.concat, commitment.sizes, claims, lambdas)], state.g, t);
  const head = new Transcript('test/reduce');
  absorbReduction(head, commitment, claims);
  const rho = absorbProofHead(head, roundDegrees(shape), shape.claimedSum, out.proof.maskSum);
  const { dl, dg } = shift(weightAt(layout.concat, commitment.sizes, claims, lambdas, out.point), rho);
  const sumcheck = { ...out.proof, values: [E.add(out.values[0], dl)], maskValue: E.add(out.proof.maskValue!, dg) };
  const tv = new Transcript('test/reduce');
  absorbReduction(tv, commitment, claims);
  const vo = verifySumcheck(shape, sumcheck, tv, (_j, s) => weightAt(layout.concat, commitment.sizes, claims, lambdas, s));
  const baseProof = base.open(state.base, finalClaims(layout, vo.point, sumcheck.values[0], sumcheck.maskValue), tv);
  return { commitment, claims, proof: { sumcheck, base: baseProof } };
}

test('reduce: L̂(s) and g(s) moved consistently with the sumcheck are caught by the opening', () => {
  // L̂(s) + δ with g(s) − δ·W(s)/ρ, and g(s) + δ with L̂(s) − ρδ/W(s): the sumcheck passes both
  const a = shifted(10, (ws, rho) => ({ dl: E.ONE, dg: E.neg(E.mul(ws, E.inv(rho))) }));
  rejects(() => pcs.verify(a.commitment, a.claims, a.proof, new Transcript('test/reduce')), 'value');
  const b = shifted(11, (ws, rho) => ({ dl: E.neg(E.mul(rho, E.inv(ws))), dg: E.ONE }));
  rejects(() => pcs.verify(b.commitment, b.claims, b.proof, new Transcript('test/reduce')), 'value');
  // control: with no shift the same construction verifies
  const c = shifted(12, () => ({ dl: E.ZERO, dg: E.ZERO }));
  pcs.verify(c.commitment, c.claims, c.proof, new Transcript('test/reduce'));
});

test(`reduce: ${FULL ? 1000 : 120} random corruptions of a serialized opening are rejected, none crash`, () => {
  const r = run(8, [300, 16, 4]);
  const bytes = pcs.serializeProof(r.proof);
  const rng = new Rng(9);
  const n = FULL ? 1000 : 120;
  for (let i = 0; i < n; i++) {
    const b = bytes.slice();
    const kind = i % 3;
    let bad: Uint8Array;
    if (kind === 0) {
      const at = Number(rng.u64() % BigInt(b.length));
      b[at] ^= 1 << Number(rng.u64() % 8n);
      bad = b;
    } else if (kind === 1) bad = b.subarray(0, Number(rng.u64() % BigInt(b.length)));
    else bad = Uint8Array.from([...b, Number(rng.u64() % 256n)]);
    try {
      check(r, pcs.deserializeProof(bad, r.commitment, r.claims));
      assert.fail(`corruption ${i} accepted`);
    } catch (e) {
      assert.ok(e instanceof FormatError || e instanceof VerificationError, `corruption ${i}: ${String(e)}`);
    }
  }
});
