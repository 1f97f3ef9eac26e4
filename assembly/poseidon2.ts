// Poseidon2 over Goldilocks (p = 2^64 - 2^32 + 1), width 12, the HorizenLabs reference
// instance: bulk permutations for hashing and for the digest proof's witness.
// The scalar specification is src/hash/poseidon2.ts; test/hash/wasm.test.ts checks agreement.
//
// Memory: the JS side (src/hash/poseidon2-wasm.ts) writes the 130 constant words at `consts`
// in this order: 4×12 initial full-round constants, 22 partial-round constants, 4×12 final
// full-round constants, 12 internal diagonal entries minus one. States are 12 consecutive u64
// words, canonical on input and on output. M4 (the paper's [[5,7,1,3],[4,6,1,1],[1,3,5,7],
// [1,1,4,6]]) is built into the code.
//
// Arithmetic is branch-free. The external layer has small coefficients (every output is a
// combination of inputs with total weight ≤ 64), so it runs on the 32-bit halves of the
// inputs with plain u64 additions and reduces once per output. Inside a permutation products
// and constant additions are reduced lazily (congruent u64 words, not always < p: every
// consumer accepts any u64) and the state is made canonical only where it is recorded or
// output. Most products run two per v128 (i64x2 lanes; extmul for the 32×32-bit partial
// products) beside scalar ones, so that vector and scalar ports work side by side: the
// multiply-adds of the partial rounds' slots 2 … 11 and 8 of each full round's 12 S-boxes.
// One thread on this machine's Xeon (Sapphire Rapids, 2026-11): 2.4 → 1.8 µs per permutation.

import { P, EPS, LO32, canonical } from './lib/goldilocks';
import { T, MSB, HALF_FULL, PARTIAL, OFF_INTERNAL, OFF_FINAL, OFF_DIAG, sbox, reduceHalves, HALVES_WORDS, useHalvesScratch, externalLayer, internalOne, addLazy, mulSplit2, addSum2, canonical2, fullRoundSboxes } from './lib/poseidon2-rounds';

/** States kept per permutation by the trace kernel: input, the S-box input of each round, output. */
const TRACE_STATES: i32 = 2 + 2 * HALF_FULL + PARTIAL;
/** Words of one permutation's trace row. */
const ROW_WORDS: i32 = TRACE_STATES * T;
/**
 * Columns the sponge trace stores (its row, in this order): the input's capacity (layer 0,
 * slots 8 … 11; the rate slots are the packed elements themselves), every slot of layer 3,
 * slot 0 of each partial round's S-box input (layers 5 … 26), every slot of layers 27 and 29:
 * 4 + 12 + 22 + 12 + 12 of the 384. The prover gets the rest when it reaches them: layers 1,
 * 2, 4, 28, 30 and 31 forward from the stored layer below (at most two rounds), a partial
 * round's slots 1 … 11 backward from the layer above: assembly/lib/poseidon2-layers.ts, in the
 * sumcheck module.
 */
const STORED_LOW: i32 = 4;
const LOW_LAYER: i32 = 3;
const STORED_PARTIAL: i32 = STORED_LOW + T;
const STORED_ANCHOR: i32 = STORED_PARTIAL + PARTIAL;
const ANCHOR_LAYER: i32 = 1 + HALF_FULL + PARTIAL;
const STORED_HIGH: i32 = STORED_ANCHOR + T;
const HIGH_LAYER: i32 = ANCHOR_LAYER + 2;
const STORED_COLUMNS: i32 = STORED_HIGH + T;
/** Permutations buffered perm-major before they are transposed into the layer-major trace. */
const TRACE_BLOCK: i32 = 32;

// Scratch: externalLayer's halves (HALVES_WORDS), one trace row (permuteBatchTrace).
const SCRATCH_WORDS: i32 = HALVES_WORDS + TRACE_STATES * T;
let scratch: usize = 0;

/** Stores the 12 words at `s`, canonical, to the trace row at `row` (one layer: 12 words). */
// @ts-ignore: decorator
@inline function record(s: usize, row: usize): void {
  for (let i: usize = 0; i < <usize>T; i++) store<u64>(row + (i << 3), canonical(load<u64>(s + (i << 3))));
}

/**
 * The 22 partial rounds. Slots 0 and 1 run in scalar code (slot 0's S-box and its product with
 * the diagonal are the chain from round to round), slots 2 … 11 in five v128 locals, whose
 * multiply-adds by the diagonal run two per SIMD step. The scalar and vector work of a round
 * are independent until the round's sum, so the two kinds of execution ports work side by side
 * (slot 1 in a vector too, beside a stale slot 0, was 2% slower). With row ≠ 0 each round's
 * S-box input (the state after the round constant) is stored, canonical, as the next 12 words
 * of row (sparse: its slot 0 only, as the next word).
 */
function partialRounds(s: usize, consts: usize, row: usize, sparse: bool): void {
  const dg = consts + OFF_DIAG;
  const rc = consts + OFF_INTERNAL;
  const lom = i64x2.splat(LO32);
  const msb = i64x2.splat(MSB);
  const pX = i64x2.splat(P ^ MSB);
  const d0 = load<u64>(dg), d1 = load<u64>(dg, 8);
  const e1 = v128.load(dg, 16), e2 = v128.load(dg, 32), e3 = v128.load(dg, 48), e4 = v128.load(dg, 64), e5 = v128.load(dg, 80);
  const dSplit1 = i32x4.shuffle(e1, e1, 0, 2, 1, 3), dSwap1 = i32x4.shuffle(e1, e1, 1, 3, 0, 2);
  const dSplit2 = i32x4.shuffle(e2, e2, 0, 2, 1, 3), dSwap2 = i32x4.shuffle(e2, e2, 1, 3, 0, 2);
  const dSplit3 = i32x4.shuffle(e3, e3, 0, 2, 1, 3), dSwap3 = i32x4.shuffle(e3, e3, 1, 3, 0, 2);
  const dSplit4 = i32x4.shuffle(e4, e4, 0, 2, 1, 3), dSwap4 = i32x4.shuffle(e4, e4, 1, 3, 0, 2);
  const dSplit5 = i32x4.shuffle(e5, e5, 0, 2, 1, 3), dSwap5 = i32x4.shuffle(e5, e5, 1, 3, 0, 2);
  let v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48), v4 = v128.load(s, 64), v5 = v128.load(s, 80);
  let x0 = load<u64>(s), x1 = load<u64>(s, 8);
  for (let r: i32 = 0; r < PARTIAL; r++) {
    const u = addLazy(x0, load<u64>(rc + (<usize>r << 3)));
    if (row != 0 && sparse) store<u64>(row + (<usize>r << 3), canonical(u));
    else if (row != 0) {
      const o = row + (<usize>(r * T) << 3);
      store<u64>(o, canonical(u)); store<u64>(o, canonical(x1), 8);
      v128.store(o, canonical2(v1, pX, msb), 16); v128.store(o, canonical2(v2, pX, msb), 32);
      v128.store(o, canonical2(v3, pX, msb), 48); v128.store(o, canonical2(v4, pX, msb), 64); v128.store(o, canonical2(v5, pX, msb), 80);
    }
    // Σ slots 2 … 11 on halves, then plus slot 1 and the S-box output.
    const ls = i64x2.add(i64x2.add(v128.and(v1, lom), i64x2.add(v128.and(v2, lom), v128.and(v3, lom))), i64x2.add(v128.and(v4, lom), v128.and(v5, lom)));
    const hs = i64x2.add(i64x2.add(i64x2.shr_u(v1, 32), i64x2.add(i64x2.shr_u(v2, 32), i64x2.shr_u(v3, 32))), i64x2.add(i64x2.shr_u(v4, 32), i64x2.shr_u(v5, 32)));
    const z = sbox(u);
    const sum = reduceHalves(i64x2.extract_lane(ls, 0) + i64x2.extract_lane(ls, 1) + (x1 & LO32) + (z & LO32), i64x2.extract_lane(hs, 0) + i64x2.extract_lane(hs, 1) + (x1 >> 32) + (z >> 32));
    x0 = internalOne(sum, z, d0);
    x1 = internalOne(sum, x1, d1);
    const sumM = i64x2.splat(select<u64>(sum - EPS, sum + (P - EPS), sum >= EPS)); // sum − EPS, canonical
    const sumX = v128.xor(sumM, msb);
    v1 = addSum2(mulSplit2(v1, dSplit1, dSwap1, lom, msb, true), sumM, sumX, msb);
    v2 = addSum2(mulSplit2(v2, dSplit2, dSwap2, lom, msb, true), sumM, sumX, msb);
    v3 = addSum2(mulSplit2(v3, dSplit3, dSwap3, lom, msb, true), sumM, sumX, msb);
    v4 = addSum2(mulSplit2(v4, dSplit4, dSwap4, lom, msb, true), sumM, sumX, msb);
    v5 = addSum2(mulSplit2(v5, dSplit5, dSwap5, lom, msb, true), sumM, sumX, msb);
  }
  store<u64>(s, x0); store<u64>(s, x1, 8);
  v128.store(s, v1, 16); v128.store(s, v2, 32); v128.store(s, v3, 48); v128.store(s, v4, 64); v128.store(s, v5, 80);
}

/**
 * One permutation in place. With row ≠ 0 it records the permutation's 32 layers (input, every
 * S-box input, output), canonical, as 384 consecutive words at `row`: word layer·12 + slot;
 * with sparse set only the sponge trace's STORED_COLUMNS words, in their order.
 */
function permuteOne(s: usize, consts: usize, row: usize, sparse: bool): void {
  const trace = row != 0 && !sparse;
  if (trace) record(s, row);
  if (sparse) for (let i: usize = 0; i < 4; i++) store<u64>(row + (i << 3), canonical(load<u64>(s + ((8 + i) << 3))));
  externalLayer(s);
  for (let r: i32 = 0; r < HALF_FULL; r++) {
    const rec = trace ? row + (<usize>((1 + r) * T) << 3) : sparse && 1 + r == LOW_LAYER ? row + (<usize>STORED_LOW << 3) : 0;
    fullRoundSboxes(s, consts + (<usize>(r * T) << 3), rec);
    externalLayer(s);
  }
  partialRounds(s, consts, sparse ? row + (<usize>STORED_PARTIAL << 3) : trace ? row + (<usize>((1 + HALF_FULL) * T) << 3) : 0, sparse);
  for (let r: i32 = 0; r < HALF_FULL; r++) {
    const layer = 1 + HALF_FULL + PARTIAL + r;
    const rec = trace ? row + (<usize>(layer * T) << 3)
      : sparse && layer == ANCHOR_LAYER ? row + (<usize>STORED_ANCHOR << 3)
      : sparse && layer == HIGH_LAYER ? row + (<usize>STORED_HIGH << 3) : 0;
    fullRoundSboxes(s, consts + OFF_FINAL + (<usize>(r * T) << 3), rec);
    externalLayer(s);
  }
  for (let i: usize = 0; i < <usize>T; i++) store<u64>(s + (i << 3), canonical(load<u64>(s + (i << 3))));
  if (trace) record(s, row + (<usize>((TRACE_STATES - 1) * T) << 3));
}

// ---------------------------------------------------------------- exports

/** First byte the JS side may use; the kernel's own scratch sits just below it. */
export function heapBase(): usize {
  return ((__heap_base + 7) & ~7) + (<usize>SCRATCH_WORDS << 3);
}

function initScratch(): void {
  scratch = (__heap_base + 7) & ~7;
  useHalvesScratch(scratch);
}

/** Permutes n states of 12 words at `states` in place. */
export function permuteBatch(consts: usize, states: usize, n: i32): void {
  initScratch();
  for (let i: i32 = 0; i < n; i++) permuteOne(states + (<usize>(i * T) << 3), consts, 0, false);
}

/**
 * Permutes n states in place and records the digest proof's layers, layer-major: word
 * (layer·12 + slot)·n + i of `trace` is slot `slot` of permutation i in layer `layer`
 * (layer 0 = input, 1 + r = S-box input of round r, 31 = output; 32 layers).
 */
export function permuteBatchTrace(consts: usize, states: usize, trace: usize, n: i32): void {
  initScratch();
  const row = scratch + (<usize>HALVES_WORDS << 3);
  for (let i: i32 = 0; i < n; i++) {
    permuteOne(states + (<usize>(i * T) << 3), consts, row, false);
    for (let col: i32 = 0; col < ROW_WORDS; col++) {
      store<u64>(trace + ((<usize>col * <usize>n + <usize>i) << 3), load<u64>(row + (<usize>col << 3)));
    }
  }
}

/**
 * Sponge absorption in overwrite mode with the digest's interleaved block order: for each
 * block b < nBlocks, state[s] ← elems[b + nBlocks·s] (s < 8), then state ← Poseidon2(state).
 * The capacity state[8..12) carries over.
 */
export function absorbInterleaved(consts: usize, state: usize, elems: usize, nBlocks: i32): void {
  initScratch();
  for (let b: i32 = 0; b < nBlocks; b++) {
    for (let s: i32 = 0; s < 8; s++) store<u64>(state + (<usize>s << 3), load<u64>(elems + (<usize>(b + nBlocks * s) << 3)));
    permuteOne(state, consts, 0, false);
  }
}

/**
 * absorbInterleaved that also records the sponge trace's STORED_COLUMNS columns, column-major:
 * word c·stride + b of `trace` is stored column c of permutation b (stride ≥ nBlocks words
 * between columns): the digest proof's witness. `buf` is scratch for TRACE_BLOCK rows:
 * permutations are recorded contiguously there and then written out column by column. The
 * caller pads the stride past a power of two: with a stride of 8·2^k bytes every column of a
 * block lands in the same cache sets, and the write-out misses every time.
 */
export function absorbInterleavedTrace(consts: usize, state: usize, elems: usize, nBlocks: i32, trace: usize, stride: i32, buf: usize): void {
  initScratch();
  for (let b: i32 = 0; b < nBlocks; b++) {
    for (let s: i32 = 0; s < 8; s++) store<u64>(state + (<usize>s << 3), load<u64>(elems + (<usize>(b + nBlocks * s) << 3)));
    const j = b % TRACE_BLOCK;
    permuteOne(state, consts, buf + (<usize>(j * STORED_COLUMNS) << 3), true);
    if (j == TRACE_BLOCK - 1 || b == nBlocks - 1) {
      const first = b - j;
      for (let col: i32 = 0; col < STORED_COLUMNS; col++) {
        const dst = trace + ((<usize>col * <usize>stride + <usize>first) << 3);
        for (let k: i32 = 0; k <= j; k++) store<u64>(dst + (<usize>k << 3), load<u64>(buf + (<usize>(k * STORED_COLUMNS + col) << 3)));
      }
    }
  }
}

/** The layers stored whole besides layer 0, as LOW_LAYER | ANCHOR_LAYER << 8 | HIGH_LAYER << 16 (the wrapper checks its layout). */
export function storedLayers(): i32 {
  return LOW_LAYER | (ANCHOR_LAYER << 8) | (HIGH_LAYER << 16);
}

export function storedColumns(): i32 {
  return STORED_COLUMNS;
}

export function traceBlockWords(): i32 {
  return TRACE_BLOCK * STORED_COLUMNS;
}

/**
 * out[i] = values[i] mod p (i32 → canonical field element) for i < n, and 0 for n ≤ i < total
 * (zeroTail = 0: those words are zero already — memory never written — and are left untouched,
 * saving their pages' first touch). Backward, so that out may equal values (in place: word i
 * overwrites values 2i and 2i + 1, which are already converted).
 */
export function valuesToField(values: usize, n: i32, total: i32, out: usize, zeroTail: i32): void {
  for (let i: i32 = zeroTail != 0 ? total - 1 : n - 1; i >= 0; i--) {
    const v: i64 = i < n ? <i64>load<i32>(values + (<usize>i << 2)) : 0;
    store<u64>(out + (<usize>i << 3), select<u64>(P + <u64>v, <u64>v, v < 0));
  }
}

/**
 * The digest packing (src/hash/packing.ts): m packed elements at `out` from the i32 values at
 * `values` (nValues of them; indices ≥ nValues are padding value 0). Element j holds the k
 * values at indices l·m + j (l < k), each offset by `offset` into [0, 2^w), value l at bit w·l.
 * Returns -1, or the index of the first value outside [-offset, 2^w - offset).
 */
export function packValues(values: usize, nValues: i32, m: i32, k: i32, w: i32, offset: i64, out: usize): i32 {
  const limit: i64 = (<i64>1) << w;
  for (let j: i32 = 0; j < m; j++) {
    let e: u64 = 0;
    for (let l: i32 = 0; l < k; l++) {
      const index = l * m + j;
      const v: i64 = index < nValues ? <i64>load<i32>(values + (<usize>index << 2)) : 0;
      const u = v + offset;
      if (u < 0 || u >= limit) return index;
      e |= (<u64>u) << (<u64>(w * l));
    }
    store<u64>(out + (<usize>j << 3), e);
  }
  return -1;
}

/** Index of the first of n words at `a` that is not canonical (≥ p), or -1. */
export function firstNonCanonical(a: usize, n: i32): i32 {
  for (let i: i32 = 0; i < n; i++) {
    if (load<u64>(a + (<usize>i << 3)) >= P) return i;
  }
  return -1;
}

export function traceStates(): i32 {
  return TRACE_STATES;
}
