// Where a zero-knowledge digest proof's own masks sit in their commitment, and how its claims
// become linear claims of a commitment session — shared by the standalone bundle and the model
// proof. Verifier-safe: nothing Node-only, no prover code.
import type { LinearClaim } from '../pcs/types.js';
import { gMaskClaim, maskedClaim, maskedLayout, type GMaskRef, type MaskedRef, type MaskedSpec } from '../sumcheck/session.js';
import { roundDegrees } from '../sumcheck/types.js';
import type { DigestClaims } from './digest-proof.js';
import { CAPACITY_WORDS, OWN_MASK_VARS, skeletonShapes, type StatementInfo } from './digest-shapes.js';
import { ROUNDS, T } from './digest-relations.js';

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Where the digest proof's masks sit in a commitment (the order of digestCommitPolys), from
 * vector `first` on: a commitment of their own (the standalone bundle), or the tail of a model
 * proof's commitment 0.
 */
export function maskRefs(info: StatementInfo, commitment: number, first = 0): { capacity: MaskedRef[]; layers: MaskedRef[][]; g: GMaskRef[] } {
  const specs: MaskedSpec[] = [
    ...Array.from({ length: CAPACITY_WORDS }, () => ({ numVars: info.n, maskVars: OWN_MASK_VARS, ext: false })),
    ...Array.from({ length: ROUNDS * T }, () => ({ numVars: OWN_MASK_VARS, maskVars: OWN_MASK_VARS, ext: true })),
  ];
  const refs = maskedLayout(commitment, specs, first);
  let next = first + specs.reduce((s, x) => s + (x.ext ? 4 : 3), 0);
  const g = skeletonShapes(info).map((shape) => {
    const ref: GMaskRef = { commitment, g: [next, next + 1], degrees: roundDegrees(shape) };
    next += 2;
    return ref;
  });
  const capacity = refs.slice(0, CAPACITY_WORDS);
  const layers = Array.from({ length: ROUNDS }, (_, r) => refs.slice(CAPACITY_WORDS + r * T, CAPACITY_WORDS + (r + 1) * T));
  return { capacity, layers, g };
}

/** Sizes of digestCommitPolys's vectors (the digest proof's own masks), in order. */
export function maskCommitmentSizes(info: StatementInfo): number[] {
  const m = 1 << OWN_MASK_VARS;
  return [
    ...Array.from({ length: CAPACITY_WORDS }, () => [info.blocks, m, m]).flat(),
    ...Array.from({ length: ROUNDS * T }, () => [m, m, m, m]).flat(),
    ...skeletonShapes(info).flatMap((shape) => {
      const len = nextPow2(1 + roundDegrees(shape).reduce((a, b) => a + b, 0));
      return [len, len];
    }),
  ];
}

/** Hands every claim of a verified (or proven) digest proof to the session as linear claims. */
export function claimAll(port: { claim(c: number, claim: LinearClaim): void }, claims: DigestClaims, vRef: MaskedRef, refs: ReturnType<typeof maskRefs>): void {
  port.claim(vRef.commitment, maskedClaim(vRef, claims.values.point, claims.values.value));
  claims.capacity.forEach((list, c) => list.forEach((cl) => port.claim(refs.capacity[c].commitment, maskedClaim(refs.capacity[c], cl.point, cl.value))));
  for (const cl of claims.layerMasks) port.claim(refs.layers[cl.round][cl.slot].commitment, maskedClaim(refs.layers[cl.round][cl.slot], cl.point, cl.value));
  claims.sumcheckMasks.forEach((cl, b) => port.claim(refs.g[b].commitment, gMaskClaim(refs.g[b], cl.point, cl.value)));
}

