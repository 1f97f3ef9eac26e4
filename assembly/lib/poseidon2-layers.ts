// The sponge trace's layers that the witness does not store (src/hash/sponge-trace.ts), computed
// when the digest prover reaches them: a full round's layer forward from a stored layer below, a
// partial round's slots 1 … 11 backward from the layer above. Part of the sumcheck module
// (assembly/sumcheck.ts exports them), so that the trace's columns, copied into that module's
// memory, are processed on its worker pool: every kernel works on a range of permutations
// (column pointers offset by the caller, or `first`), so a layer is cut into chunks.

import { sub, mul, canonical } from './goldilocks';
import { mul2, sub2 } from './simd';
import { T, HALF_FULL, PARTIAL, OFF_INTERNAL, OFF_FINAL, OFF_DIAG, sbox, HALVES_WORDS, useHalvesScratch, externalLayer, addLazy, fullRoundSboxes, partialRound } from './poseidon2-rounds';

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

/**
 * Trace layer `to` of permutations first … first + n − 1 from layer `from` < `to` (both
 * canonical): `src` holds 12 column pointers (u32: slot s of permutation i is the word at src[s]
 * + 8·i), the result goes to `dst` (columns `stride` words apart, same indexing). The states
 * between stay in `scratch` (HALVES_WORDS + 12 words, a region of this call's own: calls on
 * other threads run at the same time).
 */
export function forwardLayers(consts: usize, src: usize, from: i32, to: i32, dst: usize, stride: i32, first: i32, n: i32, scratch: usize): void {
  useHalvesScratch(scratch);
  const st = scratch + (<usize>HALVES_WORDS << 3);
  const col = <usize>stride << 3;
  for (let i: i32 = first; i < first + n; i++) {
    const o = <usize>i << 3;
    for (let s: usize = 0; s < <usize>T; s++) store<u64>(st + (s << 3), load<u64>(<usize>load<u32>(src + (s << 2)) + o));
    for (let l = from; l < to; l++) stepLayer(st, consts, l);
    for (let s: usize = 0; s < <usize>T; s++) store<u64>(dst + s * col + o, load<u64>(st + (s << 3)));
  }
}

/** Permutations per block of recoverPartialLayer: a block's S stays in L1 across the 11 slots. */
const RECOVER_BLOCK: i32 = 256;

/**
 * Recovers slots 1 … 11 of a partial round's S-box input layer u_r from the next layer: with
 * y = u_{r+1} − c_{r+1} = M_I·z, z = (u_r[0]^7, u_r[1], …, u_r[11]) and M_I = J + diag(d),
 * y_0 = S + d_0·z_0 gives S = Σ z, and then u_r[s] = (y_s − S)/d_s. Per permutation i < n:
 * `next0` is slot 0 of u_{r+1}, `nextRest` slots 1 … 11 (columns `stride` words apart),
 * `slot0` is u_r[0]; writes u_r[1 … 11] at `out` (columns `stride` apart), canonical. `aux`
 * holds c_{r+1} (12 words) then 1/d_s for s = 1 … 11. `sums` (n words) receives S.
 *
 * Blocks of RECOVER_BLOCK permutations: S, then each slot in turn, two permutations per step on
 * the SIMD lanes (three streams: S, y_s, u_r[s]). One pass over all 23 columns per permutation
 * ran at a third of the speed.
 */
export function recoverPartialLayer(consts: usize, next0: usize, nextRest: usize, slot0: usize, out: usize, n: i32, stride: i32, aux: usize, sums: usize): void {
  for (let b: i32 = 0; b < n; b += RECOVER_BLOCK) {
    const o = <usize>b << 3;
    recoverBlock(consts, next0 + o, nextRest + o, slot0 + o, out + o, min(RECOVER_BLOCK, n - b), stride, aux, sums + o);
  }
}

function recoverBlock(consts: usize, next0: usize, nextRest: usize, slot0: usize, out: usize, n: i32, stride: i32, aux: usize, sums: usize): void {
  const d0 = load<u64>(consts + OFF_DIAG);
  const c0 = load<u64>(aux);
  const col = <usize>stride << 3;
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    const z0 = canonical(sbox(load<u64>(slot0 + o)));
    store<u64>(sums + o, sub(sub(load<u64>(next0 + o), c0), mul(d0, z0)));
  }
  const even = n & ~1;
  for (let s: usize = 1; s < <usize>T; s++) {
    const c = load<u64>(aux + (s << 3));
    const inv = load<u64>(aux + ((<usize>T + s - 1) << 3));
    const src = nextRest + (s - 1) * col;
    const dst = out + (s - 1) * col;
    const cv = i64x2.splat(<i64>c);
    const iv = i64x2.splat(<i64>inv);
    for (let i: i32 = 0; i < even; i += 2) {
      const o = <usize>i << 3;
      v128.store(dst + o, mul2(sub2(sub2(v128.load(src + o), cv), v128.load(sums + o)), iv));
    }
    for (let i: i32 = even; i < n; i++) {
      const o = <usize>i << 3;
      store<u64>(dst + o, mul(sub(sub(load<u64>(src + o), c), load<u64>(sums + o)), inv));
    }
  }
}
