// Setup: split a compiled integer graph into a proving key and a verifying key, and compute the
// model fingerprint — salted Poseidon2 digests of the private parameters, grouped by packing
// width (docs/protocol.md (Part 5) §4). No trusted setup: the salts are the only randomness.
import { digest, Purpose, randomSalt } from '../hash/digest.js';
import { absMax, FIELD_HALF, type IrAttr, type IrAttrs, type IrGraph, type IrNode, type IrTensor, type IrValueInfo } from '../ir/types.js';
import { PRIVATE_ATTRS, type FingerprintGroup, type InputVisibility, type OutputVisibility, type VerifyingKey, type VkNode } from '../verify/vk.js';
import { checkProvingKey, type ProvingKey, type Salt } from './keys.js';

export interface SetupOptions {
  /** Visibility per input name (default 'private'). */
  readonly inputs?: Readonly<Record<string, InputVisibility>>;
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

const WIDTHS = [8, 16, 32] as const;

/** The narrowest signed packing width holding [lo, hi], or null when none does. */
export function packingWidth(lo: bigint, hi: bigint): 8 | 16 | 32 | null {
  for (const w of WIDTHS) {
    const half = 1n << BigInt(w - 1);
    if (lo >= -half && hi < half) return w;
  }
  return null;
}

/** One fingerprint group's values, in the order they are packed. */
export interface GroupValues {
  readonly bits: 8 | 16 | 32;
  readonly values: Int32Array;
  /** Where each source sits in `values`: weight name or `node/attr`, offset, length. */
  readonly sources: readonly { readonly name: string; readonly offset: number; readonly length: number }[];
}

/**
 * Groups the private parameters: weights by the width of their DECLARED range (public, so the
 * grouping leaks nothing), private attributes (multipliers) always at 32 bits. Within a group:
 * weights in name order, then private attributes in node order.
 */
export function fingerprintGroups(vk: VerifyingKey, weights: ReadonlyMap<string, IrTensor>, privateAttrs: ReadonlyMap<string, IrAttrs>): GroupValues[] {
  const info = new Map(vk.values.map((v) => [v.name, v]));
  const parts = new Map<number, { name: string; data: readonly bigint[] | BigInt64Array }[]>();
  const add = (bits: number, name: string, data: readonly bigint[] | BigInt64Array): void => {
    const list = parts.get(bits) ?? [];
    list.push({ name, data });
    parts.set(bits, list);
  };
  for (const name of [...vk.weights].sort()) {
    const v = info.get(name)!;
    const w = packingWidth(v.lo, v.hi);
    if (w === null) throw new RangeError(`setup: weight ${name} has declared range [${v.lo}, ${v.hi}], wider than 32-bit signed; the fingerprint cannot pack it`);
    add(w, name, weights.get(name)!.data);
  }
  for (const n of vk.nodes) {
    const attrs = privateAttrs.get(n.name);
    if (!attrs) continue;
    for (const k of Object.keys(attrs).sort()) {
      const a = attrs[k];
      const data = (Array.isArray(a) ? a : [a]).map((x) => {
        if (typeof x !== 'bigint' && !(typeof x === 'number' && Number.isSafeInteger(x))) throw new RangeError(`setup: private attribute ${n.name}.${k} is not an integer list`);
        return BigInt(x);
      });
      if (data.some((x) => packingWidth(x, x) === null)) throw new RangeError(`setup: private attribute ${n.name}.${k} exceeds 32-bit signed`);
      add(32, `${n.name}/${k}`, data);
    }
  }
  return WIDTHS.filter((w) => parts.has(w)).map((bits) => {
    const list = parts.get(bits)!;
    const total = list.reduce((s, p) => s + p.data.length, 0);
    const values = new Int32Array(total);
    const sources: { name: string; offset: number; length: number }[] = [];
    let off = 0;
    for (const p of list) {
      for (let i = 0; i < p.data.length; i++) values[off + i] = Number(p.data[i]);
      sources.push({ name: p.name, offset: off, length: p.data.length });
      off += p.data.length;
    }
    return { bits, values, sources };
  });
}

export function groupDigest(g: GroupValues, salt: Salt): FingerprintGroup {
  const d = digest(g.values, salt, { format: { bits: g.bits, signed: true }, purpose: Purpose.modelWeights });
  return { bits: g.bits, count: g.values.length, digest: d };
}

function bitLength(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/**
 * Relation bounds of a node with private attributes, recomputed from public data only, because
 * the compiler's bounds use the private values (Requant's M = the largest multiplier leaks it).
 * Requant: M_pub = 2^(bit length of the largest multiplier) − 1 (only that bit length is
 * public); every bound grows monotonically with M, so the public bounds dominate the true ones
 * and range checks sized by them stay complete; they must still fit below p/2. The output's
 * published range is the public clamp range.
 */
export function publicBounds(n: IrNode, values: ReadonlyMap<string, IrValueInfo>): { bounds: Record<string, bigint>; outputs: [string, { lo: bigint; hi: bigint }][] } {
  if (n.op !== 'Requant') throw new RangeError(`setup: no public bounds rule for ${n.op} with private attributes`);
  const mults = (n.attrs.mults as readonly (bigint | number)[]).map((m) => BigInt(m));
  const shift = BigInt(n.attrs.shift as number);
  const x = values.get(n.inputs[0])!;
  const mPub = (1n << BigInt(bitLength(mults.reduce((a, b) => (a > b ? a : b), 0n)))) - 1n;
  const half = shift > 0n ? 1n << (shift - 1n) : 0n;
  const bIn = absMax(x.lo, x.hi);
  const prod = bIn * mPub + half;
  const q = (prod >> shift) + 1n;
  const bounds = { B_in: bIn, M: mPub, B_prod: prod, B_q: q, B_qshift: (q + 1n) << shift };
  for (const [k, b] of Object.entries(bounds)) {
    if (b >= FIELD_HALF) throw new RangeError(`setup: ${n.name}: public bound ${k} = ${b} reaches p/2 (multiplier bit length ${bitLength(mPub)})`);
  }
  const lo = BigInt(n.attrs.lo as bigint | number);
  const hi = BigInt(n.attrs.hi as bigint | number);
  return { bounds, outputs: [[n.outputs[0], { lo, hi }]] };
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
      const pub = publicBounds(n, values);
      bounds = pub.bounds;
      for (const [name, range] of pub.outputs) values.set(name, { ...values.get(name)!, ...range });
    }
    return { op: n.op, name: n.name, source: n.source, inputs: n.inputs, outputs: n.outputs, attrs, privateAttrs: [...hidden].sort(), bounds };
  });
  const base: VerifyingKey = {
    name: graph.name,
    bits: graph.bits,
    inputs: graph.inputs.map((i) => ({ name: i.name, onnxDtype: i.onnxDtype, dims: i.dims, scale: i.scale, lo: i.lo, hi: i.hi, visibility: options.inputs?.[i.name] ?? 'private' })),
    outputs: graph.outputs.map((o) => ({ name: o.name, onnxName: o.onnxName, onnxDtype: o.onnxDtype, dims: o.dims, scale: o.scale, visibility: options.outputs?.[o.name] ?? 'public' })),
    nodes,
    values: [...values.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    publicConstants: new Map([...publicConstants].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    weights: [...weights.keys()].sort(),
    fingerprint: [],
    publicWeights: options.weights === 'public',
  };
  const groups = fingerprintGroups(base, weights, privateAttrs);
  if (options.salts && options.salts.length !== groups.length) throw new RangeError(`setup: ${options.salts.length} salts for ${groups.length} fingerprint groups`);
  const salts = groups.map((_, i) => options.salts?.[i] ?? randomSalt());
  const vk: VerifyingKey = { ...base, fingerprint: groups.map((g, i) => groupDigest(g, salts[i])) };
  const pk: ProvingKey = { vk, weights, privateAttrs, salts };
  checkProvingKey(pk);
  return { pk, vk };
}
