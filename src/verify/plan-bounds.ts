// Tighter proven bounds for products with a public operand: |Σ_κ A[i,κ]·B[κ,j]| ≤ |A|_max ·
// max_j Σ_κ |B[κ,j]| when B is public (the column L1 norm, exact public data), instead of
// k·|A|_max·|B|_max. A trained layer's weights are far from all being at their maximum, so this
// is what lets wide layers (a 1352-input dense layer) keep their requantization terms below p/2.

/** Σ |x| over the strided entries, exact: Numbers while every partial sum is below 2^53. */
function l1(words: Int32Array, data: BigInt64Array, start: number, count: number, stride: number): bigint {
  let sum = 0;
  for (let t = 0, i = start; t < count; t++, i += stride) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    if (hi !== (lo < 0 ? -1 : 0) || sum > 2 ** 52) return l1Big(data, start, count, stride);
    sum += lo < 0 ? -lo : lo;
  }
  return BigInt(sum);
}

function l1Big(data: BigInt64Array, start: number, count: number, stride: number): bigint {
  let sum = 0n;
  for (let t = 0, i = start; t < count; t++, i += stride) sum += data[i] < 0n ? -data[i] : data[i];
  return sum;
}

/** max over (b, j) of Σ_κ |B[b, κ, j]| for a row-major [batch, k, n] tensor. */
export function maxColumnL1(data: BigInt64Array, batch: number, k: number, n: number): bigint {
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  let best = 0n;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      const s = l1(words, data, b * k * n + j, k, n);
      if (s > best) best = s;
    }
  }
  return best;
}

/** max over rows r of Σ_κ |A[r, κ]| for a row-major [rows, k] tensor. */
export function maxRowL1(data: BigInt64Array, rows: number, k: number): bigint {
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  let best = 0n;
  for (let r = 0; r < rows; r++) {
    const s = l1(words, data, r * k, k, 1);
    if (s > best) best = s;
  }
  return best;
}
