// Randomness of the hiding commitment (padding symbols, mask rows, leaf salts): the platform's
// cryptographic RNG (globalThis.crypto: webcrypto in Node ≥ 20 and in browsers), never the
// transcript. Field elements by rejection of 64-bit words ≥ p, so there is no modulo bias.
import { P } from '../field/goldilocks.js';

type Crypto = { getRandomValues<T extends ArrayBufferView>(a: T): T };

/** getRandomValues fills at most 65536 bytes per call. */
const MAX_BYTES = 65536;

function platformCrypto(): Crypto {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c === undefined) throw new Error('pcs: no globalThis.crypto (a cryptographic RNG) in this JavaScript environment');
  return c;
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  const c = platformCrypto();
  for (let off = 0; off < n; off += MAX_BYTES) c.getRandomValues(out.subarray(off, Math.min(n, off + MAX_BYTES)));
  return out;
}

/** n uniform base-field elements. */
export function randomBase(n: number): BigUint64Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randomBase: count ${n}`);
  const out = new BigUint64Array(n);
  const c = platformCrypto();
  const buf = new BigUint64Array(Math.min(MAX_BYTES / 8, Math.max(1, n)));
  let filled = 0;
  while (filled < n) {
    c.getRandomValues(buf);
    for (let i = 0; i < buf.length && filled < n; i++) if (buf[i] < P) out[filled++] = buf[i];
  }
  return out;
}
