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
//   a tensor whose public range is narrower than its limbs' capacity limbBound(w, L_t) is
//     range-checked to that range in the model's merged LogUp, so relation bounds use it:
//     a weight to its declared signed range (public already), a Requant node's multipliers
//     to [0, 2^m) for their public bit length m = `multBits` (through a second view of their
//     blocks, `multRangeView`: the layers read them broadcast). docs/protocol.md Part 5 §8.
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
  /**
   * |t| ≤ bound: what the proof establishes about t — its range check's bound when it has one,
   * else the limbs' capacity (V's range check).
   */
  readonly bound: bigint;
  /** The range check that tightens t's bound below its limbs' capacity (null: none needed). */
  readonly range: { readonly bits: number; readonly signed: boolean } | null;
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

/** The smallest k with [−2^(k−1), 2^(k−1)) ⊇ [lo, hi]. */
function signedBits(lo: bigint, hi: bigint): number {
  let k = 1;
  while (lo < -(1n << BigInt(k - 1)) || hi >= 1n << BigInt(k - 1)) k++;
  return k;
}

/** The magnitude bound a range check proves (k bits: 2^(k−1) signed, 2^k − 1 unsigned), at most the limbs' capacity. */
function rangeBound(range: PrivateTensor['range'], capacity: bigint): bigint {
  if (range === null) return capacity;
  const b = range.signed ? 1n << BigInt(range.bits - 1) : (1n << BigInt(range.bits)) - 1n;
  return b < capacity ? b : capacity;
}

function attrInt(n: VkNode, key: string): number {
  const v = n.attrs[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`private weights: node ${n.name} lacks a positive integer attribute ${key}`);
  return v;
}

/**
 * The column a tensor's range check reads: a weight's own view; for multipliers a second view of
 * their blocks (their own table, with its own mask: the Requant layer reads them broadcast).
 */
export function rangeColumn(t: PrivateTensor): string {
  return t.node === null ? t.name : `${t.name}#range`;
}

/** Every view of V in commitment order (each has a mask R): a tensor's view, then a multiplier's range view. */
export function viewNames(layout: PrivateLayout): string[] {
  return layout.tensors.flatMap((t) => (t.node === null ? [t.name] : [t.name, rangeColumn(t)]));
}

/** True when the key has private parameters (weights or private attributes). */
export function hasPrivateParameters(vk: VerifyingKey): boolean {
  return vk.weights.length > 0 || vk.nodes.some((n) => n.privateAttrs.length > 0);
}

export function privateLayout(vk: VerifyingKey): PrivateLayout {
  const bits = vk.bits;
  const info = new Map(vk.values.map((v) => [v.name, v]));
  const drafts: { name: string; dims: number[]; limbs: number; node: VkNode | null; range: PrivateTensor['range'] }[] = [];
  for (const name of [...vk.weights].sort()) {
    const v = info.get(name)!;
    const limbs = limbsFor(bits, v.lo, v.hi);
    const k = signedBits(v.lo, v.hi);
    drafts.push({ name, dims: [...v.dims], limbs, node: null, range: k <= 62 && 1n << BigInt(k - 1) < limbBound(bits, limbs) ? { bits: k, signed: true } : null });
  }
  for (const n of vk.nodes) {
    if (n.privateAttrs.length === 0) continue;
    if (n.op !== 'Requant' || n.privateAttrs.length !== 1 || n.privateAttrs[0] !== 'mults') throw new RangeError(`private weights: node ${n.name} (${n.op}) has private attributes [${n.privateAttrs}] without a layout`);
    const m = attrInt(n, 'multBits');
    if (m > 62) throw new RangeError(`private weights: node ${n.name}: multipliers of ${m} bits (a range check covers at most 62)`);
    drafts.push({ name: `${n.name}/mults`, dims: [attrInt(n, 'multCount')], limbs: attrInt(n, 'multLimbs'), node: n, range: { bits: m, signed: false } });
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
  const tensors = drafts.map((d, t) => ({ ...d, numVars: totalVars(d.dims), offsets: offsets[t], bound: rangeBound(d.range, limbBound(bits, d.limbs)) }));
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
