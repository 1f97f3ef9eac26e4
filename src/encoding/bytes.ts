// Canonical little-endian byte encoding shared by every proof and key format.
// The reader rejects non-canonical field elements and trailing bytes with a typed error.
import { P } from '../field/goldilocks.js';
import type { Fp2 } from '../field/ext.js';

import { FormatError } from './errors.js';

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('encoding: needs a little-endian platform (vectors are copied as bytes)');

/** Throws unless every word of `v` is a canonical field element (< p), without a BigInt per word. */
function checkCanonicalWords(v: BigUint64Array, fail: (i: number) => never): void {
  const w = new Uint32Array(v.buffer, v.byteOffset, 2 * v.length);
  for (let i = 1; i < w.length; i += 2) if (w[i] === 0xffffffff && w[i - 1] !== 0) fail((i - 1) >> 1);
}

/** One growing buffer (proofs write thousands of small fields: no allocation per field). */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private length = 0;

  /** Makes room for n more bytes; returns where they start. */
  private take(n: number): number {
    if (this.length + n > this.buf.length) {
      let cap = 2 * this.buf.length;
      while (cap < this.length + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  bytes(b: Uint8Array): this {
    const at = this.take(b.length); // before reading this.buf: take may replace it
    this.buf.set(b, at);
    return this;
  }

  u8(x: number): this {
    const at = this.take(1);
    this.buf[at] = x;
    return this;
  }

  u32(x: number): this {
    if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RangeError(`u32 out of range: ${x}`);
    const at = this.take(4);
    this.view.setUint32(at, x, true);
    return this;
  }

  u64(x: bigint): this {
    const at = this.take(8);
    this.view.setBigUint64(at, x, true);
    return this;
  }

  /** Length-prefixed bytes. */
  blob(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  string(s: string): this {
    return this.blob(new TextEncoder().encode(s));
  }

  base(x: bigint): this {
    if (x < 0n || x >= P) throw new RangeError('base: element not canonical');
    return this.u64(x);
  }

  ext(x: Fp2): this {
    return this.base(x[0]).base(x[1]);
  }

  /** Elements of a base or extension vector without a length prefix (the reader knows it). */
  words(v: BigUint64Array): this {
    checkCanonicalWords(v, () => {
      throw new RangeError('base: element not canonical');
    });
    return this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array, private readonly what = 'input') {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number, field: string): void {
    if (this.offset + n > this.buf.length) {
      throw new FormatError(`${this.what}: truncated while reading ${field} at byte ${this.offset}`);
    }
  }

  bytes(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const out = this.buf.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(field = 'u8'): number {
    this.need(1, field);
    return this.buf[this.offset++];
  }

  u32(field = 'u32'): number {
    this.need(4, field);
    const x = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return x;
  }

  /** A u32 that must not exceed `max` (guards allocations driven by untrusted lengths). */
  count(max: number, field = 'count'): number {
    const n = this.u32(field);
    if (n > max) throw new FormatError(`${this.what}: ${field} is ${n}, more than the allowed ${max}`);
    return n;
  }

  u64(field = 'u64'): bigint {
    this.need(8, field);
    const x = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return x;
  }

  blob(max: number, field = 'blob'): Uint8Array {
    return this.bytes(this.count(max, `${field} length`), field);
  }

  string(max: number, field = 'string'): string {
    const bytes = this.blob(max, field);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // the decoder's own TypeError would escape as an untyped error (a key with a corrupted name byte)
      throw new FormatError(`${this.what}: ${field} is not valid UTF-8`);
    }
  }

  base(field = 'field element'): bigint {
    const x = this.u64(field);
    if (x >= P) throw new FormatError(`${this.what}: ${field} is not a canonical field element`);
    return x;
  }

  ext(field = 'extension element'): Fp2 {
    return [this.base(field), this.base(field)];
  }

  words(n: number, field = 'field elements'): BigUint64Array {
    this.need(8 * n, field);
    const out = new BigUint64Array(n);
    new Uint8Array(out.buffer).set(this.buf.subarray(this.offset, this.offset + 8 * n));
    checkCanonicalWords(out, (i) => {
      throw new FormatError(`${this.what}: ${field} is not a canonical field element (at byte ${this.offset + 8 * i})`);
    });
    this.offset += 8 * n;
    return out;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  /** Every reader ends with this: trailing bytes make a proof non-canonical. */
  end(): void {
    if (this.remaining !== 0) throw new FormatError(`${this.what}: ${this.remaining} trailing bytes`);
  }
}
