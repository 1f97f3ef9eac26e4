// The injective packing of small integers into Goldilocks elements that digests hash.
//
// A packing format is (w, signed): values are w-bit integers, 1 ≤ w ≤ 32 (31 unsigned), in
// [-2^(w-1), 2^(w-1)) when signed and [0, 2^w) when not. Offsetting by 2^(w-1) (signed) or 0
// makes every value u ∈ [0, 2^w). Then, for N values:
//
//   k_max = ⌊63 / w⌋      the most values an element holds (int8: 7, int12: 5, int16: 3, int4: 15)
//   for k ∈ {k_max, 2^⌊log2 k_max⌋}:   (values per element; the second fills every slot)
//     S = 2^⌈log2 k⌉      value slots per element, the last S − k always empty
//     M = max(16, 2^⌈log2 ⌈N/k⌉⌉)  packed elements (a power of two, ≥ 2 whole sponge blocks)
//   k = the candidate with the shorter V (S·M), on a tie the fewer elements M
//       (1M int8: k = 4, V = 2^20 instead of 2^21; 1.3M int12: k = 4, V = 2^21 instead of 2^22;
//        112 int8: k = 7, M = 16 instead of 32; the permutations M/8 never grow)
//   V[i] = value i for i < N, 0 for N ≤ i < S·M     (the padded value vector)
//   e_j = Σ_{l<k} (V[l·M + j] + offset) · 2^(w·l),  j = 0 … M−1
//
// Each e_j < 2^(k·w) ≤ 2^63 < p, so the map from values to elements is injective for a fixed
// N. Value slot l of element j is V at index l·M + j: with M and S powers of two, the index's
// low log2 M bits are j and its high log2 S bits are l, so the packing is a fixed linear map
// between multilinear tables (the digest proof uses this; see docs/protocol.md (Part 4)).
// The value vector V, of length S·M, is the vector the proof binds to a commitment.
import { P } from '../field/goldilocks.js';

export interface PackingFormat {
  /** Bits per value, 1 … 32. */
  readonly bits: number;
  readonly signed: boolean;
}

export const INT8: PackingFormat = Object.freeze({ bits: 8, signed: true });
export const INT16: PackingFormat = Object.freeze({ bits: 16, signed: true });
export const UINT8: PackingFormat = Object.freeze({ bits: 8, signed: false });

/** The most values a digest takes: indices stay below 2^31 in the kernel. */
export const MAX_VALUES = 2 ** 30;

export interface PackingLayout {
  readonly format: PackingFormat;
  readonly count: number;
  /** Values per element, k. */
  readonly perElement: number;
  /** Value slots per element, S = 2^slotBits ≥ k. */
  readonly slots: number;
  readonly slotBits: number;
  /** Packed elements, M = 2^elementBits ≥ 16 (at least two permutations, so the proof has a variable to sum over). */
  readonly elements: number;
  readonly elementBits: number;
  /** Added to every value to make it unsigned. */
  readonly offset: number;
}

function log2Ceil(x: number): number {
  let b = 0;
  while (2 ** b < x) b++;
  return b;
}

export function checkFormat(format: PackingFormat): void {
  if (typeof format.signed !== 'boolean') throw new TypeError('packing: format.signed must be a boolean');
  // Unsigned values stop at 31 bits so that every value is an i32 in the WASM kernel.
  const maxBits = format.signed ? 32 : 31;
  if (!Number.isInteger(format.bits) || format.bits < 1 || format.bits > maxBits) {
    throw new RangeError(`packing: ${format.bits} bits per ${format.signed ? 'signed' : 'unsigned'} value is outside 1 … ${maxBits}`);
  }
}

export function packingLayout(format: PackingFormat, count: number): PackingLayout {
  checkFormat(format);
  if (!Number.isInteger(count) || count < 0 || count > MAX_VALUES) {
    throw new RangeError(`packing: value count ${count} is outside 0 … ${MAX_VALUES}`);
  }
  const most = Math.floor(63 / format.bits);
  const candidates = [most, 2 ** Math.floor(Math.log2(most))].map((k) => ({ k, slotBits: log2Ceil(k), elementBits: Math.max(4, log2Ceil(Math.ceil(count / k))) }));
  // V = 2^(slotBits + elementBits) is what the proof commits and range-checks; M = 2^elementBits/8 permutations
  const { k: perElement, slotBits, elementBits } = candidates.reduce((a, b) => {
    const va = a.slotBits + a.elementBits;
    const vb = b.slotBits + b.elementBits;
    return vb < va || (vb === va && b.elementBits < a.elementBits) ? b : a;
  });
  return {
    format,
    count,
    perElement,
    slots: 2 ** slotBits,
    slotBits,
    elements: 2 ** elementBits,
    elementBits,
    offset: format.signed ? 2 ** (format.bits - 1) : 0,
  };
}

/** The range a value of this format may take, as [min, max]. */
export function valueRange(format: PackingFormat): [number, number] {
  checkFormat(format);
  return format.signed ? [-(2 ** (format.bits - 1)), 2 ** (format.bits - 1) - 1] : [0, 2 ** format.bits - 1];
}

/** Scalar reference of the packing (BigInt; for tests and small inputs). */
export function packReference(values: ArrayLike<number>, format: PackingFormat): bigint[] {
  const layout = packingLayout(format, values.length);
  const [min, max] = valueRange(format);
  const w = BigInt(format.bits);
  const out: bigint[] = [];
  for (let j = 0; j < layout.elements; j++) {
    let e = 0n;
    for (let l = 0; l < layout.perElement; l++) {
      const index = l * layout.elements + j;
      const v = index < values.length ? values[index] : 0;
      if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`packing: value ${index} = ${v} is outside [${min}, ${max}]`);
      e += BigInt(v + layout.offset) << (w * BigInt(l));
    }
    if (e >= P) throw new Error('packing: an element reached p (impossible for a valid layout)');
    out.push(e);
  }
  return out;
}

/** Inverse of the packing on the first `count` values (shows injectivity; used in tests). */
export function unpackReference(elements: readonly bigint[], format: PackingFormat, count: number): number[] {
  const layout = packingLayout(format, count);
  if (elements.length !== layout.elements) throw new RangeError(`unpack: expected ${layout.elements} elements, got ${elements.length}`);
  const mask = (1n << BigInt(format.bits)) - 1n;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const l = Math.floor(i / layout.elements);
    const j = i % layout.elements;
    out.push(Number((elements[j] >> BigInt(format.bits * l)) & mask) - layout.offset);
  }
  return out;
}
