// The proof plan of a model: which tensors are committed where, which layer protocol proves each
// node, which range checks bind the private inputs — derived from the verifying key alone, so
// prover and verifier derive the same plan. A model outside what is proven so far is refused
// with UnsupportedModelError naming the reason (never proven partially).
import { FIELD_HALF, absMax, type IrValueInfo } from '../ir/types.js';
import { matmulDegrees, matmulTensorDims, type MatmulDims, type MatmulRefs } from '../layers/matmul.js';
import { channelAxis, REQUANT_COLUMNS, requantDegrees, requantRangeBits, type RequantColumn, type RequantParams, type RequantRefs } from '../layers/requant.js';
import { paddedTable, totalVars } from '../layers/tensor.js';
import { weightedSumDegrees, type WeightedSumParams, type WeightedSumRefs } from '../layers/weighted-sum.js';
import { cheapestLimbBits, directIsCheaper, type RangeShape } from '../lookup/range.js';
import { maskLength } from '../sumcheck/mask.js';
import { maskedLayout, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { VerifyingKey, VkNode } from './vk.js';
import { HashPcs, type HashPcsProof, type HashPcsState } from '../pcs/index.js';
import { ReducingPcs } from '../sumcheck/reduce.js';
import { affineDegrees, type AffineParams, type AffineRefs } from '../layers/affine.js';
import { predicateDegrees, type PredicateParams, type PredicateRefs } from '../layers/predicate.js';
import { planAffine, planPredicate, planTrees, type AffineDraft, type PlanContext, type PredicateDraft, type TreeDraft, type TreeTensors } from './plan-ml.js';
import { treeColumnDims, treeLinkDegrees, treeRelationDegrees, type TreeParams, type TreeRefs } from '../layers/tree-ensemble.js';
import type { OutputStatement } from './statement.js';
import { explicitTable, type PublicTable } from '../lookup/table.js';
import type { TableLookupShape } from '../layers/ranges.js';
import { P } from '../field/goldilocks.js';
import { pointwiseDegrees } from '../layers/pointwise.js';
import { POINTWISE_OPS } from '../layers/pointwise-ops.js';
import { reduceDegrees } from '../layers/reduce.js';
import type { PlanContext as ElementwiseContext } from './plan-context.js';
import { planPointwise, type PointwiseDraft, type PointwisePlan } from './plan-pointwise.js';
import { planReduce, type ReduceDraft, type ReducePlan } from './plan-reduce.js';
import { assignBanks, maskVarsFor, revealCounts } from './plan-reveals.js';
import { planGatherDynamicLookup } from './plan-gather-dynamic.js';
import { expandDynamicOps, planGapCheck, planSelector, type SelectorDraft, type SelectorPlan } from './plan-dynamic.js';
import { selectorDegrees } from '../layers/selector.js';
import type { IrTensor } from '../ir/types.js';
import { gatherDegrees, type GatherOutput, type GatherRefs } from '../layers/gather.js';
import { buildGatherMap, type GatherSlot } from '../layers/gather-map.js';

import { virtualRef } from '../layers/virtual.js';
import { maxColumnL1, maxRowL1 } from './plan-bounds.js';
import { claimCounts, gatherIndex, publicGather, type GatherPlan, type VirtualTensor } from './plan-gather.js';
import { widenUnitAxis } from './plan-matmul.js';
import { publicRequant } from './plan-requant.js';
import { Purpose } from '../hash/digest.js';
import { statementInfo, type DigestStatement, type StatementInfo } from '../hash/digest-shapes.js';
import { maskCommitmentSizes } from '../hash/digest-commitments.js';
import { ATTESTED_BITS, ATTESTED_MASK_VARS, attestedStatement, attestedView, planAttested, type AttestedPlan } from './attested.js';
import { blockSuffix, hasPrivateParameters, privateLayout, rangeColumn, vectorCommitSize, type PrivateLayout, type PrivateTensor } from './private-weights.js';

const toField = (x: bigint): bigint => (x < 0n ? P + x : x);

export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

/**
 * The commitment scheme of model proofs: the hash PCS with its proven parameters behind the
 * claim reduction (src/sumcheck/reduce.ts), so every commitment is opened at one point of its
 * concatenation: one row combination for the matrix and at most three for the rows holding
 * the small reduction masks, hence four evaluation masks. Fixed by the proof format version.
 */
export type ModelPcs = ReducingPcs<HashPcsState, HashPcsProof>;
export const MODEL_PCS: ModelPcs = new ReducingPcs(new HashPcs({ evalMasks: 4 }));

/** Mask variables of every committed tensor: capacity 4 reveals (producer, consumers, range check). */
export const TENSOR_MASK_VARS = 2;

export interface CommittedTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly numVars: number;
  /** Entries committed when fewer than 2^numVars (V: the rest is zero, and every claim reads it as zero). */
  readonly committedSize?: number;
}

export interface MatmulPlan {
  readonly kind: 'matmul';
  readonly node: VkNode;
  readonly dims: MatmulDims;
  readonly tensors: { readonly a: string; readonly b: string; readonly c: string; readonly bias: string | null };
  readonly refs: MatmulRefs;
  readonly gRef: GMaskRef;
}

export interface RequantPlan {
  readonly kind: 'requant';
  readonly node: VkNode;
  readonly params: RequantParams;
  /** x, q, and the committed helper columns' tensor names. */
  readonly tensors: { readonly x: string; readonly q: string; readonly cols: Readonly<Record<RequantColumn, string>> };
  readonly refs: RequantRefs;
  readonly gRef: GMaskRef;
}

export interface WeightedSumPlan {
  readonly kind: 'wsum';
  readonly node: VkNode;
  readonly params: WeightedSumParams;
  /** [out, x_0, x_1, …] */
  readonly tensors: readonly string[];
  readonly refs: WeightedSumRefs;
  readonly gRef: GMaskRef;
}

export interface AffinePlan {
  readonly kind: 'affine';
  readonly node: VkNode;
  readonly params: AffineParams;
  readonly tensors: AffineDraft['tensors'];
  readonly refs: AffineRefs;
  readonly gRef: GMaskRef;
}

/** A public predicate on a private output (proven first, before the model's layers). */
export interface PredicatePlan {
  readonly kind: 'predicate';
  readonly params: PredicateParams;
  /** The output's IR name, the committed tensor it resolves to, the slack column. */
  readonly tensors: { readonly output: string; readonly out: string; readonly slack: string | null };
  readonly refs: PredicateRefs;
  readonly gRef: GMaskRef;
}

/** A tree ensemble's comparison relation ('trees') and its feature gather ('trees-link'). */
interface TreeLayerPlan<K extends 'trees' | 'trees-link'> {
  readonly kind: K;
  readonly node: VkNode;
  readonly params: TreeParams;
  readonly tensors: TreeTensors;
  readonly refs: TreeRefs;
  readonly gRef: GMaskRef;
}

export type TreePlan = TreeLayerPlan<'trees'> | TreeLayerPlan<'trees-link'>;

export type LayerPlan = MatmulPlan | RequantPlan | WeightedSumPlan | GatherPlan | AffinePlan | PredicatePlan | TreePlan | PointwisePlan | ReducePlan | SelectorPlan;

/** A virtual tensor's consumer-facing reference (`ref`, routed claims) and its committed mask R (`mask`). */
export interface VirtualPlan extends VirtualTensor {
  readonly ref: MaskedRef;
  readonly mask: MaskedRef;
}

/** One range proof over committed columns of the same size. */
export interface RangePlan {
  readonly label: string;
  readonly columns: readonly string[];
  readonly shape: RangeShape;
  readonly refs: readonly MaskedRef[];
}

/** A nonlinear op: the pairs (x, y) looked up in the op's public table, in the merged LogUp. */
export interface LookupPlan {
  readonly node: VkNode;
  readonly x: string;
  readonly y: string;
  readonly shape: TableLookupShape;
}

export interface ModelPlan {
  readonly lookups: readonly LookupPlan[];
  /** Public outputs that are committed anyway (lookup outputs): opened unmasked at a random point. */
  readonly committedOutputs: readonly string[];
  /** Public inputs, committed like private ones and opened unmasked at a random point (their values are in the statement). */
  readonly publicInputs: readonly string[];
  /** Commitment 0: these tensors (masked) in order, the private tensors' masks, every layer's round mask g, then the digest proofs' masks. */
  readonly committed: readonly CommittedTensor[];
  readonly refs: ReadonlyMap<string, MaskedRef>;
  /** In proving order (the graph's nodes in reverse). */
  readonly layers: readonly LayerPlan[];
  readonly ranges: readonly RangePlan[];
  /** Sizes of commitment 0's vectors, as the PCS commitment must declare them. */
  readonly c0Sizes: readonly number[];
  /**
   * Commitment 0 after the round masks: each digest proof's own masks (digestCommitPolys), by
   * the digested vector's name (WEIGHTS_VECTOR, each attested input's V_a): their first vector.
   */
  readonly digestMasks: ReadonlyMap<string, number>;
  /** Commitment 0 after the committed tensors: each virtual tensor's mask R (before the round masks). */
  readonly virtuals: readonly VirtualPlan[];
  /** Public tensors the plan derives (Gathers of public constants), beside the key's constants. */
  readonly publics: ReadonlyMap<string, IrTensor>;
  /** The physical dims (layout of the table) of every value. */
  readonly dims: ReadonlyMap<string, readonly number[]>;
  /** Relaid copies of private tensors (virtual, proven by a Gather the plan adds): copy → source and index (null: the same elements in order). */
  readonly relayouts: ReadonlyMap<string, { readonly source: string; readonly idx: Int32Array | null }>;
  /** Private tensors (weights by name, multipliers as `node/mults`): views of V. */
  readonly views: ReadonlyMap<string, MaskedRef>;
  /** Private parameters and their fingerprint proof (null: none). */
  readonly weights: PrivatePlan | null;
  /** Bank variables of the committed tensors with banked masks (plan-reveals.ts); a layer's refs name its bank. */
  readonly banks: ReadonlyMap<string, number>;
  /** Per layer (as `layers`): the bank each banked tensor uses there (absent: bank 0). */
  readonly layerBanks: readonly ReadonlyMap<string, number>[];
  /** Attested inputs in input order: each input is a view of its committed V_a (./attested.ts). */
  readonly attested: readonly AttestedPlan[];
  /** Synthetic nodes the plan proves instead of GatherDynamic/TopK (the prover derives their values: plan-dynamic.ts). */
  readonly derived: readonly VkNode[];
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Dims that index the same padded table: dimensions of size 1 dropped, and a power-of-two
 * dimension merged into the one before it (its padding is none, so [a, 2^k] and [a·2^k] put
 * every entry at the same index: [1, 1, 2, 2] is [4], [3, 3, 2] is [3, 6], [2, 3] stays).
 */
function canonicalLayout(dims: readonly number[]): number[] {
  const out: number[] = [];
  for (const d of dims) {
    if (d === 1) continue;
    if (out.length > 0 && (d & (d - 1)) === 0) out[out.length - 1] *= d;
    else out.push(d);
  }
  return out;
}

/** The same padded table: equal canonical layouts. */
export function sameLayout(a: readonly number[], b: readonly number[]): boolean {
  const x = canonicalLayout(a);
  const y = canonicalLayout(b);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

function num(node: VkNode, key: string): number {
  const v = node.attrs[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new UnsupportedModelError(`${node.name}: attribute ${key} is not an integer`);
  return v;
}

/** The smallest k with [−2^(k−1), 2^(k−1)) ⊇ [lo, hi]. */
function signedBits(lo: bigint, hi: bigint): number {
  let k = 1;
  while (lo < -(1n << BigInt(k - 1)) || hi >= 1n << BigInt(k - 1)) k++;
  return k;
}

/**
 * `outputs`: the statement's output entries, whose predicates add their relations to the plan
 * (prover and verifier pass them; without them a key with private outputs plans its layers
 * only, which is enough to check that the model is supported).
 */
export function planModel(vk: VerifyingKey, outputs?: readonly OutputStatement[]): ModelPlan {
  try {
    return planInner(vk, outputs);
  } catch (e) {
    // a layer refusing a shape (single-element tensors, k = 1, …) is a limit of this version
    if (e instanceof RangeError) throw new UnsupportedModelError(`model ${vk.name}: ${e.message}`);
    throw e;
  }
}

function planInner(keyVk: VerifyingKey, statementOutputs?: readonly OutputStatement[]): ModelPlan {
  // GatherDynamic / TopK become synthetic proven layers (plan-dynamic.ts)
  const dynamic = expandDynamicOps(keyVk);
  const vk = dynamic.vk;
  const unsupported = (m: string): never => {
    throw new UnsupportedModelError(`model ${vk.name}: ${m}`);
  };
  // Private parameters: one committed vector V (the fingerprint's preimage), range-checked to
  // signed vk.bits-bit limbs; every private tensor is a view of V (private-weights.ts).
  const priv = hasPrivateParameters(vk) ? planPrivate(vk) : null;
  for (const n of vk.nodes) if (![...['MatMul', 'Requant', 'Clip', 'Lookup', 'Reshape', 'WeightedSum', 'Gather', 'MlAffine', 'MlTreeEnsemble', 'Reduce', 'GatherDynamic', 'Selector', 'GapCheck'], ...POINTWISE_OPS].includes(n.op)) unsupported(`op ${n.op} (${n.name}) has no layer protocol yet`);
  // Reshapes that keep the padded table are free: the output IS the input's polynomial
  const alias = new Map<string, string>();
  const resolve = (name: string): string => alias.get(name) ?? name;
  const attested = vk.inputs.filter((i) => i.visibility === 'attested').map((i) => {
    const a = planAttested(i);
    return typeof a === 'string' ? unsupported(a) : a;
  });
  // Value infos with each tensor's PHYSICAL dims: the layout of its committed table. Elementwise
  // ops keep their input's layout, a MatMul output has the product's [batch, m, n] layout, and
  // a Reshape is free (the same table: reshapes keep the row-major order of real elements).
  const info = new Map<string, IrValueInfo>(vk.values.map((v) => [v.name, v]));
  const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
  /** Gives `name` the layout `dims` (same element count, same row-major order); false if the counts differ. */
  const relayout = (name: string, dims: readonly number[]): boolean => {
    const v = info.get(name);
    if (!v || sizeOf(v.dims) !== sizeOf(dims)) return false;
    info.set(name, { ...v, dims });
    return true;
  };
  if (new Set(vk.outputs.map((o) => o.name)).size !== vk.outputs.length) unsupported('an output is listed twice');
  // public outputs are the verifier's tables; private ones are committed like activations
  const outputs = new Set(vk.outputs.filter((o) => o.visibility === 'public').map((o) => o.name));

  // Ranges the proof establishes (not the compiler's declarations): a private input is proven
  // in its signed k-bit range; public constants are exact; a MatMul output is bounded from its
  // operands' proven ranges. Every relation term must stay below p/2 under these.
  const interval = new Map<string, readonly [bigint, bigint]>(); // name → proven [lo, hi]
  const proven = {
    get: (name: string): bigint | undefined => {
      const r = interval.get(name);
      return r === undefined ? undefined : absMax(r[0], r[1]);
    },
    has: (name: string): boolean => interval.has(name),
    set: (name: string, lo: bigint, hi: bigint = lo < 0n ? -lo : lo): void => void interval.set(name, lo <= hi ? [lo, hi] : [hi, lo]),
  };
  const ranges: { label: string; columns: string[]; bits: number; signed: boolean; numVars: number }[] = [];
  for (const i of vk.inputs) {
    const bits = signedBits(i.lo, i.hi);
    if (bits > 62) unsupported(`input ${i.name} range is wider than 62 bits`);
    proven.set(i.name, -(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n);
    const nv = totalVars(i.dims);
    if (nv < 1) unsupported(`input ${i.name} has a single element (a range check needs two rows)`);
    ranges.push({ label: `input ${i.name}`, columns: [i.name], bits, signed: true, numVars: nv });
  }
  for (const [name] of vk.publicConstants) {
    const v = info.get(name)!;
    proven.set(name, v.lo, v.hi);
  }
  const privateMults = new Map<string, PrivateTensor>();
  for (const t of priv?.layout.tensors ?? []) {
    if (t.node === null) proven.set(t.name, -t.bound, t.bound);
    else privateMults.set(t.node.name, t);
    // a range narrower than the limbs' capacity: what t.bound (the relations' bound) rests on
    if (t.range) ranges.push({ label: `private ${t.name}`, columns: [rangeColumn(t)], bits: t.range.bits, signed: t.range.signed, numVars: t.numVars });
  }

  // an attested input is not committed itself: V_a is, and the input is its view
  const committed: CommittedTensor[] = vk.inputs.map((i) => {
    const a = attested.find((x) => x.input === i.name);
    return a ? { name: a.vector, dims: [2 ** a.nV], numVars: a.nV } : { name: i.name, dims: i.dims, numVars: totalVars(i.dims) };
  });
  for (const a of attested) ranges.push({ label: `attested ${a.input} fields`, columns: [a.vector], bits: ATTESTED_BITS, signed: true, numVars: a.nV });
  // Gather outputs computed from public constants only: public tensors the verifier derives
  const publics = new Map<string, IrTensor>(dynamic.constants);
  for (const name of dynamic.constants.keys()) proven.set(name, info.get(name)!.lo, info.get(name)!.hi);
  const isPublic = (name: string): boolean => vk.publicConstants.has(name) || publics.has(name);
  const reshapeOf = new Map(vk.nodes.filter((m) => m.op === 'Reshape').map((m) => [m.outputs[0], m.inputs[0]]));
  const root = (name: string): string => {
    let x = name;
    for (let i = 0; i < vk.nodes.length && reshapeOf.has(x); i++) x = reshapeOf.get(x)!;
    return x;
  };
  const claims = claimCounts(vk, root);
  const outputRoots = new Set(vk.outputs.map((o) => root(o.name)));
  const virtuals: VirtualTensor[] = [];
  /** Relaid copies of private tensors (virtual Gathers the plan adds): copy → source. */
  const relayouts = new Map<string, { source: string; idx: Int32Array | null }>();
  /** Selector outputs S: every real row one-hot (a MatMul S·B selects entries of B). */
  const oneHot = new Set<string>();
  if (priv) {
    committed.push({ name: WEIGHTS_VECTOR, dims: [2 ** priv.nV], numVars: priv.nV, committedSize: vectorCommitSize(priv.layout.count, priv.nV) });
    ranges.push({ label: 'private weights', columns: [WEIGHTS_VECTOR], bits: priv.layout.bits, signed: true, numVars: priv.nV });
  }
  type Draft =
    | { kind: 'matmul'; node: VkNode; dims: MatmulDims; tensors: MatmulPlan['tensors'] }
    | { kind: 'requant'; node: VkNode; params: RequantParams; tensors: RequantPlan['tensors'] }
    | { kind: 'wsum'; node: VkNode; params: WeightedSumParams; tensors: string[] }
    | { kind: 'gather'; node: VkNode; y: string; slots: string[]; idx: Int32Array; fill: bigint }
    | ReturnType<typeof planAffine>
    | TreeDraft
    | PointwiseDraft
    | ReduceDraft
    | SelectorDraft;
  const layerDims: Draft[] = [];
  const lookupDrafts: { node: VkNode; x: string; y: string; table: PublicTable }[] = [];
  const committedOutputs: string[] = [];
  const ctx: PlanContext = { resolve, info, publicConstants: vk.publicConstants, interval: (name) => interval.get(name), setInterval: (name, lo, hi) => proven.set(name, lo, hi), gathered: (x, dims, owner, idx) => relaid(x, dims, owner, idx), unsupported };
  const declared = new Map<string, IrValueInfo>(vk.values.map((v) => [v.name, v]));
  /**
   * x in the layout `view`: x itself, a public copy, or a virtual Gather copy of a private x
   * (proven by that Gather). `widen`: a gather index that widens x with zeros (a k = 1 MatMul operand).
   */
  const relaid = (x: string, view: readonly number[], owner: VkNode, widen?: Int32Array): string => {
    const v = info.get(x) ?? unsupported(`${owner.name}: unknown value ${x}`);
    if (widen === undefined && sameLayout(v.dims, view)) return x;
    const y = `${x}#as[${view.join(',')}]#${info.size}`;
    info.set(y, { ...v, name: y, dims: view });
    const range = interval.get(x) ?? unsupported(`${owner.name}: operand ${x} not available before use`);
    proven.set(y, widen && range[0] > 0n ? 0n : range[0], widen && range[1] < 0n ? 0n : range[1]);
    const t = vk.publicConstants.get(x) ?? publics.get(x);
    if (t) {
      publics.set(y, { dims: view, data: widen ? publicGather(widen, [t.data], 0n) : t.data });
      return y;
    }
    const size = sizeOf(view);
    if (widen === undefined && size !== sizeOf(v.dims)) unsupported(`${owner.name}: operand ${x} of dims [${v.dims}] is used as [${view}]`);
    const numVars = totalVars(view);
    virtuals.push({ name: y, dims: view, numVars, maskVars: Math.min(TENSOR_MASK_VARS, numVars) });
    relayouts.set(y, { source: x, idx: widen ?? null });
    const node: VkNode = { op: 'Gather', name: `${owner.name}/relayout-${x}`, source: owner.source, inputs: [x], outputs: [y], attrs: {}, privateAttrs: [], bounds: {} };
    layerDims.push({ kind: 'gather', node, y, slots: [x], idx: widen ?? Int32Array.from({ length: size }, (_, i) => i), fill: 0n });
    return y;
  };
  const ectx: ElementwiseContext = {
    resolve,
    info: (name) => info.get(name),
    declared: (name) => declared.get(name),
    relayout,
    interval: (name) => interval.get(name),
    setInterval: (name, lo, hi) => proven.set(name, lo, hi),
    isOutput: (name) => outputs.has(name),
    isPublic,
    relaid,
    publicTensor: (name) => vk.publicConstants.get(name) ?? publics.get(name),
    commit: (name, dims) => void committed.push({ name, dims, numVars: totalVars(dims) }),
    range: (label, columns, bits, signed, numVars) => void ranges.push({ label, columns: [...columns], bits, signed, numVars }),
    alias: (y, x) => {
      relayout(y, info.get(x)!.dims);
      alias.set(y, x);
      const r = interval.get(x)!;
      proven.set(y, r[0], r[1]);
      if (outputs.has(y)) committedOutputs.push(y);
    },
    unsupported,
  };
  for (const n of vk.nodes) {
    if (n.op === 'Gather') {
      planGather(n);
      continue;
    }
    if (POINTWISE_OPS.includes(n.op)) {
      layerDims.push(planPointwise(n, ectx));
      continue;
    }
    if (n.op === 'GatherDynamic') {
      const d = planGatherDynamicLookup(n, ectx) ?? unsupported(`${n.name}: a GatherDynamic of private data is not proven yet`);
      lookupDrafts.push(d);
      if (outputs.has(d.y)) committedOutputs.push(d.y);
      continue;
    }
    if (n.op === 'Selector') {
      const d = planSelector(n, ectx);
      oneHot.add(d.tensors.s);
      layerDims.push(d);
      continue;
    }
    if (n.op === 'GapCheck') {
      planGapCheck(n, ectx);
      continue;
    }
    if (n.op === 'Reduce') {
      const d = planReduce(n, ectx);
      if (d) layerDims.push(d);
      continue;
    }
    if (n.op === 'MlTreeEnsemble') {
      const t = planTrees(n, ctx);
      const dims = treeColumnDims(t.relation.params);
      const nv = totalVars(dims);
      const cols = [t.relation.tensors.e, ...t.relation.tensors.s, ...t.relation.tensors.d, ...t.relation.tensors.u];
      for (const c of cols) committed.push({ name: c, dims, numVars: nv });
      const k = t.selectorMatmul;
      if (k) committed.push({ name: k.tensors.c, dims: [k.dims.m, k.dims.n], numVars: totalVars([k.dims.m, k.dims.n]) });
      const out = t.matmul.tensors.c;
      if (!outputs.has(out)) committed.push({ name: out, dims: info.get(out)!.dims, numVars: totalVars(info.get(out)!.dims) });
      ranges.push({ label: `${n.name} comparisons`, columns: [...t.relation.tensors.u], bits: t.slackBits, signed: false, numVars: nv });
      // proven in reverse: the leaf sum, the comparisons, the gather (and K = X·H for a private selector)
      layerDims.push(...(k ? [k] : []), t.link, t.relation, t.matmul);
      continue;
    }
    if (n.op === 'MlAffine') {
      const d = planAffine(n, ctx);
      if (!outputs.has(d.tensors.out)) committed.push({ name: d.tensors.out, dims: d.params.dims, numVars: totalVars(d.params.dims) });
      layerDims.push(d);
      continue;
    }
    if (n.op === 'Requant' || n.op === 'Clip') {
      const d = planRequant(n);
      if (d) layerDims.push(d);
      continue;
    }
    if (n.op === 'Lookup') {
      lookupDrafts.push(planLookup(n));
      continue;
    }
    if (n.op === 'WeightedSum') {
      const xs = n.inputs.map(resolve);
      const out = n.outputs[0];
      const oi = info.get(out);
      if (!oi || n.outputs.length !== 1) unsupported(`${n.name}: WeightedSum output`);
      const x0 = info.get(xs[0])?.dims ?? [];
      for (const x of xs) if (!sameLayout(info.get(x)?.dims ?? [], x0)) unsupported(`${n.name}: broadcasting sums are not proven yet`);
      if (!relayout(out, x0)) unsupported(`${n.name}: broadcasting sums are not proven yet`);
      const raw = n.attrs.coeffs;
      if (!Array.isArray(raw) || raw.length !== xs.length) unsupported(`${n.name}: coefficients`);
      const coeffs = (raw as readonly (number | bigint)[]).map((c) => BigInt(c));
      const off = n.attrs.offset;
      const offset = off === undefined ? 0n : typeof off === 'bigint' ? off : typeof off === 'number' && Number.isSafeInteger(off) ? BigInt(off) : unsupported(`${n.name}: offset`);
      let bound = offset < 0n ? -offset : offset;
      let [lo, hi] = [offset, offset]; // interval arithmetic over the proven input ranges
      xs.forEach((x, j) => {
        const b = proven.get(x) ?? unsupported(`${n.name}: input not available before use`);
        bound += b * (coeffs[j] < 0n ? -coeffs[j] : coeffs[j]);
        const [p, q] = interval.get(x)!.map((v) => v * coeffs[j]);
        [lo, hi] = [lo + (p < q ? p : q), hi + (p < q ? q : p)];
      });
      if (bound >= FIELD_HALF) unsupported(`${n.name}: sum bound reaches p/2 (${xs.map((x) => `${x} ≤ ${proven.get(x)}`).join(', ')})`);
      proven.set(out, lo, hi);
      if (!outputs.has(out)) committed.push({ name: out, dims: x0, numVars: totalVars(x0) });
      layerDims.push({ kind: 'wsum', node: n, params: { dims: x0, coeffs, offset }, tensors: [out, ...xs] });
      continue;
    }
    if (n.op === 'Reshape') {
      const x = resolve(n.inputs[0]);
      const y = n.outputs[0];
      const xi = info.get(x);
      if (!xi || n.outputs.length !== 1 || !relayout(y, xi.dims)) unsupported(`${n.name}: reshape to another element count`);
      if (isPublic(x)) {
        // a public tensor reshaped: the same public data in the output's dims
        const t = (vk.publicConstants.get(x) ?? publics.get(x))!;
        publics.set(y, { dims: info.get(y)!.dims, data: t.data });
        proven.set(y, ...(interval.get(x)!));
        continue;
      }
      const range = interval.get(x) ?? unsupported(`${n.name}: input not available before use`);
      alias.set(y, x);
      proven.set(y, range[0], range[1]);
      if (outputs.has(y)) committedOutputs.push(y);
      continue;
    }
    const biasMode = num(n, 'biasMode');
    if (biasMode !== 0 && biasMode !== 1 && biasMode !== 2) unsupported(`${n.name}: biasMode ${biasMode}`);
    // k = 1 has no sumcheck variable: proven as k = 2 over operands widened with zeros (plan-matmul.ts)
    const unitK = num(n, 'k') === 1;
    const dims: MatmulDims = { batch: num(n, 'batch'), batchB: num(n, 'batchB'), m: num(n, 'm'), k: unitK ? 2 : num(n, 'k'), n: num(n, 'n'), biasMode: biasMode as 0 | 1 | 2 };
    if (num(n, 'batchA') !== dims.batch) unsupported(`${n.name}: a broadcast left operand (batchA ≠ batch) is not supported yet`);
    if (n.outputs.length !== 1) unsupported(`${n.name}: MatMul with ${n.outputs.length} outputs`);
    const c = n.outputs[0];
    const td = matmulTensorDims(dims);
    // each operand in the layout the product reads: a public one is the verifier's own table
    // (a copy laid out as read), a private one in another layout is relaid by a virtual Gather
    // (`widen`: the gather index of a k = 1 operand widened with zeros)
    const operand = (x: string | undefined, view: number[] | null, widen?: Int32Array): string | undefined => (x === undefined || view === null ? x : relaid(x, view, n, widen));
    const [a0, b0, bias0] = n.inputs.map(resolve);
    const a = operand(a0, td.a, unitK ? widenUnitAxis(dims.batch * dims.m, 1) : undefined)!;
    const b = operand(b0, td.b, unitK ? widenUnitAxis(dims.batchB, dims.n) : undefined)!;
    const bias = operand(bias0, td.bias);
    // proven bound of the output: k·|A|·|B| + |bias|
    const pa = proven.get(a);
    const pb = proven.get(b);
    if (pa === undefined || pb === undefined) unsupported(`${n.name}: operand not available before use`);
    // with a public operand: its exact L1 norms (plan-bounds.ts) instead of k·|A|·|B|
    const pubA = vk.publicConstants.get(a) ?? publics.get(a);
    const pubB = vk.publicConstants.get(b) ?? publics.get(b);
    let prod = BigInt(num(n, 'k')) * pa! * pb!;
    if (pubB) prod = [prod, maxColumnL1(pubB.data, dims.batchB, dims.k, dims.n) * pa!].reduce((x, y) => (x < y ? x : y));
    if (pubA) prod = [prod, maxRowL1(pubA.data, dims.batch * dims.m, dims.k) * pb!].reduce((x, y) => (x < y ? x : y));
    const acc = prod + (bias ? proven.get(bias) ?? unsupported(`${n.name}: bias not available`) : 0n);
    if (acc >= FIELD_HALF) unsupported(`${n.name}: accumulator bound ${acc} reaches p/2 under the proven input ranges`);
    // rows of a Selector's S are one-hot (proven by its layer): S·B reads entries of B, in B's range
    const rb = interval.get(b)!;
    if (oneHot.has(a0) && !bias) proven.set(c, rb[0], rb[1]);
    else proven.set(c, -acc, acc);
    if (!relayout(c, td.c)) unsupported(`${n.name}: output dims do not hold [${td.c}]`);
    if (!outputs.has(c)) committed.push({ name: c, dims: td.c, numVars: totalVars(td.c) });
    layerDims.push({ kind: 'matmul', node: n, dims, tensors: { a, b, c, bias: bias ?? null } });
  }

  function planGather(n: VkNode): void {
    const y = n.outputs[0];
    const idxName = n.inputs[n.inputs.length - 1];
    const idxTable = vk.publicConstants.get(idxName) ?? dynamic.constants.get(idxName);
    if (!idxTable || n.outputs.length !== 1 || n.inputs.length < 2) unsupported(`${n.name}: Gather needs sources and a public index table`);
    const slots = n.inputs.slice(0, -1).map(resolve);
    const yi = info.get(y) ?? unsupported(`${n.name}: unknown output`);
    const fillAttr = n.attrs.fill;
    const fill = fillAttr === undefined ? 0n : typeof fillAttr === 'bigint' ? fillAttr : typeof fillAttr === 'number' && Number.isSafeInteger(fillAttr) ? BigInt(fillAttr) : unsupported(`${n.name}: fill`);
    const idx = gatherIndex(idxTable!);
    if (idx.length !== sizeOf(yi.dims)) unsupported(`${n.name}: ${idx.length} indices for ${sizeOf(yi.dims)} outputs`);
    let usesFill = false;
    for (let i = 0; i < idx.length && !usesFill; i++) usesFill = idx[i] < 0;
    const sourcesRange = slots.map((x) => interval.get(x) ?? unsupported(`${n.name}: source ${x} not available before use`));
    let lo = usesFill ? fill : sourcesRange[0][0];
    let hi = usesFill ? fill : sourcesRange[0][1];
    for (const [a, b] of sourcesRange) {
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
    if (slots.every(isPublic)) {
      const data = publicGather(idx, slots.map((x) => (vk.publicConstants.get(x) ?? publics.get(x))!.data), fill);
      publics.set(y, { dims: yi.dims, data });
    }
    // every output element is a source element or the fill
    proven.set(y, lo, hi);
    if (publics.has(y)) return;
    const numVars = totalVars(yi.dims);
    const maskVars = Math.min(TENSOR_MASK_VARS, numVars);
    const uses = claims.get(y) ?? 0;
    // an output is proven against the statement's values; an output's reshape source is committed
    if (!outputs.has(y) && !outputRoots.has(y)) {
      if (uses === 0) return; // read by nothing: nothing to prove
      if (uses <= 2 ** maskVars) virtuals.push({ name: y, dims: yi.dims, numVars, maskVars });
      else committed.push({ name: y, dims: yi.dims, numVars });
    } else if (!outputs.has(y)) committed.push({ name: y, dims: yi.dims, numVars });
    layerDims.push({ kind: 'gather', node: n, y, slots, idx, fill });
  }

  function planLookup(n: VkNode): { node: VkNode; x: string; y: string; table: PublicTable } {
    const x = resolve(n.inputs[0]);
    const tname = n.inputs[1];
    const y = n.outputs[0];
    const t = vk.publicConstants.get(tname);
    if (!t || n.inputs.length !== 2 || n.outputs.length !== 1) unsupported(`${n.name}: Lookup needs x and a public table`);
    const lo = n.attrs.tableLo;
    const tableLo = typeof lo === 'bigint' ? lo : typeof lo === 'number' && Number.isSafeInteger(lo) ? BigInt(lo) : unsupported(`${n.name}: tableLo`);
    const xi = info.get(x);
    if (!xi || !relayout(y, xi.dims)) unsupported(`${n.name}: input and output shapes differ`);
    const size = t!.data.length;
    const range = interval.get(x) ?? unsupported(`${n.name}: input not available before use`);
    // every value x can take must be a key; padding keys lie beyond
    if (range[0] < tableLo || range[1] >= tableLo + BigInt(size)) unsupported(`${n.name}: the table domain [${tableLo}, ${tableLo + BigInt(size) - 1n}] does not cover the proven input range [${range[0]}, ${range[1]}]`);
    const padded = 1 << Math.max(1, Math.ceil(Math.log2(size)));
    const keys = new BigUint64Array(padded);
    const vals = new BigUint64Array(padded);
    for (let j = 0; j < padded; j++) {
      keys[j] = toField(tableLo + BigInt(j));
      vals[j] = j < size ? toField(t!.data[j]) : 0n;
    }
    // only the unpadded entries are looked up (the LogUp's witness side carries their indicator)
    if (totalVars(xi!.dims) < 1) unsupported(`${n.name}: a single-element lookup`);
    let tLo = t!.data[0];
    let tHi = t!.data[0];
    for (const v of t!.data) {
      if (v < tLo) tLo = v;
      if (v > tHi) tHi = v;
    }
    proven.set(y, tLo, tHi);
    committed.push({ name: y, dims: xi!.dims, numVars: totalVars(xi!.dims) });
    if (outputs.has(y)) committedOutputs.push(y);
    return { node: n, x, y, table: explicitTable(`${n.name}/table`, [keys, vals]) };
  }

  /** The requant's layer, or null when its input is public (then so is its output, plan-requant.ts). */
  function planRequant(n: VkNode): Draft | null {
    const pm = privateMults.get(n.name);
    if (n.privateAttrs.length > 0 && !pm) unsupported(`${n.name}: private attributes [${n.privateAttrs}] without a layout`);
    if (n.inputs.length !== 1 || n.outputs.length !== 1) unsupported(`${n.name}: Requant with ${n.inputs.length} inputs`);
    const x = resolve(n.inputs[0]);
    const q = n.outputs[0];
    const xi = info.get(x);
    if (!xi || !relayout(q, xi.dims)) unsupported(`${n.name}: input and output shapes differ`);
    const raw = n.op === 'Clip' ? [1n] : pm ? [] : n.attrs.mults;
    if (!Array.isArray(raw) || (raw.length === 0 && !pm)) unsupported(`${n.name}: no multipliers`);
    const mults = (raw as readonly (number | bigint)[]).map((m) => BigInt(m));
    const count = pm ? pm.dims[0] : mults.length;
    const big = (k: string): bigint => {
      const v = n.attrs[k];
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      return unsupported(`${n.name}: attribute ${k}`);
    };
    let axis: number | null = null;
    try {
      axis = channelAxis(xi!.dims, count, n.attrs.inner === undefined || n.op === 'Clip' ? 1 : num(n, 'inner'));
    } catch (e) {
      unsupported(`${n.name}: ${(e as Error).message}`);
    }
    // Clip is a requantization by M = 1, s = 0 (q′ = x, r = 0)
    const params: RequantParams = {
      dims: xi!.dims, mults, channelAxis: axis, shift: n.op === 'Clip' ? 0 : num(n, 'shift'), lo: big('lo'), hi: big('hi'),
      ...(pm ? { privateMults: { count, bound: pm.bound } } : {}),
    };
    const pub = vk.publicConstants.get(x) ?? publics.get(x);
    if (pub && !pm) {
      const t = publicRequant(params, pub.data);
      publics.set(q, { dims: xi!.dims, data: t.data });
      proven.set(q, t.lo, t.hi);
      return null;
    }
    const xBound = proven.get(x) ?? unsupported(`${n.name}: input not available before use`);
    let bits: ReturnType<typeof requantRangeBits>;
    try {
      bits = requantRangeBits(params, xBound);
    } catch (e) {
      return unsupported(`${n.name}: ${(e as Error).message} (B_in = ${xBound}, M ≤ ${pm ? pm.bound : 'public'})`);
    }
    const cols = Object.fromEntries(REQUANT_COLUMNS.map((c) => [c, `${n.name}#${c}`])) as Record<RequantColumn, string>;
    const nv = totalVars(xi!.dims);
    for (const c of REQUANT_COLUMNS) committed.push({ name: cols[c], dims: xi!.dims, numVars: nv });
    if (!outputs.has(q)) committed.push({ name: q, dims: xi!.dims, numVars: nv });
    // public multipliers: q = clamp(floor((x·M + h)/2^s)) is monotone in x (M > 0), so q lies in
    // the image of x's proven interval; private ones (0 ≤ M ≤ pm.bound, range-checked): q′ is
    // monotone in x·M, so the corners of [x_lo, x_hi] × [0, pm.bound] bound it (within the clamp)
    const xr = interval.get(x)!;
    const sh = BigInt(params.shift);
    const h = params.shift > 0 ? 1n << (sh - 1n) : 0n;
    const image = (v: bigint, m: bigint): bigint => {
      const qp = (v * m + h) >> sh;
      return qp < params.lo ? params.lo : qp > params.hi ? params.hi : qp;
    };
    if (pm) {
      const corners = [xr[0], xr[1]].flatMap((v) => [image(v, 0n), image(v, pm.bound)]);
      proven.set(q, corners.reduce((a, b) => (a < b ? a : b)), corners.reduce((a, b) => (a > b ? a : b)));
    } else if (mults.length === 0) proven.set(q, params.lo, params.hi);
    else proven.set(q, mults.map((m) => image(xr[0], m)).reduce((a, b) => (a < b ? a : b)), mults.map((m) => image(xr[1], m)).reduce((a, b) => (a > b ? a : b)));
    if (bits.r > 0) ranges.push({ label: `${n.name} remainder`, columns: [cols.r], bits: bits.r, signed: false, numVars: nv });
    ranges.push({ label: `${n.name} quotient`, columns: [cols.qp], bits: bits.qp, signed: true, numVars: nv });
    ranges.push({ label: `${n.name} clamp`, columns: [cols.u1, cols.u2, cols.w], bits: bits.nonneg, signed: false, numVars: nv });
    return { kind: 'requant', node: n, params, tensors: { x, q, cols } };
  }
  for (const o of vk.outputs) if (!proven.has(o.name) || vk.inputs.some((i) => i.name === o.name)) unsupported(`output ${o.name} is not computed by a proven node`);
  // predicates on private outputs: a committed slack column each (range-checked), one relation each
  const predicateDrafts = statementOutputs === undefined ? [] : vk.outputs.flatMap((o, i) => {
    if (o.visibility === 'public') return [];
    const st = statementOutputs[i];
    if (st === undefined || st.kind !== 'predicate') return unsupported(`private output ${o.name} needs a predicate in the statement`);
    const d = planPredicate(o, resolve(o.name), st.predicate, ctx);
    if (d.tensors.slack !== null) {
      committed.push({ name: d.tensors.slack, dims: o.dims, numVars: totalVars(o.dims) });
      ranges.push({ label: `predicate on ${o.name}`, columns: [d.tensors.slack], bits: d.slackBits, signed: false, numVars: totalVars(o.dims) });
    }
    return [d];
  });

  // each tensor's mask sized for its reveals (one per layer naming it, one in the merged LogUp);
  // a small table revealed more often than its own size gets banks of masks (plan-reveals.ts)
  const claimed = (l: Draft | PredicateDraft): (string | null)[] =>
    l.kind === 'requant' ? [l.tensors.x, l.tensors.q, ...Object.values(l.tensors.cols)]
    : l.kind === 'gather' ? [...l.slots, l.y]
    : l.kind === 'wsum' || l.kind === 'pointwise' ? [...l.tensors]
    : l.kind === 'matmul' || l.kind === 'reduce' || l.kind === 'selector' ? Object.values(l.tensors)
    : l.kind === 'trees' ? [l.tensors.e, ...l.tensors.s, ...l.tensors.d, ...l.tensors.u]
    : l.kind === 'trees-link' ? [...l.tensors.d, l.tensors.gathered ?? l.tensors.x, l.tensors.threshold, l.tensors.selector, l.tensors.modes]
    : l.kind === 'affine' ? [l.tensors.x, l.tensors.out, l.tensors.a, l.tensors.c]
    : [l.tensors.out, l.tensors.slack];
  const siteNames = [...predicateDrafts, ...[...layerDims].reverse()].map(claimed);
  const logupColumns = [...ranges.map((r) => r.columns), ...lookupDrafts.map((l) => [l.x, l.y])];
  const reveals = revealCounts(siteNames, logupColumns, []);
  const maskOf = new Map(committed.map((t) => [t.name, maskVarsFor(reveals.get(t.name) ?? 1, t.numVars, Math.min(TENSOR_MASK_VARS, t.numVars))] as const));
  // columns of one range check, and a lookup's x and y, share one mask size (the larger)
  for (const group of logupColumns) {
    const m = Math.max(...group.map((c) => maskOf.get(c) ?? 0));
    for (const c of group) if (maskOf.has(c)) maskOf.set(c, m);
  }
  const banks = assignBanks(siteNames, new Set(logupColumns.flat()), (name) => maskOf.get(name));
  const layout = maskedLayout(0, committed.map((t) => ({ numVars: t.numVars, maskVars: maskOf.get(t.name)!, ext: false })));
  const refs = new Map(committed.map((t, i) => [t.name, layout[i]]));
  // the merged LogUp (and every other reader outside the layers) reads bank 0
  for (const [name, vars] of banks.vars) refs.set(name, { ...refs.get(name)!, bank: { index: 0, vars } });
  const sizes: number[] = committed.flatMap((t, i) => [t.committedSize ?? 1 << t.numVars, ...Array<number>(2).fill(1 << (layout[i].maskVars + (banks.vars.get(t.name) ?? 0)))]);
  // virtual tensors: only R (an extension table over the top variables, with its own one-coefficient mask)
  const virtualPlans: VirtualPlan[] = virtuals.map((v, k) => {
    const [mask] = maskedLayout(0, [{ numVars: v.maskVars, maskVars: 0, ext: true }], sizes.length);
    sizes.push(1 << v.maskVars, 1 << v.maskVars, 1, 1);
    const vref = virtualRef(k, v.numVars, v.maskVars, [mask.f[0], mask.f[1]]);
    refs.set(v.name, vref);
    return { ...v, mask, ref: vref };
  });
  for (const a of attested) {
    const vRef = refs.get(a.vector)!;
    if (vRef.maskVars !== ATTESTED_MASK_VARS) unsupported(`attested input ${a.input}: V_a's mask is not the digest proof's`);
    const maskVars = maskVarsFor(reveals.get(a.input) ?? 1, a.numVars, Math.min(TENSOR_MASK_VARS, a.numVars)) ?? unsupported(`attested input ${a.input} is revealed too often for its mask`);
    refs.set(a.input, attestedView(a, vRef, [sizes.length, sizes.length + 1], maskVars));
    sizes.push(1 << maskVars, 1 << maskVars);
  }
  for (const [y, x] of alias) {
    const r = refs.get(x);
    if (r) refs.set(y, r);
    else if (outputs.has(y)) unsupported(`output ${y} reshapes a tensor that is not committed`);
  }
  let next = sizes.length;
  // private tensors: a view of V with its own mask R (two vectors each); multipliers are
  // broadcast over their Requant input, so their mask lives on that input's variables
  const views = new Map<string, MaskedRef>();
  if (priv) {
    const vRef = refs.get(WEIGHTS_VECTOR)!;
    for (const t of priv.layout.tensors) {
      const numVars = t.node === null ? t.numVars : totalVars(info.get(resolve(t.node.inputs[0]))!.dims);
      const reads = reveals.get(t.name) ?? 1;
      const maskVars = maskVarsFor(reads, numVars, Math.min(TENSOR_MASK_VARS, numVars));
      if (reads > 2 ** maskVars) unsupported(`private parameter ${t.name} is read by ${reads} layers, more than its ${2 ** maskVars}-entry mask hides (banked masks for private parameters are not built)`);
      const view = t.offsets.map((offset, j) => ({ coeff: toField(1n << BigInt(priv.layout.bits * j)), suffix: blockSuffix(offset, t.numVars, priv.nV) }));
      const r: MaskedRef = { commitment: 0, f: [vRef.f[0]], r: [next, next + 1], numVars, maskVars, view };
      views.set(t.name, r);
      if (t.node === null) refs.set(t.name, r);
      sizes.push(1 << maskVars, 1 << maskVars);
      next += 2;
      if (t.node === null) continue;
      // the multipliers' own table (not broadcast) for their range check: revealed once
      const rangeMaskVars = Math.min(TENSOR_MASK_VARS, t.numVars);
      const rr: MaskedRef = { commitment: 0, f: [vRef.f[0]], r: [next, next + 1], numVars: t.numVars, maskVars: rangeMaskVars, view };
      views.set(rangeColumn(t), rr);
      refs.set(rangeColumn(t), rr);
      sizes.push(1 << rangeMaskVars, 1 << rangeMaskVars);
      next += 2;
    }
  }
  // a layer's reference to a banked tensor reads the bank assigned to that layer
  let site = 0;
  const ref = (name: string | null): MaskedRef | null => {
    const r = name === null ? undefined : refs.get(name);
    const vars = name === null ? undefined : banks.vars.get(name);
    if (r === undefined || vars === undefined) return r ?? null;
    return { ...r, bank: { index: banks.layers[site].get(name!) ?? 0, vars } };
  };
  const gRefFor = (degrees: number[]): GMaskRef => {
    const gLen = nextPow2(maskLength(degrees));
    const gRef: GMaskRef = { commitment: 0, g: [next, next + 1], degrees };
    sizes.push(gLen, gLen);
    next += 2;
    return gRef;
  };
  const predicateLayers: LayerPlan[] = predicateDrafts.map((d, i) => {
    site = i;
    const out = ref(d.tensors.out) ?? unsupported(`output ${d.tensors.output} is private but not committed`);
    const prefs: PredicateRefs = { out, slack: ref(d.tensors.slack) };
    return { kind: 'predicate', params: d.params, tensors: d.tensors, refs: prefs, gRef: gRefFor(predicateDegrees(d.params, prefs)) };
  });
  const layers: LayerPlan[] = [...predicateLayers, ...[...layerDims].reverse().map((l, i): LayerPlan => {
    site = predicateDrafts.length + i;
    if (l.kind === 'trees' || l.kind === 'trees-link') {
      const t = l.tensors;
      const tr: TreeRefs = {
        e: ref(t.e)!, s: t.s.map((c) => ref(c)!), d: t.d.map((c) => ref(c)!), u: t.u.map((c) => ref(c)!),
        gathered: ref(t.gathered ?? t.x) ?? unsupported(`${l.node.name}: a public tree input is not supported`),
        threshold: ref(t.threshold), selector: ref(t.selector), modes: ref(t.modes),
      };
      return { ...l, refs: tr, gRef: gRefFor(l.kind === 'trees' ? treeRelationDegrees(l.params, tr) : treeLinkDegrees(l.params, tr)) };
    }
    if (l.kind === 'pointwise') {
      const prefs = l.tensors.map((t) => ref(t));
      return { ...l, refs: prefs, gRef: gRefFor(pointwiseDegrees(l.params, prefs)) };
    }
    if (l.kind === 'selector') {
      const srefs = { s: ref(l.tensors.s)!, idx: ref(l.tensors.idx), neg: ref(l.tensors.neg) };
      return { ...l, refs: srefs, gRef: gRefFor(selectorDegrees(l.params, srefs)) };
    }
    if (l.kind === 'reduce') {
      const t = l.tensors;
      const rrefs = { x: ref(t.x), out: ref(t.out), s: ref(t.s), d: ref(t.d), m: ref(t.m) };
      return { ...l, refs: rrefs, gRef: gRefFor(reduceDegrees(l.params, rrefs)) };
    }
    if (l.kind === 'affine') {
      const arefs: AffineRefs = { out: ref(l.tensors.out), x: ref(l.tensors.x) ?? unsupported(`${l.node.name}: a public affine input is not supported`), a: ref(l.tensors.a), c: ref(l.tensors.c) };
      return { ...l, refs: arefs, gRef: gRefFor(affineDegrees(l.params, arefs)) };
    }
    if (l.kind === 'wsum') {
      const wrefs = l.tensors.map((t) => ref(t));
      return { ...l, refs: wrefs, gRef: gRefFor(weightedSumDegrees(l.params, wrefs)) };
    }
    if (l.kind === 'gather') {
      const distinct = [...new Set(l.slots.filter((x) => !isPublic(x)))];
      const slots: GatherSlot[] = l.slots.map((x) => {
        const t = vk.publicConstants.get(x) ?? publics.get(x);
        const dims = info.get(x)!.dims;
        return { dims, source: t ? null : distinct.indexOf(x), table: t ? paddedTable(t.data, dims) : null };
      });
      const map = buildGatherMap(info.get(l.y)!.dims, l.idx, slots, distinct.map((x) => totalVars(info.get(x)!.dims)), l.fill);
      const sources = distinct.map((x) => ref(x) ?? unsupported(`${l.node.name}: source ${x} is a model output (not committed)`));
      const vm = virtualPlans.find((v) => v.name === l.y);
      const out: GatherOutput = outputs.has(l.y) ? { kind: 'public' } : vm ? { kind: 'virtual', mask: vm.mask } : { kind: 'committed', ref: ref(l.y)! };
      const grefs: GatherRefs = { sources, out };
      return { kind: 'gather', node: l.node, map, tensors: { y: l.y, sources: distinct }, refs: grefs, gRef: gRefFor(gatherDegrees(map, grefs)) };
    }
    if (l.kind === 'matmul') {
      // a public A: public weights, or a model output the statement holds (review F5)
      const mrefs: MatmulRefs = { a: ref(l.tensors.a), b: ref(l.tensors.b), c: ref(l.tensors.c), bias: ref(l.tensors.bias) };
      return { ...l, refs: mrefs, gRef: gRefFor(matmulDegrees(l.dims, mrefs)) };
    }
    const x = ref(l.tensors.x) ?? unsupported(`${l.node.name}: a public requant input is not supported`);
    const m = l.params.privateMults ? views.get(`${l.node.name}/mults`)! : null;
    const rrefs: RequantRefs = { x, q: ref(l.tensors.q), cols: Object.fromEntries(REQUANT_COLUMNS.map((c) => [c, ref(l.tensors.cols[c])!])) as Record<RequantColumn, MaskedRef>, m };
    return { ...l, refs: rrefs, gRef: gRefFor(requantDegrees(l.params, rrefs)) };
  })];
  const lookupKeys = new Set(lookupDrafts.map((l) => l.x));
  const rangePlans: RangePlan[] = ranges.map((r) => {
    const crefs = r.columns.map((c) => refs.get(c)!);
    if (crefs.some((c) => c.maskVars !== crefs[0].maskVars)) unsupported(`${r.label}: columns with different masks`);
    return {
      label: r.label,
      columns: r.columns,
      refs: crefs,
      shape: { numVars: r.numVars, columns: r.columns.length, bits: r.bits, signed: r.signed, limbBits: cheapestLimbBits(r.numVars, r.columns.length, r.bits), valueMaskVars: crefs[0].maskVars, direct: directIsCheaper(r.numVars, r.columns.length, r.bits) && !r.columns.some((c) => lookupKeys.has(c)) },
    };
  });
  const lookups: LookupPlan[] = lookupDrafts.map((l) => {
    const xr = refs.get(l.x) ?? unsupported(`${l.node.name}: a public lookup input is not supported`);
    const yr = refs.get(l.y)!;
    if (xr.maskVars !== yr.maskVars) unsupported(`${l.node.name}: x and y masks differ`);
    return { node: l.node, x: l.x, y: l.y, shape: { table: l.table, numVars: xr.numVars, maskVars: xr.maskVars, dims: info.get(l.x)!.dims } };
  });
  const dims = new Map([...info].map(([k, v]) => [k, v.dims] as const));
  const publicInputs = vk.inputs.filter((i) => i.visibility === 'public').map((i) => {
    const r = refs.get(i.name);
    if (!r || r.view || r.f.length !== 1) unsupported(`public input ${i.name} is not a committed tensor of its own`);
    return i.name;
  });
  // commitment 0's tail: the digest proofs' masks (the fingerprint's, then each attested input's),
  // sampled before the first challenge like every other mask, so that one opening serves them all
  const digestMasks = new Map<string, number>();
  const digested: [string, StatementInfo][] = [
    ...(priv ? [[WEIGHTS_VECTOR, statementInfo(priv.statement)] as [string, StatementInfo]] : []),
    ...attested.map((a): [string, StatementInfo] => [a.vector, statementInfo(attestedStatement(a, [0n, 0n, 0n, 0n]))]),
  ];
  for (const [vector, digestInfo] of digested) {
    digestMasks.set(vector, sizes.length);
    sizes.push(...maskCommitmentSizes(digestInfo));
  }
  return { committed, refs, layers, ranges: rangePlans, c0Sizes: sizes, digestMasks, lookups, committedOutputs, publicInputs, virtuals: virtualPlans, publics, dims, relayouts, views, weights: priv, banks: banks.vars, layerBanks: banks.layers, attested, derived: dynamic.derived };
}

/**
 * Committed tensors whose values the statement holds (public outputs that are committed anyway,
 * public inputs), each with its transcript label: both sides open each at a fresh random point
 * and the verifier computes the value itself, which binds the commitment to the statement.
 */
export function publicOpenings(plan: ModelPlan): [string, string][] {
  return [...plan.committedOutputs.map((n): [string, string] => [n, 'model/output-point']), ...plan.publicInputs.map((n): [string, string] => [n, 'model/input-point'])];
}

/** The committed vector V of the private parameters (the fingerprint's preimage). */
export const WEIGHTS_VECTOR = '#private-weights';

export interface PrivatePlan {
  readonly layout: PrivateLayout;
  /** The digest proof's statement: V's digest is the fingerprint. */
  readonly statement: DigestStatement;
  /** log2 of V's committed length. */
  readonly nV: number;
}

function planPrivate(vk: VerifyingKey): PrivatePlan {
  const layout = privateLayout(vk);
  const fp = vk.fingerprint;
  if (vk.publicWeights || fp.length !== 1 || fp[0].bits !== layout.bits || fp[0].count !== layout.count) {
    throw new UnsupportedModelError(`model ${vk.name}: the fingerprint does not describe the private parameters (one digest of ${layout.count} values of ${layout.bits} bits expected)`);
  }
  const statement: DigestStatement = {
    digest: fp[0].digest,
    options: { format: { bits: layout.bits, signed: true }, purpose: Purpose.modelWeights },
    count: layout.count,
    // V is committed like every tensor (TENSOR_MASK_VARS; V has ≥ 7 variables): revealed by its range check and the digest proof
    valueMaskVars: TENSOR_MASK_VARS,
  };
  return { layout, statement, nV: statementInfo(statement).nV };
}
