// ai.onnx.ml Normalizer: each row divided by its MAX, L1 (Σ|x|) or L2 (sqrt Σx²) norm; a row
// whose norm is 0 is passed through (onnxruntime). Integer semantics, row norm D ≥ 0:
//   Y = floor((X · 2^16 + floor(D'/2)) / D'),  D' = max(D, 1),  output scale 2^−16.
// The ratio X / D is scale-free, so no scales enter. A zero norm means a zero row (L1, L2, and
// MAX of inputs non-negative by their bound); with D' = 1 it maps to zero as in float. MAX of
// inputs that may be negative: see signedMax below.
// L2: D = round(sqrt(Σ X²)) by the core Sqrt (round half up, so |D − √Σ| ≤ 1/2), on X
// requantized to at most 2^20 so that Σ X² stays far below p/2.
import { absMax, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { gatherIndex, requantToScale } from './fixed.js';
import { stringAttr } from './attrs.js';
import { PROB_FRACTION_BITS, asRows, filled, refuseMl, reshape } from './emit.js';

/** Requantizes v (per tensor) so that its static bound is at most 2^bits − 1, if it is wider. */
function narrow(ctx: LowerContext, v: QuantValue, bits: number, step: string): QuantValue {
  const info = ctx.irInfo(v.ir);
  const b = absMax(info.lo, info.hi);
  const cap = 2 ** bits - 1;
  if (b <= BigInt(cap)) return v;
  const outScale = (v.scale * Number(b)) / cap;
  return requantToScale(ctx, v, outScale, step, -cap, cap);
}

export const normalizerLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'Normalizer',
  lower(ctx) {
    const node = ctx.node;
    const norm = stringAttr(node, 'norm', 'MAX');
    const original = ctx.input(node.inputs[0]!);
    const origDims = ctx.irInfo(original.ir).dims;
    const rows = asRows(ctx, original, 'rows');
    const { n, f } = rows;
    const x = narrow(ctx, rows.value, norm === 'L2' ? 20 : 40, 'narrow');
    let d: string;
    if (norm === 'L1') {
      const [neg] = ctx.emit('WeightedSum', [x.ir], { coeffs: [-1n], offset: 0n }, { step: 'neg', scales: [x.scale] });
      const [abs] = ctx.emit('Max', [x.ir, neg!], {}, { step: 'abs', scales: [x.scale] });
      [d] = ctx.emit('Reduce', [abs!], { axis: 1, mode: 'sum' }, { step: 'norm', scales: [x.scale] }) as [string];
    } else if (norm === 'L2') {
      const [sq] = ctx.emit('Mul', [x.ir, x.ir], {}, { step: 'square', scales: [x.scale * x.scale] });
      const [ss] = ctx.emit('Reduce', [sq!], { axis: 1, mode: 'sum' }, { step: 'sumsq', scales: [x.scale * x.scale] });
      [d] = ctx.emit('Sqrt', [ss!], {}, { step: 'norm', scales: [x.scale] }) as [string];
    } else if (norm === 'MAX') {
      if (ctx.irInfo(x.ir).lo < 0n) {
        ctx.define(node.outputs[0]!, signedMax(ctx, x, n, f, origDims));
        return;
      }
      [d] = ctx.emit('Reduce', [x.ir], { axis: 1, mode: 'max' }, { step: 'norm', scales: [x.scale] }) as [string];
    } else {
      refuseMl(ctx, `unknown norm ${norm} (MAX, L1, L2)`);
    }
    const one = filled(ctx, 'one', [n], 1n);
    const [den] = ctx.emit('Max', [d, one], {}, { step: 'den', scales: [x.scale] });
    const outScale = 2 ** -PROB_FRACTION_BITS;
    const [y] = ctx.emit('Div', [x.ir, perRow(ctx, den!, n, f, 'den-rows', x.scale)], { shift: PROB_FRACTION_BITS, inner: 1 }, { step: 'divide', scales: [outScale] });
    let out: QuantValue = { ir: y!, scale: outScale };
    if (origDims.length === 1) out = reshape(ctx, out, origDims, 'unrows');
    ctx.define(node.outputs[0]!, out);
  },
};

/** A per-row value [n] broadcast over the row's f entries [n, f] (a Gather: the Div layer reads its divisor entry by entry). */
function perRow(ctx: LowerContext, v: string, n: number, f: number, step: string, scale: number): string {
  const rows = new Array<number>(n * f);
  for (let r = 0; r < n; r++) for (let j = 0; j < f; j++) rows[r * f + j] = r;
  return gatherIndex(ctx, [v], rows, [n, f], step, scale);
}

/**
 * Normalizer MAX for inputs that may be negative, as onnxruntime: y = x / m with m the row
 * maximum (signed: a negative maximum flips the signs), and y = x unscaled when m = 0.
 * Integer: q = Div(X, max(|M|, 1)) at 2^−16; y = M < 0 ? −q : q; y = X (requantized to 2^−16,
 * clamped to ±2^46) where M = 0. The selections are Where on Compare bits broadcast per row.
 */
function signedMax(ctx: LowerContext, x: QuantValue, n: number, f: number, origDims: readonly number[]): QuantValue {
  const outScale = 2 ** -PROB_FRACTION_BITS;
  const [m] = ctx.emit('Reduce', [x.ir], { axis: 1, mode: 'max' }, { step: 'norm', scales: [x.scale] });
  const [negM] = ctx.emit('WeightedSum', [m!], { coeffs: [-1n], offset: 0n }, { step: 'neg-norm', scales: [x.scale] });
  const [absM] = ctx.emit('Max', [m!, negM!], {}, { step: 'abs-norm', scales: [x.scale] });
  const [den] = ctx.emit('Max', [absM!, filled(ctx, 'one', [n], 1n)], {}, { step: 'den', scales: [x.scale] });
  const [q] = ctx.emit('Div', [x.ir, perRow(ctx, den!, n, f, 'den-rows', x.scale)], { shift: PROB_FRACTION_BITS, inner: 1 }, { step: 'divide', scales: [outScale] });
  const [negQ] = ctx.emit('WeightedSum', [q!], { coeffs: [-1n], offset: 0n }, { step: 'neg-quotient', scales: [outScale] });
  const zeros = filled(ctx, 'zero', [n], 0n);
  const [isNeg] = ctx.emit('Compare', [m!, zeros], { mode: 'less' }, { step: 'negative', scales: [1] });
  const [isZero] = ctx.emit('Compare', [m!, zeros], { mode: 'equal' }, { step: 'zero', scales: [1] });
  const negB = perRow(ctx, isNeg!, n, f, 'negative-rows', 1);
  const zeroB = perRow(ctx, isZero!, n, f, 'zero-rows', 1);
  const [signed] = ctx.emit('Where', [negB, negQ!, q!], {}, { step: 'sign', scales: [outScale] });
  const cap = 2 ** 46;
  const passed = requantToScale(ctx, x, outScale, 'pass-through', -cap, cap);
  const [y] = ctx.emit('Where', [zeroB, passed.ir, signed!], {}, { step: 'select', scales: [outScale] });
  let out: QuantValue = { ir: y!, scale: outScale };
  if (origDims.length === 1) out = reshape(ctx, out, origDims, 'unrows');
  return out;
}
