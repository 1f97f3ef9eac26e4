// Signed limbs: an integer x = Σ_j 2^(w·j)·d_j with digits d_j ∈ [−2^(w−1), 2^(w−1)). The
// private parameters of a model are committed and fingerprinted as w-bit limbs (w = the model's
// precision; src/verify/private-weights.ts), so the compiler sizes requantization multipliers by
// what a whole number of limbs can hold (src/quant/lower/helpers.ts).

/** The largest magnitude L signed w-bit limbs reach: Σ_j 2^(w·j)·2^(w−1). */
export function limbBound(bits: number, limbs: number): bigint {
  let b = 0n;
  for (let j = 0; j < limbs; j++) b += 1n << BigInt(bits * j + bits - 1);
  return b;
}

/** The largest positive value L limbs represent: Σ_j 2^(w·j)·(2^(w−1) − 1). */
export function limbMax(bits: number, limbs: number): bigint {
  let b = 0n;
  for (let j = 0; j < limbs; j++) b += ((1n << BigInt(bits - 1)) - 1n) << BigInt(bits * j);
  return b;
}

/** Signed w-bit digits of x, least significant first (exactly `limbs` of them). */
export function toLimbs(x: bigint, bits: number, limbs: number): bigint[] {
  const base = 1n << BigInt(bits);
  const half = base >> 1n;
  const out: bigint[] = [];
  let rest = x;
  for (let j = 0; j < limbs; j++) {
    const d = (((rest + half) % base) + base) % base - half;
    out.push(d);
    rest = (rest - d) / base;
  }
  if (rest !== 0n) throw new RangeError(`private weights: ${x} does not fit ${limbs} limbs of ${bits} bits`);
  return out;
}

/** The fewest limbs whose digits represent every integer of [lo, hi]. */
export function limbsFor(bits: number, lo: bigint, hi: bigint): number {
  let l = 1;
  while (hi > limbMax(bits, l) || lo < -limbBound(bits, l)) l++;
  return l;
}

