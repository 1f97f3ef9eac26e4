// Shared scaffold of the model-level zero-knowledge tests (test/prove/zk-model.test.ts: a
// private input; test/prove/zk-weights.test.ts: a private weight): record what a verifier sees,
// make a prover without randomness (the control), and look for candidates' unmasked values
// among the revealed ones.
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/encoding/bytes.js';
import type { Fp2 } from '../../src/field/ext.js';
import type { HashPcsProof } from '../../src/pcs/proof.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import type { ReducedProof } from '../../src/sumcheck/reduce.js';
import { VerifierSession } from '../../src/sumcheck/session.js';
import { SECTION } from '../../src/verify/container.js';
import { MODEL_PCS } from '../../src/verify/plan.js';
import { deserializeProofFile } from '../../src/verify/proof-file.js';
import { verify, type VerifyOptions } from '../../src/verify/verify.js';
import type { VerifyingKey } from '../../src/verify/vk.js';

export interface Recorded {
  readonly commitment: number;
  readonly claim: LinearClaim;
}

/** Verifies while recording every claim the verifier adds and every parsed opening. */
export function verifyRecording(vk: VerifyingKey, proof: Uint8Array, options: VerifyOptions = {}): { claims: Recorded[]; openings: ReducedProof<HashPcsProof>[] } {
  const claims: Recorded[] = [];
  const openings: ReducedProof<HashPcsProof>[] = [];
  const original = VerifierSession.prototype.claim;
  VerifierSession.prototype.claim = function (this: VerifierSession<unknown, unknown>, commitment: number, c: LinearClaim): void {
    claims.push({ commitment, claim: c });
    original.call(this, commitment, c);
  };
  const pcs = Object.create(MODEL_PCS) as typeof MODEL_PCS;
  pcs.deserializeProof = (bytes, commitment, cl) => {
    const p = MODEL_PCS.deserializeProof(bytes, commitment, cl);
    openings.push(p);
    return p;
  };
  try {
    verify(vk, proof, { ...options, pcs });
  } finally {
    VerifierSession.prototype.claim = original;
  }
  return { claims, openings };
}

/** Runs `f` with globalThis.crypto.getRandomValues filling zeros: every mask, salt and pad is 0. */
export function withZeroRandomness<T>(f: () => T): T {
  const c = globalThis.crypto;
  const own = Object.getOwnPropertyDescriptor(c, 'getRandomValues');
  Object.defineProperty(c, 'getRandomValues', {
    configurable: true,
    writable: true,
    value: <A extends ArrayBufferView>(a: A): A => {
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0);
      return a;
    },
  });
  try {
    return f();
  } finally {
    if (own) Object.defineProperty(c, 'getRandomValues', own);
    else delete (c as unknown as Record<string, unknown>).getRandomValues;
  }
}

export function fp2Hex(v: Fp2): string {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, v[0], true);
  dv.setBigUint64(8, v[1], true);
  return Buffer.from(b).toString('hex');
}

/** Every 16-byte window of the proof (any alignment), as hex. */
export function windows16(proof: Uint8Array): Set<string> {
  const s = new Set<string>();
  for (let i = 0; i + 16 <= proof.length; i++) s.add(Buffer.from(proof.subarray(i, i + 16)).toString('hex'));
  return s;
}

/**
 * Which candidates are singled out: `unmasked[c][j]` is candidate c's unmasked value for the
 * verifier-visible quantity j (hex F_p2), `revealed` what the verifier saw, `bytes` every
 * 16-byte window of the proof. A candidate is hit when one of its values that differs between
 * candidates is revealed or appears in the bytes; a value equal for all candidates cannot single
 * anyone out but must still not appear (`constantHits`).
 */
export function candidateHits(unmasked: readonly (readonly string[])[], revealed: ReadonlySet<string>, bytes: ReadonlySet<string>): { hits: number[]; constantHits: number; compared: number } {
  const count = unmasked[0]?.length ?? 0;
  const varies = Array.from({ length: count }, (_, j) => new Set(unmasked.map((u) => u[j])).size > 1);
  const hits: number[] = [];
  let constantHits = 0;
  let compared = 0;
  unmasked.forEach((u, i) => {
    let hit = false;
    u.forEach((v, j) => {
      compared++;
      const found = revealed.has(v) || bytes.has(v);
      if (found && varies[j]) hit = true;
      if (found && !varies[j] && i === 0) constantHits++;
    });
    if (hit) hits.push(i);
  });
  return { hits, constantHits, compared };
}

/** The commitment roots of a proof, hex. */
export function commitmentRoots(proof: Uint8Array): string[] {
  const r = new ByteReader(deserializeProofFile(proof).sections.get(SECTION.commitments)!);
  const roots: string[] = [];
  const n = r.u32();
  for (let j = 0; j < n; j++) {
    roots.push(Buffer.from(r.blob(64)).toString('hex'));
    const s = r.u32();
    for (let k = 0; k < s; k++) r.u32();
  }
  r.end();
  assert.ok(roots.length > 0);
  return roots;
}
