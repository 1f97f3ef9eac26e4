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
import { permuteBatchTrace } from '../../src/hash/poseidon2-wasm.js';
import { digestWitness, layerColumn, type DigestWitness } from '../../src/hash/digest-witness.js';
import { digestStatement, proveDigest } from '../../src/hash/digest-prover.js';
import { verifyDigest } from '../../src/hash/digest-verifier.js';
import { deserializeDigestProof, serializeDigestProof, type DigestClaims } from '../../src/hash/digest-proof.js';
import type { DigestStatement } from '../../src/hash/digest-shapes.js';

const DOMAIN = 'test/p2digest';

function mle(v: BigUint64Array, point: readonly Fp2[]): Fp2 {
  return baseInnerExt(v, eqTable(point));
}

/** Stands in for the commitment openings: evaluates the real V and K at the claimed points. */
function checkClaims(claims: DigestClaims, V: BigUint64Array, K: BigUint64Array[]): boolean {
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
  const { proof, claims } = proveDigest(w, new Transcript(DOMAIN), { unsafeAllowFalseClaim: cheat });
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

test('soundness: ≥ 1000 random single-byte corruptions of a serialized proof are rejected', () => {
  const values = randomValues(50, INT8);
  const w = digestWitness(values, randomSalt(), { format: INT8, purpose: Purpose.attestedInput });
  const st = digestStatement(w);
  const { proof } = proveDigest(w, new Transcript(DOMAIN));
  const bytes = serializeDigestProof(proof);
  assert.deepEqual(deserializeDigestProof(bytes, st), proof);
  verifyDigest(st, deserializeDigestProof(bytes, st), new Transcript(DOMAIN));
  const trials = 1000;
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
