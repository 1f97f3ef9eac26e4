// The proof plan of a model: which tensors are committed where, which layer protocol proves each
// node, which range checks bind the private inputs — derived from the verifying key alone, so
// prover and verifier derive the same plan. A model outside what is proven so far is refused
// with UnsupportedModelError naming the reason (never proven partially).
import { FIELD_HALF, absMax, type IrValueInfo } from '../ir/types.js';
import { matmulDegrees, matmulTensorDims, type MatmulDims, type MatmulRefs } from '../layers/matmul.js';
import { totalVars } from '../layers/tensor.js';
import type { RangeShape } from '../lookup/range.js';
import { maskLength } from '../sumcheck/mask.js';
import { maskedLayout, type GMaskRef, type MaskedRef } from '../sumcheck/session.js';
import type { VerifyingKey, VkNode } from './vk.js';

export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

/** Mask variables of every committed tensor: capacity 4 reveals (producer, consumers, range check). */
export const TENSOR_MASK_VARS = 2;
/** Limb width of the input range checks. */
export const RANGE_LIMB_BITS = 16;

export interface CommittedTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly numVars: number;
}

export interface LayerPlan {
  readonly node: VkNode;
  readonly dims: MatmulDims;
  readonly tensors: { readonly a: string; readonly b: string; readonly c: string; readonly bias: string | null };
  readonly refs: MatmulRefs;
  readonly gRef: GMaskRef;
}

export interface RangePlan {
  readonly input: string;
  readonly shape: RangeShape;
  readonly ref: MaskedRef;
}

export interface ModelPlan {
  /** Commitment 0: these tensors (masked) in order, then every layer's round mask g. */
  readonly committed: readonly CommittedTensor[];
  readonly refs: ReadonlyMap<string, MaskedRef>;
  /** In proving order (the graph's nodes in reverse). */
  readonly layers: readonly LayerPlan[];
  readonly ranges: readonly RangePlan[];
  /** Sizes of commitment 0's vectors, as the PCS commitment must declare them. */
  readonly c0Sizes: readonly number[];
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The same padded table: equal dims once the dimensions of size 1 are dropped. */
export function sameLayout(a: readonly number[], b: readonly number[]): boolean {
  const x = a.filter((d) => d !== 1);
  const y = b.filter((d) => d !== 1);
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

export function planModel(vk: VerifyingKey): ModelPlan {
  const unsupported = (m: string): never => {
    throw new UnsupportedModelError(`model ${vk.name}: ${m}`);
  };
  if (vk.weights.length > 0) unsupported('private weights need the in-proof fingerprint binding, which is not built yet (set up with public weights)');
  for (const n of vk.nodes) if (n.op !== 'MatMul') unsupported(`op ${n.op} (${n.name}) has no layer protocol yet`);
  for (const i of vk.inputs) if (i.visibility !== 'private') unsupported(`public input ${i.name} is not supported yet`);
  for (const o of vk.outputs) if (o.visibility !== 'public') unsupported(`private output ${o.name} with a predicate is not supported yet`);
  const info = new Map<string, IrValueInfo>(vk.values.map((v) => [v.name, v]));
  const outputs = new Set(vk.outputs.map((o) => o.name));
  if (outputs.size !== vk.outputs.length) unsupported('an output is listed twice');

  // Ranges the proof establishes (not the compiler's declarations): a private input is proven
  // in its signed k-bit range; public constants are exact; a MatMul output is bounded from its
  // operands' proven ranges. Every relation term must stay below p/2 under these.
  const proven = new Map<string, bigint>(); // name → max |x|
  const ranges: { input: string; bits: number; numVars: number }[] = [];
  for (const i of vk.inputs) {
    const bits = signedBits(i.lo, i.hi);
    if (bits > 62) unsupported(`input ${i.name} range is wider than 62 bits`);
    proven.set(i.name, 1n << BigInt(bits - 1));
    const nv = totalVars(i.dims);
    if (nv < 1) unsupported(`input ${i.name} has a single element (a range check needs two rows)`);
    ranges.push({ input: i.name, bits, numVars: nv });
  }
  for (const [name] of vk.publicConstants) {
    const v = info.get(name)!;
    proven.set(name, absMax(v.lo, v.hi));
  }

  const committed: CommittedTensor[] = vk.inputs.map((i) => ({ name: i.name, dims: i.dims, numVars: totalVars(i.dims) }));
  const layerDims: { node: VkNode; dims: MatmulDims; tensors: LayerPlan['tensors'] }[] = [];
  for (const n of vk.nodes) {
    const biasMode = num(n, 'biasMode');
    if (biasMode !== 0 && biasMode !== 1 && biasMode !== 2) unsupported(`${n.name}: biasMode ${biasMode}`);
    const dims: MatmulDims = { batch: num(n, 'batch'), batchB: num(n, 'batchB'), m: num(n, 'm'), k: num(n, 'k'), n: num(n, 'n'), biasMode: biasMode as 0 | 1 | 2 };
    if (num(n, 'batchA') !== dims.batch) unsupported(`${n.name}: a broadcast left operand (batchA ≠ batch) is not supported yet`);
    const [a, b, bias] = n.inputs;
    if (n.outputs.length !== 1) unsupported(`${n.name}: MatMul with ${n.outputs.length} outputs`);
    const c = n.outputs[0];
    if (vk.publicConstants.has(a)) unsupported(`${n.name}: a public left operand is not supported yet`);
    const td = matmulTensorDims(dims);
    const views: [string | undefined, number[] | null][] = [[a, td.a], [b, td.b], [c, td.c], [bias, td.bias]];
    for (const [name, view] of views) {
      if (name === undefined || view === null) continue;
      const v = info.get(name);
      if (!v) unsupported(`${n.name}: unknown value ${name}`);
      if (!sameLayout(v!.dims, view)) unsupported(`${n.name}: value ${name} of dims [${v!.dims}] is used as [${view}] (a relayout is not proven yet)`);
    }
    // proven bound of the output: k·|A|·|B| + |bias|
    const pa = proven.get(a);
    const pb = proven.get(b);
    if (pa === undefined || pb === undefined) unsupported(`${n.name}: operand not available before use`);
    const acc = BigInt(dims.k) * pa! * pb! + (bias ? proven.get(bias) ?? unsupported(`${n.name}: bias not available`) : 0n);
    if (acc >= FIELD_HALF) unsupported(`${n.name}: accumulator bound ${acc} reaches p/2 under the proven input ranges`);
    proven.set(c, acc);
    if (!outputs.has(c)) committed.push({ name: c, dims: info.get(c)!.dims, numVars: totalVars(info.get(c)!.dims) });
    layerDims.push({ node: n, dims, tensors: { a, b, c, bias: bias ?? null } });
  }
  for (const o of vk.outputs) if (!proven.has(o.name) || vk.inputs.some((i) => i.name === o.name)) unsupported(`output ${o.name} is not computed by a proven node`);

  const layout = maskedLayout(0, committed.map((t) => ({ numVars: t.numVars, maskVars: Math.min(TENSOR_MASK_VARS, t.numVars), ext: false })));
  const refs = new Map(committed.map((t, i) => [t.name, layout[i]]));
  const sizes: number[] = committed.flatMap((t, i) => [1 << t.numVars, 1 << layout[i].maskVars, 1 << layout[i].maskVars]);
  let next = sizes.length;
  const layers: LayerPlan[] = [...layerDims].reverse().map(({ node, dims, tensors }) => {
    const ref = (name: string | null): MaskedRef | null => (name === null ? null : refs.get(name) ?? null);
    const mrefs: MatmulRefs = { a: ref(tensors.a)!, b: ref(tensors.b), c: ref(tensors.c), bias: ref(tensors.bias) };
    const degrees = matmulDegrees(dims, mrefs);
    const gLen = nextPow2(maskLength(degrees));
    const gRef: GMaskRef = { commitment: 0, g: [next, next + 1], degrees };
    sizes.push(gLen, gLen);
    next += 2;
    return { node, dims, tensors, refs: mrefs, gRef };
  });
  const rangePlans: RangePlan[] = ranges.map((r) => ({
    input: r.input,
    ref: refs.get(r.input)!,
    shape: { numVars: r.numVars, columns: 1, bits: r.bits, signed: true, limbBits: Math.min(RANGE_LIMB_BITS, r.bits), valueMaskVars: refs.get(r.input)!.maskVars },
  }));
  return { committed, refs, layers, ranges: rangePlans, c0Sizes: sizes };
}
