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

import { P, EPS, LO32, sub, mul, canonical, mulLazy, reduceLazy } from './lib/goldilocks';

const T: i32 = 12;
/** 2^63, for unsigned comparisons of i64x2 lanes (below). */
const MSB: u64 = 0x8000000000000000;
const HALF_FULL: i32 = 4;
const PARTIAL: i32 = 22;
const OFF_INTERNAL: usize = <usize>(HALF_FULL * T) << 3;
const OFF_FINAL: usize = OFF_INTERNAL + (<usize>PARTIAL << 3);
const OFF_DIAG: usize = OFF_FINAL + (<usize>(HALF_FULL * T) << 3);
/** States kept per permutation by the trace kernel: input, the S-box input of each round, output. */
const TRACE_STATES: i32 = 2 + 2 * HALF_FULL + PARTIAL;
/** Words of one permutation's trace row. */
const ROW_WORDS: i32 = TRACE_STATES * T;
/**
 * Columns the sponge trace stores (its row, in this order): the input's capacity (layer 0,
 * slots 8 … 11; the rate slots are the packed elements themselves), every slot of layer 3,
 * slot 0 of each partial round's S-box input (layers 5 … 26), every slot of layers 27 and 29:
 * 4 + 12 + 22 + 12 + 12 of the 384. The prover gets the rest when it reaches them: layers 1,
 * 2, 4, 28, 30 and 31 forward from the stored layer below (at most two rounds; forwardLayers),
 * a partial round's slots 1 … 11 backward from the layer above (recoverPartialLayer).
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

// ---------------------------------------------------------------- field arithmetic

/** a² for any a < 2^64 (three partial products), not always canonical. */
// @ts-ignore: decorator
@inline function sqrLazy(a: u64): u64 {
  const a0 = a & LO32;
  const a1 = a >> 32;
  const p00 = a0 * a0;
  const p01 = a0 * a1;
  const p11 = a1 * a1;
  // 2·a0·a1 < 2^65: add its halves separately.
  const mid = (p00 >> 32) + ((p01 & LO32) << 1); // < 2^34
  return reduceLazy((mid << 32) | (p00 & LO32), p11 + (mid >> 32) + ((p01 >> 32) << 1));
}

// @ts-ignore: decorator
@inline function sbox(x: u64): u64 {
  const x2 = sqrLazy(x);
  const x3 = mulLazy(x2, x);
  const x4 = sqrLazy(x2);
  return mulLazy(x3, x4);
}

/** L + H·2^32 for L, H < 2^40, congruent mod p, not always canonical: the recombination of a linear layer computed on halves. */
// @ts-ignore: decorator
@inline function reduceHalvesLazy(l: u64, h: u64): u64 {
  // H·2^32 = (H >> 32)·2^64 + (H mod 2^32)·2^32 ≡ (H >> 32)·EPS + (H mod 2^32)·2^32.
  const a = l + (h >> 32) * EPS; // < 2^41
  const b = (h & LO32) << 32;
  const s = a + b;
  return select<u64>(s + EPS, s, s < b); // after a wrap s < 2^41, so no second carry
}

// @ts-ignore: decorator
@inline function reduceHalves(l: u64, h: u64): u64 {
  return canonical(reduceHalvesLazy(l, h));
}

// ---------------------------------------------------------------- linear layers on a state

// Scratch: the halves of the M4 outputs (12 low halves, then 12 high halves), one trace row
// (permuteBatchTrace), one state (forwardLayers).
const SCRATCH_WORDS: i32 = 2 * T + TRACE_STATES * T + T;
let scratch: usize = 0;

/** M4 on halves (x0..x3 < 2^32 each): writes 4 outputs < 2^36 at `out`. Paper, Appendix B. */
// @ts-ignore: decorator
@inline function m4Halves(x0: u64, x1: u64, x2: u64, x3: u64, out: usize): void {
  const t0 = x0 + x1;
  const t1 = x2 + x3;
  const t2 = (x1 << 1) + t1;
  const t3 = (x3 << 1) + t0;
  const t4 = (t1 << 2) + t3;
  const t5 = (t0 << 2) + t2;
  store<u64>(out, t3 + t5); // 5 7 1 3
  store<u64>(out, t5, 8); // 4 6 1 1
  store<u64>(out, t2 + t4, 16); // 1 3 5 7
  store<u64>(out, t4, 24); // 1 1 4 6
}

/** state ← M_E·state = circ(2·M4, M4, M4)·state. */
function externalLayer(s: usize): void {
  const lo = scratch;
  const hi = scratch + (<usize>T << 3);
  for (let g: usize = 0; g < <usize>T; g += 4) {
    const a0 = load<u64>(s + (g << 3));
    const a1 = load<u64>(s + (g << 3), 8);
    const a2 = load<u64>(s + (g << 3), 16);
    const a3 = load<u64>(s + (g << 3), 24);
    m4Halves(a0 & LO32, a1 & LO32, a2 & LO32, a3 & LO32, lo + (g << 3));
    m4Halves(a0 >> 32, a1 >> 32, a2 >> 32, a3 >> 32, hi + (g << 3));
  }
  for (let k: usize = 0; k < 4; k++) {
    const o = k << 3;
    const l0 = load<u64>(lo + o);
    const l1 = load<u64>(lo + o, 32);
    const l2 = load<u64>(lo + o, 64);
    const h0 = load<u64>(hi + o);
    const h1 = load<u64>(hi + o, 32);
    const h2 = load<u64>(hi + o, 64);
    const ls = l0 + l1 + l2;
    const hs = h0 + h1 + h2;
    store<u64>(s + o, reduceHalvesLazy(l0 + ls, h0 + hs));
    store<u64>(s + o, reduceHalvesLazy(l1 + ls, h1 + hs), 32);
    store<u64>(s + o, reduceHalvesLazy(l2 + ls, h2 + hs), 64);
  }
}

/** y = sum + x·d with sum < p (one wrap leaves room for + EPS); not always canonical. */
// @ts-ignore: decorator
@inline function internalOne(sum: u64, x: u64, d: u64): u64 {
  const y = sum + mulLazy(d, x);
  return select<u64>(y + EPS, y, y < sum);
}

/** Stores the 12 words at `s`, canonical, to the trace row at `row` (one layer: 12 words). */
// @ts-ignore: decorator
@inline function record(s: usize, row: usize): void {
  for (let i: usize = 0; i < <usize>T; i++) store<u64>(row + (i << 3), canonical(load<u64>(s + (i << 3))));
}

/** x + c for any x < 2^64 and c < p, not always canonical: a wrap lost 2^64 ≡ EPS, and x + c − 2^64 < c leaves room for it. */
// @ts-ignore: decorator
@inline function addLazy(x: u64, c: u64): u64 {
  const y = x + c;
  return select<u64>(y + EPS, y, y < c);
}

// ---------------------------------------------------------------- two field elements per v128

// i64x2 has no unsigned compare and no 64×64 multiply: a <u b is (a ^ MSB) <s (b ^ MSB), and the
// 32×32 → 64 partial products come from extmul on the 32-bit halves, gathered by a shuffle as
// [a0 low, a1 low, a0 high, a1 high] ("split" form). A comparison's mask is all ones per true
// lane; mask >>u 32 is then EPS.

/** a <u b per lane, as a mask. */
// @ts-ignore: decorator
@inline function ltU2(a: v128, b: v128, msb: v128): v128 {
  return i64x2.gt_s(v128.xor(b, msb), v128.xor(a, msb));
}

/** hi·2^64 + lo per lane (lanes of a 128-bit product) to a u64 congruent mod p, not always canonical. */
// @ts-ignore: decorator
@inline function reduceLazy2(lo: v128, hi: v128, lom: v128, msb: v128): v128 {
  // hi·2^64 ≡ hl·EPS − hh (hh, hl the halves of hi). t = hl·EPS − hh wraps only if hl = 0 (by
  // 2^64 ≡ EPS, taken back out: then t − EPS is still congruent, also for hh = 0, where it is
  // p); an equality mask costs less than the unsigned comparison a borrow test needs.
  const hh = i64x2.shr_u(hi, 32);
  const hl = v128.and(hi, lom);
  const t = i64x2.sub(i64x2.sub(i64x2.sub(i64x2.shl(hl, 32), hl), hh), i64x2.shr_u(i64x2.eq(hl, i64x2.splat(0)), 32));
  // A carry of lo + t lost 2^64 ≡ EPS; t ≤ 2^64 − 2^32 + 1 leaves room to add it back.
  const r = i64x2.add(lo, t);
  return i64x2.add(r, i64x2.shr_u(ltU2(r, t, msb), 32));
}

/**
 * a·d per lane for any a < 2^64, not always canonical; d is given split (dSplit) and split with
 * its halves swapped (dSwap). With plusEps the result is a·d + EPS instead, which saves a
 * borrow: for the internal layer, whose caller adds sum − EPS.
 */
// @ts-ignore: decorator
@inline function mulSplit2(a: v128, dSplit: v128, dSwap: v128, lom: v128, msb: v128, plusEps: bool): v128 {
  const as = i32x4.shuffle(a, a, 0, 2, 1, 3);
  const p00 = i64x2.extmul_low_i32x4_u(as, dSplit);
  const p11 = i64x2.extmul_high_i32x4_u(as, dSplit);
  const p01 = i64x2.extmul_low_i32x4_u(as, dSwap);
  const p10 = i64x2.extmul_high_i32x4_u(as, dSwap);
  // As mulLazy: mid ≤ 2^64 - 1, then lo = mid·2^32 + (p00 mod 2^32), hi = p11 + ⌊mid/2^32⌋ + ⌊p10/2^32⌋.
  const mid = i64x2.add(i64x2.add(p01, i64x2.shr_u(p00, 32)), v128.and(p10, lom));
  const lo = v128.or(i64x2.shl(mid, 32), v128.and(p00, lom));
  const hi = i64x2.add(i64x2.add(p11, i64x2.shr_u(mid, 32)), i64x2.shr_u(p10, 32));
  if (!plusEps) return reduceLazy2(lo, hi, lom, msb);
  // lo + hi·2^64 + EPS ≡ lo + t1 with t1 = (hl + 1)·EPS − hh ∈ [0, 2^64 − 2^32] (hh, hl the
  // halves of hi): no borrow. A carry of lo + t1 lost 2^64 ≡ EPS; adding it back cannot wrap.
  const hh = i64x2.shr_u(hi, 32);
  const hl = v128.and(hi, lom);
  const t1 = i64x2.sub(i64x2.add(i64x2.sub(i64x2.shl(hl, 32), hl), lom), hh);
  const r = i64x2.add(lo, t1);
  return i64x2.add(r, i64x2.shr_u(ltU2(r, t1, msb), 32));
}

/** a·b per lane for any a, b < 2^64, not always canonical. */
// @ts-ignore: decorator
@inline function mul2(a: v128, b: v128, lom: v128, msb: v128): v128 {
  return mulSplit2(a, i32x4.shuffle(b, b, 0, 2, 1, 3), i32x4.shuffle(b, b, 1, 3, 0, 2), lom, msb, false);
}

/** a² per lane for any a < 2^64 (three products per lane), not always canonical. */
// @ts-ignore: decorator
@inline function sqr2(a: v128, lom: v128, msb: v128): v128 {
  const as = i32x4.shuffle(a, a, 0, 2, 1, 3);
  const p00 = i64x2.extmul_low_i32x4_u(as, as);
  const p11 = i64x2.extmul_high_i32x4_u(as, as);
  const p01 = i64x2.extmul_low_i32x4_u(as, i32x4.shuffle(a, a, 1, 3, 0, 2));
  const mid = i64x2.add(i64x2.shr_u(p00, 32), i64x2.shl(v128.and(p01, lom), 1)); // < 2^34
  const lo = v128.or(i64x2.shl(mid, 32), v128.and(p00, lom));
  return reduceLazy2(lo, i64x2.add(i64x2.add(p11, i64x2.shr_u(mid, 32)), i64x2.shl(i64x2.shr_u(p01, 32), 1)), lom, msb);
}

// @ts-ignore: decorator
@inline function sbox2(x: v128, lom: v128, msb: v128): v128 {
  const x2 = sqr2(x, lom, msb);
  const x3 = mul2(x2, x, lom, msb);
  const x4 = sqr2(x2, lom, msb);
  return mul2(x3, x4, lom, msb);
}

/** x + c per lane for any x < 2^64 and c < p, as addLazy. */
// @ts-ignore: decorator
@inline function addLazy2(x: v128, c: v128, msb: v128): v128 {
  const y = i64x2.add(x, c);
  return i64x2.add(y, i64x2.shr_u(ltU2(y, c, msb), 32));
}

/** x + sum per lane for any x < 2^64 and sum < p (both lanes), as internalOne; sumX is sum ^ MSB. */
// @ts-ignore: decorator
@inline function addSum2(x: v128, sum: v128, sumX: v128, msb: v128): v128 {
  const y = i64x2.add(x, sum);
  return i64x2.add(y, i64x2.shr_u(i64x2.gt_s(sumX, v128.xor(y, msb)), 32));
}

/** x mod p per lane for any x < 2^64. */
// @ts-ignore: decorator
@inline function canonical2(x: v128, pX: v128, msb: v128): v128 {
  // x ≥ p ⟺ ¬(x <u p); p ^ MSB is given.
  return i64x2.sub(x, v128.andnot(v128.xor(pX, msb), i64x2.gt_s(pX, v128.xor(x, msb))));
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
 * One full round's constants (none with c = 0) and S-boxes at `s` (then M_E, externalLayer).
 * With rec ≠ 0 the S-box inputs are stored there, canonical. Per group of six slots four run
 * as two SIMD pairs and two in scalar code: the vector and scalar ports work side by side (all
 * twelve in SIMD was 20% slower than this, half and half 3% slower).
 */
// @ts-ignore: decorator
@inline function fullRoundSboxes(s: usize, c: usize, rec: usize): void {
  const lom = i64x2.splat(LO32);
  const msb = i64x2.splat(MSB);
  const pX = i64x2.splat(P ^ MSB);
  for (let o: usize = 0; o < <usize>(T << 3); o += 48) {
    let v = v128.load(s + o), w = v128.load(s + o, 16), u4 = load<u64>(s + o, 32), u5 = load<u64>(s + o, 40);
    if (c != 0) {
      v = addLazy2(v, v128.load(c + o), msb);
      w = addLazy2(w, v128.load(c + o, 16), msb);
      u4 = addLazy(u4, load<u64>(c + o, 32));
      u5 = addLazy(u5, load<u64>(c + o, 40));
    }
    if (rec != 0) {
      v128.store(rec + o, canonical2(v, pX, msb));
      v128.store(rec + o, canonical2(w, pX, msb), 16);
      store<u64>(rec + o, canonical(u4), 32);
      store<u64>(rec + o, canonical(u5), 40);
    }
    v128.store(s + o, sbox2(v, lom, msb));
    v128.store(s + o, sbox2(w, lom, msb), 16);
    store<u64>(s + o, sbox(u4), 32);
    store<u64>(s + o, sbox(u5), 40);
  }
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

/** One partial round after its constant, in memory: S-box on slot 0, then the internal layer (not always canonical). */
function partialRound(s: usize, consts: usize): void {
  const dg = consts + OFF_DIAG;
  const x0 = sbox(load<u64>(s));
  let l = x0 & LO32;
  let h = x0 >> 32;
  for (let i: usize = 1; i < <usize>T; i++) {
    const x = load<u64>(s + (i << 3));
    l += x & LO32;
    h += x >> 32;
  }
  const sum = reduceHalves(l, h);
  store<u64>(s, internalOne(sum, x0, load<u64>(dg)));
  for (let i: usize = 1; i < <usize>T; i++) store<u64>(s + (i << 3), internalOne(sum, load<u64>(s + (i << 3)), load<u64>(dg + (i << 3))));
}

/** A trace layer's state at `s` (canonical) → the next layer's (canonical): the rest of permuteOne between two records. */
function stepLayer(s: usize, consts: usize, layer: i32): void {
  if (layer == 0) externalLayer(s);
  else {
    const r = layer - 1; // the round whose S-box input this layer is
    if (r >= HALF_FULL && r < HALF_FULL + PARTIAL) partialRound(s, consts);
    else {
      fullRoundSboxes(s, 0, 0);
      externalLayer(s);
    }
  }
  const next = layer; // the round whose constants come next
  if (next < HALF_FULL || (next >= HALF_FULL + PARTIAL && next < 2 * HALF_FULL + PARTIAL)) {
    const c = consts + (next < HALF_FULL ? <usize>(next * T) << 3 : OFF_FINAL + (<usize>((next - HALF_FULL - PARTIAL) * T) << 3));
    for (let i: usize = 0; i < <usize>T; i++) store<u64>(s + (i << 3), addLazy(load<u64>(s + (i << 3)), load<u64>(c + (i << 3))));
  } else if (next < HALF_FULL + PARTIAL) store<u64>(s, addLazy(load<u64>(s), load<u64>(consts + OFF_INTERNAL + (<usize>(next - HALF_FULL) << 3))));
  for (let i: usize = 0; i < <usize>T; i++) store<u64>(s + (i << 3), canonical(load<u64>(s + (i << 3))));
}

// ---------------------------------------------------------------- exports

/** First byte the JS side may use; the kernel's own scratch sits just below it. */
export function heapBase(): usize {
  return ((__heap_base + 7) & ~7) + (<usize>SCRATCH_WORDS << 3);
}

function initScratch(): void {
  scratch = (__heap_base + 7) & ~7;
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
  const row = scratch + (<usize>(2 * T) << 3);
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

/**
 * Trace layer `to` of n permutations from layer `from` < `to` (both canonical): `src` holds 12
 * column pointers (u32: slot s of permutation i is the word at src[s] + 8·i), the result goes to
 * `dst` (columns `stride` words apart). The states between stay in scratch.
 */
export function forwardLayers(consts: usize, src: usize, from: i32, to: i32, dst: usize, stride: i32, n: i32): void {
  initScratch();
  const st = scratch + (<usize>(2 * T + TRACE_STATES * T) << 3);
  const col = <usize>stride << 3;
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    for (let s: usize = 0; s < <usize>T; s++) store<u64>(st + (s << 3), load<u64>(<usize>load<u32>(src + (s << 2)) + o));
    for (let l = from; l < to; l++) stepLayer(st, consts, l);
    for (let s: usize = 0; s < <usize>T; s++) store<u64>(dst + s * col + o, load<u64>(st + (s << 3)));
  }
}

/** The layers stored whole besides layer 0, as LOW_LAYER | ANCHOR_LAYER << 8 | HIGH_LAYER << 16 (the wrapper checks its layout). */
export function storedLayers(): i32 {
  return LOW_LAYER | (ANCHOR_LAYER << 8) | (HIGH_LAYER << 16);
}

export function storedColumns(): i32 {
  return STORED_COLUMNS;
}

/**
 * Recovers slots 1 … 11 of a partial round's S-box input layer u_r from the next layer: with
 * y = u_{r+1} − c_{r+1} = M_I·z, z = (u_r[0]^7, u_r[1], …, u_r[11]) and M_I = J + diag(d),
 * y_0 = S + d_0·z_0 gives S = Σ z, and then u_r[s] = (y_s − S)/d_s. Per permutation i < n:
 * `next0` is slot 0 of u_{r+1}, `nextRest` slots 1 … 11 (columns `stride` words apart),
 * `slot0` is u_r[0]; writes u_r[1 … 11] at `out` (columns `stride` apart), canonical. `aux`
 * holds c_{r+1} (12 words) then 1/d_s for s = 1 … 11. `sums` (n words) receives S first; then
 * each slot is one pass over three streams (S, y_s, u_r[s]): one pass over all 23 columns at
 * once ran at a third of the speed.
 */
export function recoverPartialLayer(consts: usize, next0: usize, nextRest: usize, slot0: usize, out: usize, n: i32, stride: i32, aux: usize, sums: usize): void {
  const d0 = load<u64>(consts + OFF_DIAG);
  const c0 = load<u64>(aux);
  const col = <usize>stride << 3;
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    const z0 = canonical(sbox(load<u64>(slot0 + o)));
    store<u64>(sums + o, sub(sub(load<u64>(next0 + o), c0), mul(d0, z0)));
  }
  for (let s: usize = 1; s < <usize>T; s++) {
    const c = load<u64>(aux + (s << 3));
    const inv = load<u64>(aux + ((<usize>T + s - 1) << 3));
    const src = nextRest + (s - 1) * col;
    const dst = out + (s - 1) * col;
    for (let i: i32 = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<u64>(dst + o, mul(sub(sub(load<u64>(src + o), c), load<u64>(sums + o)), inv));
    }
  }
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
