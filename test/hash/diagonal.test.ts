import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import { charPoly, findInternalDiagonal, isIrreducible } from '../../src/hash/poseidon2-diagonal.js';
import { POSEIDON2_GOLDILOCKS_12 } from '../../src/hash/poseidon2-params.js';
import { big, loadInstances, SKIP_MESSAGE } from './testdata.js';

const instances = loadInstances();

test('characteristic polynomial and irreducibility test on known cases', () => {
  // [[0, 1], [-7, 0]] has char poly x^2 + 7; 7 is a non-residue, so x^2 - 7 is irreducible,
  // and x^2 + 7 is irreducible iff -7 is a non-residue.
  assert.deepEqual(charPoly([[0n, 1n], [F.P - 7n, 0n]]), [7n, 0n, 1n]);
  assert.equal(isIrreducible([F.P - 7n, 0n, 1n]), true); // x^2 − 7
  assert.equal(isIrreducible([F.P - 4n, 0n, 1n]), false); // (x − 2)(x + 2)
  assert.equal(isIrreducible(charPoly([[1n, 2n], [3n, 4n]])), F.pow(F.sub(25n, F.mul(4n, F.sub(4n, 6n))), (F.P - 1n) / 2n) !== 1n);
  // (x^2 − 7)^2 has no roots but is reducible.
  assert.equal(isIrreducible([49n, 0n, F.P - 14n, 0n, 1n]), false);
});

test('the width-12 internal diagonal is the first Grain block the acceptance test accepts (block #8)', () => {
  const found = findInternalDiagonal(12, 8, 22);
  assert.equal(found.index, 8);
  assert.deepEqual(found.diag.map((d) => F.sub(d, 1n)), POSEIDON2_GOLDILOCKS_12.diagMinus1);
});

test('the t = 8 diagonal is regenerated too (t = 16 and t = 20 in the full suite)', { skip: instances === undefined ? SKIP_MESSAGE : false }, () => {
  const widths = process.env.ZKINFER_FULL ? [8, 16, 20] : [8];
  for (const t of widths) {
    const inst = instances!.find((i) => i.id === `horizenlabs-goldilocks-t${t}`)!;
    const found = findInternalDiagonal(t, 8, 22);
    assert.equal(found.index, inst.generation?.internal_diag?.accepted_block_index_0_based, `t = ${t}`);
    assert.deepEqual(found.diag, big(inst.internal_matrix.diag), `t = ${t}`);
  }
});
