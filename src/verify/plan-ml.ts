// Planning of the classic-ML layers and of output predicates (plan.ts calls these): the
// layer parameters from the verifying key, and the proven bounds every relation relies on.
import { FIELD_HALF, absMax, type IrTensor, type IrValueInfo } from '../ir/types.js';
import type { AffineParams } from '../layers/affine.js';
import { MAX_PREDICATE_LABELS, needsSlack, type PredicateParams, type PredicateRelation } from '../layers/predicate.js';
import type { VkNode, VkOutput } from './vk.js';
import type { Predicate } from './statement.js';

export interface PlanContext {
  readonly resolve: (name: string) => string;
  readonly info: ReadonlyMap<string, IrValueInfo>;
  readonly publicConstants: ReadonlyMap<string, IrTensor>;
  /** The proven interval of a value (undefined: not computed yet). */
  readonly interval: (name: string) => readonly [bigint, bigint] | undefined;
  readonly setInterval: (name: string, lo: bigint, hi: bigint) => void;
  readonly unsupported: (m: string) => never;
}

export interface AffineDraft {
  readonly kind: 'affine';
  readonly node: VkNode;
  readonly params: AffineParams;
  readonly tensors: { readonly x: string; readonly out: string };
}

/** MlAffine with public A and C: out = x·A[c] + C[c], bounded by max|x|·max|A| + max|C| < p/2. */
export function planAffine(n: VkNode, ctx: PlanContext): AffineDraft {
  const { unsupported } = ctx;
  if (n.inputs.length !== 3 || n.outputs.length !== 1) unsupported(`${n.name}: MlAffine takes x, A, C`);
  const x = ctx.resolve(n.inputs[0]);
  const out = n.outputs[0];
  const a = ctx.publicConstants.get(n.inputs[1]);
  const c = ctx.publicConstants.get(n.inputs[2]);
  if (!a || !c) unsupported(`${n.name}: private affine coefficients need the fingerprint binding (set up with public weights)`);
  if (ctx.publicConstants.has(x)) unsupported(`${n.name}: an affine map of a public constant`);
  const xi = ctx.info.get(x);
  const oi = ctx.info.get(out);
  if (!xi || !oi || xi.dims.length !== oi.dims.length || xi.dims.some((d, i) => d !== oi.dims[i])) unsupported(`${n.name}: input and output shapes differ`);
  const inner = n.attrs.inner ?? 1;
  if (typeof inner !== 'number' || !Number.isSafeInteger(inner) || inner < 1) unsupported(`${n.name}: attribute inner`);
  const size = xi!.dims.reduce((s, d) => s * d, 1);
  if (a!.data.length < 1 || a!.data.length !== c!.data.length || size % (a!.data.length * (inner as number)) !== 0) unsupported(`${n.name}: ${a!.data.length} channels do not tile the input`);
  const range = ctx.interval(x) ?? unsupported(`${n.name}: input not available before use`);
  const max = (v: BigInt64Array): bigint => v.reduce((m, e) => (e < 0n ? (-e > m ? -e : m) : e > m ? e : m), 0n);
  const bound = absMax(range[0], range[1]) * max(a!.data) + max(c!.data);
  if (bound >= FIELD_HALF) unsupported(`${n.name}: affine bound ${bound} reaches p/2 under the proven input range`);
  ctx.setInterval(out, -bound, bound);
  return { kind: 'affine', node: n, params: { dims: xi!.dims, a: a!.data, c: c!.data, inner: inner as number }, tensors: { x, out } };
}

export interface PredicateDraft {
  readonly kind: 'predicate';
  /** The output's IR name, the committed tensor it resolves to, and the slack column (or null). */
  readonly tensors: { readonly output: string; readonly out: string; readonly slack: string | null };
  readonly params: PredicateParams;
  /** Bits of the slack's range check (0 when there is no slack). */
  readonly slackBits: number;
}

function bitsFor(span: bigint): number {
  let k = 1;
  while (1n << BigInt(k) <= span) k++;
  return k;
}

/**
 * The relation for a statement's predicate on a private output proven in [lo, hi]. An
 * `atLeast` threshold is clamped to [lo, hi + 1]: below lo the predicate holds for every value
 * the proof allows, above hi + 1 for none, and the clamp keeps the slack's integer span within
 * [lo − hi − 1, hi − lo], where a range check modulo p is exact.
 */
export function planPredicate(o: VkOutput, resolved: string, p: Predicate, ctx: PlanContext): PredicateDraft {
  const { unsupported } = ctx;
  const range = ctx.interval(o.name) ?? unsupported(`output ${o.name} is not computed by a proven node`);
  const [lo, hi] = range;
  const size = o.dims.reduce((s, d) => s * d, 1);
  let relation: PredicateRelation;
  if (p.kind === 'atLeast') {
    if (p.index < 0 || p.index >= size) unsupported(`predicate index ${p.index} outside output ${o.name}`);
    const t = p.threshold < lo ? lo : p.threshold > hi + 1n ? hi + 1n : p.threshold;
    relation = { kind: 'atLeast', index: p.index, threshold: t };
  } else if (p.kind === 'argmax') {
    if (p.label < 0 || p.label >= size) unsupported(`argmax label ${p.label} outside output ${o.name}`);
    relation = { kind: 'argmax', label: p.label };
  } else {
    if (p.index < 0 || p.index >= size) unsupported(`predicate index ${p.index} outside output ${o.name}`);
    if (p.labels.length < 1 || p.labels.length > MAX_PREDICATE_LABELS) unsupported(`a label set of ${p.labels.length} (1..${MAX_PREDICATE_LABELS})`);
    relation = { kind: 'labelIn', index: p.index, labels: p.labels };
  }
  const span = hi - lo + 1n;
  const slackBits = needsSlack(relation) ? bitsFor(span) : 0;
  if (slackBits > 62) unsupported(`output ${o.name}: its proven range [${lo}, ${hi}] is too wide for a predicate's range check`);
  return {
    kind: 'predicate',
    tensors: { output: o.name, out: resolved, slack: needsSlack(relation) ? `${o.name}#predicate-slack` : null },
    params: { dims: o.dims, relation },
    slackBits,
  };
}
