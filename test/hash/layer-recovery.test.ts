// The sponge trace's layer recovery in the sumcheck kernel (assembly/lib/poseidon2-layers.ts):
// cut into chunks of permutations on the worker pool, it agrees with the same kernels run at once
// on one thread and with the full trace, from 2 permutations to past the pool's threshold; the
// combination of a partial layer's slots, formed where the slots were recovered, equals combineBase's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { Purpose, randomSalt } from '../../src/hash/digest.js';
import { INT8 } from '../../src/hash/packing.js';
import { permuteBatchTrace, poseidon2Constants, TRACE_LAYERS } from '../../src/hash/poseidon2-wasm.js';
import { digestWitness, layerColumn, releaseDigestWitness, TraceLayers, type DigestWitness } from '../../src/hash/digest-witness.js';
import { AUX_WORDS, FIRST_PARTIAL_LAYER, LAST_PARTIAL_LAYER, recoveryConstants } from '../../src/hash/sponge-trace.js';
import { POOL_MIN_PAIRS, setSumcheckThreads, sumcheckKernel } from '../../src/sumcheck/kernel.js';
import { randomExt } from '../../src/sumcheck/random.js';
import type { Fp2 } from '../../src/field/ext.js';

function bytes(a: BigUint64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function sameColumn(got: BigUint64Array, want: BigUint64Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  if (!bytes(got).equals(bytes(want))) {
    const i = got.findIndex((x, j) => x !== want[j]);
    assert.fail(`${what}: entry ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

/** A witness of `blocks` permutations and the full trace (all 384 columns) of the same permutations. */
function witnessAndFull(blocks: number): { w: DigestWitness; full: DigestWitness } {
  const values = Int32Array.from({ length: 7 * 8 * blocks }, () => randomInt(256) - 128);
  const w = digestWitness(values, randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
  assert.equal(w.blocks, blocks);
  const inputs = new BigUint64Array(12 * blocks);
  for (let s = 0; s < 12; s++) {
    const col = layerColumn(w, 0, s);
    for (let i = 0; i < blocks; i++) inputs[12 * i + s] = col[i];
  }
  return { w, full: { ...w, trace: permuteBatchTrace(inputs) } };
}

function randomCoefficients(): Fp2[] {
  const a = randomExt(11);
  return Array.from({ length: 11 }, (_, j) => [a[2 * j], a[2 * j + 1]]);
}

/** The prover's walk: full rounds' layers whole, partial rounds' slot 0 and combination (then the layer itself, as held). */
function checkWalk(w: DigestWitness, full: DigestWitness, what: string): void {
  const walk = new TraceLayers(w);
  const fullCols = (layer: number) => Array.from({ length: 12 }, (_, s) => layerColumn(full, layer, s));
  try {
    for (let layer = TRACE_LAYERS - 1; layer >= 0; layer--) {
      const want = fullCols(layer);
      if (layer >= FIRST_PARTIAL_LAYER && layer <= LAST_PARTIAL_LAYER) {
        const a = randomCoefficients();
        const [slot0, linear] = walk.partialLayer(layer, a);
        sameColumn(slot0, want[0], `${what}: layer ${layer} slot 0`);
        sameColumn(linear, sumcheckKernel().combineBase(want.slice(1), a), `${what}: layer ${layer} combination`);
      }
      const cols = walk.layer(layer);
      for (let s = 0; s < 12; s++) sameColumn(cols[s], want[s], `${what}: layer ${layer} slot ${s}`);
    }
  } finally {
    walk.close();
  }
}

test('layer recovery: chunked on the pool and at once on one thread, every layer and every partial combination equals the full trace, 2 … 2·POOL_MIN_PAIRS permutations', () => {
  const threads = sumcheckKernel().threads;
  try {
    for (const blocks of [2, 4, 8, 64, POOL_MIN_PAIRS, 2 * POOL_MIN_PAIRS]) {
      const { w, full } = witnessAndFull(blocks);
      for (const t of [1, 2]) {
        setSumcheckThreads(t);
        const before = sumcheckKernel().pooledRuns;
        checkWalk(w, full, `${blocks} permutations, ${t} thread(s)`);
        if (t > 1 && blocks >= POOL_MIN_PAIRS && sumcheckKernel().stableViews) assert.ok(sumcheckKernel().pooledRuns > before, 'the pooled path did not run');
      }
      releaseDigestWitness(w);
    }
  } finally {
    sumcheckKernel().close();
    setSumcheckThreads(threads);
  }
});

test('layer recovery: a partial layer asked for out of order, or again, is recovered and combined exactly', () => {
  const { w, full } = witnessAndFull(16);
  const walk = new TraceLayers(w);
  try {
    for (const layer of [12, 20, 20, 5, 26, 6, 5]) {
      const a = randomCoefficients();
      const want = Array.from({ length: 12 }, (_, s) => layerColumn(full, layer, s));
      const [slot0, linear] = walk.partialLayer(layer, a);
      sameColumn(slot0, want[0], `layer ${layer} slot 0`);
      sameColumn(linear, sumcheckKernel().combineBase(want.slice(1), a), `layer ${layer} combination`);
    }
    assert.throws(() => walk.partialLayer(27, randomCoefficients()), /not a partial round/);
    assert.throws(() => walk.partialLayer(10, randomCoefficients().slice(1)), /coefficients/);
  } finally {
    walk.close();
    releaseDigestWitness(w);
  }
});

test('layer recovery: the kernel on any count of permutations (an odd one ends with a one-lane step) equals the full trace', () => {
  const { w, full } = witnessAndFull(16);
  const K = sumcheckKernel();
  const layer = 14;
  const want = Array.from({ length: 12 }, (_, s) => layerColumn(full, layer, s));
  const above = Array.from({ length: 12 }, (_, s) => layerColumn(full, layer + 1, s));
  const mark = K.mark();
  try {
    const stride = w.blocks;
    const consts = K.put(poseidon2Constants());
    const aux = K.put(recoveryConstants().subarray((layer - FIRST_PARTIAL_LAYER) * AUX_WORDS, (layer - FIRST_PARTIAL_LAYER + 1) * AUX_WORDS));
    const next = K.alloc(8 * 12 * stride);
    above.forEach((c, s) => K.words(next + 8 * s * stride, stride).set(c));
    const slot0 = K.put(want[0]);
    for (const n of [1, 2, 3, 7, 16]) {
      const out = K.alloc(8 * 12 * stride);
      K.elementwise('recoverPartialLayer', n, () => [consts, next, next + 8 * stride, slot0, out + 8 * stride, n, stride, aux, out]);
      for (let s = 1; s < 12; s++) sameColumn(K.words(out + 8 * s * stride, n), want[s].subarray(0, n), `${n} permutations: slot ${s}`);
    }
  } finally {
    K.release(mark);
    releaseDigestWitness(w);
  }
});
