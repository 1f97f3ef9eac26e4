// Merkle trees over SHA-256 for the commitment (verifier side: portable, see transcript/sha256.ts).
//
// Leaf j of a tree over N = 2^logN leaves is the byte string salt_j ‖ column_j (see
// prover.ts): 16 + 8·rows bytes, a multiple of 8. Leaf hash = SHA-256(leaf); inner node =
// SHA-256(0x01 ‖ left ‖ right), 65 bytes, which no leaf has: the lengths keep leaves and nodes
// apart (and the leaf needs no prefix, so the prover hashes it in place, one call per leaf). Openings of several leaves share one
// deduplicated set of sibling hashes (a "multiproof"): level by level, from the leaves up, in
// increasing node index, every sibling that the verifier cannot compute itself.
import { sha256 } from '../transcript/sha256.js';

export const DIGEST_BYTES = 32;
export const NODE_PREFIX = 0x01;

export function hashLeaf(leaf: Uint8Array): Uint8Array {
  if (leaf.length % 8 !== 0) throw new RangeError('merkle: a leaf is a multiple of 8 bytes');
  return sha256(leaf);
}

export function hashNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  const node = new Uint8Array(1 + 2 * DIGEST_BYTES);
  node[0] = NODE_PREFIX;
  node.set(left, 1);
  node.set(right, 1 + DIGEST_BYTES);
  return sha256(node);
}

/** The node indices, level by level, whose hashes a multiproof for `indices` carries. */
export function multiproofSiblings(logN: number, indices: readonly number[]): { level: number; index: number }[] {
  checkIndices(logN, indices);
  const out: { level: number; index: number }[] = [];
  let known = [...indices];
  for (let level = 0; level < logN; level++) {
    const next: number[] = [];
    for (let i = 0; i < known.length; i++) {
      const idx = known[i];
      const sib = idx ^ 1;
      if (idx % 2 === 0 && known[i + 1] === sib) {
        i++; // both children known
      } else {
        out.push({ level, index: sib });
      }
      next.push(idx >> 1);
    }
    known = next;
  }
  return out;
}

function checkIndices(logN: number, indices: readonly number[]): void {
  if (indices.length === 0) throw new RangeError('merkle: no leaves to open');
  for (let i = 0; i < indices.length; i++) {
    const x = indices[i];
    if (!Number.isInteger(x) || x < 0 || x >= 2 ** logN) throw new RangeError(`merkle: leaf index ${x} out of range`);
    if (i > 0 && x <= indices[i - 1]) throw new RangeError('merkle: leaf indices must be distinct and increasing');
  }
}

/** Recomputes the root from the hashes of leaves `indices` and the multiproof's siblings. */
export function rootFromMultiproof(logN: number, indices: readonly number[], leafHashes: readonly Uint8Array[], siblings: readonly Uint8Array[]): Uint8Array {
  checkIndices(logN, indices);
  if (leafHashes.length !== indices.length) throw new RangeError('merkle: one hash per opened leaf');
  let known = indices.map((index, i) => ({ index, hash: leafHashes[i] }));
  let s = 0;
  for (let level = 0; level < logN; level++) {
    const next: { index: number; hash: Uint8Array }[] = [];
    for (let i = 0; i < known.length; i++) {
      const { index, hash } = known[i];
      let left: Uint8Array;
      let right: Uint8Array;
      if (index % 2 === 0 && known[i + 1]?.index === index + 1) {
        left = hash;
        right = known[i + 1].hash;
        i++;
      } else {
        if (s >= siblings.length) throw new RangeError('merkle: too few sibling hashes');
        const sib = siblings[s++];
        [left, right] = index % 2 === 0 ? [hash, sib] : [sib, hash];
      }
      next.push({ index: index >> 1, hash: hashNode(left, right) });
    }
    known = next;
  }
  if (s !== siblings.length) throw new RangeError('merkle: unused sibling hashes');
  return known[0].hash;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
