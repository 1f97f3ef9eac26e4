// Virtual tensors (docs/protocol.md "Virtual tensors"): a Gather output that only sumcheck
// layers consume is never committed. Only its mask R is; consumers run on ŷ = y + Z·R exactly
// as on a committed tensor and reveal ŷ(r_k) as usual, but their claim, instead of going to
// the PCS, is routed to the Gather that produces y, which proves it (gather.ts). The layers
// address a virtual tensor through a MaskedRef whose commitment index is negative.
import type { LinearClaim } from '../pcs/types.js';
import type { MaskedRef } from '../sumcheck/session.js';
import type { PointClaim } from './gather.js';
import type { ClaimSink } from './matmul.js';

/** The commitment index that names virtual tensor v (never a real commitment). */
export function virtualCommitment(v: number): number {
  return -1 - v;
}

/** The reference consumers use for a virtual tensor: no f vector; R's vectors (c0, c1). */
export function virtualRef(v: number, numVars: number, maskVars: number, r: readonly [number, number]): MaskedRef {
  return { commitment: virtualCommitment(v), f: [-1], r, numVars, maskVars };
}

/** Passes claims on real commitments to `inner`; keeps claims on virtual tensors for their producer. */
export class ClaimRouter implements ClaimSink {
  private readonly pending = new Map<number, PointClaim[]>();

  constructor(private readonly inner: ClaimSink) {}

  claim(commitment: number, c: LinearClaim): void {
    if (commitment >= 0) return this.inner.claim(commitment, c);
    // a masked claim (session.ts maskedClaim): its first term is f at the full point
    const head = c.terms[0];
    if (head === undefined || !('point' in head)) throw new RangeError('ClaimRouter: a virtual tensor takes masked point claims only');
    const list = this.pending.get(commitment);
    const claim: PointClaim = { point: head.point, value: c.value };
    if (list) list.push(claim);
    else this.pending.set(commitment, [claim]);
  }

  /** The claims on a virtual tensor so far (once: its producer proves them). */
  take(commitment: number): PointClaim[] {
    const list = this.pending.get(commitment) ?? [];
    this.pending.delete(commitment);
    return list;
  }

  /** True when every routed claim was taken by its producer. */
  get drained(): boolean {
    return this.pending.size === 0;
  }
}
