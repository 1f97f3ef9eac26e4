// Loads the LogUp-GKR kernels (assembly/logup-gkr.ts) and lays the whole fraction tree out in
// their memory, so the layers are computed in place (no copy per layer). Prover-only: the
// verifier never loads this module.
//
// Memory (bytes from the module's heap start): leaf p (base, 8·2^D), leaf q (16·2^D), layers J = D − 1 … 1 (p and
// q, 16·2^J each), one scratch region of 16·2^(D−1) (inputs copied in, the combined table
// L_p + λ·L_q). The views handed out stay valid until the next `GkrTree` is allocated (a new tree reuses
// the same memory).
import { wasmBase64 } from '../gen/logup-gkr.wasm.js';
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';

interface Exports {
  memory: WebAssembly.Memory;
  shiftedBase(out: number, a: number, n: number, c0: bigint, c1: bigint): void;
  shiftedExt(out: number, a: number, n: number, c0: bigint, c1: bigint): void;
  negBase(out: number, a: number, n: number): void;
  fracLayer(outP: number, outQ: number, p: number, pExt: number, q: number, n: number, used: number): void;
  fillBase(out: number, n: number, v: bigint): void;
  fillExt(out: number, n: number, c0: bigint, c1: bigint): void;
  axpy(out: number, a: number, aExt: number, b: number, c0: bigint, c1: bigint, n: number): void;
  leafHeads(outU: number, outV: number, p: number, q: number, n: number, c0: bigint, c1: bigint): void;
  plusExt(out: number, a: number, n: number, c0: bigint, c1: bigint): void;
}

const PAGE = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let instance: { x: Exports; heap: number } | null = null;

/** The module and the first free address past its static data (the same for every tree: one tree at a time). */
function kernel(): { x: Exports; heap: number } {
  if (instance === null) {
    const module = new WebAssembly.Module(decodeBase64(wasmBase64));
    const x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    instance = { x, heap: Math.ceil(x.memory.buffer.byteLength / 64) * 64 };
  }
  return instance;
}

/** A layer of the tree: p (base words at the leaves, extension above) and q (extension). */
export interface TreeLayer {
  readonly p: BigUint64Array;
  readonly pExt: boolean;
  readonly q: ExtVec;
}

export class GkrTree {
  private readonly x: Exports;
  private readonly leafP: number;
  private readonly leafQ: number;
  private readonly layerAt: number[] = [];
  private readonly scratch: number;

  /** `used`: leaves before the zero fractions 0/1 that pad the leaf layer to 2^D. */
  constructor(readonly D: number, private readonly used: number = 2 ** D) {
    const { x, heap } = kernel();
    this.x = x;
    const size = 2 ** D;
    let at = heap;
    this.leafP = at;
    at += 8 * size;
    this.leafQ = at;
    at += 16 * size;
    for (let J = D - 1; J >= 1; J--) {
      this.layerAt[J] = at;
      at += 32 * 2 ** J;
    }
    this.scratch = at;
    at += 16 * 2 ** (D - 1);
    const have = x.memory.buffer.byteLength;
    if (at > have) x.memory.grow(Math.ceil((at - have) / PAGE));
    if (!(used > size / 2 && used <= size)) throw new RangeError(`GkrTree: ${used} used leaves of 2^${D}`);
    // the padding leaves are the zero fraction 0/1 (the sections write the used ones)
    x.fillBase(this.leafP + 8 * used, size - used, 0n);
    x.fillExt(this.leafQ + 16 * used, size - used, 1n, 0n);
  }

  private words(ptr: number, n: number): BigUint64Array {
    return new BigUint64Array(this.x.memory.buffer, ptr, n);
  }

  /** Leaf numerators at [offset, offset + n): all equal to v (1 for a looked-up column). */
  fillNumerators(offset: number, n: number, v: bigint): void {
    this.x.fillBase(this.leafP + 8 * offset, n, v);
  }

  /** Leaf numerators v at `offset` (a column's row indicator). */
  setNumerators(offset: number, v: BaseVec): void {
    this.words(this.leafP + 8 * offset, v.length).set(v);
  }

  /** Leaf numerators −m at `offset` (a table's multiplicities). */
  setNegated(offset: number, m: BaseVec): void {
    const s = this.scratch;
    this.words(s, m.length).set(m);
    this.x.negBase(this.leafP + 8 * offset, s, m.length);
  }

  /** Leaf denominators α − a at `offset` (a base vector, or an extension vector when `ext`). */
  setShifted(offset: number, a: BigUint64Array, ext: boolean, alpha: Fp2): void {
    const n = ext ? a.length >> 1 : a.length;
    this.words(this.scratch, a.length).set(a);
    const out = this.leafQ + 16 * offset;
    if (ext) this.x.shiftedExt(out, this.scratch, n, alpha[0], alpha[1]);
    else this.x.shiftedBase(out, this.scratch, n, alpha[0], alpha[1]);
  }

  /**
   * Computes layers D − 1 … 1 from the leaves. `leftOnes`: every leaf numerator of the left half
   * is 1 (looked-up columns without a rows indicator), so the nodes of layer D − 1 past the used
   * right half have p = 1, and so do both children of the same nodes of layer D − 2.
   */
  build(leftOnes: boolean): void {
    const usedRight = this.used - 2 ** (this.D - 1);
    for (let J = this.D - 1; J >= 1; J--) {
      const child = J + 1 === this.D ? { p: this.leafP, q: this.leafQ, ext: 0 } : { p: this.layerAt[J + 1], q: this.layerAt[J + 1] + 16 * 2 ** (J + 1), ext: 1 };
      // base p: the nodes from `used` on copy their left child; extension p: their children have p = 1
      const used = J + 1 === this.D ? usedRight : J + 2 === this.D && leftOnes ? Math.min(usedRight, 2 ** J) : 2 ** J;
      this.x.fracLayer(this.layerAt[J], this.layerAt[J] + 16 * 2 ** J, child.p, child.ext, child.q, 2 ** J, used);
    }
  }

  /** Layer J (1 ≤ J ≤ D) as views into the kernel memory. */
  layer(J: number): TreeLayer {
    const n = 2 ** J;
    if (J === this.D) return { p: this.words(this.leafP, n), pExt: false, q: this.words(this.leafQ, 2 * n) };
    return { p: this.words(this.layerAt[J], 2 * n), pExt: true, q: this.words(this.layerAt[J] + 16 * n, 2 * n) };
  }

  /** L_p + λ·L_q for the halves of layer J + 1 (a view of the scratch region, valid until the next call). */
  combinedLeft(J: number, lambda: Fp2): ExtVec {
    const n = 2 ** J;
    const child = this.layer(J + 1);
    const pPtr = J + 1 === this.D ? this.leafP : this.layerAt[J + 1];
    const qPtr = J + 1 === this.D ? this.leafQ : this.layerAt[J + 1] + 32 * n;
    this.x.axpy(this.scratch, pPtr, child.pExt ? 1 : 0, qPtr, lambda[0], lambda[1], n);
    return this.words(this.scratch, 2 * n);
  }

  /**
   * The first `n` entries of V = c·R_p and U = R_q + V for the right half of the leaves (views
   * of the scratch region, valid until the next call; n ≤ 2^(D−2), so both fit).
   */
  leafHeads(n: number, c: Fp2): { u: ExtVec; v: ExtVec } {
    const half = 2 ** (this.D - 1);
    if (n > half / 2) throw new RangeError(`GkrTree.leafHeads: ${n} entries (at most ${half / 2})`);
    const u = this.scratch;
    const v = this.scratch + 16 * n;
    this.x.leafHeads(u, v, this.leafP + 8 * half, this.leafQ + 16 * half, n, c[0], c[1]);
    return { u: this.words(u, 2 * n), v: this.words(v, 2 * n) };
  }

  /** R_q + c for layer J + 1 < D (its right half's q, 2^J entries; a view of the scratch region). */
  rightQPlus(J: number, c: Fp2): ExtVec {
    if (J + 1 >= this.D) throw new RangeError('GkrTree.rightQPlus: not below the leaves');
    const n = 2 ** J;
    this.x.plusExt(this.scratch, this.layerAt[J + 1] + 32 * n + 16 * n, n, c[0], c[1]);
    return this.words(this.scratch, 2 * n);
  }

  /** 1 − p for the first n entries of layer J + 1 < D (a view of the scratch region). */
  oneMinusP(J: number, n: number): ExtVec {
    if (J + 1 >= this.D || n > 2 ** (J + 1)) throw new RangeError('GkrTree.oneMinusP: bad layer or count');
    this.x.shiftedExt(this.scratch, this.layerAt[J + 1], n, 1n, 0n);
    return this.words(this.scratch, 2 * n);
  }
}
