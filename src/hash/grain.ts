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

/** Clocks per refill of the output buffer (even: a self-shrinking pair never straddles two). */
const CHUNK_CLOCKS = 4096;

export class GrainLfsr {
  /**
   * The 80-bit window b_0 … b_79 = s_k … s_{k+79} of the LFSR's bit stream, then room for the
   * next clocks: s_{k+80} = s_k ⊕ s_{k+13} ⊕ s_{k+23} ⊕ s_{k+38} ⊕ s_{k+51} ⊕ s_{k+62}, each new
   * bit replacing b_0. Bits are clocked and self-shrunk CHUNK_CLOCKS at a time into `out`: a
   * call per bit cost ~50–100 ms at module load here, most of a process's first digest.
   */
  private readonly stream = new Uint8Array(STATE_BITS + CHUNK_CLOCKS);
  private readonly out = new Uint8Array(CHUNK_CLOCKS / 2);
  private outLen = 0;
  private outPos = 0;

  constructor(seed: Uint8Array) {
    if (seed.length !== STATE_BITS || seed.some((b) => b > 1)) {
      throw new RangeError(`GrainLfsr: the seed must be ${STATE_BITS} bits (0/1 values)`);
    }
    this.stream.set(seed);
    this.clock(WARMUP_CLOCKS);
    this.stream.copyWithin(0, WARMUP_CLOCKS, WARMUP_CLOCKS + STATE_BITS);
  }

  /** `count` ≤ CHUNK_CLOCKS clocks: their bits at stream[80 … 80 + count) (the caller then moves the window to the last 80 bits). */
  private clock(count: number): void {
    const s = this.stream;
    const [t0, t1, t2, t3, t4, t5] = TAPS;
    for (let k = 0; k < count; k++) s[k + STATE_BITS] = s[k + t0] ^ s[k + t1] ^ s[k + t2] ^ s[k + t3] ^ s[k + t4] ^ s[k + t5];
  }

  /** Self-shrinking output: clock pairs (a, b) and output b only when a = 1. */
  private refill(): void {
    const s = this.stream;
    this.clock(CHUNK_CLOCKS);
    let n = 0;
    for (let i = STATE_BITS; i < STATE_BITS + CHUNK_CLOCKS; i += 2) if (s[i] === 1) this.out[n++] = s[i + 1];
    s.copyWithin(0, CHUNK_CLOCKS, CHUNK_CLOCKS + STATE_BITS);
    this.outLen = n;
    this.outPos = 0;
  }

  nextBit(): number {
    if (this.outPos === this.outLen) this.refill();
    return this.out[this.outPos++];
  }

  /** `n` output bits as an integer, the first bit most significant (up to 30 bits per BigInt step). */
  nextBits(n: number): bigint {
    let x = 0n;
    for (let done = 0; done < n; ) {
      const m = Math.min(30, n - done);
      let word = 0;
      for (let i = 0; i < m; i++) {
        if (this.outPos === this.outLen) this.refill();
        word = (word << 1) | this.out[this.outPos++];
      }
      x = (x << BigInt(m)) | BigInt(word);
      done += m;
    }
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
