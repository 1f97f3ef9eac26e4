// The sumcheck proof object, its transcript order and its canonical bytes.
//
// Bytes (all field elements canonical little-endian u64, F_p2 as c0 then c1; no lengths: the
// shape fixes every count):
//   [zk] G = Σ g                     one F_p2
//   round k = 0..n−1: s_k(0), s_k(2), …, s_k(D_k)   D_k F_p2 each
//   the committed tables' final values, in table order
//   [zk] g(r)                        one F_p2
import type { Fp2 } from '../field/ext.js';
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import type { Transcript } from '../transcript/transcript.js';
import type { BatchShape } from './types.js';
import { roundDegrees, validateShape } from './types.js';

export interface SumcheckProof {
  readonly maskSum: Fp2 | null;
  /** Round k: [s_k(0), s_k(2), …, s_k(D_k)]; s_k(1) is implied by the running claim. */
  readonly rounds: readonly (readonly Fp2[])[];
  /** f̂ at the final point for each committed table, in table order. */
  readonly values: readonly Fp2[];
  readonly maskValue: Fp2 | null;
}

/** Absorbs the public head; returns ρ (zero for a plain batch). */
export function absorbProofHead(t: Transcript, degrees: readonly number[], claimedSum: Fp2, maskSum: Fp2 | null): Fp2 {
  t.absorbBases('sumcheck/degrees', degrees.map((d) => BigInt(d)));
  t.absorbExt('sumcheck/claim', claimedSum);
  if (maskSum === null) return [0n, 0n];
  t.absorbExt('sumcheck/mask-sum', maskSum);
  return t.challengeExt('sumcheck/rho');
}

export function absorbRound(t: Transcript, sent: readonly Fp2[]): Fp2 {
  t.absorbExts('sumcheck/round', sent);
  return t.challengeExt('sumcheck/r');
}

export function absorbTail(t: Transcript, values: readonly Fp2[], maskValue: Fp2 | null): void {
  t.absorbExts('sumcheck/values', values);
  if (maskValue !== null) t.absorbExt('sumcheck/mask-value', maskValue);
}

export function writeSumcheckProof(w: ByteWriter, proof: SumcheckProof): void {
  if (proof.maskSum) w.ext(proof.maskSum);
  for (const r of proof.rounds) for (const x of r) w.ext(x);
  for (const v of proof.values) w.ext(v);
  if (proof.maskValue) w.ext(proof.maskValue);
}

export function readSumcheckProof(r: ByteReader, shape: BatchShape): SumcheckProof {
  validateShape(shape);
  const degrees = roundDegrees(shape);
  const maskSum = shape.zk ? r.ext('sumcheck mask sum') : null;
  const rounds = degrees.map((d, k) => Array.from({ length: d }, () => r.ext(`sumcheck round ${k}`)));
  const committed = shape.tables.filter((t) => t.kind === 'committed').length;
  const values = Array.from({ length: committed }, () => r.ext('sumcheck table value'));
  const maskValue = shape.zk ? r.ext('sumcheck mask value') : null;
  return { maskSum, rounds, values, maskValue };
}

export function serializeSumcheckProof(proof: SumcheckProof): Uint8Array {
  const w = new ByteWriter();
  writeSumcheckProof(w, proof);
  return w.finish();
}

export function deserializeSumcheckProof(bytes: Uint8Array, shape: BatchShape): SumcheckProof {
  const r = new ByteReader(bytes, 'sumcheck proof');
  const p = readSumcheckProof(r, shape);
  r.end();
  return p;
}
