// The prover's heavy steps on the field kernels (assembly/field.ts), in one kernel-memory
// operation each: encoding every row into its codeword, building the leaves and the Merkle tree
// (commit), and the row combinations u_0 … u_K (open). The results are exactly those of the
// definitions in docs/protocol.md Part 2 §3 (one coset NTT per row, leaf j = salt_j ‖ column j,
// SHA-256 leaves and nodes): only how fast they are computed differs.
//
// Commit: the messages (rows × k) are copied in once; the rows are encoded on the pool
// (`encodeRows`: coset scaling, zero padding and bit reversal fused, the first two butterfly
// layers of a message of ≤ N/2 coefficients done in one step) into a rows × N codeword matrix.
// The leaves are then built chunk by chunk (`transposeLeaves`, CHUNK_LEAVES leaves that stay
// in cache) and hashed where they lie, with the subtree of each chunk; the top of the tree last.
import { COSET_SHIFT } from './encode.js';
import { DIGEST_BYTES } from './merkle.js';
import type { Shape } from './params.js';
import { sha256Into } from '../transcript/sha256.js';
import * as F from '../field/goldilocks.js';
import { fieldThreads, kernels, runCalls, sharesFor, splitRange, type KernelCall } from '../field/kernel.js';
import { buildChunk, type ChunkJob } from './tree-chunks.js';
import { TreePool } from './tree-pool-node.js';
import { NTT_BLOCK_LOG, forwardTwiddles } from '../field/vec.js';

/** log2 of the leaves built and hashed together (a chunk's leaves stay in L2 cache). */
const CHUNK_LOG = 8;

/**
 * Encodes the rows × k messages (row-major) and builds the leaves (salts: N × 16 bytes) and
 * the tree into `leaves` (N × leafBytes bytes, every byte written).
 */
export function encodeAndHash(shape: Shape, messages: BigUint64Array, salts: Uint8Array, leaves: Uint8Array): Uint8Array[] {
  const { k, N, logN, rows } = shape;
  const leafBytes = 16 + 8 * rows;
  if (messages.length !== rows * k || salts.length !== 16 * N || leaves.length !== N * leafBytes) throw new RangeError('encodeAndHash: operand sizes do not match the shape');
  if (2 * k > N) throw new RangeError(`encodeAndHash: needs k ≤ N/2 (k ${k}, N ${N})`);
  const e = kernels();
  e.reset();
  const pm = e.alloc(messages.length);
  e.words().set(messages, pm / 8);
  const ps = e.alloc(2 * N);
  new Uint8Array(e.memory.buffer, ps, salts.length).set(salts);
  const pows = e.alloc(k);
  const powerCalls = splitRange(k, sharesFor(k)).map(([s, t]): KernelCall => ({ fn: 'powers', args: [pows + 8 * s, F.pow(COSET_SHIFT, BigInt(s)), COSET_SHIFT, t - s] }));
  runCalls(powerCalls);
  const tw = forwardTwiddles(logN);
  const cw = e.alloc(rows * N);
  const logB = Math.min(logN, NTT_BLOCK_LOG);
  runCalls(splitRange(rows, sharesFor(rows * N)).map(([r0, r1]): KernelCall => ({ fn: 'encodeRows', args: [cw, pm, k, pows, tw, logN, logB, r0, r1] })));

  // Leaves and tree, chunk by chunk (on the tree pool's workers and this thread), then the top.
  const chunkLog = Math.min(CHUNK_LOG, logN);
  const chunks = N >> chunkLog;
  const pool = chunks >= 4 ? treePool(e.module, e.memory, e.shared, leaves) : null;
  const threads = 1 + (pool?.workers ?? 0);
  const scratchBytes = roundUp((1 << chunkLog) * leafBytes, 64);
  const scratch = e.alloc((threads * scratchBytes) / 8);
  const levels = e.alloc(4 * (2 * N - 1));
  const job: ChunkJob = { store: leaves, mem: new Uint8Array(e.memory.buffer), transpose: e.k.transposeLeaves, nodes: e.k.merkleNodes, hashInto: sha256Into, leafBytes, cw, rows, logN, salts: ps, levels, chunkLog, scratch, scratchBytes };
  if (pool !== null) pool.run(job, chunks);
  else for (let c = 0; c < chunks; c++) buildChunk(job, c, 0);
  const out: Uint8Array[] = [];
  let at = levels;
  for (let l = 0; l <= logN; l++) {
    const size = (N >> l) * DIGEST_BYTES;
    if (l > chunkLog) e.k.merkleNodes(at - 2 * size, at, N >> l);
    out.push(job.mem.slice(at, at + size));
    at += size;
  }
  return out;
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

let pool: TreePool | null = null;

/** The tree pool for this kernel memory and thread count (null: build on this thread only). */
function treePool(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean, store: Uint8Array): TreePool | null {
  const workers = fieldThreads() - 1;
  if (workers < 1 || !shared || !(store.buffer instanceof SharedArrayBuffer)) return null;
  if (pool !== null && (pool.memory !== memory || pool.workers !== workers)) closeTreePool();
  pool ??= TreePool.create(module, memory, workers);
  return pool;
}

/** Stops the tree pool's workers (the next large commitment starts them again). */
export function closeTreePool(): void {
  pool?.close();
  pool = null;
}

/** Columns per call of combineRows (its tiles are 256 columns). */
const COMBINE_CHUNK = 1024;

/**
 * u_c = Σ_i w[c][i]·row_i for c < combos: messages are rows × k (row-major), weights combos ×
 * rows F_p2 elements (an ExtVec, zero where a row takes no part). Returns combos ExtVecs of k
 * elements.
 */
export function combineRows(messages: BigUint64Array, k: number, rows: number, weights: BigUint64Array, combos: number): BigUint64Array[] {
  if (messages.length !== rows * k || weights.length !== 2 * combos * rows) throw new RangeError('combineRows: operand sizes do not match');
  const e = kernels();
  e.reset();
  const pm = e.alloc(messages.length);
  e.words().set(messages, pm / 8);
  const pw = e.alloc(weights.length);
  e.words().set(weights, pw / 8);
  const out = e.alloc(2 * combos * k);
  const ranges = splitRange(k, Math.max(1, Math.min(sharesFor(rows * k), Math.ceil(k / COMBINE_CHUNK))), 2);
  const calls = ranges.map(([c0, c1]): KernelCall => ({ fn: 'combineRows', args: [out, pm, k, rows, pw, combos, c0, c1, e.alloc(2 * 256 * combos)] }));
  runCalls(calls);
  return Array.from({ length: combos }, (_, c) => e.get(out + 16 * c * k, 2 * k));
}
