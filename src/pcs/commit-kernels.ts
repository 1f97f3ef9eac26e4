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
import { DIGEST_BYTES, NODE_PREFIX } from './merkle.js';
import type { Shape } from './params.js';
import { sha256Into } from '../transcript/sha256.js';
import * as F from '../field/goldilocks.js';
import { kernels, runCalls, sharesFor, splitRange, type KernelCall } from '../field/kernel.js';
import { NTT_BLOCK_LOG, forwardTwiddles } from '../field/vec.js';

/** log2 of the leaves built and hashed together (a chunk's leaves stay in L2 cache). */
const CHUNK_LOG = 8;

export interface CommittedMatrix {
  /** N leaves of leafBytes each. */
  readonly leaves: Uint8Array;
  /** levels[0]: the N leaf hashes … levels[logN]: the root (32 bytes each). */
  readonly tree: Uint8Array[];
}

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

  // Leaves and tree, chunk by chunk.
  const chunkLog = Math.min(CHUNK_LOG, logN);
  const chunk = 1 << chunkLog;
  const pl = e.alloc((chunk * leafBytes) / 8);
  const levels: Uint8Array[] = [];
  for (let l = 0; l <= logN; l++) levels.push(new Uint8Array((N >> l) * DIGEST_BYTES));
  const node = new Uint8Array(1 + 2 * DIGEST_BYTES);
  node[0] = NODE_PREFIX;
  for (let j0 = 0; j0 < N; j0 += chunk) {
    e.k.transposeLeaves(pl, leafBytes, cw, rows, logN, ps, j0, j0 + chunk);
    const mem = new Uint8Array(e.memory.buffer, pl, chunk * leafBytes);
    for (let j = 0; j < chunk; j++) sha256Into(mem.subarray(j * leafBytes, (j + 1) * leafBytes), levels[0], (j0 + j) * DIGEST_BYTES);
    leaves.set(mem, j0 * leafBytes);
    hashLevels(levels, node, 1, chunkLog, j0);
  }
  hashLevels(levels, node, chunkLog + 1, logN, 0);
  return levels;
}

/** Levels [from, to] of the subtree over leaves [j0, j0 + 2^to) (to = logN: the top). */
function hashLevels(levels: Uint8Array[], node: Uint8Array, from: number, to: number, j0: number): void {
  for (let l = from; l <= to; l++) {
    const below = levels[l - 1];
    const first = j0 >> l;
    const end = first + (1 << (to - l));
    for (let i = first; i < end; i++) {
      node.set(below.subarray(2 * i * DIGEST_BYTES, (2 * i + 2) * DIGEST_BYTES), 1);
      sha256Into(node, levels[l], i * DIGEST_BYTES);
    }
  }
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
