// The byte form of a list of commitments, shared by the proof file and the standalone bundles:
// u32 count, then per commitment its root (blob) and its sizes (u32 count, then u32 each).
import type { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import type { Commitment } from './types.js';

export function writeCommitments(w: ByteWriter, list: readonly Commitment[]): void {
  w.u32(list.length);
  for (const c of list) {
    w.blob(c.root).u32(c.sizes.length);
    for (const s of c.sizes) w.u32(s);
  }
}

export interface CommitmentListLimits {
  readonly maxCount: number;
  readonly maxSizes: number;
  /**
   * The sizes every commitment must have, when the reader knows them (a bundle of a fixed
   * shape): a different count or different sizes are refused as soon as they are read, with
   * `what` (the container's name) in the message.
   */
  readonly expected?: { readonly what: string; readonly sizes: readonly (readonly number[])[] };
}

const ROOT_BYTES = 64;

export function readCommitments(r: ByteReader, limits: CommitmentListLimits): Commitment[] {
  const count = r.count(limits.maxCount, 'commitments');
  const expected = limits.expected;
  if (expected && count !== expected.sizes.length) throw new FormatError(`${expected.what}: ${count} commitments, expected ${expected.sizes.length}`);
  return Array.from({ length: count }, (_, i) => {
    const root = r.blob(ROOT_BYTES, 'root');
    const sizes = Array.from({ length: r.count(limits.maxSizes, 'sizes') }, () => r.u32('size'));
    const want = expected?.sizes[i];
    if (expected && (sizes.length !== want!.length || sizes.some((x, j) => x !== want![j]))) throw new FormatError(`${expected.what}: commitment ${i} has unexpected sizes`);
    return { root, sizes };
  });
}
