// Randomness of the hiding commitment (padding symbols, mask rows, leaf salts): the platform's
// cryptographic RNG (globalThis.crypto: webcrypto in Node ≥ 20 and in browsers), never the
// transcript. Field elements by rejection of 64-bit words ≥ p, so there is no modulo bias.

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
  const halves = new Uint32Array(buf.buffer);
  let filled = 0;
  while (filled < n) {
    c.getRandomValues(buf);
    // Words are tested through their 32-bit halves (w ≥ p ⟺ hi = 2^32 − 1 and lo ≠ 0), and
    // runs of accepted words are copied at once: no BigInt per word.
    let runStart = 0;
    let i = 0;
    for (; i < buf.length && filled + (i - runStart) < n; i++) {
      if (halves[2 * i + 1] === 0xffffffff && halves[2 * i] !== 0) {
        out.set(buf.subarray(runStart, i), filled);
        filled += i - runStart;
        runStart = i + 1;
      }
    }
    out.set(buf.subarray(runStart, i), filled);
    filled += i - runStart;
  }
  return out;
}
