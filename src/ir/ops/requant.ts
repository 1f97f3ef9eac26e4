// Requant: the one rounding rule. q = clamp(floor((x·M_c + 2^(s−1)) / 2^s), lo, hi).
import * as K from '../kernels.js';
import { big, bigs, int, maxBig, minBig } from '../attrs.js';
import { absMax, refuse, sizeOf, type IrNode, type OpDef } from '../types.js';

function params(node: IrNode) {
  const mults = bigs(node, 'mults');
  const shift = int(node, 'shift');
  const inner = int(node, 'inner', 1);
  const lo = big(node, 'lo');
  const hi = big(node, 'hi');
  if (mults.length === 0 || mults.some((m) => m < 1n)) refuse(node, 'Requant multipliers must be positive');
  if (shift < 0 || shift > 62) refuse(node, `Requant shift ${shift} outside [0, 62]`);
  if (inner < 1) refuse(node, 'Requant inner must be ≥ 1');
  if (lo > hi) refuse(node, `Requant clamp [${lo}, ${hi}] is empty`);
  return { mults, shift, inner, lo, hi };
}

export const requantOp: OpDef = {
  op: 'Requant',
  semantics: 'q = clamp(floor((x·M_c + 2^(s−1)) / 2^s), lo, hi), M_c per channel c = (i / inner) mod #M (round half up)',
  proof: 'x·M + 2^(s−1) = q′·2^s + r with r range-checked in [0, 2^s) (lookup), clamp by selector + range checks of q′ − lo, hi − q′',
  infer(node, [x]) {
    const p = params(node);
    if (!x) refuse(node, 'Requant takes one input');
    const n = sizeOf(x.dims);
    if (p.mults.length > 1 && n % (p.mults.length * p.inner) !== 0) {
      refuse(node, `${p.mults.length} multipliers with inner ${p.inner} do not tile ${n} elements`);
    }
    const mMax = maxBig(...p.mults);
    const half = p.shift > 0 ? 1n << BigInt(p.shift - 1) : 0n;
    const bIn = absMax(x.lo, x.hi);
    const prod = bIn * mMax + half;
    const q = (prod >> BigInt(p.shift)) + 1n;
    // The output range from the multipliers' bit lengths only, not their values (private with
    // private weights; their magnitude follows from the public scales anyway): every
    // multiplier lies in [2^(b_min − 1), 2^b_max − 1], and the quotient is monotone in M.
    const mHi = (1n << BigInt(mMax.toString(2).length)) - 1n;
    const mLo = 1n << BigInt(minBig(...p.mults).toString(2).length - 1);
    const qLo = ((x.lo < 0n ? x.lo * mHi : x.lo * mLo) + half) >> BigInt(p.shift);
    const qHi = ((x.hi < 0n ? x.hi * mLo : x.hi * mHi) + half) >> BigInt(p.shift);
    const lo = qLo > p.lo ? (qLo < p.hi ? qLo : p.hi) : p.lo;
    const hi = qHi < p.hi ? (qHi > p.lo ? qHi : p.lo) : p.hi;
    return {
      outputs: [{ dims: x.dims, lo, hi }],
      bounds: { B_in: bIn, M: mMax, B_prod: prod, B_q: q, B_qshift: (q + 1n) << BigInt(p.shift) },
    };
  },
  execute(node, [x]) {
    const p = params(node);
    return [{ dims: x.dims, data: K.requant(x.data, BigInt64Array.from(p.mults), p.inner, p.shift, p.lo, p.hi) }];
  },
};
