// Setup: split a compiled integer graph into a proving key and a verifying key, and compute the
// model fingerprint — the salted Poseidon2 digest of the private parameters in the layout of
// src/verify/private-weights.ts (docs/protocol.md (Part 5) §4, §8). No trusted setup: the salt
// is the only randomness.
import { digest, Purpose, randomSalt } from '../hash/digest.js';
import { hasPrivateParameters, limbsFor, privateLayout, privateValues, type PrivateLayout } from '../verify/private-weights.js';
import { absMax, FIELD_HALF, type IrAttr, type IrAttrs, type IrGraph, type IrNode, type IrTensor, type IrValueInfo } from '../ir/types.js';
import { PRIVATE_ATTRS, type FingerprintGroup, type InputVisibility, type OutputVisibility, type VerifyingKey, type VkNode } from '../verify/vk.js';
import { checkProvingKey, type ProvingKey, type Salt } from './keys.js';
import { UnsupportedModelError } from '../verify/plan.js';

export interface SetupOptions {
  /** Visibility per input name (default 'private'). */
  readonly inputs?: Readonly<Record<string, InputVisibility>>;
  /** The schema id (u32) of each 'attested' input, by input name (required for each). */
  readonly schemas?: Readonly<Record<string, number>>;
  /** Visibility per output IR name (default 'public'). */
  readonly outputs?: Readonly<Record<string, OutputVisibility>>;
  /**
   * 'private' (default): weights are committed in each proof and fingerprinted. 'public': the
   * verifying key holds them in full (no fingerprint).
   */
  readonly weights?: 'private' | 'public';
  /** Salts to use instead of fresh random ones (tests only: a fixed salt makes the fingerprint guessable). */
  readonly salts?: readonly Salt[];
}

function inputVisibility(name: string, options: SetupOptions): { visibility: InputVisibility; schema?: number } {
  const visibility = options.inputs?.[name] ?? 'private';
  const schema = options.schemas?.[name];
  if (visibility !== 'attested') {
    if (schema !== undefined) throw new RangeError(`setup: input ${name} has a schema id but is ${visibility}, not attested`);
    return { visibility };
  }
  if (schema === undefined || !Number.isInteger(schema) || schema < 0 || schema > 0xffffffff) throw new RangeError(`setup: attested input ${name} needs a schema id (a u32), got ${schema}`);
  return { visibility, schema };
}

/**
 * The fingerprint: ONE salted Poseidon2 digest of V, the private parameters laid out as signed
 * vk.bits-bit limbs (src/verify/private-weights.ts), so each proof runs one digest proof.
 */
export function fingerprintOf(vk: VerifyingKey, weights: ReadonlyMap<string, IrTensor>, privateAttrs: ReadonlyMap<string, IrAttrs>, salt: Salt): FingerprintGroup {
  const layout = privateLayout(vk);
  const values = privateValues(layout, privateTables(layout, weights, privateAttrs));
  const d = digest(values, salt, { format: { bits: layout.bits, signed: true }, purpose: Purpose.modelWeights });
  return { bits: layout.bits, count: layout.count, digest: d };
}

/** Each private tensor's values in layout order (weights, then multipliers). */
export function privateTables(layout: PrivateLayout, weights: ReadonlyMap<string, IrTensor>, privateAttrs: ReadonlyMap<string, IrAttrs>): BigInt64Array[] {
  return layout.tensors.map((t) => {
    if (t.node === null) return weights.get(t.name)!.data;
    const mults = privateAttrs.get(t.node.name)?.mults;
    if (!Array.isArray(mults)) throw new RangeError(`setup: node ${t.node.name} has no private multipliers`);
    return BigInt64Array.from(mults as readonly (bigint | number)[], (m) => BigInt(m));
  });
}

function bitLength(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/**
 * Relation bounds of a Requant node with private multipliers, from public data only (the
 * compiler's bounds use the private values: its M is the largest multiplier). The multipliers
 * are committed as `multLimbs` signed limbs of vk.bits bits (public attribute, with their
 * count `multCount`) and range-checked in the proof to [0, 2^m) for their public bit length
 * m = `multBits` (the largest multiplier's), so the proof establishes 0 ≤ M ≤ 2^m − 1 =: M_pub;
 * every bound grows with M, so the public bounds dominate the true ones and must fit below p/2.
 * The output's published range is the public clamp range. Publishing m reveals the largest
 * multiplier's bit length (docs/protocol.md Part 5 §8).
 */
export function publicBounds(n: IrNode, values: ReadonlyMap<string, IrValueInfo>, bits: number): { bounds: Record<string, bigint>; outputs: [string, { lo: bigint; hi: bigint }][]; attrs: Record<string, number> } {
  if (n.op !== 'Requant') throw new RangeError(`setup: no public bounds rule for ${n.op} with private attributes`);
  const mults = (n.attrs.mults as readonly (bigint | number)[]).map((m) => BigInt(m));
  const shift = BigInt(n.attrs.shift as number);
  const x = values.get(n.inputs[0])!;
  const lo = mults.reduce((a, b) => (a < b ? a : b));
  const hi = mults.reduce((a, b) => (a > b ? a : b));
  if (lo < 1n) throw new UnsupportedModelError(`layer ${n.source} (Requant ${n.name}): private multipliers must be positive (got ${lo})`);
  const limbs = limbsFor(bits, lo, hi);
  const multBits = bitLength(hi);
  const mPub = (1n << BigInt(multBits)) - 1n;
  const half = shift > 0n ? 1n << (shift - 1n) : 0n;
  const bIn = absMax(x.lo, x.hi);
  const prod = bIn * mPub + half;
  const q = (prod >> shift) + 1n;
  const bounds = { B_in: bIn, M: mPub, B_prod: prod, B_q: q, B_qshift: (q + 1n) << shift };
  for (const [k, b] of Object.entries(bounds)) {
    // the model is fine with public multipliers (the compiler's own bounds fit): refuse private ones clearly
    if (b >= FIELD_HALF) throw new UnsupportedModelError(`layer ${n.source} (Requant ${n.name}): with private multipliers (${multBits} bits, committed as ${limbs} limbs of ${bits} bits) the public bound ${k} = ${b} (≈ 2^${bitLength(b) - 1}) reaches p/2`);
  }
  return { bounds, outputs: [[n.outputs[0], { lo: BigInt(n.attrs.lo as bigint | number), hi: BigInt(n.attrs.hi as bigint | number) }]], attrs: { multCount: mults.length, multLimbs: limbs, multBits } };
}

export interface SetupResult {
  readonly pk: ProvingKey;
  readonly vk: VerifyingKey;
}

export function setup(graph: IrGraph, options: SetupOptions = {}): SetupResult {
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  for (const k of Object.keys(options.inputs ?? {})) if (!inputNames.has(k)) throw new RangeError(`setup: no input named ${k}`);
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  for (const k of Object.keys(options.outputs ?? {})) if (!outputNames.has(k)) throw new RangeError(`setup: no output named ${k}`);

  const weights = new Map<string, IrTensor>();
  const publicConstants = new Map<string, IrTensor>();
  const values = new Map(graph.values);
  for (const [name, t] of graph.constants) {
    const kind = graph.values.get(name)?.kind;
    if (kind === 'weight' && options.weights === 'public') {
      publicConstants.set(name, t);
      values.set(name, { ...values.get(name)!, kind: 'public' });
    } else if (kind === 'weight') weights.set(name, t);
    else if (kind === 'public') publicConstants.set(name, t);
    else throw new RangeError(`setup: constant ${name} has value kind ${String(kind)}`);
  }
  const privateAttrs = new Map<string, IrAttrs>();
  const nodes: VkNode[] = graph.nodes.map((n) => {
    const hidden = options.weights === 'public' ? [] : (PRIVATE_ATTRS[n.op] ?? []).filter((k) => k in n.attrs);
    const attrs: Record<string, IrAttr> = {};
    const priv: Record<string, IrAttr> = {};
    for (const [k, v] of Object.entries(n.attrs)) (hidden.includes(k) ? priv : attrs)[k] = v;
    let bounds = n.bounds;
    if (hidden.length > 0) {
      privateAttrs.set(n.name, priv);
      const pub = publicBounds(n, values, graph.bits);
      bounds = pub.bounds;
      Object.assign(attrs, pub.attrs);
      for (const [name, range] of pub.outputs) values.set(name, { ...values.get(name)!, ...range });
    }
    return { op: n.op, name: n.name, source: n.source, inputs: n.inputs, outputs: n.outputs, attrs, privateAttrs: [...hidden].sort(), bounds };
  });
  const base: VerifyingKey = {
    name: graph.name,
    bits: graph.bits,
    inputs: graph.inputs.map((i) => ({ name: i.name, onnxDtype: i.onnxDtype, dims: i.dims, scale: i.scale, lo: i.lo, hi: i.hi, ...inputVisibility(i.name, options) })),
    outputs: graph.outputs.map((o) => ({ name: o.name, onnxName: o.onnxName, onnxDtype: o.onnxDtype, dims: o.dims, scale: o.scale, visibility: options.outputs?.[o.name] ?? 'public' })),
    nodes,
    values: [...values.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    publicConstants: new Map([...publicConstants].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    weights: [...weights.keys()].sort(),
    fingerprint: [],
    publicWeights: options.weights === 'public',
  };
  const groups = hasPrivateParameters(base) ? 1 : 0;
  if (options.salts && options.salts.length !== groups) throw new RangeError(`setup: ${options.salts.length} salts for ${groups} fingerprint digests`);
  const salts = Array.from({ length: groups }, (_, i) => options.salts?.[i] ?? randomSalt());
  const vk: VerifyingKey = { ...base, fingerprint: salts.map((salt) => fingerprintOf(base, weights, privateAttrs, salt)) };
  const pk: ProvingKey = { vk, weights, privateAttrs, salts };
  checkProvingKey(pk);
  return { pk, vk };
}
