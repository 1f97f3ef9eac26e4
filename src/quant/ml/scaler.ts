// ai.onnx.ml Scaler: y = (x − offset[c]) · scale[c] per feature c (the last axis).
// Integer semantics: one exact per-channel affine map followed by one rounding shift,
//   acc = X·A_c + C_c,  Y = clamp(floor((acc + 2^(k−1)) / 2^k), ±qmax_f)
// with A_c = round(2^k · s_x·scale_c / s_y), C_c = round(−2^k · offset_c·scale_c / s_y), s_y the
// output scale (twice the calibrated range over qmax_f, so the clamp is a safety net, not a
// rounding rule), k as large as keeps |X|·|A| + |C| below 2^59 (the requantization proof needs
// its input below p/8, docs/protocol.md Requant).
import { absMax, sizeOf, type Lowering } from '../../ir/types.js';
import { bigInts as bigArray, maxAbs } from './fixed.js';
import { floatsAttr } from './attrs.js';
import { featureQmax, refuseMl } from './emit.js';

export const scalerLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'Scaler',
  lower(ctx) {
    const node = ctx.node;
    const x = ctx.input(node.inputs[0]!);
    const info = ctx.irInfo(x.ir);
    const channels = info.dims.length === 0 ? 1 : info.dims[info.dims.length - 1]!;
    const expand = (v: number[] | undefined, fallback: number, what: string): number[] => {
      const list = v === undefined || v.length === 0 ? [fallback] : v;
      if (list.length === 1) return new Array<number>(channels).fill(list[0]!);
      if (list.length !== channels) refuseMl(ctx, `${what} has ${list.length} values for ${channels} features`);
      return list;
    };
    const offset = expand(floatsAttr(node, 'offset'), 0, 'offset');
    const scale = expand(floatsAttr(node, 'scale'), 1, 'scale');
    if (![...offset, ...scale].every(Number.isFinite)) refuseMl(ctx, 'offset and scale must be finite');

    const qf = featureQmax(ctx);
    const r = ctx.range(node.outputs[0]!);
    const m = Math.max(Math.abs(r.min), Math.abs(r.max));
    const sOut = m > 0 && Number.isFinite(m) ? (2 * m) / qf : 1 / qf;

    // Real multipliers and offsets in output units, then the largest shift k that keeps
    // |X|·|A| + |C| below 2^59.
    const a = scale.map((s) => (x.scale * s) / sOut);
    const c = offset.map((o, i) => (-o * scale[i]!) / sOut);
    const bX = Number(absMax(info.lo, info.hi));
    const need = maxAbs(a) * bX + maxAbs(c) + 1;
    // … and keeps A and C below 2^52, so they are exact doubles before they become integers.
    const largest = Math.max(maxAbs(a), maxAbs(c), 2 ** -62);
    const k = Math.max(0, Math.min(62, Math.floor(Math.log2(2 ** 59 / need)), Math.floor(Math.log2(2 ** 52 / largest))));
    const A = a.map((v) => Math.floor(v * 2 ** k + 0.5));
    const C = c.map((v) => Math.floor(v * 2 ** k + 0.5));
    if (![...A, ...C].every(Number.isSafeInteger)) refuseMl(ctx, 'scaler multipliers do not fit 2^53; the feature scales are too far apart');
    const bound = (vs: number[]): bigint => BigInt(maxAbs(vs, 1));
    const aIr = ctx.addConstant('scale', { dims: [channels], data: bigArray(A) }, 'weight', -bound(A), bound(A));
    const cIr = ctx.addConstant('offset', { dims: [channels], data: bigArray(C) }, 'weight', -bound(C), bound(C));
    const [acc] = ctx.emit('MlAffine', [x.ir, aIr, cIr], { inner: 1 }, { step: 'affine', scales: [sOut / 2 ** k] });
    const [y] = ctx.emit('Requant', [acc!], { mults: [1n], shift: k, inner: 1, lo: BigInt(-qf), hi: BigInt(qf) }, { step: 'round', scales: [sOut] });
    void sizeOf;
    ctx.define(node.outputs[0]!, { ir: y!, scale: sOut });
  },
};
