// Randomized single-byte corruption of serialized opening proofs: every corrupted proof is
// rejected, and only with the typed errors (FormatError from the parser, VerificationError
// from the verifier). 100+ corruptions by default, 1000+ in the full suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { hashPcs } from '../../src/pcs/index.js';
import { Rng, typicalClaims, vecOf } from './helpers.js';

const FULL = process.env.ZKINFER_FULL !== undefined;

function corrupt(proofs: number, perProof: number, size: number): void {
  const rng = new Rng(99 + size);
  let rejected = 0;
  const byCheck = new Map<string, number>();
  for (let p = 0; p < proofs; p++) {
    const polys = [vecOf(rng, size), vecOf(rng, 4)];
    const claims = typicalClaims(rng, polys);
    const { commitment, state } = hashPcs.commit(polys);
    const bytes = hashPcs.serializeProof(hashPcs.open(state, claims, new Transcript('c')));
    hashPcs.verify(commitment, claims, hashPcs.deserializeProof(bytes, commitment, claims), new Transcript('c'));
    for (let i = 0; i < perProof; i++) {
      const bad = bytes.slice();
      const pos = Number(rng.u64() % BigInt(bad.length));
      bad[pos] ^= 1 + Number(rng.u64() % 255n);
      try {
        hashPcs.verify(commitment, claims, hashPcs.deserializeProof(bad, commitment, claims), new Transcript('c'));
        assert.fail(`corruption of byte ${pos} of ${bad.length} was accepted`);
      } catch (e) {
        if (e instanceof FormatError) byCheck.set('format', (byCheck.get('format') ?? 0) + 1);
        else if (e instanceof VerificationError) byCheck.set(e.check, (byCheck.get(e.check) ?? 0) + 1);
        else throw e;
        rejected++;
      }
    }
  }
  assert.equal(rejected, proofs * perProof);
  // Corruptions land in rows, columns and paths alike, so several checks fire.
  assert.ok(byCheck.size >= 2, `checks that fired: ${[...byCheck.keys()]}`);
}

test('120 single-byte corruptions of serialized proofs are all rejected', () => {
  corrupt(3, 40, 1 << 8);
});

test('1200 single-byte corruptions (full suite)', { skip: !FULL }, () => {
  corrupt(12, 100, 1 << 10);
});

test('random byte strings are rejected with a FormatError', () => {
  const rng = new Rng(5);
  const polys = [vecOf(rng, 64)];
  const claims = typicalClaims(rng, polys);
  const { commitment } = hashPcs.commit(polys);
  for (let i = 0; i < 200; i++) {
    const len = Number(rng.u64() % 3000n);
    const bytes = Uint8Array.from({ length: len }, () => Number(rng.u64() & 0xffn));
    if (len > 0) bytes[0] = 1; // get past the version byte
    assert.throws(() => hashPcs.deserializeProof(bytes, commitment, claims), FormatError);
  }
});
