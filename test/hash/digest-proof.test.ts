import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { baseInnerExt, eqTable } from '../../src/field/vec.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { digest, Purpose, randomSalt, type Salt } from '../../src/hash/digest.js';
import { INT8, INT16, type PackingFormat } from '../../src/hash/packing.js';
import { permute } from '../../src/hash/poseidon2.js';
import { permuteBatchTrace, TRACE_LAYERS } from '../../src/hash/poseidon2-wasm.js';
import { digestWitness, layerColumn, TraceLayers, type DigestWitness } from '../../src/hash/digest-witness.js';
import { SpongeTrace } from '../../src/hash/sponge-trace.js';
import { digestCommitPolys, digestStatement, proveDigest, sampleDigestMasks, type DigestMasks } from '../../src/hash/digest-prover.js';
import { MaskedPoly, maskWeights } from '../../src/sumcheck/mask.js';
import { extElements, mleEvalSmall } from '../../src/sumcheck/poly.js';
import * as E from '../../src/field/ext.js';
import { verifyDigest } from '../../src/hash/digest-verifier.js';
import { deserializeDigestProof, serializeDigestProof, type DigestClaims } from '../../src/hash/digest-proof.js';
import type { DigestStatement } from '../../src/hash/digest-shapes.js';
import { isFullRound } from '../../src/hash/digest-relations.js';

const DOMAIN = 'test/p2digest';

function mle(v: BigUint64Array, point: readonly Fp2[]): Fp2 {
  return baseInnerExt(v, eqTable(point));
}

/** Stands in for the commitment openings: evaluates the real V and K at the claimed points. */
function checkClaims(claims: DigestClaims, V: BigUint64Array, K: BigUint64Array[]): boolean {
  if (claims.layerMasks.length !== 0 || claims.sumcheckMasks.length !== 0) return false;
  if (mle(V, claims.values.point).some((x, i) => x !== claims.values.value[i])) return false;
  return claims.capacity.every((list, c) => list.length === 2 && list.every((cl) => mle(K[c], cl.point).every((x, i) => x === cl.value[i])));
}

function capacityOf(w: DigestWitness): BigUint64Array[] {
  return [0, 1, 2, 3].map((c) => layerColumn(w, 0, 8 + c).slice());
}

function randomValues(n: number, format: PackingFormat): number[] {
  const lo = format.signed ? -(2 ** (format.bits - 1)) : 0;
  return Array.from({ length: n }, () => lo + randomInt(0, 2 ** format.bits));
}

function proveAndVerify(w: DigestWitness, statement: DigestStatement = digestStatement(w), cheat = false) {
  const { proof, claims } = proveDigest(w, new Transcript(DOMAIN), null, { unsafeAllowFalseClaim: cheat });
  const vclaims = verifyDigest(statement, proof, new Transcript(DOMAIN));
  return { proof, claims, vclaims };
}

test('completeness: digest proofs verify and their claims match V and K (int8 and int16, several sizes)', () => {
  for (const [format, n] of [[INT8, 0], [INT8, 200], [INT8, 5000], [INT16, 1000]] as Array<[PackingFormat, number]>) {
    const values = randomValues(n, format);
    const salt = randomSalt();
    const w = digestWitness(values, salt, { format, purpose: Purpose.modelWeights });
    assert.deepEqual(w.digest, digest(values, salt, { format, purpose: Purpose.modelWeights }));
    const { claims, vclaims } = proveAndVerify(w);
    assert.deepEqual(vclaims, claims, 'prover and verifier agree on the claims');
    assert.ok(checkClaims(vclaims, w.valueVector, capacityOf(w)), `claims hold for ${n} values`);
  }
});

const base = () => {
  const values = randomValues(300, INT8);
  const salt: Salt = randomSalt();
  const w = digestWitness(values, salt, { format: INT8, purpose: Purpose.modelWeights });
  return { values, salt, w };
};

test('soundness: a wrong digest is rejected', () => {
  const { w } = base();
  const { proof } = proveDigest(w, new Transcript(DOMAIN));
  const st = digestStatement(w);
  const bad: DigestStatement = { ...st, digest: [F.add(st.digest[0], 1n), st.digest[1], st.digest[2], st.digest[3]] };
  assert.throws(() => verifyDigest(bad, proof, new Transcript(DOMAIN)), VerificationError);
  assert.throws(() => verifyDigest({ ...st, count: st.count + 1 }, proof, new Transcript(DOMAIN)), VerificationError);
});

test('soundness: one changed preimage element fails (proof or opening)', () => {
  const { values, salt, w } = base();
  const changed = values.slice();
  changed[123] = changed[123] === 127 ? 126 : changed[123] + 1;
  const w2 = digestWitness(changed, salt, { format: INT8, purpose: Purpose.modelWeights });
  // The prover runs on the changed values but claims the original digest.
  const cheat: DigestWitness = { ...w2, digest: w.digest };
  assert.throws(() => proveAndVerify(cheat, digestStatement(w)), /claimed sum/); // the honest prover refuses
  assert.throws(() => proveAndVerify(cheat, digestStatement(w), true), VerificationError);
  // Or it proves the changed values' own digest honestly: the claim on V fails against the
  // committed (original) V.
  const { vclaims } = proveAndVerify(w2, { ...digestStatement(w2) });
  assert.equal(checkClaims(vclaims, w.valueVector, capacityOf(w)), false);
  assert.equal(checkClaims(vclaims, w2.valueVector, capacityOf(w2)), true);
});

test('soundness: a broken chaining step is rejected', () => {
  const { w } = base();
  const P = w.blocks;
  // Rebuild the sponge run with permutation 2 started from a wrong capacity word.
  const inputs = new BigUint64Array(12 * P);
  let state = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((s) => layerColumn(w, 0, s)[0]);
  for (let i = 0; i < P; i++) {
    for (let s = 0; s < 8; s++) state[s] = layerColumn(w, 0, s)[i];
    if (i === 2) state[9] = F.add(state[9], 1n);
    inputs.set(state, 12 * i);
    state = permute(state);
  }
  const trace = permuteBatchTrace(inputs);
  const cheat: DigestWitness = { ...w, trace, digest: [state[0], state[1], state[2], state[3]] };
  assert.throws(() => proveAndVerify(cheat), /claimed sum/);
  assert.throws(() => proveAndVerify(cheat, digestStatement(cheat), true), VerificationError);
});

test('soundness: a partial round reveals û_r[0] and one combination L̂_r of its linear slots; a wrong value or linear slot is rejected', () => {
  const { w } = base();
  const { proof } = proveAndVerify(w);
  // batch b proves round 29 − b: rounds 4 … 25 are partial (2 values), the others full (12)
  proof.batches.slice(1, 30).forEach((batch, i) => assert.equal(batch.values.length, isFullRound(28 - i) ? 12 : 2, `batch ${i + 1}`));
  const b = 1 + (28 - 10); // round 10
  for (const slot of [0, 1]) {
    const values = proof.batches[b].values.map((v, j) => (j === slot ? E.add(v, E.ONE) : v));
    const batches = proof.batches.map((x, j) => (j === b ? { ...x, values } : x));
    assert.throws(() => verifyDigest(digestStatement(w), { batches }, new Transcript(DOMAIN)), VerificationError, `value ${slot} of a partial batch`);
  }
  // A witness whose linear slot 5 of round 10's S-box input is off at one permutation.
  const P = w.blocks;
  const inputs = new BigUint64Array(12 * P);
  for (let i = 0; i < P; i++) for (let s = 0; s < 12; s++) inputs[12 * i + s] = layerColumn(w, 0, s)[i];
  const trace = permuteBatchTrace(inputs);
  const column = (1 + 10) * 12 + 5;
  trace[column * P + 3] = F.add(trace[column * P + 3], 1n);
  assert.throws(() => proveAndVerify({ ...w, trace }), /claimed sum/);
  assert.throws(() => proveAndVerify({ ...w, trace }, digestStatement(w), true), VerificationError);
});

test('soundness: a value in an empty packing slot is rejected; a carry between slots needs the range check', () => {
  const { w } = base();
  const M = w.layout.elements;
  const V = w.valueVector.slice();
  V[7 * M + 3] = 5n; // int8 packs 7 values into 8 slots: slot 7 must stay empty
  assert.throws(() => proveAndVerify({ ...w, valueVector: V }, digestStatement(w), true), VerificationError);
  // Moving a carry between two slots keeps every packed element: V[j] + 256 in slot 0 and
  // V[M + j] − 1 in slot 1. Only the range check on V (that every value is an int8) rejects it.
  const C = w.valueVector.slice();
  C[3] = F.add(C[3], 256n);
  C[M + 3] = F.sub(C[M + 3], 1n);
  const { vclaims } = proveAndVerify({ ...w, valueVector: C });
  assert.ok(checkClaims(vclaims, C, capacityOf(w)), 'the digest proof alone accepts the carry (range check needed)');
});

test('soundness: random single-byte corruptions of a serialized proof are rejected (1000 in the full suite)', () => {
  const values = randomValues(50, INT8);
  const w = digestWitness(values, randomSalt(), { format: INT8, purpose: Purpose.attestedInput });
  const st = digestStatement(w);
  const { proof } = proveDigest(w, new Transcript(DOMAIN));
  const bytes = serializeDigestProof(proof);
  assert.deepEqual(deserializeDigestProof(bytes, st), proof);
  verifyDigest(st, deserializeDigestProof(bytes, st), new Transcript(DOMAIN));
  const trials = process.env.ZKINFER_FULL ? 1000 : 150;
  for (let t = 0; t < trials; t++) {
    const bad = bytes.slice();
    const pos = randomInt(0, bad.length);
    bad[pos] ^= randomInt(1, 256);
    assert.throws(
      () => verifyDigest(st, deserializeDigestProof(bad, st), new Transcript(DOMAIN)),
      (e: unknown) => e instanceof VerificationError || e instanceof FormatError,
      `corruption at byte ${pos} accepted`,
    );
  }
  assert.throws(() => deserializeDigestProof(bytes.subarray(0, bytes.length - 1), st), FormatError);
  assert.throws(() => deserializeDigestProof(new Uint8Array([...bytes, 0]), st), FormatError);
});

// ---------------------------------------------------------------- zero knowledge

/** Settles every claim of a zero-knowledge proof against the prover's masked polynomials. */
function checkZkClaims(claims: DigestClaims, V: MaskedPoly, w: DigestWitness, masks: DigestMasks): boolean {
  const eqv = (a: Fp2, b: Fp2) => a[0] === b[0] && a[1] === b[1];
  if (!eqv(V.masked(mle(w.valueVector, claims.values.point), claims.values.point), claims.values.value)) return false;
  const K = capacityOf(w);
  for (let c = 0; c < 4; c++) {
    if (claims.capacity[c].length !== 2) return false;
    for (const cl of claims.capacity[c]) if (!eqv(masks.capacity[c].masked(mle(K[c], cl.point), cl.point), cl.value)) return false;
  }
  if (claims.layerMasks.length !== 30 * 12) return false;
  for (const cl of claims.layerMasks) {
    const R = masks.layerMasks[cl.round][cl.slot];
    if (!eqv(R.masked(mleEvalSmall(extElements(R.values), cl.point), cl.point), cl.value)) return false;
  }
  if (claims.sumcheckMasks.length !== 31) return false;
  return claims.sumcheckMasks.every((cl, b) => {
    const g = masks.sumcheck[b];
    const weights = extElements(maskWeights(g.degrees, cl.point));
    const coeffs = extElements(g.coeffs);
    let acc: Fp2 = E.ZERO;
    coeffs.forEach((x, i) => (acc = E.add(acc, E.mul(x, weights[i]))));
    return eqv(acc, cl.value);
  });
}

function zkSetup(n: number) {
  const values = randomValues(n, INT8);
  const w = digestWitness(values, randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
  const V = MaskedPoly.sample(w.valueVector, Math.log2(w.valueVector.length), 2);
  const st = digestStatement(w, V.maskVars);
  const masks = sampleDigestMasks(w, st);
  return { w, V, st, masks };
}

test('zero knowledge: proofs verify, every claim (V, K, 360 layer masks, 31 Libra masks) settles', () => {
  for (const n of [100, 3000]) {
    const { w, V, st, masks } = zkSetup(n);
    assert.ok(digestCommitPolys(masks).length > 0);
    const { proof, claims } = proveDigest(w, new Transcript(DOMAIN), { masks, values: V });
    const vclaims = verifyDigest(st, proof, new Transcript(DOMAIN));
    assert.deepEqual(vclaims, claims);
    assert.ok(checkZkClaims(vclaims, V, w, masks), `claims settle for ${n} values`);
    // A plain verifier (no valueMaskVars) does not accept a zero-knowledge proof, and back.
    assert.throws(() => verifyDigest(digestStatement(w), proof, new Transcript(DOMAIN)));
  }
});

test('zero knowledge: revealed layer values are masked, not the layer polynomials at the point', () => {
  const { w, V, masks } = zkSetup(500);
  const { proof } = proveDigest(w, new Transcript(DOMAIN), { masks, values: V });
  // Batch 0 reveals u_29 at its point: no value equals the unmasked evaluation.
  const st = digestStatement(w, V.maskVars);
  const out = verifyDigest(st, proof, new Transcript(DOMAIN));
  const point = out.capacity[0][0].point;
  for (let s = 0; s < 12; s++) {
    const plain = mle(layerColumn(w, 30, s), point);
    assert.notDeepEqual(proof.batches[0].values[s], plain, `slot ${s} revealed in clear`);
    assert.deepEqual(new MaskedPoly(layerColumn(w, 30, s), w.logBlocks, 1, masks.layers[29][s]).masked(plain, point), proof.batches[0].values[s]);
  }
  // The K values revealed are masked too.
  assert.notDeepEqual(out.capacity[0][0].value, mle(layerColumn(w, 0, 8), point));
  // Each private table was revealed within its mask's capacity.
  assert.ok(masks.capacity.every((k) => k.reveals === 2));
  assert.equal(V.reveals, 1);
  // Each layer u_{r,s} is revealed once per proof: the masks refuse a second proof.
  assert.throws(() => proveDigest(w, new Transcript(DOMAIN), { masks, values: MaskedPoly.sample(w.valueVector, V.numVars, 2) }), /already served a proof/);
});

test('the sponge witness stores slot 0 only of the partial rounds; the other slots are recovered exactly (TraceLayers, layerColumn)', () => {
  const w = digestWitness(Array.from({ length: 7 * 64 * 3 }, (_, i) => ((i * 37) % 256) - 128), randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
  const P = w.blocks;
  assert.ok(w.trace instanceof SpongeTrace && w.trace.storedWords < (TRACE_LAYERS * 12 * P) / 4, 'the trace stores about a sixth of the columns');
  // The reference: the full trace of the same permutations (inputs: layer 0).
  const inputs = new BigUint64Array(12 * P);
  for (let i = 0; i < P; i++) for (let s = 0; s < 12; s++) inputs[12 * i + s] = layerColumn(w, 0, s)[i];
  const full: DigestWitness = { ...w, trace: permuteBatchTrace(inputs) };
  const walk = new TraceLayers(w);
  for (let layer = TRACE_LAYERS - 1; layer >= 0; layer--) {
    const cols = walk.layer(layer);
    for (let s = 0; s < 12; s++) assert.deepEqual(cols[s], layerColumn(full, layer, s), `layer ${layer} slot ${s} (walk)`);
  }
  walk.close();
  for (const layer of [5, 13, 26]) for (const s of [1, 11]) assert.deepEqual(layerColumn(w, layer, s), layerColumn(full, layer, s), `layer ${layer} slot ${s} (random access)`);
  // Out of order: a walk asked for a lower layer first, then a higher one, still recovers exactly.
  const jumpy = new TraceLayers(w);
  for (const layer of [7, 20, 6, 26, 5]) assert.deepEqual(jumpy.layer(layer)[3], layerColumn(full, layer, 3), `layer ${layer} out of order`);
  jumpy.close();
});

test('zero knowledge soundness: wrong digest, broken witness and byte corruptions are rejected', () => {
  const { w, V, st, masks } = zkSetup(200);
  const { proof } = proveDigest(w, new Transcript(DOMAIN), { masks, values: V });
  const bad: DigestStatement = { ...st, digest: [st.digest[0], F.add(st.digest[1], 1n), st.digest[2], st.digest[3]] };
  assert.throws(() => verifyDigest(bad, proof, new Transcript(DOMAIN)), VerificationError);
  const bytes = serializeDigestProof(proof);
  verifyDigest(st, deserializeDigestProof(bytes, st), new Transcript(DOMAIN));
  for (let t = 0; t < 200; t++) {
    const b2 = bytes.slice();
    b2[randomInt(0, b2.length)] ^= randomInt(1, 256);
    assert.throws(() => verifyDigest(st, deserializeDigestProof(b2, st), new Transcript(DOMAIN)), (e: unknown) => e instanceof VerificationError || e instanceof FormatError);
  }
  // A changed value: the cheating prover's proof of the old digest is rejected.
  const changed = digestWitness([...Array.from({ length: 200 }, (_, i) => (i === 7 ? 1 : 0))], randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
  const cheat: DigestWitness = { ...changed, digest: w.digest };
  const V2 = MaskedPoly.sample(cheat.valueVector, V.numVars, 2);
  const m2 = sampleDigestMasks(cheat, digestStatement(cheat, 2));
  const p2 = proveDigest(cheat, new Transcript(DOMAIN), { masks: m2, values: V2 }, { unsafeAllowFalseClaim: true });
  assert.throws(() => verifyDigest(st, p2.proof, new Transcript(DOMAIN)), VerificationError);
});

test('completeness at scale: zero-knowledge digest proofs for 2^4 … 2^20 packed elements (full suite)', { skip: process.env.ZKINFER_FULL ? false : 'set ZKINFER_FULL=1 (npm run test:full)' }, () => {
  for (const logE of [4, 8, 12, 16, 20]) {
    const n = 7 * 2 ** logE;
    const values = new Int8Array(n).map(() => randomInt(-128, 128));
    const w = digestWitness(values, randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
    assert.equal(w.layout.elements, 2 ** logE);
    const V = MaskedPoly.sample(w.valueVector, Math.log2(w.valueVector.length), 2);
    const st = digestStatement(w, 2);
    const masks = sampleDigestMasks(w, st);
    const { proof, claims } = proveDigest(w, new Transcript(DOMAIN), { masks, values: V });
    assert.deepEqual(verifyDigest(st, proof, new Transcript(DOMAIN)), claims);
    if (logE <= 12) assert.ok(checkZkClaims(claims, V, w, masks));
  }
});
