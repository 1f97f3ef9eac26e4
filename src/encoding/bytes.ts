// Canonical little-endian byte encoding shared by every proof and key format.
// The reader rejects non-canonical field elements and trailing bytes with a typed error.
import { P } from '../field/goldilocks.js';
import type { Fp2 } from '../field/ext.js';

import { FormatError } from './errors.js';

export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  bytes(b: Uint8Array): this {
    this.chunks.push(b.slice());
    this.length += b.length;
    return this;
  }

  u8(x: number): this {
    return this.bytes(Uint8Array.of(x));
  }

  u32(x: number): this {
    if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RangeError(`u32 out of range: ${x}`);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, x, true);
    return this.bytes(b);
  }

  u64(x: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, x, true);
    return this.bytes(b);
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
    for (const x of v) this.base(x);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
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
    return new TextDecoder('utf-8', { fatal: true }).decode(this.blob(max, field));
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
    for (let i = 0; i < n; i++) out[i] = this.base(field);
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
