// LogUp-GKR prover kernels over Goldilocks and F_p2 = F_p[X]/(X^2 - 7): the leaf denominators
// and one layer of the fraction tree. Part of the sumcheck module (assembly/sumcheck.ts exports
// them), so the fraction tree lives in the sumcheck kernel's memory and its element-wise passes
// run on the same worker pool; the JS side is src/lookup/gkr-kernel.ts. Every kernel works on
// any contiguous range of entries (pointers offset by the caller), so a pass is cut into chunks.
//
// A layer of the tree is a pair of vectors (p, q) of 2^(j+1) entries: the fractions p_i/q_i.
// Its parent layer has 2^j entries; the child bit is the TOP variable, so the children of node i
// are i (left) and i + 2^j (right):  p'_i = pL·qR + pR·qL,  q'_i = qL·qR.
// Extension vectors hold two words per entry (c0, c1); every word is canonical (< p).
// Branch-free arithmetic, as in sumcheck.ts.

import { add as addp, sub as subp, mul as mulp } from './goldilocks';
import { r0, r1, extMul } from './ext';
import { add2, extMul2To, v0, v1, loadC0, loadC1, storeExt2 } from './simd';

/** out[i] = (c0 + c1 X) − a[i] for a base vector a (n entries); out is an extension vector. */
export function shiftedBase(out: usize, a: usize, n: i32, c0: u64, c1: u64): void {
  for (let i = 0; i < n; i++) {
    const o = out + (<usize>i << 4);
    store<u64>(o, subp(c0, load<u64>(a + (<usize>i << 3))));
    store<u64>(o, c1, 8);
  }
}

/** out[i] = (c0 + c1 X) − a[i] for an extension vector a. */
export function shiftedExt(out: usize, a: usize, n: i32, c0: u64, c1: u64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    store<u64>(out + o, subp(c0, load<u64>(a + o)));
    store<u64>(out + o, subp(c1, load<u64>(a + o, 8)), 8);
  }
}

/** out[i] = −a[i] for a base vector (the table side's numerators −m). */
export function negBase(out: usize, a: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u64>(out + (<usize>i << 3), subp(0, load<u64>(a + (<usize>i << 3))));
}

/**
 * n nodes of one layer: p (base if pExt = 0, else extension) and q (extension) of the children
 * into outP, outQ (extension, n entries each); the right children are `half` entries after the
 * left ones (p, q point at the first left child). Outputs must not overlap the inputs. With base
 * p, the right children from `used` on must be the zero fraction 0/1, so those nodes copy their
 * left child. With extension p, both children of the nodes from `used` on must have p = 1, so
 * those nodes are qL + qR over qL·qR (one product instead of three).
 */
export function fracLayer(outP: usize, outQ: usize, p: usize, pExt: i32, q: usize, half: i32, n: i32, usedNodes: i32): void {
  const used = usedNodes < 0 ? 0 : usedNodes > n ? n : usedNodes;
  const halfQ = <usize>half << 4;
  if (pExt == 0) {
    const halfB = <usize>half << 3;
    for (let i = used; i < n; i++) {
      const o = <usize>i << 4;
      store<u64>(outP + o, load<u64>(p + (<usize>i << 3)));
      store<u64>(outP + o, 0, 8);
      store<u64>(outQ + o, load<u64>(q + o));
      store<u64>(outQ + o, load<u64>(q + o, 8), 8);
    }
    for (let i = 0; i < used; i++) {
      const o = <usize>i << 4;
      const pl = load<u64>(p + (<usize>i << 3));
      const pr = load<u64>(p + (<usize>i << 3) + halfB);
      const ql0 = load<u64>(q + o), ql1 = load<u64>(q + o, 8);
      const qr0 = load<u64>(q + o + halfQ), qr1 = load<u64>(q + o + halfQ, 8);
      // pL·qR + pR·qL with base pL, pR
      store<u64>(outP + o, addp(mulp(pl, qr0), mulp(pr, ql0)));
      store<u64>(outP + o, addp(mulp(pl, qr1), mulp(pr, ql1)), 8);
      extMul(ql0, ql1, qr0, qr1);
      store<u64>(outQ + o, r0);
      store<u64>(outQ + o, r1, 8);
    }
    return;
  }
  // nodes whose children both have p = 1: p = qL + qR, q = qL·qR (two per step)
  let j = used;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j << 4;
    const ql0 = loadC0(q + o), ql1 = loadC1(q + o);
    const qr0 = loadC0(q + o + halfQ), qr1 = loadC1(q + o + halfQ);
    storeExt2(outP + o, add2(ql0, qr0), add2(ql1, qr1));
    extMul2To(ql0, ql1, qr0, qr1);
    storeExt2(outQ + o, v0, v1);
  }
  for (; j < n; j++) {
    const o = <usize>j << 4;
    const ql0 = load<u64>(q + o), ql1 = load<u64>(q + o, 8);
    const qr0 = load<u64>(q + o + halfQ), qr1 = load<u64>(q + o + halfQ, 8);
    store<u64>(outP + o, addp(ql0, qr0));
    store<u64>(outP + o, addp(ql1, qr1), 8);
    extMul(ql0, ql1, qr0, qr1);
    store<u64>(outQ + o, r0);
    store<u64>(outQ + o, r1, 8);
  }
  // two nodes per step on SIMD lanes (n is a power of two; n = 1 runs the scalar loop)
  let i = 0;
  const m = used;
  for (; i + 1 < m; i += 2) {
    const o = <usize>i << 4;
    const pl0 = loadC0(p + o), pl1 = loadC1(p + o);
    const pr0 = loadC0(p + o + halfQ), pr1 = loadC1(p + o + halfQ);
    const ql0 = loadC0(q + o), ql1 = loadC1(q + o);
    const qr0 = loadC0(q + o + halfQ), qr1 = loadC1(q + o + halfQ);
    extMul2To(pl0, pl1, qr0, qr1);
    const a0 = v0, a1 = v1;
    extMul2To(pr0, pr1, ql0, ql1);
    storeExt2(outP + o, add2(a0, v0), add2(a1, v1));
    extMul2To(ql0, ql1, qr0, qr1);
    storeExt2(outQ + o, v0, v1);
  }
  for (; i < m; i++) {
    const o = <usize>i << 4;
    const pl0 = load<u64>(p + o), pl1 = load<u64>(p + o, 8);
    const pr0 = load<u64>(p + o + halfQ), pr1 = load<u64>(p + o + halfQ, 8);
    const ql0 = load<u64>(q + o), ql1 = load<u64>(q + o, 8);
    const qr0 = load<u64>(q + o + halfQ), qr1 = load<u64>(q + o + halfQ, 8);
    extMul(pl0, pl1, qr0, qr1);
    const a0 = r0, a1 = r1;
    extMul(pr0, pr1, ql0, ql1);
    store<u64>(outP + o, addp(a0, r0));
    store<u64>(outP + o, addp(a1, r1), 8);
    extMul(ql0, ql1, qr0, qr1);
    store<u64>(outQ + o, r0);
    store<u64>(outQ + o, r1, 8);
  }
}

/** out[i] = v for n base words. */
export function fillBase(out: usize, n: i32, v: u64): void {
  for (let i = 0; i < n; i++) store<u64>(out + (<usize>i << 3), v);
}

/** out[i] = c0 + c1 X for n extension entries. */
export function fillExt(out: usize, n: i32, c0: u64, c1: u64): void {
  for (let i = 0; i < n; i++) {
    store<u64>(out + (<usize>i << 4), c0);
    store<u64>(out + (<usize>i << 4), c1, 8);
  }
}

/** out[i] = a[i] + (c0 + c1 X)·b[i]: a base (aExt = 0) or extension, b extension; n entries. Two entries per step on SIMD lanes. */
export function axpy(out: usize, a: usize, aExt: i32, b: usize, c0: u64, c1: u64, n: i32): void {
  const k0 = i64x2.splat(<i64>c0), k1 = i64x2.splat(<i64>c1);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    extMul2To(loadC0(b + o), loadC1(b + o), k0, k1);
    if (aExt != 0) storeExt2(out + o, add2(v0, loadC0(a + o)), add2(v1, loadC1(a + o)));
    else storeExt2(out + o, add2(v0, v128.load(a + (<usize>i << 3))), v1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 4;
    extMul(c0, c1, load<u64>(b + o), load<u64>(b + o, 8));
    const a0 = aExt != 0 ? load<u64>(a + o) : load<u64>(a + (<usize>i << 3));
    const a1: u64 = aExt != 0 ? load<u64>(a + o, 8) : 0;
    store<u64>(out + o, addp(a0, r0));
    store<u64>(out + o, addp(a1, r1), 8);
  }
}

/**
 * The leaf layer's right halves, combined for the specialised leaf sumcheck (src/lookup/gkr-leaf.ts):
 * V_i = c·p_i and U_i = q_i + V_i for n entries (p base, q extension, c = 1/λ).
 */
export function leafHeads(outU: usize, outV: usize, p: usize, q: usize, n: i32, c0: u64, c1: u64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    const pi = load<u64>(p + (<usize>i << 3));
    const v0 = mulp(pi, c0), v1 = mulp(pi, c1);
    store<u64>(outV + o, v0);
    store<u64>(outV + o, v1, 8);
    store<u64>(outU + o, addp(load<u64>(q + o), v0));
    store<u64>(outU + o, addp(load<u64>(q + o, 8), v1), 8);
  }
}

/** out[i] = (c0 + c1 X)·a[i] for an extension vector a (out may be a); also the blocks of a pooled eq table (src/sumcheck/kernel.ts eqTable). */
export function scaleExt(out: usize, a: usize, n: i32, c0: u64, c1: u64): void {
  const k0 = i64x2.splat(<i64>c0), k1 = i64x2.splat(<i64>c1);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 4;
    extMul2To(loadC0(a + o), loadC1(a + o), k0, k1);
    storeExt2(out + o, v0, v1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 4;
    extMul(load<u64>(a + o), load<u64>(a + o, 8), c0, c1);
    store<u64>(out + o, r0);
    store<u64>(out + o, r1, 8);
  }
}

/** out[i] = a[i] + (c0 + c1 X) for an extension vector a. */
export function plusExt(out: usize, a: usize, n: i32, c0: u64, c1: u64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    store<u64>(out + o, addp(load<u64>(a + o), c0));
    store<u64>(out + o, addp(load<u64>(a + o, 8), c1), 8);
  }
}
