// Prover of the hiding hash-based commitment (Ligero-style tensor opening, see
// docs/protocol.md (Part 2)); the heavy steps run on the kernels (commit-kernels.ts). It has
// no static Node import (node:crypto and worker threads are reached dynamically when present),
// so it also runs, more slowly, in browsers.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import type { Commitment, LinearClaim } from './types.js';
import type { HashPcsParams } from './params.js';
import { PROX_MASK_ROWS } from './params.js';
import { absorbStatement, checkClaims, makeLayout, rowCombos, type Layout, type RowCombo } from './layout.js';
import { joinExt } from './encode.js';
import { openMultiproof } from './merkle-build.js';
import { combineRows, encodeAndHash } from './commit-kernels.js';
import { giveBack, takeBuffer } from './buffers.js';
import { randomBase, randomBytes } from './random.js';
import { SALT_BYTES, type HashPcsProof, type OpenedColumn } from './proof.js';
import { drawChallenges, absorbRows, queryColumns } from './protocol.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('pcs: needs a little-endian platform (typed-array views of leaf bytes)');

/** The element X of F_p2 (mask row pairs are c0 + X·c1). */
const X: Fp2 = [0n, 1n];

/** What the prover keeps between commit and its single opening. */
export class HashPcsState {
  private used = false;
  private msgs: BaseVec;
  private leafBuf: Uint8Array;
  constructor(
    readonly params: HashPcsParams,
    readonly layout: Layout,
    readonly commitment: Commitment,
    /** Messages of all rows, row-major: rows × k coefficients. */
    messages: BaseVec,
    /** N leaves of leafBytes each: salt ‖ column. */
    leaves: Uint8Array,
    readonly leafBytes: number,
    readonly tree: Uint8Array[],
  ) {
    this.msgs = messages;
    this.leafBuf = leaves;
  }

  get messages(): BaseVec {
    return this.msgs;
  }

  get leaves(): Uint8Array {
    return this.leafBuf;
  }

  get opened(): boolean {
    return this.used;
  }

  /** Marks the single opening; a second one is refused (the hiding bound allows one). */
  claimOpening(): void {
    if (this.used) throw new Error('pcs: this commitment was already opened; a second opening would reveal more columns than its padding hides');
    this.used = true;
  }

  /** After the opening: the messages' and leaves' memory goes to the next commitment (buffers.ts). */
  release(): void {
    giveBack(this.msgs.buffer);
    giveBack(this.leafBuf.buffer);
    this.msgs = new BigUint64Array(0);
    this.leafBuf = new Uint8Array(0);
  }

  row(i: number): BaseVec {
    const k = this.layout.shape.k;
    return this.msgs.subarray(i * k, (i + 1) * k);
  }
}

/** Rejects non-canonical entries (≥ p) without a BigInt per element. */
function checkCanonical(v: BaseVec, which: number): void {
  const w = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  for (let i = 1; i < w.length; i += 2) {
    if (w[i] === 0xffffffff && w[i - 1] !== 0) throw new RangeError(`pcs commit: vector ${which} entry ${(i - 1) / 2} is not a canonical field element`);
  }
}

export function commit(params: HashPcsParams, polys: readonly BaseVec[]): { commitment: Commitment; state: HashPcsState } {
  polys.forEach((p, i) => {
    if (!(p instanceof BigUint64Array)) throw new RangeError(`pcs commit: vector ${i} is not a BigUint64Array`);
    checkCanonical(p, i);
  });
  const sizes = polys.map((p) => p.length);
  const layout = makeLayout(sizes, params);
  const { n, t, k, N, logN, m, rows } = layout.shape;

  // Messages: data rows get their n symbols then t random ones; mask rows are random throughout.
  const messages = new BigUint64Array(takeBuffer(8 * rows * k), 0, rows * k);
  new Uint8Array(messages.buffer, 0, 8 * m * k).fill(0); // the data rows' unused positions are 0
  polys.forEach((p, i) => {
    const off = layout.placements[i].offset;
    for (let s = 0; s < p.length; s += n) {
      const pos = off + s;
      const row = Math.floor(pos / n);
      const chunk = p.subarray(s, Math.min(p.length, s + n));
      messages.set(chunk, row * k + (pos % n));
    }
  });
  const pad = randomBase(m * t);
  for (let r = 0; r < m; r++) messages.set(pad.subarray(r * t, (r + 1) * t), r * k + n);
  messages.set(randomBase((rows - m) * k), m * k);

  // Codewords, leaves (leaf j = salt_j ‖ symbol j of every row) and the tree, on the kernels.
  const leafBytes = SALT_BYTES + 8 * rows;
  const salts = randomBytes(N * SALT_BYTES);
  const leaves = new Uint8Array(takeBuffer(N * leafBytes), 0, N * leafBytes);
  const tree = encodeAndHash(layout.shape, messages, salts, leaves);
  const commitment: Commitment = { root: tree[logN].slice(), sizes };
  return { commitment, state: new HashPcsState(params, layout, commitment, messages, leaves, leafBytes, tree) };
}

/** Mask row c0 + X·c1 stored at rows (i, i + 1). */
function maskRow(state: HashPcsState, i: number): ExtVec {
  return joinExt(state.row(i), state.row(i + 1));
}

export function open(state: HashPcsState, claims: readonly LinearClaim[], transcript: Transcript): HashPcsProof {
  const layout = state.layout;
  const { n, m, evalMasks } = layout.shape;
  checkClaims(layout, claims);
  absorbStatement(transcript, state.commitment, claims);
  const lambdas = transcript.challengeExts('pcs/batch', claims.length);
  const combos: RowCombo[] = rowCombos(layout, claims, lambdas);
  if (combos.length > evalMasks) {
    throw new RangeError(`pcs open: the claims need ${combos.length} row combinations, the commitment has ${evalMasks} evaluation masks (raise params.evalMasks)`);
  }
  state.claimOpening();

  // μ = Σ_k ⟨M_k[0..n), b_k⟩, committed to by the transcript before β.
  const evalMaskRow = (c: number) => m + PROX_MASK_ROWS + 2 * c;
  let maskSum: Fp2 = E.ZERO;
  combos.forEach((c, ci) => {
    maskSum = E.add(maskSum, V.extInner(maskRow(state, evalMaskRow(ci)).subarray(0, 2 * n), c.colWeights));
  });
  const { beta, gamma } = drawChallenges(transcript, layout.shape, maskSum);

  // Proximity row u_0 = Σ γ_i·row_i over data and evaluation-mask rows + the proximity mask;
  // u_k = Σ a_k[i]·row_i + β·(mask k): one weight row per combination, one pass over the rows.
  const R = layout.shape.rows;
  const weights = new BigUint64Array(2 * R * (1 + combos.length));
  const addWeight = (c: number, row: number, w: Fp2) => {
    const o = 2 * (c * R + row);
    const sum = E.add([weights[o], weights[o + 1]], w);
    weights[o] = sum[0];
    weights[o + 1] = sum[1];
  };
  for (let i = 0; i < m; i++) addWeight(0, i, [gamma[2 * i], gamma[2 * i + 1]]);
  for (let i = 0; i < 2 * evalMasks; i++) addWeight(0, m + PROX_MASK_ROWS + i, [gamma[2 * (m + i)], gamma[2 * (m + i) + 1]]);
  addWeight(0, m, E.ONE);
  addWeight(0, m + 1, X);
  combos.forEach((c, ci) => {
    for (let i = 0; i < c.rowWeights.length >> 1; i++) addWeight(1 + ci, c.rowStart + i, [c.rowWeights[2 * i], c.rowWeights[2 * i + 1]]);
    addWeight(1 + ci, evalMaskRow(ci), beta);
    addWeight(1 + ci, evalMaskRow(ci) + 1, E.mul(beta, X));
  });
  const rows: ExtVec[] = combineRows(state.messages, layout.shape.k, R, weights, 1 + combos.length);
  absorbRows(transcript, rows);

  const queried = queryColumns(transcript, layout.shape);
  const { leaves, leafBytes } = state;
  const columns: OpenedColumn[] = queried.map((j) => {
    const leaf = leaves.slice(j * leafBytes, (j + 1) * leafBytes);
    return { salt: leaf.slice(0, SALT_BYTES), values: new BigUint64Array(leaf.buffer, SALT_BYTES, layout.shape.rows) };
  });
  const proof = { maskSum, rows, columns, siblings: openMultiproof(state.tree, queried) };
  state.release();
  return proof;
}
