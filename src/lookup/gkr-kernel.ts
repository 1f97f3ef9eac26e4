// Loads the LogUp-GKR kernels (assembly/logup-gkr.ts): leaf denominators and the layers of the
// fraction tree. Prover-only: the verifier never loads this module.
import { wasmBase64 } from '../gen/logup-gkr.wasm.js';
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';

interface Exports {
  memory: WebAssembly.Memory;
  shiftedBase(out: number, a: number, n: number, c0: bigint, c1: bigint): void;
  shiftedExt(out: number, a: number, n: number, c0: bigint, c1: bigint): void;
  negBase(out: number, a: number, n: number): void;
  fracLayer(outP: number, outQ: number, p: number, pExt: number, q: number, n: number): void;
}

const PAGE = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

class GkrKernel {
  private readonly x: Exports;
  private readonly base: number;

  constructor() {
    const module = new WebAssembly.Module(decodeBase64(wasmBase64));
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.base = Math.ceil(this.x.memory.buffer.byteLength / 64) * 64;
  }

  /** Ensures `bytes` bytes above the static area; returns the first address. */
  private reserve(bytes: number): number {
    const have = this.x.memory.buffer.byteLength;
    if (this.base + bytes > have) this.x.memory.grow(Math.ceil((this.base + bytes - have) / PAGE));
    return this.base;
  }

  private words(ptr: number, n: number): BigUint64Array {
    return new BigUint64Array(this.x.memory.buffer, ptr, n);
  }

  /** α − a_i for a base vector (or an extension vector when `ext`), as an extension vector. */
  shifted(a: BigUint64Array, ext: boolean, alpha: Fp2): ExtVec {
    const n = ext ? a.length >> 1 : a.length;
    const at = this.reserve(8 * a.length + 16 * n);
    const out = at + 8 * a.length;
    this.words(at, a.length).set(a);
    if (ext) this.x.shiftedExt(out, at, n, alpha[0], alpha[1]);
    else this.x.shiftedBase(out, at, n, alpha[0], alpha[1]);
    return this.words(out, 2 * n).slice();
  }

  negate(a: BaseVec): BaseVec {
    const at = this.reserve(16 * a.length);
    this.words(at, a.length).set(a);
    this.x.negBase(at + 8 * a.length, at, a.length);
    return this.words(at + 8 * a.length, a.length).slice();
  }

  /** The parent layer of (p, q) (2n entries each; p base or extension, q extension). */
  layer(p: BigUint64Array, pExt: boolean, q: ExtVec): { p: ExtVec; q: ExtVec } {
    const n = q.length >> 2;
    const at = this.reserve(8 * p.length + 8 * q.length + 32 * n);
    const qp = at + 8 * p.length;
    const outP = qp + 8 * q.length;
    const outQ = outP + 16 * n;
    this.words(at, p.length).set(p);
    this.words(qp, q.length).set(q);
    this.x.fracLayer(outP, outQ, at, pExt ? 1 : 0, qp, n);
    return { p: this.words(outP, 2 * n).slice(), q: this.words(outQ, 2 * n).slice() };
  }
}

let shared: GkrKernel | null = null;

export function gkrKernel(): GkrKernel {
  shared ??= new GkrKernel();
  return shared;
}
