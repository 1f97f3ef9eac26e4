// GatherDynamic (with private data or along several lines) and TopK, lowered in the plan to
// proven layers: a Selector (src/layers/selector.ts: a committed one-hot matrix S whose row t
// points at idx[t]), a MatMul y = S·D (row idx[t] of D), and for TopK public-index Gathers,
// WeightedSums and range checks of the order gaps. The IR node stays in the verifying key; the
// plan replaces it by these synthetic nodes (derived from the key alone, so prover and verifier
// build the same plan), and the prover computes their values from the executor's (`deriveValues`).
//
// GatherDynamic, data viewed as [outer, n, inner] (plan-gather-dynamic.ts has the lookup path):
//   Gather (outer = 1): S [m, n] from idx, y [m, inner] = S·data[n, inner].
//   GatherElements (outer = inner = 1): the same with inner = 1.
// TopK (outer = inner = 1, x of n entries, k outputs v, i; σ = +1 for largest, −1 for smallest;
// key(v, i) = σ·n·v − i orders the entries by σ·value with ties toward the lower index, and
// distinct positions have distinct keys):
//   S [k, n] from i (the Selector also commits i: i ∈ [0, n)), v = S·x (so v[q] = x[i[q]]),
//   keys = σ·n·v − i (a WeightedSum), G1[q] = keys[q] − keys[q+1] − 1 ≥ 0 (q < k − 1: strictly decreasing keys,
//   hence distinct indices), sel[t] = Σ_q S[q, t] (a Reduce sum: 1 on the selected positions, 0
//   elsewhere), G2[t] = key(v[k−1], i[k−1]) − key(x[t], t) + B·sel[t] ≥ 0 for every t, B larger
//   than any key span: on an unselected t no entry ranks above the k-th (a selected t passes
//   through the lift). Together: the selected entries are exactly the k highest keys, in order.
import type { IrTensor, IrValueInfo } from '../ir/types.js';
import { FIELD_HALF } from '../ir/types.js';
import { opDef } from '../ir/registry.js';
import type { IrNode } from '../ir/types.js';
import { selectorMatrix, type SelectorParams, type SelectorRefs } from '../layers/selector.js';
import { totalVars } from '../layers/tensor.js';
import type { GMaskRef } from '../sumcheck/session.js';
import type { PlanContext } from './plan-context.js';
import { sameLayout } from './plan.js';
import type { VerifyingKey, VkNode } from './vk.js';

const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export interface DynamicExpansion {
  /** The key with GatherDynamic/TopK nodes replaced by their synthetic nodes and values. */
  readonly vk: VerifyingKey;
  /** The synthetic nodes, in graph order (the prover derives their values). */
  readonly derived: readonly VkNode[];
  /** Synthetic public tensors (index tables, positions). */
  readonly constants: ReadonlyMap<string, IrTensor>;
}

function node(op: string, name: string, source: string, inputs: string[], outputs: string[], attrs: VkNode['attrs']): VkNode {
  return { op, name, source, inputs, outputs, attrs, privateAttrs: [], bounds: {} };
}

function value(name: string, dims: readonly number[], lo: bigint, hi: bigint): IrValueInfo {
  return { name, dims, kind: 'activation', lo, hi, scale: 1 };
}

/** Replaces the GatherDynamic and TopK nodes the plan proves by synthetic layers (others stay, and are refused or looked up). */
export function expandDynamicOps(vk: VerifyingKey): DynamicExpansion {
  if (!vk.nodes.some((n) => n.op === 'GatherDynamic' || n.op === 'TopK')) return { vk, derived: [], constants: new Map() };
  const info = new Map(vk.values.map((v) => [v.name, v]));
  const nodes: VkNode[] = [];
  const derived: VkNode[] = [];
  const values: IrValueInfo[] = [];
  const addValue = (v: IrValueInfo): void => {
    values.push(v);
    info.set(v.name, v);
  };
  const constants = new Map<string, IrTensor>();
  const emit = (n: VkNode): void => {
    nodes.push(n);
    derived.push(n);
  };
  const constant = (name: string, data: bigint[]): string => {
    constants.set(name, { dims: [data.length], data: BigInt64Array.from(data) });
    let lo = data[0];
    let hi = data[0];
    for (const v of data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    addValue({ ...value(name, [data.length], lo, hi), kind: 'public' });
    return name;
  };
  const gather = (name: string, source: string, idx: number[], src: VkNode): string => {
    const s = info.get(source)!;
    const table = constant(`${name}-index`, idx.map((i) => BigInt(i)));
    addValue(value(name, [idx.length], s.lo, s.hi));
    emit(node('Gather', name, src.source, [source, table], [name], { outDims: [idx.length], fill: 0n }));
    return name;
  };
  // a committed column is one key of the merged LogUp at most (revealed once there): a second
  // lookup keyed by the same index takes the Selector path
  const reshapeOf = new Map(vk.nodes.filter((m) => m.op === 'Reshape').map((m) => [m.outputs[0], m.inputs[0]]));
  const root = (name: string): string => {
    let x = name;
    while (reshapeOf.has(x)) x = reshapeOf.get(x)!;
    return x;
  };
  const keys = new Set(vk.nodes.filter((m) => m.op === 'Lookup').map((m) => root(m.inputs[0])));
  for (const n of vk.nodes) {
    if (n.op === 'GatherDynamic') {
      const data = info.get(n.inputs[0]);
      const idx = info.get(n.inputs[1]);
      const axis = n.attrs.axis;
      if (!data || !idx || typeof axis !== 'number' || axis < 0 || axis >= data.dims.length) {
        nodes.push(n);
        continue;
      }
      const outer = sizeOf(data.dims.slice(0, axis));
      const len = data.dims[axis];
      const inner = sizeOf(data.dims.slice(axis + 1));
      const elements = n.attrs.elements === 1;
      const lookup = vk.publicConstants.has(n.inputs[0]) && outer * inner === 1 && !keys.has(root(n.inputs[1]));
      if (lookup) keys.add(root(n.inputs[1]));
      if (lookup || outer !== 1 || (elements && inner !== 1)) {
        nodes.push(n); // the lookup path, or refused by the plan
        continue;
      }
      const m = sizeOf(idx.dims);
      const s = `${n.name}#S`;
      addValue(value(s, [m, len], 0n, 1n));
      emit(node('Selector', `${n.name}/selector`, n.source, [n.inputs[1]], [s], { rows: m, len, produces: 0 }));
      emit(node('MatMul', `${n.name}/select`, n.source, [s, n.inputs[0]], [n.outputs[0]], { batch: 1, batchA: 1, batchB: 1, m, k: len, n: inner, biasMode: 0 }));
      continue;
    }
    if (n.op === 'TopK') {
      const x = info.get(n.inputs[0]);
      const axis = n.attrs.axis;
      const k = n.attrs.k;
      if (!x || typeof axis !== 'number' || typeof k !== 'number' || axis < 0 || axis >= x.dims.length || sizeOf(x.dims) !== x.dims[axis] || n.outputs.length !== 2) {
        nodes.push(n);
        continue;
      }
      const len = x.dims[axis];
      const [v, i] = n.outputs;
      const c = BigInt(n.attrs.largest === 0 ? -len : len);
      const s = `${n.name}#S`;
      addValue(value(s, [k, len], 0n, 1n));
      emit(node('Selector', `${n.name}/selector`, n.source, [i], [s], { rows: k, len, produces: 1 }));
      emit(node('MatMul', `${n.name}/select`, n.source, [s, n.inputs[0]], [v], { batch: 1, batchA: 1, batchB: 1, m: k, k: len, n: 1, biasMode: 0 }));
      const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, j) => a + j);
      // the keys once (each of v, i read once more), then their slices
      const key = `${n.name}#keys`;
      addValue(value(key, [k], 0n, 0n));
      emit(node('WeightedSum', `${n.name}/keys`, n.source, [v, i], [key], { coeffs: [c, -1n], offset: 0n }));
      if (k >= 2) {
        const head = gather(`${n.name}#keys-head`, key, range(0, k - 1), n);
        const tail = gather(`${n.name}#keys-tail`, key, range(1, k), n);
        const g1 = `${n.name}#order-gaps`;
        addValue(value(g1, [k - 1], 0n, 0n));
        emit(node('WeightedSum', `${n.name}/order`, n.source, [head, tail], [g1], { coeffs: [1n, -1n], offset: -1n }));
        emit(node('GapCheck', `${n.name}/order-check`, n.source, [g1], [], {}));
      }
      const last = gather(`${n.name}#keys-last`, key, Array<number>(len).fill(k - 1), n);
      const pos = constant(`${n.name}#positions`, range(0, len).map((j) => BigInt(j)));
      // sel[t] = Σ_q S[q, t]: 1 exactly on the selected positions (the indices are distinct)
      const sel = `${n.name}#selected`;
      addValue(value(sel, [len], 0n, BigInt(k)));
      emit(node('Reduce', `${n.name}/selected`, n.source, [s], [sel], { axis: 0, mode: 'sum' }));
      // a selected position ranks at or above the k-th: its gap is lifted by B > every key span
      const lift = (c < 0n ? -c : c) * (x.hi - x.lo) + BigInt(len);
      const g2 = `${n.name}#rest-gaps`;
      addValue(value(g2, [len], 0n, 0n));
      emit(node('WeightedSum', `${n.name}/rest`, n.source, [last, n.inputs[0], pos, sel], [g2], { coeffs: [1n, -c, 1n, lift], offset: 0n }));
      emit(node('GapCheck', `${n.name}/rest-check`, n.source, [g2], [], {}));
      continue;
    }
    nodes.push(n);
  }
  return { vk: { ...vk, nodes, values: [...vk.values, ...values] }, derived, constants };
}

export interface SelectorDraft {
  readonly kind: 'selector';
  readonly node: VkNode;
  readonly params: SelectorParams;
  /** neg: the sign bits of indices that may be negative (null: the proven range is non-negative). */
  readonly tensors: { readonly s: string; readonly idx: string; readonly neg: string | null };
}

export interface SelectorPlan extends SelectorDraft {
  readonly refs: SelectorRefs;
  readonly gRef: GMaskRef;
}

/**
 * A Selector node: commits S (and the indices when it produces them, TopK); S ∈ {0,1}. Indices
 * whose proven range reaches below 0 count from the end (ONNX Gather): their sign bits are
 * committed too (`wrap`, src/layers/selector.ts).
 */
export function planSelector(n: VkNode, ctx: PlanContext): SelectorDraft {
  const rows = n.attrs.rows as number;
  const len = n.attrs.len as number;
  const s = n.outputs[0];
  const produces = n.attrs.produces === 1;
  let wrap = false;
  const idx = produces ? n.inputs[0] : ctx.resolve(n.inputs[0]);
  const ii = ctx.info(idx) ?? ctx.unsupported(`${n.name}: unknown indices`);
  if (sizeOf(ii.dims) !== rows || !sameLayout(ii.dims, [rows]) || !ctx.relayout(idx, [rows])) ctx.unsupported(`${n.name}: ${sizeOf(ii.dims)} indices for ${rows} rows`);
  if (produces) {
    if (!ctx.isOutput(idx)) ctx.commit(idx, [rows]);
    ctx.setInterval(idx, 0n, BigInt(len - 1));
  } else {
    const range = ctx.interval(idx) ?? ctx.unsupported(`${n.name}: indices not available before use`);
    wrap = range[0] < 0n;
    if (ctx.isPublic(idx)) ctx.unsupported(`${n.name}: a gather by public indices`);
  }
  ctx.commit(s, [rows, len]);
  ctx.setInterval(s, 0n, 1n);
  const neg = wrap ? `${s}#neg` : null;
  if (neg !== null) {
    ctx.commit(neg, [rows]);
    ctx.setInterval(neg, 0n, 1n);
  }
  return { kind: 'selector', node: n, params: wrap ? { rows, len, wrap } : { rows, len }, tensors: { s, idx, neg } };
}

/** A GapCheck node: its input is proven ≥ 0 by a range check up to its proven upper bound. */
export function planGapCheck(n: VkNode, ctx: PlanContext): void {
  const g = ctx.resolve(n.inputs[0]);
  const range = ctx.interval(g) ?? ctx.unsupported(`${n.name}: gaps not available before use`);
  const gi = ctx.info(g)!;
  if (ctx.isOutput(g) || ctx.isPublic(g)) ctx.unsupported(`${n.name}: the gaps are not committed`);
  let bits = 1;
  while (1n << BigInt(bits) <= range[1]) bits++;
  if (bits > 62 || range[1] >= FIELD_HALF) ctx.unsupported(`${n.name}: gaps of ${bits} bits`);
  ctx.range(n.name, [g], bits, false, totalVars(gi.dims));
  ctx.setInterval(g, 0n, range[1] < 0n ? 0n : range[1]);
}

/** The synthetic tensors' values from the executor's (prover side), in graph order. */
export function deriveValues(nodes: readonly VkNode[], values: Map<string, IrTensor>, publics: ReadonlyMap<string, IrTensor>): void {
  const consts = { constant: (name: string) => publics.get(name) ?? values.get(name) };
  for (const n of nodes) {
    if (n.outputs.length === 0 || n.outputs.every((o) => values.has(o))) continue;
    if (n.op === 'Selector') {
      const params: SelectorParams = { rows: n.attrs.rows as number, len: n.attrs.len as number };
      const s = selectorMatrix(params, values.get(n.inputs[0])!.data);
      if (s === null) throw new Error(`prove: ${n.name}: an index outside [0, ${params.len})`);
      values.set(n.outputs[0], { dims: [params.rows, params.len], data: s });
      continue;
    }
    const args = n.inputs.map((x) => values.get(x) ?? publics.get(x)!);
    const outs = opDef(n.op).execute(n as unknown as IrNode, args, consts);
    n.outputs.forEach((o, j) => values.set(o, outs[j]));
  }
}
