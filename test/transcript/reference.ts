// An independent implementation of the transcript's byte-level specification (the comment at
// the top of src/transcript/transcript.ts), on node:crypto, to check the real one against.
import { createHash } from 'node:crypto';

const P = 0xffffffff00000001n;
const enc = new TextEncoder();

function sha(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function u32(x: number): Uint8Array {
  return Uint8Array.of(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
}

function u64(x: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

export class ReferenceTranscript {
  state: Uint8Array;
  constructor(domain: string) {
    const d = enc.encode(domain);
    this.state = sha(Uint8Array.of(0), enc.encode('zkinfer/transcript/v1'), u32(d.length), d);
  }
  absorb(label: string, data: Uint8Array): void {
    const l = enc.encode(label);
    this.state = sha(Uint8Array.of(1), this.state, u32(l.length), l, u32(data.length), data);
  }
  absorbWords(label: string, xs: readonly bigint[]): void {
    const data = new Uint8Array(8 * xs.length);
    xs.forEach((x, i) => data.set(u64(x), 8 * i));
    this.absorb(label, data);
  }
  private step(label: string): void {
    const l = enc.encode(label);
    this.state = sha(Uint8Array.of(2), this.state, u32(l.length), l);
  }
  words(label: string, n: number): bigint[] {
    this.step(label);
    const out: bigint[] = [];
    for (let c = 0; out.length < n; c++) {
      const b = sha(Uint8Array.of(3), this.state, u32(c));
      for (let i = 0; i < 4 && out.length < n; i++) {
        let w = 0n;
        for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(b[8 * i + j]);
        if (w < P) out.push(w);
      }
    }
    return out;
  }
  indices(label: string, n: number, d: number): number[] {
    this.step(label);
    const limit = Math.floor(2 ** 32 / d) * d;
    const out: number[] = [];
    for (let c = 0; out.length < n; c++) {
      const b = sha(Uint8Array.of(4), this.state, u32(c));
      for (let i = 0; i < 8 && out.length < n; i++) {
        const w = (b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16)) + b[4 * i + 3] * 2 ** 24;
        if (w < limit) out.push(w % d);
      }
    }
    return out;
  }
}
