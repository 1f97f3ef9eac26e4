// Folds an inference BatchNormalization into the Conv or Gemm that produces its input, when that
// output feeds nothing else and the weights and BN parameters are constants:
//   BN(y)_c = (y_c - mean_c) * s_c + beta_c,  s_c = scale_c / sqrt(var_c + eps)
// so the producer's weights for output channel c scale by s_c and its bias becomes
// (b_c - mean_c) * s_c + beta_c. New initializers get fresh names (weights may be shared).
import type { Node, Tensor, ValueInfo } from './graph.js';
import { f64, sizeOf, tensorFrom } from './tensor.js';

function bnParams(bn: Node, consts: ReadonlyMap<string, Tensor>): { s: Float64Array; shift: Float64Array } | undefined {
  const [, scaleN, biasN, meanN, varN] = bn.inputs;
  const ts = [scaleN, biasN, meanN, varN].map((n) => (n === undefined ? undefined : consts.get(n)));
  if (ts.some((t) => t === undefined)) return undefined;
  const [scale, bias, mean, variance] = ts.map((t) => f64(t!)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const epsAttr = bn.attrs['epsilon'];
  const eps = epsAttr?.kind === 'float' ? epsAttr.value : 1e-5;
  const tm = bn.attrs['training_mode'];
  if (tm?.kind === 'int' && tm.value !== 0) return undefined;
  const c = scale.length;
  const s = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    s[i] = scale[i]! / Math.sqrt(variance[i]! + eps);
    shift[i] = bias[i]! - mean[i]! * s[i]!;
  }
  return { s, shift };
}

function fresh(base: string, taken: (name: string) => boolean): string {
  let name = `${base}_bn_folded`;
  for (let k = 2; taken(name); k++) name = `${base}_bn_folded_${k}`;
  return name;
}

/** Returns the folded Conv/Gemm node (reading and adding constants), or undefined if not foldable. */
function foldInto(prod: Node, bn: Node, consts: Map<string, Tensor>, taken: (name: string) => boolean): Node | undefined {
  const p = bnParams(bn, consts);
  if (p === undefined) return undefined;
  const w = consts.get(prod.inputs[1] ?? '');
  const biasName = prod.inputs[2];
  const b = biasName !== undefined && biasName !== '' ? consts.get(biasName) : undefined;
  if (w === undefined || (biasName !== undefined && biasName !== '' && b === undefined)) return undefined;
  const C = p.s.length;
  const wv = f64(w);
  const nw = new Float64Array(wv.length);
  const nb = new Float64Array(C);
  if (prod.opType === 'Conv') {
    if (w.dims[0] !== C) return undefined;
    const per = sizeOf(w.dims.slice(1));
    for (let i = 0; i < wv.length; i++) nw[i] = wv[i]! * p.s[Math.floor(i / per)]!;
    const bv = b === undefined ? undefined : f64(b);
    for (let c = 0; c < C; c++) nb[c] = (bv === undefined ? 0 : bv[c]!) * p.s[c]! + p.shift[c]!;
  } else {
    // Gemm: Y = alpha * A * B' + beta * C; output channel = column of B' (row of B when transB).
    const get = (k: string, d: number): number => { const a = prod.attrs[k]; return a !== undefined && (a.kind === 'int' || a.kind === 'float') ? a.value : d; };
    const transB = get('transB', 0) !== 0;
    const alpha = get('alpha', 1);
    const beta = get('beta', 1);
    if (w.dims.length !== 2) return undefined;
    const [r, cols] = w.dims as [number, number];
    if ((transB ? r : cols) !== C) return undefined;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < cols; j++) nw[i * cols + j] = alpha * wv[i * cols + j]! * p.s[transB ? i : j]!;
    }
    if (b !== undefined && !(b.dims.length <= 1 || (b.dims.length === 2 && b.dims[0] === 1))) return undefined;
    const bv = b === undefined ? undefined : f64(b);
    for (let c = 0; c < C; c++) {
      const cb = bv === undefined ? 0 : beta * bv[bv.length === 1 ? 0 : c]!;
      nb[c] = cb * p.s[c]! + p.shift[c]!;
    }
  }
  const wName = fresh(prod.inputs[1]!, taken);
  consts.set(wName, tensorFrom(w.dtype, w.dims, nw));
  const bName = fresh(biasName !== undefined && biasName !== '' ? biasName : `${prod.name}_bias`, taken);
  consts.set(bName, tensorFrom(w.dtype, [C], nb));
  const attrs = { ...prod.attrs };
  if (prod.opType === 'Gemm') {
    attrs['alpha'] = { kind: 'float', value: 1 };
    attrs['beta'] = { kind: 'float', value: 1 };
  }
  return { ...prod, inputs: [prod.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!], attrs };
}

export function foldBatchNorms(nodes: readonly Node[], consts: Map<string, Tensor>, info: Map<string, ValueInfo>, graphOutputs: ReadonlySet<string>): Node[] {
  const uses = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  const out = [...nodes];
  for (let k = 0; k < out.length; k++) {
    const bn = out[k]!;
    if (bn.opType !== 'BatchNormalization' || bn.domain !== '' || bn.outputs.filter((o) => o !== '').length !== 1) continue;
    const x = bn.inputs[0]!;
    const pi = out.findIndex((n) => n.outputs[0] === x && (n.opType === 'Conv' || n.opType === 'Gemm') && n.domain === '');
    if (pi < 0 || uses.get(x) !== 1 || graphOutputs.has(x)) continue;
    const folded = foldInto(out[pi]!, bn, consts, (name) => consts.has(name) || info.has(name));
    if (folded === undefined) continue;
    for (const name of folded.inputs.slice(1)) { const t = consts.get(name)!; info.set(name, { name, dtype: t.dtype, dims: t.dims }); }
    out[pi] = folded;
    out.splice(k, 1);
    k--;
  }
  return out;
}
