// Prover of the hiding hash-based commitment (Ligero-style tensor opening, see
// docs/protocol.md (Part 2)). It has no static Node import either (merkle-build.ts reaches
// node:crypto dynamically when present), so it also runs, more slowly, in browsers.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import type { Commitment, LinearClaim } from './types.js';
import type { HashPcsParams } from './params.js';
import { PROX_MASK_ROWS } from './params.js';
import { absorbStatement, checkClaims, makeLayout, rowCombos, type Layout, type RowCombo } from './layout.js';
import { COSET_SHIFT, joinExt } from './encode.js';
import { buildTree, openMultiproof } from './merkle-build.js';
import { randomBase, randomBytes } from './random.js';
import { SALT_BYTES, type HashPcsProof, type OpenedColumn } from './proof.js';
import { drawChallenges, absorbRows, queryColumns } from './protocol.js';

/** Rows transposed together into the leaves. */
const SCATTER_BLOCK = 8;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('pcs: needs a little-endian platform (typed-array views of leaf bytes)');

/** What the prover keeps between commit and its single opening. */
export class HashPcsState {
  private used = false;
  constructor(
    readonly params: HashPcsParams,
    readonly layout: Layout,
    readonly commitment: Commitment,
    /** Messages of all rows, row-major: rows × k coefficients. */
    readonly messages: BaseVec,
    /** N leaves of leafBytes each: salt ‖ column. */
    readonly leaves: Uint8Array,
    readonly leafBytes: number,
    readonly tree: Uint8Array[],
  ) {}

  get opened(): boolean {
    return this.used;
  }

  /** Marks the single opening; a second one is refused (the hiding bound allows one). */
  claimOpening(): void {
    if (this.used) throw new Error('pcs: this commitment was already opened; a second opening would reveal more columns than its padding hides');
    this.used = true;
  }

  row(i: number): BaseVec {
    const k = this.layout.shape.k;
    return this.messages.subarray(i * k, (i + 1) * k);
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
  const messages = new BigUint64Array(rows * k);
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

  // Codewords, scattered into column-major leaves: leaf j = salt_j ‖ symbol j of every row.
  const leafBytes = SALT_BYTES + 8 * rows;
  const leaves = new Uint8Array(N * leafBytes);
  const salts = randomBytes(N * SALT_BYTES);
  for (let j = 0; j < N; j++) leaves.set(salts.subarray(j * SALT_BYTES, (j + 1) * SALT_BYTES), j * leafBytes);
  // Rows are encoded in blocks of SCATTER_BLOCK so that the transposition writes a whole
  // cache line (8 symbols) per leaf instead of one word per leaf (strided writes dominated).
  const out32 = new Uint32Array(leaves.buffer);
  const stride = leafBytes / 4;
  const bufs = Array.from({ length: Math.min(rows, SCATTER_BLOCK) }, () => new BigUint64Array(N));
  const views = bufs.map((b) => new Uint32Array(b.buffer));
  for (let r0 = 0; r0 < rows; r0 += SCATTER_BLOCK) {
    const width = Math.min(rows, r0 + SCATTER_BLOCK) - r0;
    for (let b = 0; b < width; b++) {
      bufs[b].fill(0n);
      bufs[b].set(messages.subarray((r0 + b) * k, (r0 + b + 1) * k));
      V.cosetNtt(bufs[b], COSET_SHIFT);
    }
    for (let j = 0, o = (SALT_BYTES + 8 * r0) / 4; j < N; j++, o += stride) {
      for (let b = 0; b < width; b++) {
        const cw32 = views[b];
        out32[o + 2 * b] = cw32[2 * j];
        out32[o + 2 * b + 1] = cw32[2 * j + 1];
      }
    }
  }
  const tree = buildTree(leaves, leafBytes, logN);
  const commitment: Commitment = { root: tree[logN].slice(), sizes };
  return { commitment, state: new HashPcsState(params, layout, commitment, messages, leaves, leafBytes, tree) };
}

/** Σ_i w_i·row_i over rows [start, start + |w|) of the messages (F_p2 weights). */
function combine(state: HashPcsState, start: number, weights: ExtVec): ExtVec {
  const k = state.layout.shape.k;
  let acc: ExtVec = new BigUint64Array(2 * k);
  for (let i = 0; i < weights.length >> 1; i++) {
    const w: Fp2 = [weights[2 * i], weights[2 * i + 1]];
    if (w[0] === 0n && w[1] === 0n) continue;
    acc = V.extAdd(acc, V.baseScaleExt(state.row(start + i), w));
  }
  return acc;
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

  // Proximity row: Σ γ_i·row_i over data and evaluation-mask rows, plus the proximity mask.
  const dataGamma = gamma.subarray(0, 2 * m);
  const maskGamma = gamma.subarray(2 * m);
  let prox = V.extAdd(combine(state, 0, dataGamma), combine(state, m + PROX_MASK_ROWS, maskGamma));
  prox = V.extAdd(prox, maskRow(state, m));
  const rows: ExtVec[] = [prox];
  combos.forEach((c, ci) => {
    rows.push(V.extAdd(combine(state, c.rowStart, c.rowWeights), V.extScale(maskRow(state, evalMaskRow(ci)), beta)));
  });
  absorbRows(transcript, rows);

  const queried = queryColumns(transcript, layout.shape);
  const { leaves, leafBytes } = state;
  const columns: OpenedColumn[] = queried.map((j) => {
    const leaf = leaves.slice(j * leafBytes, (j + 1) * leafBytes);
    return { salt: leaf.slice(0, SALT_BYTES), values: new BigUint64Array(leaf.buffer, SALT_BYTES, layout.shape.rows) };
  });
  return { maskSum, rows, columns, siblings: openMultiproof(state.tree, queried) };
}
