import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as F from '../../src/field/goldilocks.js';
import { permute, permutationTrace } from '../../src/hash/poseidon2.js';
import { permuteBatch, permuteBatchTrace, TRACE_LAYERS, WIDTH } from '../../src/hash/poseidon2-wasm.js';
import { big, loadInstances, SKIP_MESSAGE } from './testdata.js';

/** Uniform canonical words, plus edge values (0, 1, p - 1, 2^32 - 1, 2^32, 2^63) mixed in. */
function randomStates(n: number): BigUint64Array {
  const bytes = randomBytes(8 * WIDTH * n);
  const words = new BigUint64Array(bytes.buffer, bytes.byteOffset, WIDTH * n);
  const edges = [0n, 1n, F.P - 1n, F.P - 2n, (1n << 32n) - 1n, 1n << 32n, 1n << 63n, F.P - (1n << 32n)];
  for (let i = 0; i < words.length; i++) {
    if (i % 7 === 3) words[i] = edges[(i / 7) % edges.length | 0];
    else while (words[i] >= F.P) words[i] = BigInt.asUintN(64, words[i] * 6364136223846793005n + 1442695040888963407n);
  }
  return words;
}

test('WASM permutation reproduces the upstream known answer', { skip: loadInstances() === undefined ? SKIP_MESSAGE : false }, () => {
  const inst = loadInstances()!.find((i) => i.id === 'horizenlabs-goldilocks-t12')!;
  const kat = inst.known_answer_tests[0];
  assert.deepEqual(Array.from(permuteBatch(BigUint64Array.from(big(kat.input)))), big(kat.output));
});

test('WASM and scalar permutations agree on 10,000 random states (edge values included)', () => {
  const n = 10_000;
  const states = randomStates(n);
  const out = permuteBatch(states);
  for (let i = 0; i < n; i++) {
    const input = Array.from(states.subarray(WIDTH * i, WIDTH * (i + 1)));
    assert.deepEqual(Array.from(out.subarray(WIDTH * i, WIDTH * (i + 1))), permute(input), `state ${i}`);
  }
});

test('WASM trace (input, S-box inputs, output) equals the scalar trace, layer-major', () => {
  const n = 1500; // more than one kernel chunk
  const states = randomStates(n);
  const trace = permuteBatchTrace(states);
  assert.equal(trace.length, TRACE_LAYERS * WIDTH * n);
  for (const i of [0, 1, 1023, 1024, 1499]) {
    const ref = permutationTrace(Array.from(states.subarray(WIDTH * i, WIDTH * (i + 1))));
    for (let layer = 0; layer < TRACE_LAYERS; layer++) {
      for (let slot = 0; slot < WIDTH; slot++) assert.equal(trace[(layer * WIDTH + slot) * n + i], ref[layer][slot], `perm ${i} layer ${layer} slot ${slot}`);
    }
  }
  assert.deepEqual(trace.subarray((TRACE_LAYERS - 1) * WIDTH * n, (TRACE_LAYERS - 1) * WIDTH * n + n), permuteBatch(states).filter((_, j) => j % WIDTH === 0));
});

test('WASM batch rejects non-canonical words and ragged lengths', () => {
  const states = randomStates(3);
  states[25] = F.P;
  assert.throws(() => permuteBatch(states), /word 25/);
  assert.throws(() => permuteBatch(new BigUint64Array(13)), /12-element/);
  assert.equal(permuteBatch(new BigUint64Array(0)).length, 0);
});
