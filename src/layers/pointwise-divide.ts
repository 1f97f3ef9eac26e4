// Div, the IR's rounded division (src/ir/ops/divide.ts), as a pointwise relation.
//
// The executor computes out = floor((a·2^k + floor(b/2)) / b) for b ≥ 1 (round half up). Doubling
// removes floor(b/2): out = floor((2^(k+1)·a + b) / 2b) — equal for even b, and for odd b because
// 2^(k+1)·a + b is then odd, so 2b never divides it and adding or dropping the 1 of
// floor(b/2) = (b − 1)/2 cannot cross a multiple of 2b. With tensors 0 = q (out), 1 = a, 2 = b,
// 3 = r, 4 = u:
//   R1  2^(k+1)·a + b − 2·q·b − r = 0
//   R2  u − 2·b + I + r = 0                 (u = 2b − 1 − r)
//   r, u ∈ [0, 2^rb) with 2^rb ≥ 2·B_b;  q in its k_q-bit range (signed when it may be negative)
// Over the integers (every term below p/2, checked here) R2 with r, u ≥ 0 gives 0 ≤ r ≤ 2b − 1,
// hence b ≥ 1 whatever the divisor's own proven range, and R1 then says q is the quotient and r
// the remainder of 2^(k+1)·a + b by 2b: q = out exactly. The range check of q is what makes R1 an
// integer relation: without it, for any r ∈ [0, 2b) the field element (2^(k+1)a + b − r)/(2b)
// would satisfy R1. A private divisor needs no range check of its own (R2 bounds it below; its
// proven upper bound B_b sizes rb). On the zero padding every column is zero and I vanishes.
import { FIELD_HALF } from '../ir/types.js';
import type { PointwiseTerm } from './pointwise.js';
import { bitsFor, type Interval, type PointwiseOpSpec } from './pointwise-ops.js';

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const mag = (i: Interval): bigint => (abs(i.lo) > abs(i.hi) ? abs(i.lo) : abs(i.hi));
const term = (coeff: bigint, tensors: number[], indicator = false): PointwiseTerm => ({ coeff, tensors, ...(indicator ? { indicator } : {}) });

/** The quotient's range [lo, hi] (containing 0) for a ∈ a, b ≥ bLo ≥ 1, as src/ir/ops/divide.ts infers it. */
function quotientRange(a: Interval, bLo: bigint, k: number): Interval {
  const hi = a.hi > 0n ? (a.hi << BigInt(k)) / bLo + 1n : 0n;
  const lo = a.lo < 0n ? (a.lo << BigInt(k)) / bLo - 1n : 0n;
  return { lo, hi };
}

/** Attributes of an IR Div node that the layer proves: inner = 1 (a broadcast divisor is a Gather before it), half-up rounding. */
export interface DivideAttrs {
  readonly shift?: unknown;
  readonly inner?: unknown;
  readonly rounding?: unknown;
}

export function divideSpec(attrs: DivideAttrs, a: Interval, b: Interval): PointwiseOpSpec {
  const k = attrs.shift ?? 0;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > 62) throw new RangeError(`Div: shift ${String(k)} outside [0, 62]`);
  if ((attrs.inner ?? 1) !== 1) throw new RangeError(`Div: a divisor broadcast by inner = ${String(attrs.inner)} (the compiler lowers a broadcast divisor to a Gather)`);
  if ((attrs.rounding ?? 'half-up') !== 'half-up') throw new RangeError(`Div: rounding ${String(attrs.rounding)} (only half-up is proven)`);
  if (b.hi < 1n) throw new RangeError(`Div: the divisor is at most ${b.hi}, never ≥ 1`);
  const bLo = b.lo < 1n ? 1n : b.lo; // R2 proves b ≥ 1 in any case
  const q = quotientRange(a, bLo, k);
  const signed = q.lo < 0n;
  // a signed k_q-bit check covers [−2^(k_q−1), 2^(k_q−1)), an unsigned one [0, 2^k_q)
  const qBits = signed ? bitsFor(q.hi > -q.lo - 1n ? q.hi : -q.lo - 1n) + 1 : bitsFor(q.hi);
  const qMag = signed ? 1n << BigInt(qBits - 1) : (1n << BigInt(qBits)) - 1n;
  const rBits = bitsFor(2n * b.hi - 1n);
  const bMag = mag(b);
  const r1 = (mag(a) << BigInt(k + 1)) + bMag + 2n * qMag * bMag + (1n << BigInt(rBits));
  const r2 = (2n << BigInt(rBits)) + 2n * bMag + 1n;
  if (r1 >= FIELD_HALF || r2 >= FIELD_HALF) throw new RangeError('Div: relation terms reach p/2 under the proven ranges');
  const scale = 1n << BigInt(k + 1);
  return {
    helpers: ['r', 'u'],
    relations: [
      [term(scale, [1]), term(1n, [2]), term(-2n, [0, 2]), term(-1n, [3])],
      [term(1n, [4]), term(-2n, [2]), term(1n, [], true), term(1n, [3])],
    ],
    ranges: [{ tensors: [3, 4], bits: rBits }, { tensors: [0], bits: qBits, ...(signed ? { signed } : {}) }],
    out: q,
    witness: ([x, y], o) => {
      const r = new BigInt64Array(o.length);
      const u = new BigInt64Array(o.length);
      for (let i = 0; i < o.length; i++) {
        r[i] = scale * x[i] + y[i] - 2n * o[i] * y[i];
        u[i] = 2n * y[i] - 1n - r[i];
      }
      return [r, u];
    },
  };
}
