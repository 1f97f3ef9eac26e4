import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import { grainSeedBits, GrainLfsr } from '../../src/hash/grain.js';
import { grainRoundConstants, POSEIDON2_GOLDILOCKS_12 } from '../../src/hash/poseidon2-params.js';
import { externalLinear, internalLinear, permute, permutationTrace } from '../../src/hash/poseidon2.js';
import { big, loadInstances, paramsOf, SKIP_MESSAGE } from './testdata.js';

const instances = loadInstances();
const skip = instances === undefined ? SKIP_MESSAGE : false;
const byId = (id: string) => {
  const inst = instances?.find((i) => i.id === id);
  if (!inst) throw new Error(`instance ${id} missing from the test data`);
  return inst;
};

test('Grain seed bits match the published seeds', { skip }, () => {
  for (const id of ['horizenlabs-goldilocks-t8', 'horizenlabs-goldilocks-t12', 'horizenlabs-goldilocks-t16', 'horizenlabs-goldilocks-t20']) {
    const inst = byId(id);
    const bits = grainSeedBits({ field: 1, sbox: 0, n: 64, t: inst.t, rF: inst.R_F, rP: inst.R_P });
    assert.equal(Array.from(bits).join(''), inst.generation?.round_constants?.seed_80_bits_msb_first, id);
  }
});

test('Grain LFSR regenerates every round constant of the HorizenLabs instances t = 8, 12, 16, 20', { skip }, () => {
  for (const id of ['horizenlabs-goldilocks-t8', 'horizenlabs-goldilocks-t12', 'horizenlabs-goldilocks-t16', 'horizenlabs-goldilocks-t20']) {
    const inst = byId(id);
    const rc = grainRoundConstants(inst.t, inst.R_F, inst.R_P);
    assert.deepEqual(rc.externalInitial, inst.round_constants.external_initial.map(big), `${id} initial`);
    assert.deepEqual(rc.internal, big(inst.round_constants.internal), `${id} internal`);
    assert.deepEqual(rc.externalFinal, inst.round_constants.external_final.map(big), `${id} final`);
  }
});

test('a seed with the pre-2023-06 S-box field (SBOX = 1) does not reproduce the constants', { skip }, () => {
  const inst = byId('horizenlabs-goldilocks-t12');
  const g = new GrainLfsr(grainSeedBits({ field: 1, sbox: 1, n: 64, t: 12, rF: 8, rP: 22 }));
  assert.notEqual(g.nextFieldElement(), BigInt(inst.round_constants.external_initial[0][0]));
});

test('the internal diagonals are the Grain blocks the generation script accepted', { skip }, () => {
  for (const id of ['horizenlabs-goldilocks-t8', 'horizenlabs-goldilocks-t12', 'horizenlabs-goldilocks-t16', 'horizenlabs-goldilocks-t20']) {
    const inst = byId(id);
    const index = inst.generation?.internal_diag?.accepted_block_index_0_based;
    assert.ok(index !== undefined, `${id}: accepted block index missing`);
    const { grain } = grainRoundConstants(inst.t, inst.R_F, inst.R_P);
    let block: bigint[] = [];
    for (let b = 0; b <= index; b++) block = Array.from({ length: inst.t }, () => grain.nextReducedElement());
    assert.deepEqual(block, big(inst.internal_matrix.diag), `${id}: diagonal`);
    assert.deepEqual(
      block.map((x) => F.sub(x, 1n)),
      big(inst.internal_matrix.diag_minus_1),
      `${id}: diag - 1`,
    );
  }
});

test('the built-in width-12 parameters equal the reference instance', { skip }, () => {
  const ref = paramsOf(byId('horizenlabs-goldilocks-t12'));
  assert.deepEqual(POSEIDON2_GOLDILOCKS_12, ref);
});

test('upstream known answer: HorizenLabs t = 12, input 0..11', { skip }, () => {
  const inst = byId('horizenlabs-goldilocks-t12');
  assert.equal(inst.known_answer_tests.length, 1);
  for (const kat of inst.known_answer_tests) {
    assert.deepEqual(permute(big(kat.input)), big(kat.output));
  }
});

test('upstream known answers of Plonky3 (other M4 and diagonal, same round structure)', { skip }, () => {
  let count = 0;
  for (const inst of instances ?? []) {
    if (!inst.id.startsWith('plonky3')) continue;
    const params = paramsOf(inst);
    for (const kat of inst.known_answer_tests) {
      assert.deepEqual(permute(big(kat.input), params), big(kat.output), inst.id);
      count++;
    }
  }
  assert.ok(count >= 6, `only ${count} Plonky3 known answers found`);
});

test('derived vectors of the other HorizenLabs widths (not independent evidence)', { skip }, () => {
  for (const id of ['horizenlabs-goldilocks-t8', 'horizenlabs-goldilocks-t16', 'horizenlabs-goldilocks-t20']) {
    const inst = byId(id);
    for (const v of inst.derived_test_vectors?.vectors ?? []) assert.deepEqual(permute(big(v.input), paramsOf(inst)), big(v.output), id);
  }
});

test('the chunked external layer equals the explicit full matrix; internal layer is J + diag', { skip }, () => {
  for (const inst of instances ?? []) {
    const t = inst.t;
    for (let k = 0; k < t; k++) {
      const unit = Array.from({ length: t }, (_, i) => (i === k ? 1n : 0n));
      const column = externalLinear(unit, inst.external_matrix.M4);
      assert.deepEqual(column, inst.external_matrix.full_matrix.map((row) => BigInt(row[k])), `${inst.id} column ${k}`);
      const icol = internalLinear(unit, big(inst.internal_matrix.diag_minus_1));
      assert.deepEqual(icol, unit.map((u, i) => (u === 1n ? BigInt(inst.internal_matrix.diag[i]) : 1n)), `${inst.id} internal column ${k}`);
    }
  }
});

test('trace has input, initial linear layer and one state per round; a changed input changes the output', () => {
  const input = Array.from({ length: 12 }, (_, i) => BigInt(i));
  const trace = permutationTrace(input);
  assert.equal(trace.length, 2 + 8 + 22);
  // Layer 1 is the first S-box input: M_E·input plus the first round constants.
  const params = POSEIDON2_GOLDILOCKS_12;
  assert.deepEqual(trace[1], externalLinear(input, params.m4).map((x, i) => F.add(x, params.externalInitial[0][i])));
  // Layer 5 is the first partial round's S-box input: only slot 0 gets a constant.
  const afterFull = externalLinear(trace[4].map((x) => F.pow(x, 7n)), params.m4);
  assert.deepEqual(trace[5], afterFull.map((x, i) => (i === 0 ? F.add(x, params.internal[0]) : x)));
  const other = input.slice();
  other[11] = 12n;
  assert.notDeepEqual(permute(other), trace[trace.length - 1]);
  assert.throws(() => permute(input.slice(0, 11)), /12/);
  assert.throws(() => permute([...input.slice(0, 11), F.P]), /canonical/);
});
