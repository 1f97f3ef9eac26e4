import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import * as E from '../../src/field/ext.js';

test('p - 1 squared is 1 and roots of unity have the right order', () => {
  assert.equal(F.mul(F.P - 1n, F.P - 1n), 1n);
  const w = F.rootOfUnity(32);
  assert.equal(F.pow(w, 1n << 32n), 1n);
  assert.notEqual(F.pow(w, 1n << 31n), 1n);
});

test('7 is a non-residue, so F_p[X]/(X^2 - 7) is a field', () => {
  assert.equal(F.pow(7n, (F.P - 1n) / 2n), F.P - 1n);
  const a: E.Fp2 = [123456789n, 987654321n];
  assert.deepEqual(E.mul(a, E.inv(a)), E.ONE);
});
