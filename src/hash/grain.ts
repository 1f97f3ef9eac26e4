// The Grain LFSR that generates Poseidon/Poseidon2 round constants (Poseidon paper, Appendix E;
// the procedure of HorizenLabs' poseidon2_rust_params.sage, as described in
// ../shared/testdata/poseidon2/README.md). Written from that description, not from its code.
//
// Only parameter generation uses this (once, at module load): BigInt and bit arrays are fine.
import { P } from '../field/goldilocks.js';

const STATE_BITS = 80;
const WARMUP_CLOCKS = 160;
/** Taps of the feedback polynomial, as offsets into the 80-bit window b_0 … b_79. */
const TAPS = [0, 13, 23, 38, 51, 62] as const;

export interface GrainSeedFields {
  /** 1 = prime field. */
  readonly field: number;
  /** 0 = x^α S-box (the Poseidon2 scripts since 2023-06-23). */
  readonly sbox: number;
  /** Bit length of the field modulus. */
  readonly n: number;
  readonly t: number;
  readonly rF: number;
  readonly rP: number;
}

/** The 80 seed bits: each field MSB first, in the order and widths of the Poseidon scripts, then 30 ones. */
export function grainSeedBits(s: GrainSeedFields): Uint8Array {
  const fields: ReadonlyArray<readonly [number, number, string]> = [
    [s.field, 2, 'field'],
    [s.sbox, 4, 'sbox'],
    [s.n, 12, 'n'],
    [s.t, 12, 't'],
    [s.rF, 10, 'R_F'],
    [s.rP, 10, 'R_P'],
  ];
  const bits: number[] = [];
  for (const [value, width, name] of fields) {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** width) {
      throw new RangeError(`grainSeedBits: ${name} = ${value} does not fit in ${width} bits`);
    }
    for (let i = width - 1; i >= 0; i--) bits.push((value >> i) & 1);
  }
  while (bits.length < STATE_BITS) bits.push(1);
  return Uint8Array.from(bits);
}

export class GrainLfsr {
  /** Circular window: b_j is bits[(head + j) mod 80]. */
  private readonly bits: Uint8Array;
  private head = 0;

  constructor(seed: Uint8Array) {
    if (seed.length !== STATE_BITS || seed.some((b) => b > 1)) {
      throw new RangeError(`GrainLfsr: the seed must be ${STATE_BITS} bits (0/1 values)`);
    }
    this.bits = Uint8Array.from(seed);
    for (let i = 0; i < WARMUP_CLOCKS; i++) this.clock();
  }

  /** One LFSR step: the new bit is the XOR of the taps; it replaces b_0 at the end of the window. */
  private clock(): number {
    let bit = 0;
    for (const tap of TAPS) bit ^= this.bits[(this.head + tap) % STATE_BITS];
    this.bits[this.head] = bit;
    this.head = (this.head + 1) % STATE_BITS;
    return bit;
  }

  /** Self-shrinking output: clock pairs (a, b) and output b only when a = 1. */
  nextBit(): number {
    for (;;) {
      const a = this.clock();
      const b = this.clock();
      if (a === 1) return b;
    }
  }

  /** `n` output bits as an integer, the first bit most significant. */
  nextBits(n: number): bigint {
    let x = 0n;
    for (let i = 0; i < n; i++) x = (x << 1n) | BigInt(this.nextBit());
    return x;
  }

  /** A field element by rejection: 64-bit draws ≥ p are discarded whole (round constants). */
  nextFieldElement(n = 64): bigint {
    for (;;) {
      const x = this.nextBits(n);
      if (x < P) return x;
    }
  }

  /** A 64-bit draw reduced mod p, no rejection (how the HorizenLabs script draws internal diagonals). */
  nextReducedElement(n = 64): bigint {
    return this.nextBits(n) % P;
  }
}
