// ONNX integer arithmetic wraps around: an int8/uint32/… Add, Sub, Mul or Neg result is the exact
// result reduced modulo 2^w into the type's range. The IR computes the exact result (below p/2 by
// its static bound) and, only where that bound leaves the type's range, reduces it with an exact
// floor division (a Requant with multiplier 1). A 32-bit product, whose exact value reaches 2^64
// (uint32) or 2^62 (int32), is computed from 16-bit limbs so that every term stays far below p/2.
import { FIELD_HALF, type LowerContext } from '../../ir/types.js';
import { refuseNode } from './helpers.js';

/** Width and signedness of the ONNX integer types. */
const INTEGER_TYPES: Readonly<Record<string, readonly [number, boolean]>> = {
  int8: [8, true], uint8: [8, false], int16: [16, true], uint16: [16, false],
  int32: [32, true], uint32: [32, false], int64: [64, true], uint64: [64, false],
};

/** The inclusive range of an ONNX integer type, or undefined for other types (bool, floats). */
export function integerTypeRange(dtype: string): [bigint, bigint] | undefined {
  const t = INTEGER_TYPES[dtype];
  if (!t) return undefined;
  const [w, signed] = t;
  const lo = signed ? -(1n << BigInt(w - 1)) : 0n;
  return [lo, lo + (1n << BigInt(w)) - 1n];
}

/** floor(a / b) for bigints (b > 0). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * floor((v − base) / 2^s) exactly: Requant with M = 1 rounds half up, so its input is
 * v − base − 2^(s−1). Its remainder range check proves the floor; the output bound is tight.
 */
function floorShift(ctx: LowerContext, v: string, base: bigint, s: number, step: string): string {
  const info = ctx.irInfo(v);
  const half = 1n << BigInt(s - 1);
  const [shifted] = ctx.emit('WeightedSum', [v], { coeffs: [1n], offset: -base - half }, { step: `${step}-offset`, scales: [1] });
  const d = 1n << BigInt(s);
  const lo = floorDiv(info.lo - base, d);
  const hi = floorDiv(info.hi - base, d);
  return ctx.emit('Requant', [shifted], { mults: [1n], shift: s, inner: 1, lo, hi }, { step: `${step}-floor`, scales: [1] })[0];
}

/**
 * An exact integer result (scale 1) as ONNX's value of `dtype`: unchanged when its static bound
 * lies in the type's range, else z = v − 2^w·floor((v − lo_T) / 2^w), which lies in [lo_T, hi_T]
 * (a Clip, the identity on those values, gives it that static bound).
 */
export function wrapToType(ctx: LowerContext, v: string, dtype: string, step: string): string {
  const range = integerTypeRange(dtype);
  if (!range) return v;
  const [tLo, tHi] = range;
  const info = ctx.irInfo(v);
  if (info.lo >= tLo && info.hi <= tHi) return v;
  const w = INTEGER_TYPES[dtype][0];
  if (tHi >= FIELD_HALF) {
    refuseNode(ctx, `the ${dtype} result may leave the type's range (static bound [${info.lo}, ${info.hi}]); ONNX wraps it modulo 2^${w}, to values beyond p/2 that no IR value holds`);
  }
  const q = floorShift(ctx, v, tLo, w, `${step}-wrap`);
  const [z] = ctx.emit('WeightedSum', [v, q], { coeffs: [1n, -(1n << BigInt(w))], offset: 0n }, { step: `${step}-mod`, scales: [1] });
  return ctx.emit('Clip', [z], { lo: tLo, hi: tHi }, { step: `${step}-range`, scales: [1] })[0];
}

/**
 * (a·b) mod 2^32 for a, b ∈ [0, 2^32) from 16-bit limbs: a = a1·2^16 + a0, b likewise, and
 * a·b ≡ a0·b0 + 2^16·(a1·b0 + a0·b1) (mod 2^32), a sum below 2^50. Returns that sum (scale 1),
 * to be wrapped by `wrapToType`.
 */
export function productFromLimbs(ctx: LowerContext, a: string, b: string): string {
  const limbs = (v: string, name: string): [string, string] => {
    const hi = floorShift(ctx, v, 0n, 16, `${name}-hi`);
    const [rest] = ctx.emit('WeightedSum', [v, hi], { coeffs: [1n, -(1n << 16n)], offset: 0n }, { step: `${name}-rest`, scales: [1] });
    const [lo] = ctx.emit('Clip', [rest], { lo: 0n, hi: (1n << 16n) - 1n }, { step: `${name}-lo`, scales: [1] });
    return [lo, hi];
  };
  const [a0, a1] = limbs(a, 'a');
  const [b0, b1] = limbs(b, 'b');
  const [p00] = ctx.emit('Mul', [a0, b0], {}, { step: 'mul-lo-lo', scales: [1] });
  const [p10] = ctx.emit('Mul', [a1, b0], {}, { step: 'mul-hi-lo', scales: [1] });
  const [p01] = ctx.emit('Mul', [a0, b1], {}, { step: 'mul-lo-hi', scales: [1] });
  const [t] = ctx.emit('WeightedSum', [p00, p10, p01], { coeffs: [1n, 1n << 16n, 1n << 16n], offset: 0n }, { step: 'mul-limbs', scales: [1] });
  return t;
}
