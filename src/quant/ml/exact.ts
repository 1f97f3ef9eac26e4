// Exact rational arithmetic on doubles, for compile-time decisions that must hold for every
// representable input: a float threshold t against integers X at scale s compares t / s, which
// is rarely a double; floor/ceil of it are computed exactly from the doubles' bits.

/** x = m · 2^e exactly, with m an integer (BigInt). */
export function decompose(x: number): { m: bigint; e: number } {
  if (!Number.isFinite(x)) throw new RangeError(`decompose: ${x} is not finite`);
  if (x === 0) return { m: 0n, e: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  // Normal: (2^52 + frac) · 2^(exp − 1075); subnormal: frac · 2^(−1074).
  return exp === 0 ? { m: sign * frac, e: -1074 } : { m: sign * ((1n << 52n) + frac), e: exp - 1075 };
}

/** t / s as an exact fraction num / den with den > 0 (s > 0). */
export function ratio(t: number, s: number): { num: bigint; den: bigint } {
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`ratio: scale ${s} must be positive and finite`);
  const a = decompose(t);
  const b = decompose(s);
  let num = a.m;
  let den = b.m;
  const e = a.e - b.e;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  return { num, den };
}

export function floorRatio(t: number, s: number): bigint {
  const { num, den } = ratio(t, s);
  const q = num / den; // truncates toward zero
  return num < 0n && q * den !== num ? q - 1n : q;
}

export function ceilRatio(t: number, s: number): bigint {
  const { num, den } = ratio(t, s);
  const q = num / den;
  return num > 0n && q * den !== num ? q + 1n : q;
}

/** t / s when it is an integer, else undefined. */
export function exactRatio(t: number, s: number): bigint | undefined {
  const { num, den } = ratio(t, s);
  return num % den === 0n ? num / den : undefined;
}

/** Round half up of t / s, exactly. */
export function roundRatio(t: number, s: number): bigint {
  const { num, den } = ratio(t, s);
  const n2 = 2n * num + den;
  const d2 = 2n * den;
  const q = n2 / d2;
  return n2 < 0n && q * d2 !== n2 ? q - 1n : q;
}
