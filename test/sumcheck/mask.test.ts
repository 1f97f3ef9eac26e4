// Unit tests of the masks: sums, round shares and the reveal rules of MaskedPoly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { MaskedPoly, SumcheckMask, maskWeights } from '../../src/sumcheck/mask.js';
import { interpolateAt, extendEvals } from '../../src/sumcheck/poly.js';
import { randomPoint } from './helpers.js';

function gAt(m: SumcheckMask, x: readonly Fp2[]): Fp2 {
  // g(x) through the dense functional (what the PCS opens)
  const w = maskWeights(m.degrees, x);
  let acc: Fp2 = E.ZERO;
  for (let i = 0; i < m.coeffs.length >> 1; i++) acc = E.add(acc, E.mul([w[2 * i], w[2 * i + 1]], [m.coeffs[2 * i], m.coeffs[2 * i + 1]]));
  return acc;
}

test('mask: G is the hypercube sum of g and the round shares are its partial sums', () => {
  const degrees = [2, 3, 1, 4];
  const m = SumcheckMask.sample(degrees);
  const n = degrees.length;
  let total: Fp2 = E.ZERO;
  for (let x = 0; x < 1 << n; x++) total = E.add(total, gAt(m, Array.from({ length: n }, (_, j) => [BigInt((x >> j) & 1), 0n] as const)));
  assert.deepEqual(m.sum(), total);
  const r = randomPoint(n);
  for (let k = 0; k < n; k++) {
    const ev = m.roundEvals(k, r, degrees[k]);
    for (let t = 0; t <= degrees[k]; t++) {
      let s: Fp2 = E.ZERO;
      for (let b = 0; b < 1 << (n - k - 1); b++) {
        const pt: Fp2[] = [...r.slice(0, k), [BigInt(t), 0n]];
        for (let j = 0; j < n - k - 1; j++) pt.push([BigInt((b >> j) & 1), 0n]);
        s = E.add(s, gAt(m, pt));
      }
      assert.deepEqual(ev[t], s, `round ${k} t=${t}`);
    }
  }
  assert.deepEqual(m.openAt(r), gAt(m, r));
  assert.throws(() => m.openAt(r), /once/);
});

test('mask: a masked table refuses boolean points, repeated points and reveals beyond capacity', () => {
  const f = MaskedPoly.sample(new BigUint64Array(16), 4, 1);
  const r = randomPoint(4);
  assert.throws(() => f.noteReveal([r[0], r[1], [1n, 0n], r[3]]), /boolean/);
  f.noteReveal(r);
  assert.throws(() => f.noteReveal([r[1], r[0], r[2], r[3]]), /dependent/); // same top coordinate
  f.noteReveal(randomPoint(4));
  assert.throws(() => f.noteReveal(randomPoint(4)), /capacity/);
  assert.equal(f.reveals, 2);
});

test('mask: f̂ equals f on the hypercube and differs off it', () => {
  const f = MaskedPoly.sample(BigUint64Array.from([3n, 5n, 7n, 11n]), 2, 1);
  const zero: Fp2 = [0n, 0n];
  assert.deepEqual(f.masked(zero, [[1n, 0n], [0n, 0n]]), zero);
  assert.notDeepEqual(f.masked(zero, randomPoint(2)), zero);
});

test('poly: interpolation and extension agree with direct evaluation', () => {
  const coeffs = randomPoint(6); // a degree-5 polynomial
  const at = (x: Fp2) => coeffs.reduceRight((acc, c) => E.add(E.mul(acc, x), c), E.ZERO as Fp2);
  const evals = [0, 1, 2, 3, 4, 5].map((t) => at([BigInt(t), 0n]));
  const x = randomPoint(1)[0];
  assert.deepEqual(interpolateAt(evals, x), at(x));
  assert.deepEqual(extendEvals(evals, 9)[8], at([8n, 0n]));
});

test('claims at boolean points are randomized by a sumcheck into one masked reveal', async () => {
  const { randomizeClaimsShape } = await import('../../src/sumcheck/claims.js');
  const { proveSumcheck } = await import('../../src/sumcheck/prover.js');
  const { verifySumcheck } = await import('../../src/sumcheck/verifier.js');
  const { roundDegrees } = await import('../../src/sumcheck/types.js');
  const { Transcript } = await import('../../src/transcript/transcript.js');
  const { mle } = await import('./helpers.js');
  const values = BigUint64Array.from({ length: 16 }, (_, i) => BigInt(i * i + 3));
  const f = MaskedPoly.sample(values, 4, 1);
  // f at (x0, x1, 1, 0) for a random (x0, x1) — a Slice-like point — and at a vertex
  const p1: Fp2[] = [...randomPoint(2), [1n, 0n], [0n, 0n]];
  const p2: Fp2[] = [[1n, 0n], [0n, 0n], [1n, 0n], [1n, 0n]];
  const claims = [p1, p2].map((point) => ({ point, value: mle(values, 4, point) }));
  assert.throws(() => f.noteReveal(p1), /boolean/);
  const shape = randomizeClaimsShape(4, 1, claims, randomPoint(2));
  const out = proveSumcheck(shape, [f], SumcheckMask.sample(roundDegrees(shape)), new Transcript('rand'));
  const v = verifySumcheck(shape, out.proof, new Transcript('rand'));
  assert.deepEqual(v.claims[0].value, f.masked(mle(values, 4, v.point), v.point));
  assert.equal(f.reveals, 1);
  const bad = randomizeClaimsShape(4, 1, [{ ...claims[0], value: E.add(claims[0].value, E.ONE) }, claims[1]], randomPoint(2));
  assert.throws(() => verifySumcheck(bad, out.proof, new Transcript('rand')));
});
