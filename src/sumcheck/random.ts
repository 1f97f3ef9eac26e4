// Uniform field elements from the platform's cryptographic RNG (globalThis.crypto, i.e.
// webcrypto in Node ≥ 20 and in browsers). 64-bit words ≥ p are rejected, so there is no
// modulo bias. Masks are never drawn from the transcript and never seeded.
import { P } from '../field/goldilocks.js';

const CHUNK = 8192; // getRandomValues refuses more than 65536 bytes per call

export function randomBase(n: number): BigUint64Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randomBase: count ${n}`);
  const c = (globalThis as { crypto?: { getRandomValues<T extends ArrayBufferView>(a: T): T } }).crypto;
  if (c === undefined) throw new Error('randomBase: no globalThis.crypto in this JavaScript environment');
  const out = new BigUint64Array(n);
  let filled = 0;
  const buf = new BigUint64Array(Math.min(CHUNK, Math.max(1, n)));
  while (filled < n) {
    c.getRandomValues(buf);
    for (let i = 0; i < buf.length && filled < n; i++) if (buf[i] < P) out[filled++] = buf[i];
  }
  return out;
}

/** n uniform F_p2 elements as an extension vector (2n words). */
export function randomExt(n: number): BigUint64Array {
  return randomBase(2 * n);
}
