// Division by a positive integer tensor and integer square root, both rounded half up.
import * as K from '../kernels.js';
import { int, str } from '../attrs.js';
import { absMax, refuse, sizeOf, type OpDef } from '../types.js';

export const divOp: OpDef = {
  op: 'Div',
  semantics: 'out = floor((a·2^k + floor(b/2)) / b) with b = den[(i / inner) mod |den|] ≥ 1 (round half up); rounding "trunc": (a·2^k) / b toward zero',
  proof: 'a·2^k + floor(b/2) = out·b + r with 0 ≤ r < b (range checks of r and b − 1 − r); trunc: a·2^k = out·b + r with |r| < b and r of the sign of a',
  infer(node, [a, den]) {
    const k = int(node, 'shift', 0);
    const inner = int(node, 'inner', 1);
    if (!a || !den) refuse(node, 'Div takes a numerator and a denominator');
    if (k < 0 || k > 62) refuse(node, `shift ${k} outside [0, 62]`);
    if (den.lo < 1n) refuse(node, `the denominator may be ${den.lo}; it must be ≥ 1 by its static bound`);
    const rounding = str(node, 'rounding', 'half-up');
    if (rounding !== 'half-up' && rounding !== 'trunc') refuse(node, `unknown rounding ${rounding}`);
    const nd = sizeOf(den.dims);
    if (sizeOf(a.dims) % (nd * inner) !== 0) refuse(node, `denominator of ${nd} with inner ${inner} does not tile the numerator`);
    const num = absMax(a.lo, a.hi) << BigInt(k);
    const bMax = den.hi;
    const qLo = (a.lo << BigInt(k)) / den.lo - 1n;
    const qHi = (a.hi << BigInt(k)) / den.lo + 1n;
    return {
      outputs: [{ dims: a.dims, lo: qLo < 0n ? qLo : 0n, hi: qHi > 0n ? qHi : 0n }],
      // out·b = a·2^k (+ floor(b/2)) − r with |r| < b, so |out·b| ≤ |a|·2^k + b.
      bounds: { B_num: num + bMax, B_den: bMax, B_q: (num / den.lo) + 1n, B_qden: num + bMax },
    };
  },
  execute(node, [a, den]) {
    const out = K.divide(a.data, den.data, int(node, 'inner', 1), int(node, 'shift', 0), str(node, 'rounding', 'half-up') === 'trunc');
    if (typeof out === 'number') refuse(node, `denominator ≤ 0 at element ${out} (bounds violated)`);
    return [{ dims: a.dims, data: out }];
  },
};

export const sqrtOp: OpDef = {
  op: 'Sqrt',
  semantics: 'out = round_half_up(sqrt(x)) for x ≥ 0: the s with s² − s < x ≤ s² + s',
  proof: 'range checks of x − (s² − s) − 1 and s² + s − x (lookup); s² by a product sumcheck',
  infer(node, [x]) {
    if (!x) refuse(node, 'Sqrt takes one input');
    if (x.lo < 0n) refuse(node, `input may be ${x.lo}; Sqrt needs x ≥ 0 by its static bound`);
    let s = 0n;
    let step = 1n << 32n;
    while (step > 0n) { if ((s + step) * (s + step) <= x.hi) s += step; step >>= 1n; }
    const hi = s + 1n;
    let lo = 0n;
    while ((lo + 1n) * (lo + 1n) <= x.lo) lo++;
    return { outputs: [{ dims: x.dims, lo, hi }], bounds: { B_in: x.hi, B_square: hi * hi + hi } };
  },
  execute(node, [x]) {
    const out = K.isqrt(x.data);
    if (typeof out === 'number') refuse(node, `negative input at element ${out} (bounds violated)`);
    return [{ dims: x.dims, data: out }];
  },
};
