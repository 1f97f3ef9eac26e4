// The prover's large buffers (a commitment's leaves and messages: 175 MB at 2^22 committed
// elements) are recycled: an opened commitment hands them back, and the next commitment takes
// them instead of fresh memory. Fresh memory is zero pages that the first write faults in one
// by one, which measured 3.5 ms per MB on the 2-core benchmark VM (≈ 600 ms per 2^22 commit,
// more than encoding and hashing together); recycled memory is already mapped. Every taker
// overwrites or zeroes all the bytes it uses (prover.ts), so nothing of an earlier commitment
// can leak into a later one.

/** At most this many buffers and bytes are kept between commitments. */
const MAX_KEPT = 6;
const MAX_KEPT_BYTES = 2 ** 30;

const kept: ArrayBufferLike[] = [];

/**
 * A buffer of at least `bytes` bytes (contents arbitrary): the smallest kept one that fits, else
 * a new one — shared where the platform has SharedArrayBuffer, so that the tree pool's workers
 * can write leaves into it (tree-pool-node.ts).
 */
export function takeBuffer(bytes: number): ArrayBufferLike {
  let best = -1;
  for (let i = 0; i < kept.length; i++) {
    if (kept[i].byteLength >= bytes && (best < 0 || kept[i].byteLength < kept[best].byteLength)) best = i;
  }
  if (best < 0) return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return kept.splice(best, 1)[0];
}

/** Hands a buffer back for a later commitment (the caller must not use it any more). */
export function giveBack(buffer: ArrayBufferLike): void {
  if (buffer.byteLength === 0 || kept.includes(buffer)) return;
  kept.push(buffer);
  kept.sort((a, b) => b.byteLength - a.byteLength);
  let total = kept.reduce((s, b) => s + b.byteLength, 0);
  // Keep the largest buffers that fit the budget (large commitments gain the most).
  while (kept.length > MAX_KEPT || total > MAX_KEPT_BYTES) total -= kept.pop()!.byteLength;
}

/** Drops every kept buffer (their memory goes back to the garbage collector). */
export function releaseProverBuffers(): void {
  kept.length = 0;
}
