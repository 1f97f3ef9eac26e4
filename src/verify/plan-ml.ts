// Planning of the classic-ML layers and of output predicates (plan.ts calls these): the
// layer parameters from the verifying key, and the proven bounds every relation relies on.
import { FIELD_HALF, absMax, type IrTensor, type IrValueInfo } from '../ir/types.js';
import { affineChannels, type AffineParams } from '../layers/affine.js';
import type { MatmulDims } from '../layers/matmul.js';
import type { TreeParams } from '../layers/tree-ensemble.js';
import { selectedFeatures } from '../ir/ml/tree-ensemble.js';
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
  /** A private tensor's copy in the layout `dims` by the public index map `idx` (a virtual Gather the plan proves). */
  readonly gathered: (x: string, dims: readonly number[], owner: VkNode, idx: Int32Array) => string;
  readonly unsupported: (m: string) => never;
}

export interface AffineDraft {
  readonly kind: 'affine';
  readonly node: VkNode;
  readonly params: AffineParams;
  /** a, c: the broadcast copies of private A, C (null: public). */
  readonly tensors: { readonly x: string; readonly out: string; readonly a: string | null; readonly c: string | null };
}

/**
 * MlAffine: out = x·A[c] + C[c], bounded by max|x|·max|A| + max|C| < p/2. A private A or C is
 * read through its broadcast copy (a virtual Gather by the channel map, layers/affine.ts).
 */
export function planAffine(n: VkNode, ctx: PlanContext): AffineDraft {
  const { unsupported } = ctx;
  if (n.inputs.length !== 3 || n.outputs.length !== 1) unsupported(`${n.name}: MlAffine takes x, A, C`);
  const x = ctx.resolve(n.inputs[0]);
  const out = n.outputs[0];
  const a = ctx.publicConstants.get(n.inputs[1]);
  const c = ctx.publicConstants.get(n.inputs[2]);
  if (ctx.publicConstants.has(x)) unsupported(`${n.name}: an affine map of a public constant`);
  const xi = ctx.info.get(x);
  const oi = ctx.info.get(out);
  if (!xi || !oi || xi.dims.length !== oi.dims.length || xi.dims.some((d, i) => d !== oi.dims[i])) unsupported(`${n.name}: input and output shapes differ`);
  const inner = n.attrs.inner ?? 1;
  if (typeof inner !== 'number' || !Number.isSafeInteger(inner) || inner < 1) unsupported(`${n.name}: attribute inner`);
  const size = xi!.dims.reduce((s, d) => s * d, 1);
  const channels = (name: string): number => ctx.info.get(name)?.dims.reduce((s, d) => s * d, 1) ?? unsupported(`${n.name}: unknown coefficients ${name}`);
  const count = channels(n.inputs[1]);
  if (count < 1 || count !== channels(n.inputs[2]) || size % (count * (inner as number)) !== 0) unsupported(`${n.name}: ${count} channels do not tile the input`);
  const range = ctx.interval(x) ?? unsupported(`${n.name}: input not available before use`);
  const max = (v: BigInt64Array): bigint => v.reduce((m, e) => (e < 0n ? (-e > m ? -e : m) : e > m ? e : m), 0n);
  // a private coefficient vector: its proven bound, and a broadcast copy the relation reads
  const coeff = (t: IrTensor | undefined, name: string): { bound: bigint; copy: string | null } => {
    if (t) return { bound: max(t.data), copy: null };
    const r = ctx.interval(name) ?? unsupported(`${n.name}: coefficients ${name} not available`);
    return { bound: absMax(r[0], r[1]), copy: ctx.gathered(name, xi!.dims, n, affineChannels(xi!.dims, count, inner as number)) };
  };
  const ca = coeff(a, n.inputs[1]);
  const cc = coeff(c, n.inputs[2]);
  const bound = absMax(range[0], range[1]) * ca.bound + cc.bound;
  if (bound >= FIELD_HALF) unsupported(`${n.name}: affine bound ${bound} reaches p/2 under the proven input range`);
  ctx.setInterval(out, -bound, bound);
  return { kind: 'affine', node: n, params: { dims: xi!.dims, a: a?.data ?? null, c: c?.data ?? null, inner: inner as number }, tensors: { x, out, a: ca.copy, c: cc.copy } };
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
 * the proof allows, above hi + 1 for none (`atMost` mirrors it: [lo − 1, hi]), and the clamp keeps the slack's integer span within
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
  } else if (p.kind === 'atMost') {
    if (p.index < 0 || p.index >= size) unsupported(`predicate index ${p.index} outside output ${o.name}`);
    const t = p.threshold > hi ? hi : p.threshold < lo - 1n ? lo - 1n : p.threshold;
    relation = { kind: 'atMost', index: p.index, threshold: t };
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

interface TreeDraftOf<K extends 'trees' | 'trees-link'> {
  readonly kind: K;
  readonly node: VkNode;
  readonly params: TreeParams;
  readonly tensors: TreeTensors;
}

export type TreeDraft = TreeDraftOf<'trees'> | TreeDraftOf<'trees-link'>;

/** Committed tensor names of a tree layer (e, S, Δ, u of treeColumnDims), its input X and the private parameters it reads. */
export interface TreeTensors {
  readonly x: string;
  readonly e: string;
  readonly s: readonly string[];
  readonly d: readonly string[];
  readonly u: readonly string[];
  /** K = X·H [N, nodes] (committed) with a private selector H; null with a public one. */
  readonly gathered: string | null;
  /** The private parameters the link reads (views of V), or null when public. */
  readonly threshold: string | null;
  readonly selector: string | null;
  readonly modes: string | null;
}

type MatmulDraft = { readonly kind: 'matmul'; readonly node: VkNode; readonly dims: MatmulDims; readonly tensors: { readonly a: string; readonly b: string; readonly c: string; readonly bias: string | null } };

export interface TreePlanParts {
  readonly relation: TreeDraftOf<'trees'>;
  readonly link: TreeDraftOf<'trees-link'>;
  /** The leaf sum as a MatMul e[N, trees·2^D] · leaves + base (proven by matmul.ts). */
  readonly matmul: MatmulDraft;
  /** A private selector: K = X·H [N, nodes] (proven by matmul.ts), committed as `gathered`. */
  readonly selectorMatmul: MatmulDraft | null;
  /** Bits of the comparison slacks' range check. */
  readonly slackBits: number;
}

/**
 * MlTreeEnsemble ("≤" nodes, aggregate SUM), each of its parameters public or private (a view
 * of V, bounded by what V's range check proves). The slack of every comparison lies in
 * [0, max|X| + max|T| + 1]: the gathered feature is X[n, f(j)] exactly, since a public selector
 * is checked one-hot here and a private one is proven one-hot by the link. The output is
 * bounded by Σ_trees max|leaf| + max|base| (e is proven one-hot per row and tree).
 */
export function planTrees(n: VkNode, ctx: PlanContext): TreePlanParts {
  const { unsupported } = ctx;
  if (n.inputs.length !== 6 || n.outputs.length !== 1) unsupported(`${n.name}: MlTreeEnsemble takes X and five weight tensors`);
  const x = ctx.resolve(n.inputs[0]);
  const [selName, thrName, modeName, leafName, baseName] = n.inputs.slice(1);
  const attr = (k: string): number => {
    const v = n.attrs[k];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : unsupported(`${n.name}: attribute ${k}`);
  };
  const depth = attr('depth');
  const trees = attr('trees');
  const targets = attr('targets');
  if ((n.attrs.aggregate ?? 'SUM') !== 'SUM') unsupported(`${n.name}: aggregate ${String(n.attrs.aggregate)} (MIN/MAX over trees) is not proven yet`);
  if (depth < 1) unsupported(`${n.name}: trees of depth 0 (a constant) are not proven yet`);
  const modes = ctx.publicConstants.get(modeName);
  if (modes && modes.data.some((m) => m !== 0n)) unsupported(`${n.name}: equality nodes (BRANCH_EQ/NEQ) are not proven yet`);
  const xi = ctx.info.get(x);
  if (!xi || xi.dims.length !== 2) unsupported(`${n.name}: X must be [N, F]`);
  const [rows, nf] = xi!.dims;
  const range = ctx.interval(x) ?? unsupported(`${n.name}: input not available before use`);
  const inner = 2 ** depth - 1;
  const nodes = trees * inner;
  const selector = ctx.publicConstants.get(selName);
  let feature: Int32Array | null = null;
  if (selector) {
    try {
      feature = selectedFeatures(selector.data, nf, nodes);
    } catch (e) {
      unsupported(`${n.name}: ${(e as Error).message}`);
    }
  } else if (nf < 2) unsupported(`${n.name}: a private selector over a single feature (the product X·H needs two)`);
  const thresholds = ctx.publicConstants.get(thrName);
  const absMaxOf = (v: BigInt64Array): bigint => v.reduce((m, e) => (e < 0n ? (-e > m ? -e : m) : e > m ? e : m), 0n);
  const provenMax = (name: string): bigint => {
    const r = ctx.interval(name) ?? unsupported(`${n.name}: ${name} has no proven range`);
    return absMax(r[0], r[1]);
  };
  const xMax = absMax(range[0], range[1]);
  const cmp = xMax + (thresholds ? absMaxOf(thresholds.data) : provenMax(thrName)) + 1n;
  let slackBits = 1;
  while (1n << BigInt(slackBits) <= cmp) slackBits++;
  if (slackBits > 62) unsupported(`${n.name}: comparison slack bound ${cmp} is too wide`);
  const k = trees * 2 ** depth;
  // e is proven one-hot per (row, tree), so each tree adds one of its leaves
  const leaves = ctx.publicConstants.get(leafName);
  const base = ctx.publicConstants.get(baseName);
  let bound = base ? absMaxOf(base.data) : provenMax(baseName);
  if (leaves) for (let t = 0; t < trees; t++) bound += absMaxOf(leaves.data.subarray(t * 2 ** depth * targets, (t + 1) * 2 ** depth * targets));
  else bound += BigInt(trees) * provenMax(leafName);
  if (bound >= FIELD_HALF) unsupported(`${n.name}: leaf sum bound reaches p/2`);
  const out = n.outputs[0];
  ctx.setInterval(out, -bound, bound);
  const params: TreeParams = { rows, features: nf, trees, depth, feature, threshold: thresholds?.data ?? null, privateModes: !modes };
  const col = (what: string, d: number): string => `${n.name}#${what}${d}`;
  const levels = Array.from({ length: depth }, (_, d) => d);
  const gathered = selector ? null : `${n.name}#gathered`;
  if (gathered) ctx.setInterval(gathered, range[0], range[1]);
  const tensors: TreeTensors = {
    x, e: `${n.name}#leaf`, s: levels.map((d) => col('agree', d)), d: levels.map((d) => col('difference', d)), u: levels.map((d) => col('slack', d)),
    gathered, threshold: thresholds ? null : thrName, selector: selector ? null : selName, modes: modes ? null : modeName,
  };
  return {
    relation: { kind: 'trees', node: n, params, tensors },
    link: { kind: 'trees-link', node: n, params, tensors },
    matmul: { kind: 'matmul', node: n, dims: { batch: 1, batchB: 1, m: rows, k, n: targets, biasMode: 1 }, tensors: { a: tensors.e, b: leafName, c: out, bias: baseName } },
    selectorMatmul: gathered ? { kind: 'matmul', node: n, dims: { batch: 1, batchB: 1, m: rows, k: nf, n: nodes, biasMode: 0 }, tensors: { a: x, b: selName, c: gathered, bias: null } } : null,
    slackBits,
  };
}
