// MlAffine: an exact per-channel affine map out = x·A[c] + C[c], c = (i / inner) mod #A.
// The classic-ML Scaler lowers onto it (followed by one Requant), and so can any per-feature
// transform. A and C are weights (private) or public constants, as the lowering declares them.
import * as K from '../kernels.js';
import { int } from '../attrs.js';
import { absMax, refuse, sizeOf, type OpDef } from '../types.js';
import { tile } from './tile.js';

export const affineOp: OpDef = {
  op: 'MlAffine',
  semantics: 'out[i] = x[i]·A[c] + C[c] with c = (i / inner) mod |A| (exact, no rounding)',
  proof: 'sumcheck of eq(r, i)·x(i)·Â(i) plus Ĉ(r), with Â, Ĉ the channel vectors broadcast by a free index map',
  infer(node, inputs) {
    const [x, a, c] = inputs;
    if (!x || !a || !c || inputs.length !== 3) refuse(node, 'MlAffine takes x, A and C');
    const inner = int(node, 'inner', 1);
    const channels = sizeOf(a.dims);
    if (channels < 1 || sizeOf(c.dims) !== channels) refuse(node, `A has ${channels} channels and C ${sizeOf(c.dims)}`);
    if (inner < 1 || sizeOf(x.dims) % (channels * inner) !== 0) refuse(node, `${channels} channels with inner ${inner} do not tile ${sizeOf(x.dims)} elements`);
    const prods = [x.lo * a.lo, x.lo * a.hi, x.hi * a.lo, x.hi * a.hi];
    let pLo = prods[0]!;
    let pHi = prods[0]!;
    for (const p of prods) { if (p < pLo) pLo = p; if (p > pHi) pHi = p; }
    const bProd = absMax(x.lo, x.hi) * absMax(a.lo, a.hi);
    return {
      outputs: [{ dims: x.dims, lo: pLo + c.lo, hi: pHi + c.hi }],
      bounds: { B_product: bProd, B_out: bProd + absMax(c.lo, c.hi) },
    };
  },
  execute(node, [x, a, c]) {
    const inner = int(node, 'inner', 1);
    const n = x!.data.length;
    // Broadcast the channel vectors to x's length (block fills and doubling copies, no
    // arithmetic), then one multiply and one add in the int64 kernels; |terms| < p/2 < 2^63 by
    // the bounds above, so int64 cannot wrap.
    const prod = K.binary(x!.data, tile(a!.data, inner, n), 'mul');
    return [{ dims: x!.dims, data: K.weightedSum([prod, tile(c!.data, inner, n)], [1n, 1n], 0n, n) }];
  },
};
