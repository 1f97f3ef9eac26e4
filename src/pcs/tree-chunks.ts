// One chunk of a commitment's leaves and Merkle tree: 2^chunkLog consecutive leaves built in
// a thread's scratch space in kernel memory (transposeLeaves: salt ‖ symbol j of every
// codeword), each hashed where it lies, copied to the state's leaf store, and the chunk's
// subtree hashed up to its root. Runs on the calling thread and, unchanged, on the tree pool's
// workers (tree-pool-node.ts embeds its source), so it uses only its arguments: no imports,
// no outer constants (32 = digest bytes). Leaves are hashed by `hashInto` (node:crypto where
// present), inner nodes by the merkleNodes kernel (assembly/lib/sha256.ts).

export interface ChunkJob {
  /** N × leafBytes: the leaves as the state keeps them. */
  readonly store: Uint8Array;
  /** The kernel memory. */
  readonly mem: Uint8Array;
  readonly transpose: (out: number, leafBytes: number, cw: number, rows: number, logN: number, salts: number, j0: number, j1: number) => void;
  /** Writes SHA-256(data) into out at `at` (the leaves). */
  readonly hashInto: (data: Uint8Array, out: Uint8Array, at: number) => void;
  /** The kernel merkleNodes(below, out, count): count nodes from the 2·count hashes at below. */
  readonly nodes: (below: number, out: number, count: number) => void;
  readonly leafBytes: number;
  /** Codewords: rows × 2^logN words, row-major. */
  readonly cw: number;
  readonly rows: number;
  readonly logN: number;
  /** N × 16 bytes of salts. */
  readonly salts: number;
  /** Tree levels, one after another from the leaf hashes up: (2N − 1) × 32 bytes. */
  readonly levels: number;
  readonly chunkLog: number;
  /** Per-thread scratch: thread t builds its leaves at scratch + t·scratchBytes. */
  readonly scratch: number;
  readonly scratchBytes: number;
}

export function buildChunk(job: ChunkJob, c: number, thread: number): void {
  const mem = job.mem;
  const lb = job.leafBytes;
  const chunk = 2 ** job.chunkLog;
  const j0 = c * chunk;
  const buf = job.scratch + thread * job.scratchBytes;
  job.transpose(buf, lb, job.cw, job.rows, job.logN, job.salts, j0, j0 + chunk);
  for (let j = 0; j < chunk; j++) job.hashInto(mem.subarray(buf + j * lb, buf + (j + 1) * lb), mem, job.levels + 32 * (j0 + j));
  job.store.set(mem.subarray(buf, buf + chunk * lb), j0 * lb);
  let below = job.levels;
  let size = 2 ** job.logN;
  for (let l = 1; l <= job.chunkLog; l++) {
    const level = below + 32 * size;
    const first = j0 >> l;
    job.nodes(below + 64 * first, level + 32 * first, chunk >> l);
    below = level;
    size >>= 1;
  }
}
