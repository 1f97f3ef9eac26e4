// Zero-knowledge tests of the sumcheck (ZK-NOTES "Tests that catch leaks"). They complement the
// simulator argument in docs/protocol.md (Part 3); they do not replace it.
//
// Brute force: the private table f holds one 8-bit secret s (the other entries and the public
// weight table are fixed, and the claimed sum does not depend on s). For every candidate
// c ∈ [0, 256) we recompute every value an UNMASKED prover would reveal with f_c at the
// proof's own challenges: f_c(r) and all coefficients of the plain round polynomials. The test
// asserts that no revealed value of the zero-knowledge proof equals any of them (no candidate
// singled out), and — to show the test can fail — that the same check on a proof made with
// all-zero masks singles out exactly the true secret. Only quantities that differ between
// candidates count (a quantity equal for all candidates is public).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveSumcheck } from '../../src/sumcheck/prover.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { MaskedPoly, SumcheckMask, maskLength } from '../../src/sumcheck/mask.js';
import { roundDegrees, type BatchShape } from '../../src/sumcheck/types.js';
import { mle } from './helpers.js';

const N = 3;
const PUBLIC_REST = [5n, 9n, 200n, 7n, 1n, 3n, 8n];
const W = BigUint64Array.from([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]); // w(0) = 0: the sum ignores s

function table(s: bigint): BigUint64Array {
  return BigUint64Array.from([s, ...PUBLIC_REST]);
}

function shapeFor(): BatchShape {
  let sum = 0n;
  PUBLIC_REST.forEach((x, i) => (sum += x * W[i + 1]));
  return {
    tables: [
      { numVars: N, kind: 'committed', maskVars: 1 },
      { numVars: N, kind: 'public', maskVars: null },
    ],
    instances: [{ numVars: N, weight: E.ONE, terms: [{ coeff: E.ONE, factors: [{ table: 0 }, { table: 1 }] }] }],
    claimedSum: [sum, 0n],
    zk: true,
  };
}

/** Plain round polynomial values s_k(t), t = 0..D, of Σ f·w for a candidate table. */
function plainRounds(f: BigUint64Array, r: readonly Fp2[], degrees: readonly number[]): Fp2[] {
  const out: Fp2[] = [];
  for (let k = 0; k < N; k++) {
    for (let t = 0; t <= degrees[k]; t++) {
      let acc: Fp2 = E.ZERO;
      for (let b = 0; b < 1 << (N - k - 1); b++) {
        const pt: Fp2[] = [...r.slice(0, k), [BigInt(t), 0n]];
        for (let j = 0; j < N - k - 1; j++) pt.push([BigInt((b >> j) & 1), 0n]);
        acc = E.add(acc, E.mul(mle(f, N, pt), mle(W, N, pt)));
      }
      out.push(acc);
    }
  }
  return out;
}

function revealed(proof: ReturnType<typeof proveSumcheck>['proof']): Set<string> {
  const all: Fp2[] = [proof.maskSum!, ...proof.rounds.flat(), ...proof.values, proof.maskValue!];
  return new Set(all.map((x) => `${x[0]},${x[1]}`));
}

function singledOut(secret: bigint, zeroMasks: boolean): bigint[] {
  const shape = shapeFor();
  const degrees = roundDegrees(shape);
  const f = zeroMasks ? new MaskedPoly(table(secret), N, 1, new BigUint64Array(4)) : MaskedPoly.sample(table(secret), N, 1);
  const g = zeroMasks ? new SumcheckMask(degrees, new BigUint64Array(2 * maskLength(degrees))) : SumcheckMask.sample(degrees);
  const { proof } = proveSumcheck(shape, [f, W], g, new Transcript('zk-test'));
  const v = verifySumcheck(shape, proof, new Transcript('zk-test'), (_, p) => mle(W, N, p));
  const seen = revealed(proof);
  const key = (x: Fp2) => `${x[0]},${x[1]}`;
  const perCandidate = Array.from({ length: 256 }, (_, c) => {
    const fc = table(BigInt(c));
    return [mle(fc, N, v.point), ...plainRounds(fc, v.point, degrees)].map(key);
  });
  // Only quantities that depend on the secret can single it out (e.g. s_0(0) does not: w(0) = 0).
  const dependent = perCandidate[0].map((_, j) => perCandidate.some((q) => q[j] !== perCandidate[0][j]));
  const hits: bigint[] = [];
  perCandidate.forEach((q, c) => {
    if (q.some((x, j) => dependent[j] && seen.has(x))) hits.push(BigInt(c));
  });
  return hits;
}

test('zk brute force: no 8-bit candidate matches any revealed value', () => {
  for (const secret of [0n, 77n, 255n]) assert.deepEqual(singledOut(secret, false), [], `secret ${secret}`);
});

test('zk brute force detects a leak: with all-zero masks the secret is singled out', () => {
  for (const secret of [13n, 200n]) assert.deepEqual(singledOut(secret, true), [secret]);
});
