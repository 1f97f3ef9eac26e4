// A CommitPort for tests that plays the opener's role honestly: the prover side records each
// committed vector list and absorbs its SHA-256 digest; the verifier side absorbs the same
// digests; `checkClaims` evaluates every claim the verifier produced directly on the recorded
// vectors (what a PCS opening would establish). The library's tests against the real PCS go
// through ProverSession/VerifierSession.
import { sha256 } from '@noble/hashes/sha2.js';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import type { BaseVec } from '../../src/field/vec.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import type { Transcript } from '../../src/transcript/transcript.js';
import type { CommitPort } from '../../src/lookup/logup.js';

export class RecordingPort implements CommitPort {
  readonly vectors: BaseVec[][] = [];
  readonly digests: Uint8Array[] = [];
  readonly claims: LinearClaim[][] = [];
  private next = 0;

  /** Prover side: pass nothing. Verifier side: pass the prover's digests. */
  constructor(private readonly transcript: Transcript, private readonly given: Uint8Array[] | null = null) {}

  /** Test setup: register vectors the caller committed (absorbed like any commitment). */
  commit(polys: readonly BaseVec[] | null): number {
    let d: Uint8Array;
    if (this.given === null) {
      if (polys === null) throw new Error('RecordingPort: the prover side needs vectors');
      const bytes = new Uint8Array(polys.reduce((s, p) => s + 8 * p.length + 4, 0));
      let off = 0;
      for (const p of polys) {
        new DataView(bytes.buffer).setUint32(off, p.length, true);
        bytes.set(new Uint8Array(p.buffer, p.byteOffset, 8 * p.length), off + 4);
        off += 8 * p.length + 4;
      }
      d = sha256(bytes);
      this.vectors.push(polys.map((p) => p.slice()));
    } else {
      d = this.given[this.next];
      if (d === undefined) throw new Error('RecordingPort: no more commitments');
    }
    this.next++;
    this.digests.push(d);
    this.claims.push([]);
    this.transcript.absorbBytes('test/commitment', d);
    return this.digests.length - 1;
  }

  claim(commitment: number, c: LinearClaim): void {
    this.claims[commitment].push(c);
  }
}

function mlePadded(v: BaseVec, point: readonly Fp2[]): Fp2 {
  let cur: Fp2[] = Array.from({ length: 1 << point.length }, (_, i) => [i < v.length ? v[i] : 0n, 0n] as const);
  if (v.length > 1 << point.length) throw new Error('claim point too short for the vector');
  for (const r of point) {
    const next: Fp2[] = [];
    for (let i = 0; i < cur.length; i += 2) next.push(E.add(cur[i], E.mul(r, E.sub(cur[i + 1], cur[i]))));
    cur = next;
  }
  return cur[0];
}

export function claimHolds(vectors: readonly BaseVec[], c: LinearClaim): boolean {
  let acc: Fp2 = E.ZERO;
  for (const t of c.terms) {
    if ('layoutPoint' in t) throw new Error('claimHolds: layout terms are not recorded here');
    const v = vectors[t.poly];
    let x: Fp2;
    if ('point' in t) x = mlePadded(v, t.point);
    else {
      x = E.ZERO;
      for (let i = 0; i < v.length; i++) x = E.add(x, E.mulBase([t.weights[2 * i], t.weights[2 * i + 1]], v[i]));
    }
    acc = E.add(acc, E.mul(t.coeff, x));
  }
  return E.eq(acc, c.value);
}

/** Every claim the verifier collected holds on the prover's vectors (commitment by commitment). */
export function allClaimsHold(prover: RecordingPort, verifier: RecordingPort): boolean {
  return verifier.claims.every((cs, i) => cs.every((c) => claimHolds(prover.vectors[i], c)));
}
