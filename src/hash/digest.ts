// Salted Poseidon2 digests of small-integer vectors: model fingerprints and attested inputs.
//
//   digest(values, salt) = Sponge(iv, interleave(pack(values)))   (./sponge.ts, ./packing.ts)
//   iv = [domain word, N + 2^32·schema, salt_0, salt_1]
//   interleave(e_0 … e_{M−1}): block b (b < B = M/8) is [e_b, e_{b+B}, e_{b+2B}, …, e_{b+7B}]
//
// The interleaved block order puts element s·B + b in rate slot s of permutation b, so rate
// slot s over all permutations is one contiguous run of elements (and of values): the digest
// proof's tables are then slices, not strided gathers.
//   domain word = 0x7a6b5032 ("zkP2")·2^32 + version·2^24 + purpose·2^16 + signed·2^8 + w
//
// The IV fixes the value count N and the format, so zero padding (of the last values and of
// the sponge) is injective; the purpose tag keeps an attested input from passing as a model
// fingerprint. The salt (2 uniform elements, 128 bits) sits in the capacity of the first
// permutation: without it a low-entropy preimage could be found by trying candidates.
// The schema id (u32, default 0) names what an attested input's fields mean and in which order
// (agreed between issuer and verifier); N < 2^32, so (N, schema) ↦ N + 2^32·schema is injective.
// The digest is 4 elements (≈ 256 bits): finding two preimages with one digest costs ≈ 2^128.
import * as F from '../field/goldilocks.js';
import { packingLayout, packReference, valueRange, type PackingFormat, type PackingLayout } from './packing.js';
import { spongeReference, CAPACITY, RATE, OUTPUT } from './sponge.js';
import { packAndAbsorb, WIDTH } from './poseidon2-wasm.js';

export const DIGEST_MAGIC = 0x7a6b5032n;
export const DIGEST_VERSION = 1n;
export const SALT_LENGTH = 2;

/** What a digest is for; part of the IV, so digests for different purposes never coincide. */
export const Purpose = Object.freeze({ generic: 0, modelWeights: 1, attestedInput: 2 });

export type Digest = readonly [bigint, bigint, bigint, bigint];
export type Salt = readonly [bigint, bigint];

export interface DigestOptions {
  readonly format: PackingFormat;
  /** 0 … 255; see Purpose. */
  readonly purpose: number;
  /** 0 … 2^32 − 1 (default 0): an attested input's schema id, in the IV beside the count. */
  readonly schema?: number;
}

export type DigestValues = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | readonly number[];

export function domainWord(options: DigestOptions): bigint {
  const { format, purpose } = options;
  if (!Number.isInteger(purpose) || purpose < 0 || purpose > 255) throw new RangeError(`digest: purpose ${purpose} is outside 0 … 255`);
  packingLayout(format, 0); // checks the format
  return (DIGEST_MAGIC << 32n) | (DIGEST_VERSION << 24n) | (BigInt(purpose) << 16n) | ((format.signed ? 1n : 0n) << 8n) | BigInt(format.bits);
}

function checkSalt(salt: Salt): void {
  if (salt.length !== SALT_LENGTH) throw new RangeError(`digest: the salt has ${salt.length} elements, expected ${SALT_LENGTH}`);
  for (const s of salt) if (typeof s !== 'bigint' || !F.isCanonical(s)) throw new RangeError('digest: salt elements must be canonical field elements');
}

/** The IV's second word: the value count and the schema id, N + 2^32·schema. */
export function countWord(options: DigestOptions, count: number): bigint {
  const schema = options.schema ?? 0;
  if (!Number.isInteger(schema) || schema < 0 || schema > 0xffffffff) throw new RangeError(`digest: schema id ${schema} is not a u32`);
  if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) throw new RangeError(`digest: count ${count} is not a u32`);
  return BigInt(count) + (BigInt(schema) << 32n);
}

export function digestIv(options: DigestOptions, count: number, salt: Salt): bigint[] {
  checkSalt(salt);
  return [domainWord(options), countWord(options, count), salt[0], salt[1]];
}

/** 2 uniform field elements from the platform's cryptographic RNG (Web Crypto; rejection sampling). */
export function randomSalt(): Salt {
  const crypto = (globalThis as { crypto?: { getRandomValues<T extends ArrayBufferView>(a: T): T } }).crypto;
  if (!crypto) throw new Error('randomSalt: no Web Crypto (globalThis.crypto) in this JavaScript environment');
  const out: bigint[] = [];
  const word = new BigUint64Array(1);
  while (out.length < SALT_LENGTH) {
    crypto.getRandomValues(word);
    if (word[0] < F.P) out.push(word[0]);
  }
  return [out[0], out[1]];
}

function toInt32(values: DigestValues, format: PackingFormat): Int32Array {
  if (values instanceof Int32Array) return values;
  if (ArrayBuffer.isView(values)) return Int32Array.from(values);
  // Plain arrays: check integrality and range here, where Int32Array.from would silently wrap.
  const [min, max] = valueRange(format);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`digest: value ${i} = ${v} is outside [${min}, ${max}]`);
    out[i] = v;
  }
  return out;
}

/** The digest of `values` (bulk path: packing and sponge in WebAssembly). */
export function digest(values: DigestValues, salt: Salt, options: DigestOptions): Digest {
  const layout: PackingLayout = packingLayout(options.format, values.length);
  const iv = digestIv(options, values.length, salt);
  const state = new BigUint64Array(WIDTH);
  state.set(iv, RATE);
  const result = packAndAbsorb(toInt32(values, options.format), { ...layout, bits: options.format.bits }, state);
  if ('badIndex' in result) {
    const [min, max] = valueRange(options.format);
    throw new RangeError(`digest: value ${result.badIndex} = ${values[result.badIndex]} is outside [${min}, ${max}]`);
  }
  const s = result.state;
  return [s[0], s[1], s[2], s[3]];
}

/** The sponge input order of the digest: block b is [e_b, e_{b+B}, …, e_{b+7B}], B = M/8. */
export function interleave(elements: readonly bigint[]): bigint[] {
  if (elements.length % RATE !== 0) throw new RangeError(`interleave: ${elements.length} elements is not a whole number of blocks`);
  const blocks = elements.length / RATE;
  const out: bigint[] = [];
  for (let b = 0; b < blocks; b++) for (let s = 0; s < RATE; s++) out.push(elements[b + blocks * s]);
  return out;
}

/** Scalar reference of digest() (BigInt permutation; for tests and small inputs). */
export function digestReference(values: ArrayLike<number>, salt: Salt, options: DigestOptions): Digest {
  const out = spongeReference(digestIv(options, values.length, salt), interleave(packReference(values, options.format)));
  if (out.length !== OUTPUT || CAPACITY !== SALT_LENGTH + 2) throw new Error('digest: sponge shape changed');
  return [out[0], out[1], out[2], out[3]];
}

export function digestEquals(a: Digest, b: Digest): boolean {
  return a.length === OUTPUT && b.length === OUTPUT && a.every((x, i) => x === b[i]);
}
