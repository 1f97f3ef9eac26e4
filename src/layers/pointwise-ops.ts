// The relations of each pointwise IR op (proven by pointwise.ts), the helper columns the prover
// commits for them, their range checks, and the output range they prove.
//
// Tensor order of every op: 0 = out, 1.. = the node's inputs, then the helper columns. Unless
// noted, range checks are unsigned: a column in [0, 2^bits). With the term bounds checked here
// (Σ |terms| < p/2 under the proven input ranges) each field relation is the integer relation.
//   Mul      out − a·b = 0
//   Max      d1 − out + a = 0, d2 − out + b = 0, d1·d2 = 0; d1, d2 ≥ 0   (Min: d = a − out, b − out)
//            ⇒ out ≥ a, out ≥ b, out ∈ {a, b}: out = max(a, b)
//   Compare  u < v + t (less: u = a, v = b, t = 0; lessOrEqual: t = 1; greater/greaterOrEqual swap):
//            c² − c = 0, e − (2c − 1)(v + t − u) + c = 0, e ≥ 0
//            ⇒ c = 1: v + t − u ≥ 1; c = 0: u − v − t ≥ 0
//   equal    (a − b)·w − I + c = 0, (a − b)·c = 0 (w: a field inverse, not an integer)
//            ⇒ a ≠ b: c = 0; a = b: c = 1 (on unpadded entries)
//   and/or/xor of inputs proven boolean: out − a·b, out − a − b + a·b, out − a − b + 2a·b
//   Where    out − c·a − b + c·b = 0, c proven boolean
//   Sqrt     u1 − x + s² − s + I = 0, u2 − s² − s + x = 0; u1, u2, s ≥ 0; x ≥ 1 proven
//            ⇒ s² − s < x ≤ s² + s with s ≥ 0: s = round_half_up(√x)
//   Div      2^(k+1)·a + b − 2q·b − r = 0, u − 2b + I + r = 0; r, u ≥ 0, q range-checked
//            ⇒ 0 ≤ r < 2b: q = floor((a·2^k + floor(b/2)) / b)   (pointwise-divide.ts)
// Every relation holds on the zero padding with zero helper columns (I vanishes there).
import * as F from '../field/goldilocks.js';
import { FIELD_HALF } from '../ir/types.js';
import type { PointwiseTerm } from './pointwise.js';
import { divideSpec, type DivideAttrs } from './pointwise-divide.js';

export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

export interface PointwiseOpSpec {
  /** Helper columns (committed after out and the inputs). */
  readonly helpers: readonly string[];
  readonly relations: readonly (readonly PointwiseTerm[])[];
  /** Range checks [0, 2^bits) (signed: [−2^(bits−1), 2^(bits−1))) of tensors by index (helpers, or out). */
  readonly ranges: readonly { readonly tensors: readonly number[]; readonly bits: number; readonly signed?: boolean }[];
  /** The range of out that the relations and range checks prove. */
  readonly out: Interval;
  /** The helper columns from the inputs and the output (prover side, unpadded entries). */
  witness(inputs: readonly BigInt64Array[], out: BigInt64Array): BigInt64Array[];
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const mag = (i: Interval): bigint => (abs(i.lo) > abs(i.hi) ? abs(i.lo) : abs(i.hi));
const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a < b ? a : b));
const max = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a > b ? a : b));

/** The smallest k with x < 2^k (k ≥ 1). */
export function bitsFor(x: bigint): number {
  let k = 1;
  while (1n << BigInt(k) <= x) k++;
  return k;
}

const term = (coeff: bigint, tensors: number[], indicator = false): PointwiseTerm => ({ coeff, tensors, ...(indicator ? { indicator } : {}) });

function fits(what: string, bound: bigint): void {
  if (bound >= FIELD_HALF) throw new RangeError(`${what}: relation terms reach p/2 under the proven ranges`);
}

function map(n: number, f: (i: number) => bigint): BigInt64Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

function mulSpec(a: Interval, b: Interval, square: boolean): PointwiseOpSpec {
  const cands = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  const out = { lo: square ? 0n : min(...cands), hi: max(...cands) };
  fits('Mul', 2n * mag(a) * mag(b));
  return { helpers: [], relations: [[term(1n, [0]), term(-1n, [1, 2])]], ranges: [], out, witness: () => [] };
}

function extremumSpec(isMax: boolean, a: Interval, b: Interval): PointwiseOpSpec {
  const out = isMax ? { lo: max(a.lo, b.lo), hi: max(a.hi, b.hi) } : { lo: min(a.lo, b.lo), hi: min(a.hi, b.hi) };
  const bits = bitsFor(max(a.hi, b.hi) - min(a.lo, b.lo));
  fits(isMax ? 'Max' : 'Min', (1n << BigInt(bits)) + mag(out) + mag(a) + mag(b));
  const s = isMax ? 1n : -1n; // d = s·(out − x)
  return {
    helpers: ['d1', 'd2'],
    relations: [[term(1n, [3]), term(-s, [0]), term(s, [1])], [term(1n, [4]), term(-s, [0]), term(s, [2])], [term(1n, [3, 4])]],
    ranges: [{ tensors: [3, 4], bits }],
    out,
    witness: ([x, y], o) => [map(o.length, (i) => s * (o[i] - x[i])), map(o.length, (i) => s * (o[i] - y[i]))],
  };
}

function orderSpec(mode: string, a: Interval, b: Interval): PointwiseOpSpec {
  // c = [u < v + t]
  const swap = mode === 'greater' || mode === 'greaterOrEqual';
  const t = mode === 'lessOrEqual' || mode === 'greaterOrEqual' ? 1n : 0n;
  const [u, v] = swap ? [2, 1] : [1, 2];
  const [iu, iv] = swap ? [b, a] : [a, b];
  const bits = bitsFor(mag(iu) + mag(iv) + 1n);
  fits(`Compare ${mode}`, (1n << BigInt(bits)) + 3n * (mag(iu) + mag(iv)) + 2n * t + 2n);
  const e = 3;
  return {
    helpers: ['e'],
    relations: [
      [term(1n, [0, 0]), term(-1n, [0])],
      [term(1n, [e]), term(-2n, [0, v]), term(-2n * t, [0], true), term(2n, [0, u]), term(1n, [v]), term(t, [], true), term(-1n, [u]), term(1n, [0])],
    ],
    ranges: [{ tensors: [e], bits }],
    out: { lo: 0n, hi: 1n },
    witness: (ins, c) => {
      const [xu, xv] = [ins[u - 1], ins[v - 1]];
      return [map(c.length, (i) => (2n * c[i] - 1n) * (xv[i] + t - xu[i]) - c[i])];
    },
  };
}

function equalSpec(a: Interval, b: Interval): PointwiseOpSpec {
  if (mag(a) + mag(b) >= FIELD_HALF) throw new RangeError('Compare equal: |a − b| reaches p/2');
  return {
    helpers: ['w'],
    relations: [
      [term(1n, [1, 3]), term(-1n, [2, 3]), term(-1n, [], true), term(1n, [0])],
      [term(1n, [1, 0]), term(-1n, [2, 0])],
    ],
    ranges: [],
    out: { lo: 0n, hi: 1n },
    witness: ([x, y]) => [map(x.length, (i) => (x[i] === y[i] ? 0n : F.toSigned(F.inv(F.fromBigInt(x[i] - y[i])))))],
  };
}

function logicSpec(mode: string, a: Interval, b: Interval): PointwiseOpSpec {
  if (a.lo < 0n || a.hi > 1n || b.lo < 0n || b.hi > 1n) throw new RangeError(`Compare ${mode}: inputs are not proven boolean`);
  const ab = mode === 'and' ? -1n : mode === 'or' ? 1n : 2n;
  const lin = mode === 'and' ? [] : [term(-1n, [1]), term(-1n, [2])];
  return { helpers: [], relations: [[term(1n, [0]), ...lin, term(ab, [1, 2])]], ranges: [], out: { lo: 0n, hi: 1n }, witness: () => [] };
}

function whereSpec(c: Interval, a: Interval, b: Interval): PointwiseOpSpec {
  if (c.lo < 0n || c.hi > 1n) throw new RangeError('Where: the condition is not proven boolean');
  fits('Where', 2n * (mag(a) + mag(b)));
  return {
    helpers: [],
    relations: [[term(1n, [0]), term(-1n, [1, 2]), term(-1n, [3]), term(1n, [1, 3])]],
    ranges: [],
    out: { lo: min(a.lo, b.lo), hi: max(a.hi, b.hi) },
    witness: () => [],
  };
}

function sqrtSpec(x: Interval): PointwiseOpSpec {
  if (x.lo < 1n) throw new RangeError(`Sqrt: the input is not proven ≥ 1 (proven lower bound ${x.lo})`);
  let s = 0n;
  while ((s + 1n) * (s + 1n) <= x.hi) s++;
  const sHi = s + 1n;
  // u2 ≥ 0 gives s² + s ≥ x ≥ x.lo: the least such s ≥ 0 is the proven lower bound
  let sLo = 0n;
  for (let step = sHi; step > 0n; step >>= 1n) while (sLo + step <= sHi && (sLo + step - 1n) * (sLo + step) < x.lo) sLo += step;
  const bits = bitsFor(2n * sHi + 1n);
  fits('Sqrt', (1n << BigInt(2 * bits)) + (1n << BigInt(bits + 1)) + x.hi + 1n);
  return {
    helpers: ['u1', 'u2'],
    relations: [
      [term(1n, [2]), term(-1n, [1]), term(1n, [0, 0]), term(-1n, [0]), term(1n, [], true)],
      [term(1n, [3]), term(-1n, [0, 0]), term(-1n, [0]), term(1n, [1])],
    ],
    ranges: [{ tensors: [0, 2, 3], bits }],
    out: { lo: sLo, hi: sHi },
    witness: ([v], o) => [map(o.length, (i) => v[i] - o[i] * o[i] + o[i] - 1n), map(o.length, (i) => o[i] * o[i] + o[i] - v[i])],
  };
}

/**
 * The spec of a pointwise op over inputs with the given proven ranges; `same` says the two
 * inputs are one tensor (a square); `attrs`: the node's attributes (Div reads its shift).
 * Throws RangeError when the op or its bounds are not proven.
 */
export function pointwiseOpSpec(op: string, mode: string | undefined, inputs: readonly Interval[], same: boolean, attrs: DivideAttrs = {}): PointwiseOpSpec {
  const [a, b, c] = inputs;
  switch (op) {
    case 'Mul':
      return mulSpec(a, b, same);
    case 'Max':
    case 'Min':
      return extremumSpec(op === 'Max', a, b);
    case 'Compare':
      if (mode === 'equal') return equalSpec(a, b);
      if (mode === 'and' || mode === 'or' || mode === 'xor') return logicSpec(mode, a, b);
      if (mode === 'less' || mode === 'greater' || mode === 'lessOrEqual' || mode === 'greaterOrEqual') return orderSpec(mode, a, b);
      throw new RangeError(`Compare: mode ${String(mode)}`);
    case 'Where':
      return whereSpec(a, b, c);
    case 'Sqrt':
      return sqrtSpec(a);
    case 'Div':
      return divideSpec(attrs, a, b);
    default:
      throw new RangeError(`pointwise: op ${op}`);
  }
}

/** The IR ops proven by the pointwise layer. */
export const POINTWISE_OPS: readonly string[] = ['Mul', 'Max', 'Min', 'Compare', 'Where', 'Sqrt', 'Div'];
