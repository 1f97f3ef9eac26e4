// Einsum of one or two operands as index maps, per-operand sums and one batched MatMul:
//   a → [batch, free_a, contracted], b → [batch, contracted, free_b] (Gather permutations),
//   labels that occur in one operand only and not in the output are summed first (Reduce),
//   MatMul → [batch, free_a, free_b], then a permutation to the output order and a Requant.
// Ellipsis and repeated labels within one term (diagonals) are refused.
import { sizeOf, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { gather, operand, outScale, refuseNode, requantTo, strides } from './helpers.js';

interface Term { labels: string[]; value: QuantValue; dims: number[] }

/** Permutes a value so that its labels come in `order` (a permutation of its labels). */
function permute(ctx: LowerContext, t: Term, order: readonly string[], step: string): Term {
  if (order.every((l, i) => l === t.labels[i])) return t;
  const perm = order.map((l) => t.labels.indexOf(l));
  const outDims = perm.map((p) => t.dims[p]);
  const inSt = strides(t.dims);
  const outSt = strides(outDims);
  const n = sizeOf(outDims);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += (Math.floor(i / outSt[d]) % outDims[d]) * inSt[perm[d]];
    idx[i] = src;
  }
  return { labels: [...order], dims: outDims, value: { ir: gather(ctx, [t.value.ir], idx, outDims, step, t.value.scale), scale: t.value.scale } };
}

/** Sums the labels of `t` that are not in `keep` (highest axis first). */
function sumOut(ctx: LowerContext, t: Term, keep: ReadonlySet<string>, step: string): Term {
  let cur = t;
  for (let ax = cur.labels.length - 1; ax >= 0; ax--) {
    if (keep.has(cur.labels[ax])) continue;
    const [r] = ctx.emit('Reduce', [cur.value.ir], { axis: ax, mode: 'sum' }, { step: `${step}-sum-${cur.labels[ax]}`, scales: [cur.value.scale] });
    cur = { labels: cur.labels.filter((_, i) => i !== ax), dims: cur.dims.filter((_, i) => i !== ax), value: { ir: r, scale: cur.value.scale } };
  }
  return cur;
}

const einsum: Lowering = {
  domain: '', opType: 'Einsum',
  lower(ctx) {
    const node = ctx.node;
    const eq = node.attrs.equation?.kind === 'string' ? node.attrs.equation.value.replace(/\s+/g, '') : refuseNode(ctx, 'equation is required');
    if (eq.includes('.')) refuseNode(ctx, 'ellipsis in Einsum is not supported');
    const [lhs, rhsGiven] = eq.split('->');
    const terms = lhs.split(',');
    if (terms.length !== node.inputs.length || terms.length > 2) refuseNode(ctx, `Einsum with ${terms.length} operands is not supported (1 or 2)`);
    const count = new Map<string, number>();
    for (const t of terms) for (const l of t) count.set(l, (count.get(l) ?? 0) + 1);
    const rhs = rhsGiven ?? [...count.keys()].filter((l) => count.get(l) === 1).sort().join('');
    const out = node.outputs[0];
    const ops: Term[] = terms.map((t, i) => {
      const labels = [...t];
      if (new Set(labels).size !== labels.length) refuseNode(ctx, `repeated label in ${t} (diagonal) is not supported`);
      const value = operand(ctx, node.inputs[i], `x${i}`);
      return { labels, value, dims: [...ctx.irInfo(value.ir).dims] };
    });
    const outLabels = [...rhs];
    if (ops.length === 1) {
      const t = sumOut(ctx, ops[0], new Set(outLabels), 'a');
      const p = permute(ctx, t, outLabels, 'out');
      ctx.define(out, requantTo(ctx, p.value.ir, [p.value.scale], outScale(ctx, out), 'requant'));
      return;
    }
    const [a0, b0] = ops;
    const inA = new Set(a0.labels);
    const inB = new Set(b0.labels);
    const inOut = new Set(outLabels);
    // Labels of one operand that appear nowhere else are summed within that operand first.
    const a = sumOut(ctx, a0, new Set(a0.labels.filter((l) => inB.has(l) || inOut.has(l))), 'a');
    const b = sumOut(ctx, b0, new Set(b0.labels.filter((l) => inA.has(l) || inOut.has(l))), 'b');
    const batch = a.labels.filter((l) => b.labels.includes(l) && inOut.has(l));
    const contracted = a.labels.filter((l) => b.labels.includes(l) && !inOut.has(l));
    const freeA = a.labels.filter((l) => !b.labels.includes(l));
    const freeB = b.labels.filter((l) => !a.labels.includes(l));
    const size = (t: Term, ls: readonly string[]) => ls.reduce((p, l) => p * t.dims[t.labels.indexOf(l)], 1);
    for (const l of [...batch, ...contracted]) {
      if (a.dims[a.labels.indexOf(l)] !== b.dims[b.labels.indexOf(l)]) refuseNode(ctx, `label ${l} has different sizes in the two operands`);
    }
    const pa = permute(ctx, a, [...batch, ...freeA, ...contracted], 'a-perm');
    const pb = permute(ctx, b, [...batch, ...contracted, ...freeB], 'b-perm');
    const B = size(pa, batch);
    const M = size(pa, freeA);
    const K = size(pa, contracted);
    const N = size(pb, freeB);
    const natural = [...batch, ...freeA, ...freeB];
    const naturalDims = natural.map((l) => (a.labels.includes(l) ? a.dims[a.labels.indexOf(l)] : b.dims[b.labels.indexOf(l)]));
    const accScale = pa.value.scale * pb.value.scale;
    const [acc] = ctx.emit('MatMul', [pa.value.ir, pb.value.ir], { batch: B, batchA: B, batchB: B, m: M, k: K, n: N, biasMode: 0, outDims: naturalDims },
      { step: 'matmul', scales: [accScale] });
    const p = permute(ctx, { labels: natural, dims: naturalDims, value: { ir: acc, scale: accScale } }, outLabels, 'out');
    ctx.define(out, requantTo(ctx, p.value.ir, [accScale], outScale(ctx, out), 'requant'));
  },
};

export const einsumLowerings: readonly Lowering[] = [einsum];
