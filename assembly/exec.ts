// Exact int64 kernels of the integer executor (src/ir/kernels.ts drives them).
//
// Every pointer is a byte offset into linear memory that the JS side manages (a bump region reset
// per op); values are signed 64-bit integers (i64), indices are i64 too. The compiler's static
// bounds guarantee that no product or sum here exceeds p/2 < 2^63, so i64 arithmetic is exact;
// kernels never saturate or wrap on purpose. Division rounds as the IR specifies: floor, and
// round half up as floor((x + 2^(s−1)) / 2^s).

export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): i64 {
  return load<i64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: i64): void {
  store<i64>(p + (<usize>i << 3), v);
}

/** floor(a / b) for b > 0. */
// @ts-ignore: decorator
@inline function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return select<i64>(q - 1, q, a % b != 0 && a < 0);
}

/**
 * Batched matrix product with int64 accumulation: out[o] = A[o % batchA] · B[o % batchB] (+ bias),
 * A is M×K, B is K×N, out is M×N, row-major. biasMode 0: none, 1: bias[j] per column j, 2: bias[(o mod batchA)·m + i] per row i (grouped convolutions).
 */
export function matmul(a: usize, b: usize, bias: usize, out: usize, batch: i32, batchA: i32, batchB: i32,
  m: i32, k: i32, n: i32, biasMode: i32): void {
  for (let o = 0; o < batch; o++) {
    const pa = a + (<usize>((o % batchA) * m * k) << 3);
    const pb = b + (<usize>((o % batchB) * k * n) << 3);
    const po = out + (<usize>(o * m * n) << 3);
    for (let i = 0; i < m; i++) {
      const row = po + (<usize>(i * n) << 3);
      const init: i64 = biasMode == 2 ? ld(bias, (o % batchA) * m + i) : 0;
      for (let j = 0; j < n; j++) st(row, j, biasMode == 1 ? ld(bias, j) : init);
      for (let t = 0; t < k; t++) {
        const av = ld(pa, i * k + t);
        if (av == 0) continue;
        const brow = pb + (<usize>(t * n) << 3);
        for (let j = 0; j < n; j++) st(row, j, ld(row, j) + av * ld(brow, j));
      }
    }
  }
}

/**
 * Requantization: q = clamp(floor((x·M_c + 2^(s−1)) / 2^s), lo, hi) where c = (i / inner) % nMult
 * picks the per-channel multiplier. shift 0 means no rounding term.
 */
export function requant(x: usize, out: usize, n: i32, mults: usize, nMult: i32, inner: i32, shift: i32, lo: i64, hi: i64): void {
  const half: i64 = shift > 0 ? (<i64>1) << (shift - 1) : 0;
  const s = <i64>shift;
  for (let i = 0; i < n; i++) {
    const mult = ld(mults, (i / inner) % nMult);
    let q = (ld(x, i) * mult + half) >> s; // arithmetic shift = floor division by 2^s
    q = select<i64>(lo, q, q < lo);
    q = select<i64>(hi, q, q > hi);
    st(out, i, q);
  }
}

/** Table lookup: out[i] = table[x[i] − lo]. Returns the first index whose input is outside the table, or −1. */
export function lookup(x: usize, out: usize, n: i32, table: usize, lo: i64, size: i32): i32 {
  for (let i = 0; i < n; i++) {
    const j = ld(x, i) - lo;
    if (j < 0 || j >= <i64>size) return i;
    st(out, i, ld(table, <i32>j));
  }
  return -1;
}

/** Index map: out[i] = src[idx[i]], or fill where idx[i] < 0. */
export function gather(src: usize, idx: usize, out: usize, n: i32, fill: i64): void {
  for (let i = 0; i < n; i++) {
    const j = ld(idx, i);
    st(out, i, j < 0 ? fill : ld(src, <i32>j));
  }
}

/** out[i] += c · x[i]. */
export function axpy(out: usize, x: usize, c: i64, n: i32): void {
  for (let i = 0; i < n; i++) st(out, i, ld(out, i) + c * ld(x, i));
}

/** out[i] = c (fills). */
export function fill(out: usize, c: i64, n: i32): void {
  for (let i = 0; i < n; i++) st(out, i, c);
}

/** Elementwise binary ops. mode 0: a·b, 1: max, 2: min, 3: a<b, 4: a>b, 5: a==b, 6: a<=b, 7: a>=b, 8: and, 9: or, 10: xor. */
export function binary(a: usize, b: usize, out: usize, n: i32, mode: i32): void {
  for (let i = 0; i < n; i++) {
    const x = ld(a, i);
    const y = ld(b, i);
    let r: i64 = 0;
    switch (mode) {
      case 0: r = x * y; break;
      case 1: r = x > y ? x : y; break;
      case 2: r = x < y ? x : y; break;
      case 3: r = <i64>(x < y); break;
      case 4: r = <i64>(x > y); break;
      case 5: r = <i64>(x == y); break;
      case 6: r = <i64>(x <= y); break;
      case 7: r = <i64>(x >= y); break;
      case 8: r = <i64>(x != 0 && y != 0); break;
      case 9: r = <i64>(x != 0 || y != 0); break;
      case 10: r = <i64>((x != 0) != (y != 0)); break;
      default: unreachable();
    }
    st(out, i, r);
  }
}

/** out[i] = clamp(x[i], lo, hi). */
export function clip(x: usize, out: usize, n: i32, lo: i64, hi: i64): void {
  for (let i = 0; i < n; i++) {
    let v = ld(x, i);
    v = select<i64>(lo, v, v < lo);
    v = select<i64>(hi, v, v > hi);
    st(out, i, v);
  }
}

/** out[i] = c[i] != 0 ? a[i] : b[i]. */
export function where(c: usize, a: usize, b: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) st(out, i, ld(c, i) != 0 ? ld(a, i) : ld(b, i));
}

/**
 * Reduction over the middle axis of an [outer, len, inner] tensor into [outer, inner].
 * mode 0: sum, 1: max, 2: min, 3: argmax (first index on ties), 4: argmin (first index on ties).
 */
export function reduce(x: usize, out: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * len * inner + j;
      let acc = ld(x, base);
      let arg: i64 = 0;
      for (let t = 1; t < len; t++) {
        const v = ld(x, base + t * inner);
        if (mode == 0) acc += v;
        else if (mode == 1 || mode == 3) { if (v > acc) { acc = v; arg = t; } }
        else { if (v < acc) { acc = v; arg = t; } }
      }
      st(out, o * inner + j, mode >= 3 ? arg : acc);
    }
  }
}

/**
 * Division by b = den[(i / inner) % nDen] > 0. trunc = 0: out = floor((a·2^k + floor(b/2)) / b)
 * (round half up); trunc = 1: out = (a·2^k) / b truncated toward zero (ONNX integer Div).
 */
export function divide(a: usize, den: usize, out: usize, n: i32, nDen: i32, inner: i32, k: i32, trunc: i32): i32 {
  for (let i = 0; i < n; i++) {
    const b = ld(den, (i / inner) % nDen);
    if (b <= 0) return i;
    const num = ld(a, i) << <i64>k;
    st(out, i, trunc != 0 ? num / b : floorDiv(num + (b >> 1), b));
  }
  return -1;
}

/** Integer square root rounded to nearest (half up): out = floor(sqrt(4x) + 1) >> 1 computed exactly; x ≥ 0. */
export function isqrt(x: usize, out: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = ld(x, i);
    if (v < 0) return i;
    // s = floor(sqrt(v)), corrected exactly after the float estimate.
    let s = <i64>Math.sqrt(<f64>v);
    while (s * s > v) s--;
    while ((s + 1) * (s + 1) <= v) s++;
    // Round to nearest: sqrt(v) ≥ s + 1/2 ⇔ v ≥ s² + s + 1/4 ⇔ v > s² + s.
    st(out, i, v > s * s + s ? s + 1 : s);
  }
  return -1;
}

/**
 * Gather by computed indices along the middle axis of data [outer, n, inner].
 * elements = 0 (ONNX Gather): idx has m entries, out[o, t, j] = data[o, idx[t], j].
 * elements = 1 (GatherElements): idx is [outer, m, inner], out[o, t, j] = data[o, idx[o, t, j], j].
 * Negative indices count from the end. Returns the first position whose index is out of range, or −1.
 */
export function gatherDyn(data: usize, idx: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32, elements: i32): i32 {
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < m; t++) {
      for (let j = 0; j < inner; j++) {
        const p = (o * m + t) * inner + j;
        let k = ld(idx, elements != 0 ? p : t);
        if (k < 0) k += <i64>n;
        if (k < 0 || k >= <i64>n) return p;
        st(out, p, ld(data, (o * n + <i32>k) * inner + j));
      }
    }
  }
  return -1;
}

/**
 * TopK along the middle axis of x [outer, n, inner]: the k largest (largest = 1) or smallest
 * values in order, ties → the lower index first (as ONNX). Writes values and indices
 * [outer, k, inner]; scratch holds 2k words.
 */
export function topk(x: usize, vals: usize, idxs: usize, outer: i32, n: i32, inner: i32, k: i32, largest: i32, scratch: usize): void {
  const sv = scratch;
  const si = scratch + (<usize>k << 3);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let count = 0;
      for (let t = 0; t < n; t++) {
        const v = ld(x, (o * n + t) * inner + j);
        // Position after every kept element that ranks at least as high (earlier index wins ties).
        let p = count;
        while (p > 0) {
          const w = ld(sv, p - 1);
          const better = largest != 0 ? v > w : v < w;
          if (!better) break;
          p--;
        }
        if (p >= k) continue;
        const last = count < k ? count : k - 1;
        for (let q = last; q > p; q--) { st(sv, q, ld(sv, q - 1)); st(si, q, ld(si, q - 1)); }
        st(sv, p, v);
        st(si, p, <i64>t);
        if (count < k) count++;
      }
      for (let q = 0; q < k; q++) {
        st(vals, (o * k + q) * inner + j, ld(sv, q));
        st(idxs, (o * k + q) * inner + j, ld(si, q));
      }
    }
  }
}
