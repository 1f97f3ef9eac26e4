// Planning of the pointwise ops (Mul, Max/Min, Compare, Where, Sqrt, Div): which tensors the layer
// reads (each once, in the spec's order), which helper columns it commits, their range checks,
// and the output range it proves. A range check of a public output is the verifier's own check
// of the values it reads (PointwiseParams.publicRanges), not a lookup.
import type { IrTensor } from '../ir/types.js';
import { pointwiseOpSpec, type PointwiseOpSpec } from '../layers/pointwise-ops.js';
import type { PointwiseParams, PointwiseRefs } from '../layers/pointwise.js';
import { totalVars } from '../layers/tensor.js';
import type { GMaskRef } from '../sumcheck/session.js';
import { sameLayout } from './plan.js';
import type { PlanContext } from './plan-context.js';
import type { VkNode } from './vk.js';

export interface PointwiseDraft {
  readonly kind: 'pointwise';
  readonly node: VkNode;
  readonly params: PointwiseParams;
  /** Tensor names in the layer's order (each once). */
  readonly tensors: readonly string[];
  /** The helper columns (committed) by name. */
  readonly helpers: readonly string[];
  readonly spec: PointwiseOpSpec;
  /** Spec tensor index → layer tensor index (the same value used twice is one tensor). */
  readonly index: readonly number[];
}

export interface PointwisePlan extends PointwiseDraft {
  readonly refs: PointwiseRefs;
  readonly gRef: GMaskRef;
}

export function planPointwise(n: VkNode, ctx: PlanContext): PointwiseDraft {
  if (n.outputs.length !== 1) ctx.unsupported(`${n.name}: ${n.op} with ${n.outputs.length} outputs`);
  const out = n.outputs[0];
  const inputs = n.inputs.map((x) => ctx.resolve(x));
  // the output keeps the inputs' physical layout
  const dims = ctx.info(inputs[0])?.dims ?? ctx.unsupported(`${n.name}: unknown input`);
  if (!ctx.relayout(out, dims)) ctx.unsupported(`${n.name}: output and input sizes differ`);
  const oi = ctx.info(out)!;
  const ranges = inputs.map((x) => {
    if (!sameLayout(ctx.info(x)?.dims ?? [], oi.dims)) ctx.unsupported(`${n.name}: input ${x} has another layout than the output (broadcasting is a Gather)`);
    const r = ctx.interval(x) ?? ctx.unsupported(`${n.name}: input ${x} not available before use`);
    return { lo: r[0], hi: r[1] };
  });
  let spec: PointwiseOpSpec;
  try {
    spec = pointwiseOpSpec(n.op, typeof n.attrs.mode === 'string' ? n.attrs.mode : undefined, ranges, inputs.length === 2 && inputs[0] === inputs[1], n.attrs);
  } catch (e) {
    return ctx.unsupported(`${n.name}: ${(e as Error).message}`);
  }
  const helpers = spec.helpers.map((h) => `${n.name}#${h}`);
  const names = [out, ...inputs, ...helpers];
  const tensors: string[] = [];
  const index = names.map((name) => {
    const i = tensors.indexOf(name);
    if (i >= 0) return i;
    tensors.push(name);
    return tensors.length - 1;
  });
  const nv = totalVars(oi.dims);
  if (!ctx.isOutput(out)) ctx.commit(out, oi.dims);
  for (const h of helpers) ctx.commit(h, oi.dims);
  for (const x of inputs) {
    if (!ctx.isPublic(x) && ctx.interval(x) === undefined) ctx.unsupported(`${n.name}: input ${x} is not computed`);
  }
  const publicRanges: { tensor: number; lo: bigint; hi: bigint }[] = [];
  spec.ranges.forEach((r, k) => {
    const isPublic = (t: number): boolean => t === 0 && ctx.isOutput(out);
    const [lo, hi] = r.signed ? [-(1n << BigInt(r.bits - 1)), (1n << BigInt(r.bits - 1)) - 1n] : [0n, (1n << BigInt(r.bits)) - 1n];
    for (const t of r.tensors) if (isPublic(t)) publicRanges.push({ tensor: index[t], lo, hi });
    const cols = r.tensors.filter((t) => !isPublic(t)).map((t) => names[t]);
    if (cols.length > 0) ctx.range(`${n.name} range ${k}`, cols, r.bits, r.signed ?? false, nv);
  });
  ctx.setInterval(out, spec.out.lo, spec.out.hi);
  const relations = spec.relations.map((rel) => rel.map((t) => ({ ...t, tensors: t.tensors.map((i) => index[i]) })));
  const params = { dims: oi.dims, tensors: tensors.length, relations, ...(publicRanges.length > 0 ? { publicRanges } : {}) };
  return { kind: 'pointwise', node: n, params, tensors, helpers, spec, index };
}

/** The helper columns of a pointwise layer from the executor's values (prover side). */
export function pointwiseHelpers(d: PointwiseDraft, values: ReadonlyMap<string, IrTensor>): Map<string, IrTensor> {
  const inputs = d.node.inputs.map((_, i) => values.get(d.tensors[d.index[1 + i]])!.data);
  const out = values.get(d.tensors[0])!;
  const cols = d.spec.witness(inputs, out.data);
  return new Map(d.helpers.map((h, i) => [h, { dims: out.dims, data: cols[i] }]));
}
