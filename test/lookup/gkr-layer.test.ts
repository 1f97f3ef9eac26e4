// The specialised middle-layer prover of LogUp-GKR (src/lookup/gkr-leaf.ts proveMiddleLayer) on
// a layer batch built here: it sends what the generic proveSumcheck sends for the same batch,
// and, since it derives every round's q(1) (round 0's too) from the running claim, it refuses a
// false claimed sum in the last round, computed from the tables alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { proveSumcheck } from '../../src/sumcheck/prover.js';
import { serializeSumcheckProof } from '../../src/sumcheck/proof.js';
import { roundDegrees, type BatchShape } from '../../src/sumcheck/types.js';
import { sumcheckKernel } from '../../src/sumcheck/kernel.js';
import { proveMiddleLayer } from '../../src/lookup/gkr-leaf.js';
import { bruteClaim, randomExtElement, randomPoint, randomTable } from '../sumcheck/helpers.js';

const J = 5;

/** A layer-J batch (the shape of logup-gkr.ts layerShape for J ≥ 2) with random tables and masks. */
function layerCase() {
  const rho = randomPoint(J);
  const layer = [0, 1, 2, 3].map(() => MaskedPoly.sample(randomTable(J, true), J, 1));
  const companions = [0, 1, 2, 3].map(() => MaskedPoly.sample(randomTable(1, true), 1, 0));
  const ts = companions.map(() => randomExtElement());
  const coeffs = companions.map(() => randomExtElement());
  const partial: Omit<BatchShape, 'claimedSum'> = {
    tables: [...layer.map(() => ({ numVars: J, kind: 'committed' as const, maskVars: 1 })), ...companions.map(() => ({ numVars: 1, kind: 'committed' as const, maskVars: 0 }))],
    instances: [
      { numVars: J, weight: E.ONE, terms: [{ coeff: E.ONE, factors: [{ eq: rho }, { table: 0 }, { table: 3 }] }, { coeff: E.ONE, factors: [{ eq: rho }, { table: 1 }, { table: 2 }] }] },
      { numVars: 1, weight: E.fromBase(F.inv(F.pow(2n, BigInt(J - 1)))), terms: coeffs.map((coeff, i) => ({ coeff, factors: [{ eq: [ts[i]] }, { table: 4 + i }] })) },
    ],
    zk: true,
  };
  return { rho, layer, companions, partial, tables: [...layer, ...companions] };
}

function proveSpecial(c: ReturnType<typeof layerCase>, shape: BatchShape, g: SumcheckMask) {
  const K = sumcheckKernel();
  const mark = K.mark();
  try {
    const ptrs = c.layer.map((m) => K.put(m.values)) as [number, number, number, number];
    return proveMiddleLayer({ shape, lambda: randomExtElement(), point: c.rho, layer: c.layer as [MaskedPoly, MaskedPoly, MaskedPoly, MaskedPoly], companions: c.companions, tables: ptrs, headEntries: 2 ** (J - 2) }, g, new Transcript('gkr-layer'), false);
  } finally {
    K.release(mark);
  }
}

test('gkr-leaf: the middle-layer prover sends what proveSumcheck sends for the same batch', () => {
  const c = layerCase();
  const shape = { ...c.partial, claimedSum: bruteClaim(c.partial, c.tables) };
  const g = SumcheckMask.sample(roundDegrees(shape));
  const generic = proveSumcheck(shape, c.tables, g, new Transcript('gkr-layer'));
  // fresh masked polynomials (reveal counts) over the same values and masks
  const again = { ...c, layer: c.layer.map((m) => new MaskedPoly(m.values, J, 1, m.mask)), companions: c.companions.map((m) => new MaskedPoly(m.values, 1, 0, m.mask)) };
  const special = proveSpecial(again, shape, new SumcheckMask(g.degrees, g.coeffs));
  assert.deepEqual(serializeSumcheckProof(special.proof), serializeSumcheckProof(generic.proof));
});

test('gkr-leaf: the middle-layer prover refuses a false claimed sum', () => {
  const c = layerCase();
  const shape = { ...c.partial, claimedSum: E.add(bruteClaim(c.partial, c.tables), E.ONE) };
  assert.throws(() => proveSpecial(c, shape, SumcheckMask.sample(roundDegrees(shape))), /claimed sum is not the sum/);
});
