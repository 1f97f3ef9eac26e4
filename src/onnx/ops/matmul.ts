// Matrix products: MatMul (numpy semantics), Gemm, Einsum, and the integer MatMulInteger and
// QLinearMatMul with their exact ONNX semantics.
import type { Tensor } from '../graph.js';
import { broadcastDims, f64, sizeOf, stridesOf, tensorFrom } from '../tensor.js';
import { attrFloat, attrInt, attrString, need } from './attrs.js';
import { intRange, roundHalfEven } from './math.js';
import type { OpEval, OpTable } from './types.js';

/**
 * numpy.matmul over float64 data: 1-D operands are promoted (and the added axis dropped),
 * leading batch axes broadcast. Exact for integer data whose products and sums stay below 2^53.
 */
export function matmulF64(a: Float64Array, aDims: readonly number[], b: Float64Array, bDims: readonly number[]): { data: Float64Array; dims: number[] } {
  const A = aDims.length === 1 ? [1, aDims[0]!] : [...aDims];
  const B = bDims.length === 1 ? [bDims[0]!, 1] : [...bDims];
  const m = A[A.length - 2]!;
  const k = A[A.length - 1]!;
  const k2 = B[B.length - 2]!;
  const n = B[B.length - 1]!;
  if (k !== k2) throw new Error(`inner dimensions differ: [${aDims.join(',')}] x [${bDims.join(',')}]`);
  const batch = broadcastDims(A.slice(0, -2), B.slice(0, -2));
  const nb = sizeOf(batch);
  const out = new Float64Array(nb * m * n);
  const aBatch = A.slice(0, -2);
  const bBatch = B.slice(0, -2);
  const bs = stridesOf(batch);
  const offsetIn = (dims: readonly number[], bi: number, mat: number): number => {
    // Maps a flat batch index to the operand's own (possibly broadcast) batch offset.
    let off = 0;
    let stride = 1;
    for (let ax = dims.length - 1; ax >= 0; ax--) {
      const o = batch.length - dims.length + ax;
      const idx = Math.floor(bi / bs[o]!) % batch[o]!;
      off += (dims[ax] === 1 ? 0 : idx) * stride;
      stride *= dims[ax]!;
    }
    return off * mat;
  };
  for (let bi = 0; bi < nb; bi++) {
    const ao = offsetIn(aBatch, bi, m * k);
    const bo = offsetIn(bBatch, bi, k * n);
    const oo = bi * m * n;
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const av = a[ao + i * k + p]!;
        if (av === 0) continue;
        const brow = bo + p * n;
        const orow = oo + i * n;
        for (let j = 0; j < n; j++) out[orow + j] += av * b[brow + j]!;
      }
    }
  }
  const dims = [...batch];
  if (aDims.length > 1) dims.push(m);
  if (bDims.length > 1) dims.push(n);
  return { data: out, dims };
}

const matMul: OpEval = (inputs) => {
  const a = need(inputs, 0, 'A');
  const b = need(inputs, 1, 'B');
  const r = matmulF64(f64(a), a.dims, f64(b), b.dims);
  return [tensorFrom(a.dtype, r.dims, r.data)];
};

function transpose2(v: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = v[i * cols + j]!;
  return out;
}

const gemm: OpEval = (inputs, { node }) => {
  const a = need(inputs, 0, 'A');
  const b = need(inputs, 1, 'B');
  const c = inputs[2];
  if (a.dims.length !== 2 || b.dims.length !== 2) throw new Error(`A and B must be 2-D, got [${a.dims.join(',')}] and [${b.dims.join(',')}]`);
  const transA = attrInt(node, 'transA', 0) !== 0;
  const transB = attrInt(node, 'transB', 0) !== 0;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const av = transA ? transpose2(f64(a), a.dims[0]!, a.dims[1]!) : f64(a);
  const bv = transB ? transpose2(f64(b), b.dims[0]!, b.dims[1]!) : f64(b);
  const aD = transA ? [a.dims[1]!, a.dims[0]!] : a.dims;
  const bD = transB ? [b.dims[1]!, b.dims[0]!] : b.dims;
  const r = matmulF64(av, aD, bv, bD);
  const [m, n] = r.dims as [number, number];
  const out = r.data;
  if (alpha !== 1) for (let i = 0; i < out.length; i++) out[i] *= alpha;
  if (c !== undefined && beta !== 0) {
    // C broadcasts unidirectionally to [m, n].
    const cd = c.dims;
    const cv = f64(c);
    const cm = cd.length === 2 ? cd[0]! : 1;
    const cn = cd.length >= 1 ? cd[cd.length - 1]! : 1;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) out[i * n + j] += beta * cv[(cm === 1 ? 0 : i) * cn + (cn === 1 ? 0 : j)]!;
    }
  }
  return [tensorFrom(a.dtype, r.dims, out)];
};

/** Subtracts a zero point that is a scalar or per-row (axis -2) / per-column (axis -1) vector. */
function centered(t: Tensor, zp: Tensor | undefined, perAxisFromEnd: 1 | 2): Float64Array {
  const v = f64(t);
  if (zp === undefined) return v;
  const z = f64(zp);
  const out = new Float64Array(v.length);
  if (z.length === 1) {
    for (let i = 0; i < v.length; i++) out[i] = v[i]! - z[0]!;
    return out;
  }
  const rank = t.dims.length;
  const cols = t.dims[rank - 1]!;
  const rows = rank >= 2 ? t.dims[rank - 2]! : 1;
  for (let i = 0; i < v.length; i++) {
    const idx = perAxisFromEnd === 1 ? i % cols : Math.floor(i / cols) % rows;
    out[i] = v[i]! - z[idx % z.length]!;
  }
  return out;
}

const matMulInteger: OpEval = (inputs) => {
  const a = need(inputs, 0, 'A');
  const b = need(inputs, 1, 'B');
  const r = matmulF64(centered(a, inputs[2], 2), a.dims, centered(b, inputs[3], 1), b.dims);
  return [tensorFrom('int32', r.dims, r.data)];
};

/**
 * QLinearMatMul: the int32 accumulator of (a - a_zp)(b - b_zp), scaled by a_scale*b_scale/y_scale
 * (computed in float32, as onnxruntime does), rounded half to even, plus y_zp, saturated.
 */
const qlinearMatMul: OpEval = (inputs) => {
  const a = need(inputs, 0, 'a');
  const aScale = f64(need(inputs, 1, 'a_scale'));
  const b = need(inputs, 3, 'b');
  const bScale = f64(need(inputs, 4, 'b_scale'));
  const yScale = f64(need(inputs, 6, 'y_scale'));
  const yZp = need(inputs, 7, 'y_zero_point');
  const r = matmulF64(centered(a, inputs[2], 2), a.dims, centered(b, inputs[5], 1), b.dims);
  const [lo, hi] = intRange(yZp.dtype);
  const z = f64(yZp)[0]!;
  const n = r.dims[r.dims.length - 1]!;
  const out = new Float64Array(r.data.length);
  for (let i = 0; i < out.length; i++) {
    const bs = bScale.length === 1 ? bScale[0]! : bScale[i % n]!;
    const mult = Math.fround(Math.fround(aScale[0]! * bs) / yScale[0]!);
    const q = roundHalfEven(Math.fround(r.data[i]! * mult)) + z;
    out[i] = q < lo ? lo : q > hi ? hi : q;
  }
  return [tensorFrom(yZp.dtype, r.dims, out)];
};

/**
 * Einsum by direct summation over the labels (explicit or implicit output, '...' ellipsis).
 * Plain loops: the forms models use (matmul, batched matmul, transposes, sums) are small.
 */
const einsum: OpEval = (inputs, { node }) => {
  const eq = attrString(node, 'equation', '').replace(/\s+/g, '');
  const ins = inputs.filter((t): t is Tensor => t !== undefined);
  const [lhs, rhsGiven] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== ins.length) throw new Error(`equation '${eq}' has ${terms.length} operands, got ${ins.length} inputs`);
  // Expand '...' into private upper-case-free labels '0','1',... per operand.
  const ellRank = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? ins[i]!.dims.length - (t.length - 3) : 0)));
  const ellLabels = Array.from({ length: ellRank }, (_, i) => String.fromCharCode(0x2460 + i));
  const expand = (t: string, rank: number): string[] => {
    if (!t.includes('...')) return [...t];
    const k = rank - (t.length - 3);
    const [pre, post] = t.split('...') as [string, string];
    return [...pre, ...ellLabels.slice(ellRank - k), ...post];
  };
  const opLabels = terms.map((t, i) => expand(t, ins[i]!.dims.length));
  const size = new Map<string, number>();
  opLabels.forEach((labels, i) => labels.forEach((l, ax) => {
    const d = ins[i]!.dims[ax]!;
    const prev = size.get(l);
    if (prev !== undefined && prev !== d && prev !== 1 && d !== 1) throw new Error(`label '${l}' has sizes ${prev} and ${d}`);
    size.set(l, Math.max(prev ?? 1, d));
  }));
  let outLabels: string[];
  if (rhsGiven !== undefined) outLabels = expand(rhsGiven, rhsGiven.includes('...') ? ellRank + rhsGiven.length - 3 : rhsGiven.length);
  else {
    const counts = new Map<string, number>();
    for (const ls of opLabels) for (const l of ls) counts.set(l, (counts.get(l) ?? 0) + 1);
    outLabels = [...ellLabels, ...[...counts.keys()].filter((l) => !ellLabels.includes(l) && counts.get(l) === 1).sort()];
  }
  const sumLabels = [...size.keys()].filter((l) => !outLabels.includes(l));
  const all = [...outLabels, ...sumLabels];
  const allSizes = all.map((l) => size.get(l)!);
  const outDims = outLabels.map((l) => size.get(l)!);
  const datas = ins.map((t) => f64(t));
  // For each operand: per label of `all`, the stride in that operand (0 if absent or broadcast).
  const strides = ins.map((t, i) => {
    const st = stridesOf(t.dims);
    return all.map((l) => {
      let s = 0;
      opLabels[i]!.forEach((ol, ax) => { if (ol === l && t.dims[ax] !== 1) s += st[ax]!; });
      return s;
    });
  });
  const nOut = sizeOf(outDims);
  const nSum = sizeOf(allSizes.slice(outLabels.length));
  const out = new Float64Array(nOut);
  const idx = new Array<number>(all.length).fill(0);
  for (let o = 0; o < nOut; o++) {
    let acc = 0;
    for (let s = 0; s < nSum; s++) {
      let prod = 1;
      for (let i = 0; i < ins.length; i++) {
        let off = 0;
        const st = strides[i]!;
        for (let l = 0; l < all.length; l++) off += idx[l]! * st[l]!;
        prod *= datas[i]![off]!;
      }
      acc += prod;
      for (let l = all.length - 1; l >= outLabels.length; l--) {
        if (++idx[l]! < allSizes[l]!) break;
        idx[l] = 0;
      }
    }
    out[o] = acc;
    for (let l = outLabels.length - 1; l >= 0; l--) {
      if (++idx[l]! < allSizes[l]!) break;
      idx[l] = 0;
    }
  }
  return [tensorFrom(ins[0]!.dtype, outDims, out)];
};

export const MATMUL_OPS: OpTable = {
  MatMul: matMul,
  Gemm: gemm,
  Einsum: einsum,
  MatMulInteger: matMulInteger,
  QLinearMatMul: qlinearMatMul,
};
