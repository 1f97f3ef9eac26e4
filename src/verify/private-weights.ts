// The layout of a model's private parameters in the one vector V that the fingerprint hashes and
// every proof commits afresh (docs/protocol.md (Part 5) §8). Derived from the verifying key
// alone, so setup, prover and verifier agree. Imports nothing Node-only.
//
//   w = vk.bits (the model's precision: weights are w-bit signed integers)
//   every private tensor t (weights in name order, then each Requant node's multipliers) is
//     written as L_t signed w-bit limbs (digits in [−2^(w−1), 2^(w−1))):
//         t = Σ_{j<L_t} 2^(w·j)·limb_{t,j}
//     with L_t the fewest limbs that represent its public range (weights: the declared
//     [lo, hi]; multipliers: the node's public `multLimbs`).
//   every limb is the padded table of t (2^{n_t} entries, layers/tensor.ts), placed at an offset
//     aligned to its size: blocks sorted by size (largest first, then tensor order, then limb).
//   V = the concatenated blocks; the fingerprint is digest(V, salt) with packing (w, signed).
//
// Because each block is aligned, limb j of t is V with its top variables fixed to the block
// index: t̃(x) = Σ_j 2^(w·j)·Ṽ(x, bits(offset_{t,j} / 2^{n_t})). A claim on t is therefore a
// linear claim on V at points whose top coordinates are boolean (the PCS takes it as it is;
// t's own mask R_t keeps the revealed value uniform).
import { limbBound, limbsFor, toLimbs } from '../ir/limbs.js';
import { dimVars, totalVars } from '../layers/tensor.js';

export { limbBound, limbMax, limbsFor, toLimbs } from '../ir/limbs.js';
import type { VerifyingKey, VkNode } from './vk.js';

/** Where one limb of a private tensor sits in V. */
export interface PrivateBlock {
  readonly tensor: number;
  readonly limb: number;
  readonly offset: number;
}

export interface PrivateTensor {
  /** A weight's name, or `node/mults` for a Requant node's multipliers. */
  readonly name: string;
  readonly dims: readonly number[];
  readonly numVars: number;
  readonly limbs: number;
  /** Offsets in V of limb 0, 1, … (each a multiple of 2^numVars). */
  readonly offsets: readonly number[];
  /** |t| ≤ bound: what the range check of V proves about t (the limbs' signed digits). */
  readonly bound: bigint;
  /** The Requant node whose multipliers this is (null: a weight constant). */
  readonly node: VkNode | null;
}

export interface PrivateLayout {
  /** Packing width w = vk.bits. */
  readonly bits: number;
  readonly tensors: readonly PrivateTensor[];
  /** Number of values of V that the digest hashes (the sum of the block sizes). */
  readonly count: number;
}

function attrInt(n: VkNode, key: string): number {
  const v = n.attrs[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`private weights: node ${n.name} lacks a positive integer attribute ${key}`);
  return v;
}

/** True when the key has private parameters (weights or private attributes). */
export function hasPrivateParameters(vk: VerifyingKey): boolean {
  return vk.weights.length > 0 || vk.nodes.some((n) => n.privateAttrs.length > 0);
}

export function privateLayout(vk: VerifyingKey): PrivateLayout {
  const bits = vk.bits;
  const info = new Map(vk.values.map((v) => [v.name, v]));
  const drafts: { name: string; dims: number[]; limbs: number; node: VkNode | null }[] = [];
  for (const name of [...vk.weights].sort()) {
    const v = info.get(name)!;
    drafts.push({ name, dims: [...v.dims], limbs: limbsFor(bits, v.lo, v.hi), node: null });
  }
  for (const n of vk.nodes) {
    if (n.privateAttrs.length === 0) continue;
    if (n.op !== 'Requant' || n.privateAttrs.length !== 1 || n.privateAttrs[0] !== 'mults') throw new RangeError(`private weights: node ${n.name} (${n.op}) has private attributes [${n.privateAttrs}] without a layout`);
    drafts.push({ name: `${n.name}/mults`, dims: [attrInt(n, 'multCount')], limbs: attrInt(n, 'multLimbs'), node: n });
  }
  const blocks: { tensor: number; limb: number; size: number }[] = [];
  drafts.forEach((d, t) => {
    for (let j = 0; j < d.limbs; j++) blocks.push({ tensor: t, limb: j, size: 2 ** totalVars(d.dims) });
  });
  blocks.sort((a, b) => b.size - a.size || a.tensor - b.tensor || a.limb - b.limb);
  const offsets = drafts.map((d) => new Array<number>(d.limbs).fill(0));
  let at = 0;
  for (const b of blocks) {
    offsets[b.tensor][b.limb] = at; // sizes decrease, so `at` is a multiple of b.size
    at += b.size;
  }
  const tensors = drafts.map((d, t) => ({ ...d, numVars: totalVars(d.dims), offsets: offsets[t], bound: limbBound(bits, d.limbs) }));
  return { bits, tensors, count: at };
}

/**
 * V's values (signed limbs; prover side and setup): `tables` gives each private tensor's
 * row-major values in layout order.
 */
export function privateValues(layout: PrivateLayout, tables: readonly BigInt64Array[]): Int32Array {
  const out = new Int32Array(layout.count);
  layout.tensors.forEach((t, i) => {
    const padded = paddedIndex(t.dims);
    const data = tables[i];
    if (data.length !== padded.length) throw new RangeError(`private weights: ${t.name} has ${data.length} values, expected ${padded.length}`);
    const half = 2 ** (layout.bits - 1);
    for (let e = 0; e < data.length; e++) {
      const x = Number(data[e]);
      // one limb: the value itself (no BigInt per weight on the common path)
      if (t.limbs === 1 && x >= -half && x < half) {
        out[t.offsets[0] + padded[e]] = x;
        continue;
      }
      const limbs = toLimbs(data[e], layout.bits, t.limbs);
      for (let j = 0; j < t.limbs; j++) out[t.offsets[j] + padded[e]] = Number(limbs[j]);
    }
  });
  return out;
}

/** The padded-table index of each row-major element (layers/tensor.ts's layout). */
function paddedIndex(dims: readonly number[]): Int32Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Int32Array(size);
  const padded = dims.map((d) => 2 ** dimVars(d));
  for (let e = 0; e < size; e++) {
    let rest = e;
    let idx = 0;
    let stride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      idx += (rest % dims[d]) * stride;
      rest = Math.floor(rest / dims[d]);
      stride *= padded[d];
    }
    out[e] = idx;
  }
  return out;
}

/**
 * How many entries of V (2^nV, the digest's S·M) a proof commits: its `count` values — the rest
 * is zero, and the commitment's claims read entries past a vector's size as zero (src/pcs/layout.ts)
 * — but more than 2^(nV−1), so that V keeps nV variables. The freed end of V's slot holds the
 * other vectors of its commitment.
 */
export function vectorCommitSize(count: number, nV: number): number {
  return Math.min(2 ** nV, Math.max(count, 2 ** (nV - 1) + 1));
}

/** The boolean top coordinates (as 0/1 field elements) that select the block at `offset` of a 2^numVars table in V of nV variables. */
export function blockSuffix(offset: number, numVars: number, nV: number): bigint[] {
  const index = offset / 2 ** numVars;
  return Array.from({ length: nV - numVars }, (_, i) => BigInt(Math.floor(index / 2 ** i) % 2));
}
