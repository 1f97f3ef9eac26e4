// Fixed-point building blocks for the classic-ML lowerings. (They deliberately do not import
// src/quant/lower/helpers.ts: that module imports the quantizer, which imports the ML lowering
// list, and src/ir/registry.ts reaches this folder through the same list — an import cycle.)
import { CompileError, FIELD_HALF, absMax, type LowerContext, type QuantValue } from '../../ir/types.js';

export function bigInts(xs: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (!Number.isSafeInteger(v)) throw new CompileError(`integer constant ${v} is not a safe integer`);
    out[i] = BigInt(v);
  }
  return out;
}

/** Emits a Gather with a public index table (out[i] = concat(sources)[idx[i]]). */
export function gatherIndex(ctx: LowerContext, sources: readonly string[], idx: ArrayLike<number>, outDims: readonly number[],
  step: string, scale: number): string {
  const table = ctx.addConstant(`${step}-index`, { dims: [idx.length], data: bigInts(idx) }, 'public');
  const [out] = ctx.emit('Gather', [...sources, table], { outDims: [...outDims], fill: 0n }, { step, scales: [scale] });
  return out!;
}

/**
 * Requantizes v to `outScale`, clamped to [lo, hi]: multiplier M and shift s with
 * M / 2^s ≈ v.scale / outScale, M as large as keeps B_in·M below 2^59 (the Requant proof takes
 * its terms below p/8, docs/protocol.md).
 */
export function requantToScale(ctx: LowerContext, v: QuantValue, outScale: number, step: string, lo: number, hi: number): QuantValue {
  const info = ctx.irInfo(v.ir);
  const bIn = absMax(info.lo, info.hi);
  const r = v.scale / outScale;
  if (!(r > 0) || !Number.isFinite(r)) throw new CompileError(`node ${ctx.node.name}: invalid rescale ratio ${r}`);
  const mCap = Number((2n ** 59n) / (bIn > 0n ? bIn : 1n));
  let shift = Math.floor(Math.log2(Math.min(mCap, 2 ** 40) / r));
  shift = Math.max(0, Math.min(62, shift));
  const m = BigInt(Math.max(1, Math.floor(r * 2 ** shift + 0.5)));
  if (m * bIn + (1n << BigInt(Math.max(0, shift - 1))) >= FIELD_HALF) {
    throw new CompileError(`node ${ctx.node.name}: requantization of a value bounded by ${bIn} does not fit below p/2`);
  }
  if (m < 16n && r < 1) throw new CompileError(`node ${ctx.node.name}: requantization multiplier ${m} too coarse for bound ${bIn}`);
  const [out] = ctx.emit('Requant', [v.ir], { mults: [m], shift, inner: 1, lo: BigInt(lo), hi: BigInt(hi) }, { step, scales: [outScale] });
  return { ir: out!, scale: outScale };
}

/** max |v| over an array, at least `floor` (a loop: spreading large arrays into Math.max overflows the stack). */
export function maxAbs(vs: ArrayLike<number>, floor = 0): number {
  let m = floor;
  for (let i = 0; i < vs.length; i++) {
    const a = Math.abs(vs[i]!);
    if (a > m) m = a;
  }
  return m;
}
