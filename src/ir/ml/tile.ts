// Channel broadcast without arithmetic (no kernels): shared by the MlAffine executor and its
// layer protocol, which builds the same broadcast tables on the verifier side.

/** out[i] = v[(i / inner) mod |v|] for i < n. */
export function tile(v: BigInt64Array, inner: number, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const period = Math.min(n, v.length * inner);
  for (let ch = 0; ch * inner < period; ch++) out.fill(v[ch]!, ch * inner, Math.min(period, (ch + 1) * inner));
  for (let filled = period; filled < n; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, n - filled));
  return out;
}
