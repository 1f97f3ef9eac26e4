// Parameters: the proven query bound holds, padding covers the queries, shapes are sane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PARAMS, chooseShape, codeFor } from '../../src/pcs/params.js';

test('every shape meets ≥ 100 proven bits and hides its queried columns', () => {
  for (let k = 0; k <= 24; k++) {
    for (const total of [2 ** k, 2 ** k + 1]) {
      const s = chooseShape(total, DEFAULT_PARAMS);
      const e = Math.floor((s.N - s.k) / 2);
      const bits = -s.q * Math.log2(1 - (e + 1) / s.N);
      assert.ok(bits >= 100, `total ${total}: ${bits} bits`);
      assert.ok(s.provenBits >= 100, `total ${total}: ${s.provenBits} proven bits in all`);
      assert.ok(s.t >= s.q, `total ${total}: padding ${s.t} < queries ${s.q}`);
      assert.equal(s.k, s.n + s.t);
      assert.ok(s.N >= DEFAULT_PARAMS.blowup * s.k && s.N < 2 * DEFAULT_PARAMS.blowup * s.k);
      assert.ok(s.m * s.n >= total && (s.m - 1) * s.n < total);
    }
  }
});

test('codeFor picks the smallest padding with t ≥ q', () => {
  const c = codeFor(4096, DEFAULT_PARAMS);
  const smaller = codeFor(4096, { ...DEFAULT_PARAMS, securityBits: 50 });
  assert.ok(smaller.q < c.q);
  assert.equal(c.t, c.q);
});
