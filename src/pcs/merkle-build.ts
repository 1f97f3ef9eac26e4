// Prover side of the Merkle tree: hashes every leaf and node. Bulk hashing uses node:crypto
// when the platform has it (same bytes as @noble/hashes, several times faster), reached through
// process.getBuiltinModule so that no static Node import enters a browser bundle; elsewhere it
// falls back to @noble/hashes.
import { sha256 } from '@noble/hashes/sha2.js';
import { DIGEST_BYTES, LEAF_PREFIX, NODE_PREFIX, multiproofSiblings } from './merkle.js';

interface NodeHash {
  update(b: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
type CreateHash = (alg: string) => NodeHash;

function nodeCreateHash(): CreateHash | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:crypto') as { createHash?: CreateHash } | undefined;
  return mod?.createHash;
}

const createHash = nodeCreateHash();
const LEAF = Uint8Array.of(LEAF_PREFIX);
const NODE = Uint8Array.of(NODE_PREFIX);

function hash2(prefix: Uint8Array, a: Uint8Array, b?: Uint8Array): Uint8Array {
  if (createHash !== undefined) {
    const h = createHash('sha256').update(prefix).update(a);
    return (b === undefined ? h : h.update(b)).digest();
  }
  const h = sha256.create().update(prefix).update(a);
  return (b === undefined ? h : h.update(b)).digest();
}

/** All levels of the tree: levels[0] holds the N leaf hashes, levels[logN] the root (32 bytes each). */
export function buildTree(leaves: Uint8Array, leafBytes: number, logN: number): Uint8Array[] {
  const N = 2 ** logN;
  if (leaves.length !== N * leafBytes) throw new RangeError(`buildTree: ${leaves.length} bytes for ${N} leaves of ${leafBytes}`);
  const levels: Uint8Array[] = [];
  let level = new Uint8Array(N * DIGEST_BYTES);
  for (let j = 0; j < N; j++) level.set(hash2(LEAF, leaves.subarray(j * leafBytes, (j + 1) * leafBytes)), j * DIGEST_BYTES);
  levels.push(level);
  for (let size = N >> 1; size >= 1; size >>= 1) {
    const below = level;
    level = new Uint8Array(size * DIGEST_BYTES);
    for (let j = 0; j < size; j++) {
      const l = below.subarray(2 * j * DIGEST_BYTES, (2 * j + 1) * DIGEST_BYTES);
      const r = below.subarray((2 * j + 1) * DIGEST_BYTES, (2 * j + 2) * DIGEST_BYTES);
      level.set(hash2(NODE, l, r), j * DIGEST_BYTES);
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
