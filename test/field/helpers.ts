// Deterministic random field data for the kernel tests, salted with edge values.
import * as F from '../../src/field/goldilocks.js';
import type { Fp2 } from '../../src/field/ext.js';

/** Values where reductions, carries and borrows change behaviour. */
export const EDGES: readonly bigint[] = [
  0n,
  1n,
  2n,
  7n,
  F.P - 1n,
  F.P - 2n,
  1n << 32n,
  (1n << 32n) - 1n,
  (1n << 32n) + 1n,
  F.P - (1n << 32n),
  F.P - (1n << 32n) - 1n,
  1n << 63n,
  (1n << 63n) - 1n,
  (1n << 63n) + 1n,
  (F.P - 1n) >> 1n,
  (F.P + 1n) >> 1n,
  1n << 31n,
  0xffffffffn << 16n,
  (1n << 48n) - 1n,
];

/** xorshift64* — reproducible across runs so a failure can be replayed. */
export class Rng {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
    this.s &= (1n << 64n) - 1n;
  }
  u64(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= (x << 25n) & ((1n << 64n) - 1n);
    x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & ((1n << 64n) - 1n);
  }
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }
  /** A canonical element: uniform, or (with probability edgeRate) an edge value. */
  fp(edgeRate = 0.25): bigint {
    if (this.int(1000) < edgeRate * 1000) return EDGES[this.int(EDGES.length)];
    return this.u64() % F.P;
  }
  fp2(edgeRate = 0.25): Fp2 {
    return [this.fp(edgeRate), this.fp(edgeRate)];
  }
  nonzero(edgeRate = 0.25): bigint {
    for (;;) {
      const x = this.fp(edgeRate);
      if (x !== 0n) return x;
    }
  }
  /** n words (a base vector of n, or an extension vector of n/2). */
  vec(n: number, edgeRate = 0.25): BigUint64Array {
    const v = new BigUint64Array(n);
    for (let i = 0; i < n; i++) v[i] = this.fp(edgeRate);
    return v;
  }
  /** n words with no zero element. */
  vecNonzero(n: number): BigUint64Array {
    const v = new BigUint64Array(n);
    for (let i = 0; i < n; i++) v[i] = this.nonzero();
    return v;
  }
}

/** Every word canonical: kernels must never return values ≥ p. */
export function allCanonical(v: BigUint64Array): boolean {
  return v.every((x) => x < F.P);
}
