// Prover side of the Merkle tree: multiproofs from the tree's levels, and buildTree, the tree of
// leaves held in JS memory with one hash call per leaf and node (commitments build theirs on
// the kernels, commit-kernels.ts; tests rebuild small and cheating trees with this one).
import { sha256 as sha } from '../transcript/sha256.js';
import { DIGEST_BYTES, NODE_PREFIX, multiproofSiblings } from './merkle.js';

/** All levels of the tree: levels[0] holds the N leaf hashes, levels[logN] the root (32 bytes each). */
export function buildTree(leaves: Uint8Array, leafBytes: number, logN: number): Uint8Array[] {
  const N = 2 ** logN;
  if (leaves.length !== N * leafBytes) throw new RangeError(`buildTree: ${leaves.length} bytes for ${N} leaves of ${leafBytes}`);
  const levels: Uint8Array[] = [];
  let level = new Uint8Array(N * DIGEST_BYTES);
  for (let j = 0; j < N; j++) level.set(sha(leaves.subarray(j * leafBytes, (j + 1) * leafBytes)), j * DIGEST_BYTES);
  levels.push(level);
  const node = new Uint8Array(1 + 2 * DIGEST_BYTES);
  node[0] = NODE_PREFIX;
  for (let size = N >> 1; size >= 1; size >>= 1) {
    const below = level;
    level = new Uint8Array(size * DIGEST_BYTES);
    for (let j = 0; j < size; j++) {
      node.set(below.subarray(2 * j * DIGEST_BYTES, (2 * j + 2) * DIGEST_BYTES), 1);
      level.set(sha(node), j * DIGEST_BYTES);
    }
    levels.push(level);
  }
  return levels;
}

/** The sibling hashes of a multiproof for the sorted distinct leaf `indices`. */
export function openMultiproof(levels: readonly Uint8Array[], indices: readonly number[]): Uint8Array[] {
  const logN = levels.length - 1;
  return multiproofSiblings(logN, indices).map(({ level, index }) => levels[level].slice(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES));
}
