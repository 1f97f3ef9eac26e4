// Planning of Reduce nodes (sum, max, min, argmax, argmin over one axis): the helper columns,
// the gap range check and the output range the layer proves. A reduction over an axis of
// length 1 is the identity (sum/max/min): a free alias.
import { FIELD_HALF, type IrTensor } from '../ir/types.js';
import { reduceGapBits, reduceHelpers, type ReduceMode, type ReduceParams, type ReduceRefs } from '../layers/reduce.js';
import { totalVars } from '../layers/tensor.js';
import type { GMaskRef } from '../sumcheck/session.js';
import type { PlanContext } from './plan-context.js';
import type { VkNode } from './vk.js';

const MODES: readonly ReduceMode[] = ['sum', 'max', 'min', 'argmax', 'argmin'];

export interface ReduceDraft {
  readonly kind: 'reduce';
  readonly node: VkNode;
  readonly params: ReduceParams;
  readonly tensors: { readonly x: string; readonly out: string; readonly s: string | null; readonly d: string | null; readonly m: string | null };
}

export interface ReducePlan extends ReduceDraft {
  readonly refs: ReduceRefs;
  readonly gRef: GMaskRef;
}

/** The layer's draft, or null when the node is an alias. */
export function planReduce(n: VkNode, ctx: PlanContext): ReduceDraft | null {
  if (n.inputs.length !== 1 || n.outputs.length !== 1) ctx.unsupported(`${n.name}: Reduce with ${n.inputs.length} inputs`);
  const out = n.outputs[0];
  // the op's logical dims (the axis indexes them): the input on that table (relaid when its layout differs)
  const dims = ctx.declared(n.inputs[0])?.dims ?? ctx.unsupported(`${n.name}: unknown input`);
  const x = ctx.relaid(ctx.resolve(n.inputs[0]), dims, n);
  const outDims = dims.filter((_, d) => d !== n.attrs.axis);
  const axis = n.attrs.axis;
  const mode = n.attrs.mode as ReduceMode;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= dims.length || !MODES.includes(mode)) ctx.unsupported(`${n.name}: axis or mode`);
  const range = ctx.interval(x) ?? ctx.unsupported(`${n.name}: input not available before use`);
  const len = dims[axis as number];
  if (len === 1) {
    if (mode === 'argmax' || mode === 'argmin') ctx.unsupported(`${n.name}: ${mode} over an axis of length 1 (a constant 0)`);
    ctx.alias(out, x);
    return null;
  }
  if (ctx.isPublic(x)) ctx.unsupported(`${n.name}: a reduction of a public constant`);
  if (!ctx.relayout(out, outDims)) ctx.unsupported(`${n.name}: output dims`);
  const oi = ctx.info(out)!;
  const params: ReduceParams = { dims, axis: axis as number, mode };
  const [lo, hi] = range;
  const L = BigInt(len);
  if (!ctx.isOutput(out)) ctx.commit(out, oi.dims);
  if (mode === 'sum') {
    if ((lo < 0n ? -lo : lo) * L >= FIELD_HALF || (hi < 0n ? -hi : hi) * L >= FIELD_HALF) ctx.unsupported(`${n.name}: the sum reaches p/2`);
    ctx.setInterval(out, lo * L, hi * L);
    return { kind: 'reduce', node: n, params, tensors: { x, out, s: null, d: null, m: null } };
  }
  const gap = reduceGapBits(params, lo, hi);
  if (gap.bound >= FIELD_HALF || gap.bits > 62) ctx.unsupported(`${n.name}: the gaps of the ${mode} relation reach p/2`);
  const arg = mode === 'argmax' || mode === 'argmin';
  const s = `${n.name}#s`;
  const d = `${n.name}#d`;
  const m = arg ? `${n.name}#m` : null;
  ctx.commit(s, dims);
  ctx.commit(d, dims);
  if (m) ctx.commit(m, oi.dims);
  ctx.range(`${n.name} gaps`, [d], gap.bits, false, totalVars(dims));
  if (arg) ctx.setInterval(out, 0n, L - 1n);
  else ctx.setInterval(out, lo, hi);
  return { kind: 'reduce', node: n, params, tensors: { x, out, s, d, m } };
}

/** The helper columns of a Reduce layer from the executor's values (prover side). */
export function reduceHelperValues(d: ReduceDraft, values: ReadonlyMap<string, IrTensor>): Map<string, IrTensor> {
  const h = reduceHelpers(d.params, values.get(d.tensors.x)!.data);
  const out = new Map<string, IrTensor>();
  if (h === null) return out;
  out.set(d.tensors.s!, { dims: d.params.dims, data: h.s });
  out.set(d.tensors.d!, { dims: d.params.dims, data: h.d });
  if (d.tensors.m) out.set(d.tensors.m, { dims: values.get(d.tensors.out)!.dims, data: h.m });
  return out;
}
