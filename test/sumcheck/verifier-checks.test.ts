// One test per check of the sumcheck verifier (src/sumcheck/verifier.ts), the verifier session
// (session.ts), the claim reduction's verifier (reduce.ts) and the sumcheck proof decoder
// (proof.ts): an honest proof verifies, then exactly one part is changed and the verifier must
// reject it with THAT check (VerificationError.check, or the FormatError's message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { P } from '../../src/field/goldilocks.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { HashPcs } from '../../src/pcs/index.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import { proveSumcheck, type ProverTable } from '../../src/sumcheck/prover.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { roundDegrees, type BatchShape, type TableShape } from '../../src/sumcheck/types.js';
import { deserializeSumcheckProof, serializeSumcheckProof, type SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession } from '../../src/sumcheck/session.js';
import { ReducingPcs } from '../../src/sumcheck/reduce.js';
import { bruteClaim, mle, randomExtElement, randomPoint, randomTable } from './helpers.js';
import { claimOf, pointOf, Rng, vecOf } from '../pcs/helpers.js';

const rejectedBy = (check: string) => (e: unknown): boolean => e instanceof VerificationError && e.check === check;
const formatError = (re: RegExp) => (e: unknown): boolean => e instanceof FormatError && re.test(e.message);
const bump = (x: Fp2): Fp2 => E.add(x, [0n, 1n]);

interface Case {
  readonly shape: BatchShape;
  readonly tables: ProverTable[];
  readonly publicEval: (table: number, point: readonly Fp2[]) => Fp2;
}

/**
 * Two instances of different sizes (4 and 2 variables), each Σ eq·A·B + c·C, and one public
 * table in the larger instance: every kind of factor the verifier evaluates.
 */
function makeCase(zk: boolean): Case {
  const sizes = [4, 2];
  const tables: ProverTable[] = [];
  const tshapes: TableShape[] = [];
  const raw: BigUint64Array[] = [];
  const add = (nv: number, kind: 'committed' | 'public'): number => {
    const v = randomTable(nv, tables.length % 2 === 1);
    raw.push(v);
    tables.push(zk && kind === 'committed' ? MaskedPoly.sample(v, nv, 1) : v);
    tshapes.push({ numVars: nv, kind, maskVars: zk && kind === 'committed' ? 1 : null });
    return tables.length - 1;
  };
  const instances = sizes.map((nv, i) => {
    const a = add(nv, 'committed');
    const b = add(nv, i === 0 ? 'public' : 'committed');
    const c = add(nv, 'committed');
    return { numVars: nv, weight: randomExtElement(), terms: [{ coeff: E.ONE, factors: [{ eq: randomPoint(nv) }, { table: a }, { table: b }] }, { coeff: randomExtElement(), factors: [{ table: c }] }] };
  });
  const partial = { tables: tshapes, instances, zk };
  const publicEval = (table: number, point: readonly Fp2[]) => mle(raw[table], tshapes[table].numVars, point);
  return { shape: { ...partial, claimedSum: bruteClaim(partial, tables) }, tables, publicEval };
}

function prove(c: Case): SumcheckProof {
  return proveSumcheck(c.shape, c.tables, c.shape.zk ? SumcheckMask.sample(roundDegrees(c.shape)) : null, new Transcript('checks')).proof;
}

function verify(c: Case, proof: SumcheckProof, shape: BatchShape = c.shape) {
  return verifySumcheck(shape, proof, new Transcript('checks'), c.publicEval);
}

for (const zk of [false, true]) {
  const label = zk ? 'zk' : 'plain';

  test(`sumcheck/shape (${label}): one round too few or too many, a round with one coefficient too few or too many`, () => {
    const c = makeCase(zk);
    const proof = prove(c);
    verify(c, proof);
    assert.throws(() => verify(c, { ...proof, rounds: proof.rounds.slice(1) }), rejectedBy('sumcheck/shape'));
    assert.throws(() => verify(c, { ...proof, rounds: [...proof.rounds, proof.rounds[0]] }), rejectedBy('sumcheck/shape'));
    for (const k of [0, proof.rounds.length - 1]) {
      const shorter = proof.rounds.map((r, j) => (j === k ? r.slice(1) : r));
      const longer = proof.rounds.map((r, j) => (j === k ? [...r, E.ONE] : r));
      assert.throws(() => verify(c, { ...proof, rounds: shorter }), rejectedBy('sumcheck/shape'), `round ${k} shorter`);
      assert.throws(() => verify(c, { ...proof, rounds: longer }), rejectedBy('sumcheck/shape'), `round ${k} longer`);
    }
  });

  test(`sumcheck/shape (${label}): one committed table value too few or too many`, () => {
    const c = makeCase(zk);
    const proof = prove(c);
    assert.throws(() => verify(c, { ...proof, values: proof.values.slice(1) }), rejectedBy('sumcheck/shape'));
    assert.throws(() => verify(c, { ...proof, values: [...proof.values, E.ONE] }), rejectedBy('sumcheck/shape'));
  });

  test(`sumcheck/shape (${label}): the mask sum G and g(r) are present iff the batch is zero-knowledge`, () => {
    const c = makeCase(zk);
    const proof = prove(c);
    if (zk) {
      assert.throws(() => verify(c, { ...proof, maskSum: null }), rejectedBy('sumcheck/shape'));
      assert.throws(() => verify(c, { ...proof, maskValue: null }), rejectedBy('sumcheck/shape'));
      // a zero-knowledge proof offered to a plain verifier
      assert.throws(() => verify(c, proof, { ...c.shape, zk: false, tables: c.shape.tables.map((t) => ({ ...t, maskVars: null })) }), rejectedBy('sumcheck/shape'));
    } else {
      assert.throws(() => verify(c, { ...proof, maskSum: E.ONE }), rejectedBy('sumcheck/shape'));
      assert.throws(() => verify(c, { ...proof, maskValue: E.ONE }), rejectedBy('sumcheck/shape'));
    }
  });

  test(`sumcheck/final (${label}): a wrong claimed sum`, () => {
    const c = makeCase(zk);
    const proof = prove(c);
    assert.throws(() => verify(c, proof, { ...c.shape, claimedSum: bump(c.shape.claimedSum) }), rejectedBy('sumcheck/final'));
  });

  test(`sumcheck/final (${label}): every coefficient of every round polynomial`, () => {
    const c = makeCase(zk);
    const proof = prove(c);
    proof.rounds.forEach((r, k) =>
      r.forEach((_, j) => {
        const rounds = proof.rounds.map((x, i) => (i === k ? x.map((y, l) => (l === j ? bump(y) : y)) : x));
        assert.throws(() => verify(c, { ...proof, rounds }), rejectedBy('sumcheck/final'), `round ${k} coefficient ${j}`);
      }),
    );
  });

  test(`sumcheck/final (${label}): every revealed table value${zk ? ', the mask sum G and g(r)' : ''}; and a public table's value (the verifier's own evaluation)`, () => {
    const c = makeCase(zk);
    const proof = prove(c);
    proof.values.forEach((_, j) => {
      assert.throws(() => verify(c, { ...proof, values: proof.values.map((v, i) => (i === j ? bump(v) : v)) }), rejectedBy('sumcheck/final'), `value ${j}`);
    });
    if (zk) {
      assert.throws(() => verify(c, { ...proof, maskSum: bump(proof.maskSum!) }), rejectedBy('sumcheck/final'));
      assert.throws(() => verify(c, { ...proof, maskValue: bump(proof.maskValue!) }), rejectedBy('sumcheck/final'));
    }
    // the verifier evaluating the public table wrongly (a different public table) rejects too
    assert.throws(() => verifySumcheck(c.shape, proof, new Transcript('checks'), (t, p) => bump(c.publicEval(t, p))), rejectedBy('sumcheck/final'));
    // and another transcript (another statement absorbed before) rejects
    assert.throws(() => verifySumcheck(c.shape, proof, new Transcript('other'), c.publicEval), rejectedBy('sumcheck/final'));
  });
}

test('verifySumcheck: a public table and no publicEval is a caller error (RangeError), not an acceptance', () => {
  const c = makeCase(false);
  const proof = prove(c);
  assert.throws(() => verifySumcheck(c.shape, proof, new Transcript('checks')), (e: unknown) => e instanceof RangeError && /table 1 is public but no publicEval/.test(e.message));
});

test('deserializeSumcheckProof: truncated, trailing and non-canonical bytes are FormatErrors; the honest bytes round-trip', () => {
  const c = makeCase(true);
  const proof = prove(c);
  const bytes = serializeSumcheckProof(proof);
  verify(c, deserializeSumcheckProof(bytes, c.shape));
  assert.throws(() => deserializeSumcheckProof(bytes.subarray(0, bytes.length - 1), c.shape), formatError(/sumcheck proof: truncated while reading sumcheck mask value/));
  assert.throws(() => deserializeSumcheckProof(Uint8Array.from([...bytes, 0]), c.shape), formatError(/sumcheck proof: 1 trailing bytes/));
  // G's first word set to p (the residue 0, non-canonical)
  const bad = bytes.slice();
  new DataView(bad.buffer).setBigUint64(0, P, true);
  assert.throws(() => deserializeSumcheckProof(bad, c.shape), formatError(/sumcheck mask sum is not a canonical field element/));
  // a round coefficient: bytes 16.. hold round 0
  const bad2 = bytes.slice();
  new DataView(bad2.buffer).setBigUint64(24, (1n << 64n) - 1n, true);
  assert.throws(() => deserializeSumcheckProof(bad2, c.shape), formatError(/sumcheck round 0 is not a canonical/));
  // a plain verifier reads a zero-knowledge proof's bytes as a different proof: trailing bytes
  const plain = { ...c.shape, zk: false, tables: c.shape.tables.map((t) => ({ ...t, maskVars: null })) };
  assert.throws(() => deserializeSumcheckProof(bytes, plain), formatError(/trailing bytes/));
});

// ---- the verifier session: commitments received and openings

const sessionPcs = new HashPcs();

function sessionRun() {
  const rng = new Rng(3);
  const polys = [vecOf(rng, 64), vecOf(rng, 16)];
  const t = new Transcript('session');
  const ps = new ProverSession(sessionPcs, t);
  const claims: LinearClaim[] = polys.map((p) => claimOf([p], [{ poly: 0, coeff: E.ONE, point: pointOf(rng, Math.log2(p.length)) }]));
  polys.forEach((p, i) => ps.claim(ps.commit([p]), claims[i]));
  const openings = ps.finish();
  return { commitments: ps.commitments, claims, openings };
}

function sessionVerify(s: ReturnType<typeof sessionRun>, receive: number, commitments = s.commitments, openings = s.openings): void {
  const vs = new VerifierSession(sessionPcs, new Transcript('session'), commitments);
  for (let i = 0; i < receive; i++) {
    const c = vs.receive();
    if (i < s.claims.length) vs.claim(c, s.claims[i]);
  }
  vs.finish(openings);
}

test('session/commitments: the protocol asks for more commitments than the proof has', () => {
  const s = sessionRun();
  sessionVerify(s, 2);
  assert.throws(() => sessionVerify(s, 2, s.commitments.slice(0, 1)), rejectedBy('session/commitments'));
  assert.throws(() => sessionVerify(s, 3), rejectedBy('session/commitments'));
});

test('session/commitments: the proof has a commitment the protocol never used', () => {
  const s = sessionRun();
  assert.throws(() => sessionVerify(s, 2, [...s.commitments, s.commitments[1]], [...s.openings, s.openings[1]]), rejectedBy('session/commitments'));
});

test('session/openings: one opening missing or one too many', () => {
  const s = sessionRun();
  assert.throws(() => sessionVerify(s, 2, s.commitments, s.openings.slice(0, 1)), rejectedBy('session/openings'));
  assert.throws(() => sessionVerify(s, 2, s.commitments, [...s.openings, s.openings[0]]), rejectedBy('session/openings'));
  // the openings swapped: the scheme's own checks reject (whichever fails first)
  assert.throws(() => sessionVerify(s, 2, s.commitments, [s.openings[1], s.openings[0]]), VerificationError);
});

// ---- the claim reduction's verifier: malformed claims and decoder checks

const reducing = new ReducingPcs(new HashPcs({ evalMasks: 4 }));

function reductionRun() {
  const rng = new Rng(21);
  const polys = [vecOf(rng, 100), vecOf(rng, 8)];
  const claims: LinearClaim[] = [
    claimOf(polys, [{ poly: 0, coeff: E.ONE, point: pointOf(rng, 7) }]),
    claimOf(polys, [{ poly: 1, coeff: [3n, 4n], weights: BigUint64Array.from({ length: 16 }, (_, i) => BigInt(i + 1)) }]),
  ];
  const { commitment, state } = reducing.commit(polys);
  const proof = reducing.open(state, claims, new Transcript('reduce-checks'));
  return { commitment, claims, proof };
}

test('reduce/claims: a non-canonical value, coefficient, point coordinate or weight, and too many weights', () => {
  const r = reductionRun();
  const check = (claims: readonly LinearClaim[]) => reducing.verify(r.commitment, claims, r.proof, new Transcript('reduce-checks'));
  check(r.claims);
  const [a, b] = r.claims;
  const t0 = a.terms[0] as { poly: number; coeff: Fp2; point: readonly Fp2[] };
  const t1 = b.terms[0] as { poly: number; coeff: Fp2; weights: BigUint64Array };
  const cases: [string, LinearClaim[], RegExp][] = [
    ['value', [{ ...a, value: [P, 0n] }, b], /claim 0: value is not canonical/],
    ['coefficient', [{ ...a, terms: [{ ...t0, coeff: [0n, P] }] }, b], /coefficient is not canonical/],
    ['point coordinate', [{ ...a, terms: [{ ...t0, point: t0.point.map((x, i) => (i === 3 ? [P + 5n, 0n] as Fp2 : x)) }] }, b], /point coordinate is not canonical/],
    ['weight', [a, { ...b, terms: [{ ...t1, weights: t1.weights.map((w, i) => (i === 5 ? P : w)) }] }], /weight is not canonical/],
    ['weights', [a, { ...b, terms: [{ ...t1, weights: new BigUint64Array(2 * 9) }] }], /9 weights for a vector of padded size 8/],
  ];
  for (const [what, claims, message] of cases) {
    assert.throws(() => check(claims), (e: unknown) => rejectedBy('reduce/claims')(e) && message.test((e as Error).message), what);
  }
});

test('reduced proof decoder: trailing and truncated bytes, an oversized base opening, a commitment that describes no opening', () => {
  const r = reductionRun();
  const bytes = reducing.serializeProof(r.proof);
  reducing.verify(r.commitment, r.claims, reducing.deserializeProof(bytes, r.commitment, r.claims), new Transcript('reduce-checks'));
  assert.throws(() => reducing.deserializeProof(Uint8Array.from([...bytes, 1]), r.commitment, r.claims), formatError(/reduced proof: 1 trailing bytes/));
  assert.throws(() => reducing.deserializeProof(bytes.subarray(0, 40), r.commitment, r.claims), formatError(/reduced proof: truncated/));
  // the base opening's length prefix above 2^28
  const sumcheckBytes = bytes.length - 4 - reducing.base.serializeProof(r.proof.base).length;
  const big = bytes.slice();
  new DataView(big.buffer).setUint32(sumcheckBytes, (1 << 28) + 1, true);
  assert.throws(() => reducing.deserializeProof(big, r.commitment, r.claims), formatError(/base opening length is 268435457, more than the allowed 268435456/));
  // a vector of size 0 (the scheme's layout refuses it)
  assert.throws(() => reducing.deserializeProof(bytes, { ...r.commitment, sizes: [0, 8] }, r.claims), formatError(/the commitment does not describe an opening \(pcs: vector 0 has size 0\)/));
});

// ---- randomized tampering: any one element replaced, any byte flipped

const FULL = process.env.ZKINFER_FULL !== undefined;

test(`sumcheck: ${FULL ? 1000 : 200} random single-element replacements (a round coefficient, a value, G or g(r)) are each rejected by sumcheck/final`, () => {
  const c = makeCase(true);
  const proof = prove(c);
  const slots: [kind: 'round' | 'value' | 'G' | 'g', i: number, j: number][] = [
    ...proof.rounds.flatMap((r, k) => r.map((_, j): ['round', number, number] => ['round', k, j])),
    ...proof.values.map((_, j): ['value', number, number] => ['value', j, 0]),
    ['G', 0, 0],
    ['g', 0, 0],
  ];
  const count = FULL ? 1000 : 200;
  for (let t = 0; t < count; t++) {
    const [kind, i, j] = slots[Math.floor(Math.random() * slots.length)];
    const x = randomExtElement();
    const bad: SumcheckProof =
      kind === 'round' ? { ...proof, rounds: proof.rounds.map((r, k) => (k === i ? r.map((y, l) => (l === j ? x : y)) : r)) }
      : kind === 'value' ? { ...proof, values: proof.values.map((v, l) => (l === i ? x : v)) }
      : kind === 'G' ? { ...proof, maskSum: x }
      : { ...proof, maskValue: x };
    assert.throws(() => verify(c, bad), rejectedBy('sumcheck/final'), `${kind} ${i} ${j}`);
  }
});

test(`sumcheck: ${FULL ? 1000 : 200} random byte flips of a serialized proof are each a FormatError (non-canonical) or sumcheck/final`, () => {
  const c = makeCase(true);
  const bytes = serializeSumcheckProof(prove(c));
  const count = FULL ? 1000 : 200;
  for (let t = 0; t < count; t++) {
    const bad = bytes.slice();
    bad[Math.floor(Math.random() * bad.length)] ^= 1 + Math.floor(Math.random() * 255);
    assert.throws(() => verify(c, deserializeSumcheckProof(bad, c.shape)), (e: unknown) => formatError(/not a canonical/)(e) || rejectedBy('sumcheck/final')(e), `flip ${t}`);
  }
});

test('sumcheck: a non-canonical element in a proof object (not from bytes) is refused by the transcript before it is used', () => {
  const c = makeCase(true);
  const proof = prove(c);
  const nonCanonical: Fp2 = [P, 0n];
  const cases: [string, SumcheckProof][] = [
    ['round', { ...proof, rounds: proof.rounds.map((r, k) => (k === 1 ? [nonCanonical, ...r.slice(1)] : r)) }],
    ['value', { ...proof, values: [nonCanonical, ...proof.values.slice(1)] }],
    ['G', { ...proof, maskSum: [0n, -1n] }],
    ['g(r)', { ...proof, maskValue: nonCanonical }],
  ];
  for (const [what, bad] of cases) assert.throws(() => verify(c, bad), (e: unknown) => e instanceof RangeError && /non-canonical/.test(e.message), what);
});
