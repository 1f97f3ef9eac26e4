// Fiat–Shamir transcript over SHA-256 (portable: ./sha256.ts, no static Node-only import).
//
// Start: state = SHA-256(0x00 ‖ "zkinfer/transcript/v1" ‖ u32(len domain) ‖ domain).
// State: a 32-byte chaining value. Absorbing `label` and `data` sets
//   state ← SHA-256(0x01 ‖ state ‖ u32(len label) ‖ label ‖ u32(len data) ‖ data).
// Squeezing under `label` sets state ← SHA-256(0x02 ‖ state ‖ u32(len label) ‖ label) and
// then reads output blocks SHA-256(0x03 ‖ state ‖ u32(counter)); 64-bit little-endian words
// ≥ p are rejected (no modulo bias). Every soundness challenge is drawn in F_p2.
// Indices in [0, D) are read after the same state update from blocks
// SHA-256(0x04 ‖ state ‖ u32(counter)) as 32-bit little-endian words, rejecting words
// ≥ ⌊2^32/D⌋·D, then reduced mod D. Test vectors: test/transcript/transcript.test.ts.
import { sha256 } from './sha256.js';
import { P } from '../field/goldilocks.js';
import type { Fp2 } from '../field/ext.js';

const enc = new TextEncoder();

// Labels are a small fixed set of literals: encode each once.
const labelBytes = new Map<string, Uint8Array>();
function labelOf(label: string): Uint8Array {
  let l = labelBytes.get(label);
  if (l === undefined) {
    l = enc.encode(label);
    labelBytes.set(label, l);
  }
  return l;
}

/** tag ‖ state ‖ u32(len label) ‖ label [‖ u32(len data) ‖ data]: the one input layout every hash call uses. */
function frame(tag: number, state: Uint8Array, label: Uint8Array, data?: Uint8Array): Uint8Array {
  const n = 1 + state.length + 4 + label.length + (data === undefined ? 0 : 4 + data.length);
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  out[0] = tag;
  out.set(state, 1);
  let off = 1 + state.length;
  view.setUint32(off, label.length, true);
  out.set(label, off + 4);
  off += 4 + label.length;
  if (data !== undefined) {
    view.setUint32(off, data.length, true);
    out.set(data, off + 4);
  }
  return out;
}

function block(tag: number, state: Uint8Array, counter: number): Uint8Array {
  const out = new Uint8Array(1 + state.length + 4);
  out[0] = tag;
  out.set(state, 1);
  new DataView(out.buffer).setUint32(1 + state.length, counter, true);
  return sha256(out);
}

function wordsToBytes(v: BigUint64Array | readonly bigint[]): Uint8Array {
  const out = new Uint8Array(8 * v.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x < 0n || x >= P) throw new RangeError('transcript: absorbing a non-canonical field element');
    view.setBigUint64(8 * i, x, true);
  }
  return out;
}

export class Transcript {
  private state: Uint8Array;

  /** `domain` separates protocols: two transcripts with different domains never agree. */
  constructor(domain: string) {
    // The length prefix counts UTF-8 bytes (not UTF-16 units), so the encoding is injective.
    this.state = sha256(frame(0x00, enc.encode('zkinfer/transcript/v1'), enc.encode(domain)));
  }

  absorbBytes(label: string, data: Uint8Array): void {
    this.state = sha256(frame(0x01, this.state, labelOf(label), data));
  }

  absorbBase(label: string, x: bigint): void {
    this.absorbBytes(label, wordsToBytes([x]));
  }

  absorbBases(label: string, xs: BigUint64Array | readonly bigint[]): void {
    this.absorbBytes(label, wordsToBytes(xs));
  }

  absorbExt(label: string, x: Fp2): void {
    this.absorbBytes(label, wordsToBytes([x[0], x[1]]));
  }

  absorbExts(label: string, xs: readonly Fp2[]): void {
    const words = new BigUint64Array(2 * xs.length);
    xs.forEach((x, i) => {
      words[2 * i] = x[0];
      words[2 * i + 1] = x[1];
    });
    this.absorbBytes(label, wordsToBytes(words));
  }

  absorbString(label: string, s: string): void {
    this.absorbBytes(label, enc.encode(s));
  }

  private squeezeWords(label: string, n: number): bigint[] {
    this.state = sha256(frame(0x02, this.state, labelOf(label)));
    const out: bigint[] = [];
    for (let counter = 0; out.length < n; counter++) {
      const b = block(0x03, this.state, counter);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < 4 && out.length < n; i++) {
        const w = view.getBigUint64(8 * i, true);
        if (w < P) out.push(w);
      }
    }
    return out;
  }

  /** A base-field challenge: only for query indices and similar non-soundness uses. */
  challengeBase(label: string): bigint {
    return this.squeezeWords(label, 1)[0];
  }

  challengeExt(label: string): Fp2 {
    const [a, b] = this.squeezeWords(label, 2);
    return [a, b];
  }

  challengeExts(label: string, n: number): Fp2[] {
    const w = this.squeezeWords(label, 2 * n);
    return Array.from({ length: n }, (_, i) => [w[2 * i], w[2 * i + 1]] as const);
  }

  /** `n` indices uniform in [0, domainSize), by rejection on 32-bit words (no modulo bias). */
  challengeIndices(label: string, n: number, domainSize: number): number[] {
    if (!Number.isInteger(domainSize) || domainSize < 1 || domainSize > 2 ** 32) {
      throw new RangeError(`challengeIndices: domain size ${domainSize}`);
    }
    this.state = sha256(frame(0x02, this.state, labelOf(label)));
    const limit = Math.floor(2 ** 32 / domainSize) * domainSize;
    const out: number[] = [];
    for (let counter = 0; out.length < n; counter++) {
      const b = block(0x04, this.state, counter);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < 8 && out.length < n; i++) {
        const w = view.getUint32(4 * i, true);
        if (w < limit) out.push(w % domainSize);
      }
    }
    return out;
  }
}
