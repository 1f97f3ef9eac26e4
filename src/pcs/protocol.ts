// The transcript steps that prover and verifier share, in order (docs/protocol.md (Part 2)):
//   statement → λ (batching) → μ → β (mask scale), γ (proximity) → rows → column queries.
import type { Fp2 } from '../field/ext.js';
import type { ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import type { Shape } from './params.js';
import { PROX_MASK_ROWS } from './params.js';

/** Absorbs μ, then draws β and the proximity weights γ (data rows, then evaluation-mask rows). */
export function drawChallenges(transcript: Transcript, shape: Shape, maskSum: Fp2): { beta: Fp2; gamma: ExtVec } {
  transcript.absorbExt('pcs/mask-sum', maskSum);
  const beta = transcript.challengeExt('pcs/mask-scale');
  const g = transcript.challengeExts('pcs/proximity', shape.rows - PROX_MASK_ROWS);
  const gamma = new BigUint64Array(2 * g.length);
  g.forEach((x, i) => {
    gamma[2 * i] = x[0];
    gamma[2 * i + 1] = x[1];
  });
  return { beta, gamma };
}

export function absorbRows(transcript: Transcript, rows: readonly ExtVec[]): void {
  rows.forEach((r) => transcript.absorbBases('pcs/row', r));
}

/** The distinct queried columns, increasing (q draws with replacement). */
export function queryColumns(transcript: Transcript, shape: Shape): number[] {
  const idx = transcript.challengeIndices('pcs/queries', shape.q, shape.N);
  return [...new Set(idx)].sort((a, b) => a - b);
}
