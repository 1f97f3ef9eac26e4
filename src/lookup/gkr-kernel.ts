// The LogUp-GKR fraction tree, laid out in the sumcheck kernel's memory (its kernels,
// assembly/lib/logup-gkr.ts, are part of the sumcheck module), so the layers are computed in
// place, each pass in chunks on the sumcheck worker pool, and the specialised layer provers
// (gkr-leaf.ts) fold the tree's own regions instead of copies. Prover-only: the verifier never
// loads this module.
//
// Memory (allocated on the kernel's stack: the caller takes a mark before and releases it after
// the last layer): leaf p (base, 8·2^D bytes), leaf q (16·2^D), layers J = D − 1 … 1 (p and q,
// 16·2^J each). Before `build`, layer D − 1's region stages the sections' inputs. A layer's
// values are read once, by the sumcheck of its parent layer, which may overwrite them (T in
// place, the folds), so the layers are handed out as pointers; `layer` gives views, valid until
// the kernel memory grows (take them right before use).
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { SumcheckKernel } from '../sumcheck/kernel.js';

/** A layer of the tree: p (base words at the leaves, extension above) and q (extension). */
export interface TreeLayer {
  readonly p: BigUint64Array;
  readonly pExt: boolean;
  readonly q: ExtVec;
}

/** The children of layer J's nodes: the halves of layer J + 1 as kernel addresses (2^J entries each). */
export interface Halves {
  readonly Lp: number;
  readonly Rp: number;
  /** p is base (8 bytes per entry: the leaves) or extension (16). */
  readonly pExt: boolean;
  readonly Lq: number;
  readonly Rq: number;
}

export class GkrTree {
  private readonly leafP: number;
  private readonly leafQ: number;
  private readonly layerAt: number[] = [];
  /** > 0 when layer D − 1 holds only its used nodes (see build): that count. */
  private partialHead = 0;

  /** `used`: leaves before the zero fractions 0/1 that pad the leaf layer to 2^D. */
  constructor(private readonly K: SumcheckKernel, readonly D: number, private readonly used: number = 2 ** D) {
    const size = 2 ** D;
    if (!(used > size / 2 && used <= size)) throw new RangeError(`GkrTree: ${used} used leaves of 2^${D}`);
    this.leafP = K.alloc(8 * size);
    this.leafQ = K.alloc(16 * size);
    for (let J = D - 1; J >= 1; J--) this.layerAt[J] = K.alloc(32 * 2 ** J);
    // the padding leaves are the zero fraction 0/1 (the sections write the used ones)
    K.elementwise('fillBase', size - used, (f, c) => [this.leafP + 8 * (used + f), c, 0n]);
    K.elementwise('fillExt', size - used, (f, c) => [this.leafQ + 16 * (used + f), c, 1n, 0n]);
  }

  /** Copies v into the staging region (layer D − 1's, unused until `build`); returns its address. */
  private stage(v: BigUint64Array): number {
    const at = this.layerAt[this.D - 1];
    this.K.words(at, v.length).set(v); // words() flushes: earlier passes have read the region
    return at;
  }

  /** Leaf numerators at [offset, offset + n): all equal to v (1 for a looked-up column). */
  fillNumerators(offset: number, n: number, v: bigint): void {
    this.K.elementwise('fillBase', n, (f, c) => [this.leafP + 8 * (offset + f), c, v]);
  }

  /** Leaf numerators v at `offset` (a column's row indicator). */
  setNumerators(offset: number, v: BaseVec): void {
    this.K.words(this.leafP + 8 * offset, v.length).set(v);
  }

  /** Leaf numerators −m at `offset` (a table's multiplicities). */
  setNegated(offset: number, m: BaseVec): void {
    const s = this.stage(m);
    this.K.elementwise('negBase', m.length, (f, c) => [this.leafP + 8 * (offset + f), s + 8 * f, c]);
  }

  /** Leaf denominators α − a at `offset` (a base vector, or an extension vector when `ext`). */
  setShifted(offset: number, a: BigUint64Array, ext: boolean, alpha: Fp2): void {
    const n = ext ? a.length >> 1 : a.length;
    const s = this.stage(a);
    const out = this.leafQ + 16 * offset;
    this.K.elementwise(ext ? 'shiftedExt' : 'shiftedBase', n, (f, c) => [out + 16 * f, s + (ext ? 16 : 8) * f, c, alpha[0], alpha[1]]);
  }

  /**
   * Computes layers D − 1 … 1 from the leaves. `leftOnes`: every leaf numerator of the left half
   * is 1 (looked-up columns without a rows indicator), so the nodes of layer D − 1 past the used
   * right half have p = 1, and so do both children of the same nodes of layer D − 2.
   * `nextHead` (2^a, non-null only with leftOnes): layer D − 2's sumcheck runs on the next-layer
   * prover with that head (logup-gkr.ts nearLeafHead), so layer D − 1's nodes past the used right
   * half, which are the left-half leaves themselves (1, q), are not copied: only its first
   * 2·2^a nodes and the right children of layer D − 2's used nodes are written, layer D − 2's other
   * nodes read their children's q from the leaves, and so do combineLeft and rightQPlus below.
   */
  build(leftOnes: boolean, nextHead: number | null = null): void {
    const K = this.K;
    K.flush(); // the sections' passes read layer D − 1's region, which this overwrites
    const D = this.D;
    const usedRight = this.used - 2 ** (D - 1);
    if (nextHead !== null && !(leftOnes && D >= 4 && usedRight <= nextHead && 4 * nextHead <= 2 ** (D - 2))) throw new RangeError('GkrTree.build: the next layer cannot skip the leaf copies');
    this.partialHead = nextHead === null ? 0 : usedRight;
    const layerPass = (J: number, first: number, count: number, child: { p: number; q: number; pExt: boolean }, used: number) => {
      const n = 2 ** J;
      const outP = this.layerAt[J];
      const outQ = outP + 16 * n;
      const pBytes = child.pExt ? 16 : 8;
      K.elementwise('fracLayer', count, (f, c) => [outP + 16 * (first + f), outQ + 16 * (first + f), child.p + pBytes * (first + f), child.pExt ? 1 : 0, child.q + 16 * (first + f), n, c, used - first - f]);
    };
    for (let J = D - 1; J >= 1; J--) {
      const n = 2 ** J;
      const child = this.pointers(J + 1);
      if (nextHead !== null && J === D - 1) {
        // the nodes the next layer reads from here: its N head and the right children of its used nodes
        layerPass(J, 0, 2 * nextHead, child, usedRight);
        layerPass(J, n / 2, usedRight, child, usedRight);
      } else if (nextHead !== null && J === D - 2) {
        layerPass(J, 0, usedRight, child, usedRight);
        // past the used nodes both children are left-half leaves (p = 1): q from the leaves
        layerPass(J, usedRight, n - usedRight, { p: this.leafQ, q: this.leafQ, pExt: true }, 0);
      } else {
        // base p: the nodes from `used` on copy their left child; extension p: their children have p = 1
        const used = J + 1 === D ? usedRight : J + 2 === D && leftOnes ? Math.min(usedRight, n) : n;
        layerPass(J, 0, n, child, used);
      }
      K.flush(); // the next layer reads this one
    }
  }

  private pointers(J: number): { p: number; q: number; pExt: boolean } {
    if (J === this.D) return { p: this.leafP, q: this.leafQ, pExt: false };
    return { p: this.layerAt[J], q: this.layerAt[J] + 16 * 2 ** J, pExt: true };
  }

  /** Layer J (1 ≤ J ≤ D) as views into the kernel memory (valid until it grows). */
  layer(J: number): TreeLayer {
    const n = 2 ** J;
    const at = this.pointers(J);
    return { p: this.K.words(at.p, at.pExt ? 2 * n : n), pExt: at.pExt, q: this.K.words(at.q, 2 * n) };
  }

  /** The halves of layer J + 1 (the children of layer J). */
  halves(J: number): Halves {
    const n = 2 ** J;
    const at = this.pointers(J + 1);
    return { Lp: at.p, Rp: at.p + (at.pExt ? 16 : 8) * n, pExt: at.pExt, Lq: at.q, Rq: at.q + 16 * n };
  }

  /** out ← L_p + λ·L_q for the halves of layer J + 1 (out may be L_p's or L_q's own region); done on return. */
  combineLeft(J: number, lambda: Fp2, out: number): number {
    const h = this.halves(J);
    const pBytes = h.pExt ? 16 : 8;
    const n = 2 ** J;
    // past layer D − 1's used nodes, L_p = 1 and L_q is the leaves' q (see build)
    const used = J === this.D - 2 && this.partialHead > 0 ? this.partialHead : n;
    this.K.elementwise('axpy', used, (f, c) => [out + 16 * f, h.Lp + pBytes * f, h.pExt ? 1 : 0, h.Lq + 16 * f, lambda[0], lambda[1], c]);
    this.K.elementwise('axpy', n - used, (f, c) => [out + 16 * (used + f), this.leafP + 8 * (used + f), 0, this.leafQ + 16 * (used + f), lambda[0], lambda[1], c]);
    this.K.flush();
    return out;
  }

  /**
   * The first `n` entries of V = c·R_p and U = R_q + V for the right half of the leaves, in two
   * fresh regions of the kernel's stack (n ≤ 2^(D−2)).
   */
  leafHeads(n: number, c: Fp2): { u: number; v: number } {
    if (n > 2 ** (this.D - 2)) throw new RangeError(`GkrTree.leafHeads: ${n} entries (at most ${2 ** (this.D - 2)})`);
    const h = this.halves(this.D - 1);
    const u = this.K.alloc(16 * n);
    const v = this.K.alloc(16 * n);
    this.K.elementwise('leafHeads', n, (f, k) => [u + 16 * f, v + 16 * f, h.Rp + 8 * f, h.Rq + 16 * f, k, c[0], c[1]]);
    this.K.flush();
    return { u, v };
  }

  /** R_q + c in place for layer J + 1 < D (its right half's q, 2^J entries); returns its address. */
  rightQPlus(J: number, c: Fp2): number {
    if (J + 1 >= this.D) throw new RangeError('GkrTree.rightQPlus: not below the leaves');
    const rq = this.halves(J).Rq;
    // every right-half node of a partial layer D − 1 is a left-half leaf (see build)
    const src = J === this.D - 2 && this.partialHead > 0 ? this.leafQ + 16 * 2 ** J : rq;
    this.K.elementwise('plusExt', 2 ** J, (f, k) => [rq + 16 * f, src + 16 * f, k, c[0], c[1]]);
    this.K.flush();
    return rq;
  }

  /** 1 − p for the first n entries of layer J + 1 < D (a copy). */
  oneMinusP(J: number, n: number): ExtVec {
    if (J + 1 >= this.D || n > 2 ** (J + 1)) throw new RangeError('GkrTree.oneMinusP: bad layer or count');
    const K = this.K;
    const mark = K.mark();
    try {
      const out = K.alloc(16 * n);
      K.elementwise('shiftedExt', n, (f, c) => [out + 16 * f, this.layerAt[J + 1] + 16 * f, c, 1n, 0n]);
      return K.words(out, 2 * n).slice();
    } finally {
      K.release(mark);
    }
  }
}
