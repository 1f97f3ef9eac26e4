// The verifying key: the model's architecture, its public constants and its fingerprint — and
// nothing private (docs/protocol.md (Part 5) §4). Its canonical bytes are hashed (SHA-256) into
// every proof's statement. Imports nothing Node-only.
import { sha256 } from '../transcript/sha256.js';
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import { P } from '../field/goldilocks.js';
import type { IrAttrs, IrTensor, IrValueInfo, ValueKind } from '../ir/types.js';
import { LIMITS, readAttrs, readDims, readF64, readI64, readStrings, readTensor, writeAttrs, writeDims, writeF64, writeI64, writeStrings, writeTensor } from './codec.js';
import { decoding, readHeader, writeHeader } from './container.js';

/**
 * Node attributes that are model parameters (derived from weights) and therefore private: they
 * go to the proving key and into the fingerprint, never into the verifying key.
 */
export const PRIVATE_ATTRS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Requant: Object.freeze(['mults']),
});

/** 'attested': private, and proven to hash (with the key's schema id) to a digest in the statement that an issuer signed. */
export type InputVisibility = 'private' | 'public' | 'attested';
export type OutputVisibility = 'public' | 'private';

export interface VkInput {
  readonly name: string;
  readonly onnxDtype: string;
  readonly dims: readonly number[];
  readonly scale: number;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly visibility: InputVisibility;
  /** Attested inputs only: the schema id (u32) the issuer's digest names. */
  readonly schema?: number;
}

export interface VkOutput {
  readonly name: string;
  readonly onnxName: string;
  readonly onnxDtype: string;
  readonly dims: readonly number[];
  readonly scale: number;
  readonly visibility: OutputVisibility;
}

export interface VkNode {
  readonly op: string;
  readonly name: string;
  readonly source: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Public attributes only. */
  readonly attrs: IrAttrs;
  /** Names of the attributes withheld as private (sorted). */
  readonly privateAttrs: readonly string[];
  readonly bounds: Readonly<Record<string, bigint>>;
}

/** One digest of the fingerprint: a group of private values packed as `bits`-bit signed integers. */
export interface FingerprintGroup {
  readonly bits: number;
  readonly count: number;
  readonly digest: readonly [bigint, bigint, bigint, bigint];
}

export interface VerifyingKey {
  readonly name: string;
  readonly bits: number;
  readonly inputs: readonly VkInput[];
  readonly outputs: readonly VkOutput[];
  readonly nodes: readonly VkNode[];
  /** Every value (inputs, constants, activations), sorted by name. */
  readonly values: readonly IrValueInfo[];
  /** Constants of kind 'public' (tables, index maps), in full, sorted by name. */
  readonly publicConstants: ReadonlyMap<string, IrTensor>;
  /** Names of the private weight constants (their dims and ranges are in `values`), sorted. */
  readonly weights: readonly string[];
  readonly fingerprint: readonly FingerprintGroup[];
  /** Set up with public weights: every parameter (multipliers included) is in this key, no fingerprint. */
  readonly publicWeights: boolean;
}

const KINDS: readonly ValueKind[] = ['input', 'activation', 'weight', 'public'];

function writeValue(w: ByteWriter, v: IrValueInfo): void {
  w.string(v.name);
  writeDims(w, v.dims);
  w.u8(KINDS.indexOf(v.kind));
  writeI64(w, v.lo);
  writeI64(w, v.hi);
  writeF64(w, v.scale);
}

function readValue(r: ByteReader): IrValueInfo {
  const name = r.string(LIMITS.string, 'value name');
  const dims = readDims(r, `value ${name}`);
  const k = r.u8('value kind');
  const kind = KINDS[k];
  if (kind === undefined) throw new FormatError(`verifying key: value ${name} has kind ${k}`);
  const lo = readI64(r, 'value lo');
  const hi = readI64(r, 'value hi');
  if (lo > hi) throw new FormatError(`verifying key: value ${name} has empty range [${lo}, ${hi}]`);
  const scale = readF64(r, 'value scale');
  return { name, dims, kind, lo, hi, scale };
}

function writeBounds(w: ByteWriter, bounds: Readonly<Record<string, bigint>>): void {
  const keys = Object.keys(bounds).sort();
  w.u32(keys.length);
  for (const k of keys) {
    w.string(k);
    writeI64(w, bounds[k]);
  }
}

function readBounds(r: ByteReader): Record<string, bigint> {
  const n = r.count(LIMITS.attrs, 'bounds count');
  const out: Record<string, bigint> = {};
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    const k = r.string(LIMITS.string, 'bound name');
    if (prev !== null && !(k > prev)) throw new FormatError('verifying key: bound names not strictly increasing');
    prev = k;
    const b = readI64(r, `bound ${k}`);
    if (b < 0n || b >= P / 2n) throw new FormatError(`verifying key: bound ${k} = ${b} is outside [0, p/2)`);
    out[k] = b;
  }
  return out;
}

function checkSortedUnique(names: readonly string[], what: string): void {
  for (let i = 1; i < names.length; i++) if (!(names[i] > names[i - 1])) throw new FormatError(`verifying key: ${what} not strictly increasing by name`);
}

/** The body of a verifying key (no header): also embedded in the proving key. */
export function writeVerifyingKeyBody(w: ByteWriter, vk: VerifyingKey): void {
  w.string(vk.name).u32(vk.bits).u8(vk.publicWeights ? 1 : 0);
  w.u32(vk.inputs.length);
  for (const i of vk.inputs) {
    w.string(i.name).string(i.onnxDtype);
    writeDims(w, i.dims);
    writeF64(w, i.scale);
    writeI64(w, i.lo);
    writeI64(w, i.hi);
    w.u8(i.visibility === 'public' ? 1 : i.visibility === 'attested' ? 2 : 0);
    if (i.visibility === 'attested') w.u32(i.schema ?? 0);
  }
  w.u32(vk.outputs.length);
  for (const o of vk.outputs) {
    w.string(o.name).string(o.onnxName).string(o.onnxDtype);
    writeDims(w, o.dims);
    writeF64(w, o.scale);
    w.u8(o.visibility === 'private' ? 1 : 0);
  }
  w.u32(vk.nodes.length);
  for (const n of vk.nodes) {
    const hidden = PRIVATE_ATTRS[n.op] ?? [];
    if (!vk.publicWeights) for (const k of hidden) if (k in n.attrs) throw new RangeError(`verifying key: node ${n.name} carries private attribute ${k}`);
    w.string(n.op).string(n.name).string(n.source);
    writeStrings(w, n.inputs);
    writeStrings(w, n.outputs);
    writeAttrs(w, n.attrs);
    writeStrings(w, [...n.privateAttrs].sort());
    writeBounds(w, n.bounds);
  }
  const values = [...vk.values].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  w.u32(values.length);
  for (const v of values) writeValue(w, v);
  const consts = [...vk.publicConstants.keys()].sort();
  w.u32(consts.length);
  for (const k of consts) {
    w.string(k);
    writeTensor(w, vk.publicConstants.get(k)!);
  }
  writeStrings(w, [...vk.weights].sort());
  w.u32(vk.fingerprint.length);
  for (const g of vk.fingerprint) {
    w.u8(g.bits).u32(g.count);
    for (const x of g.digest) w.base(x);
  }
}

export function readVerifyingKeyBody(r: ByteReader): VerifyingKey {
  const name = r.string(LIMITS.string, 'model name');
  const bits = r.u32('bits');
  if (bits < 2 || bits > 32) throw new FormatError(`verifying key: precision ${bits} bits`);
  const pw = r.u8('public weights flag');
  if (pw > 1) throw new FormatError(`verifying key: public weights flag ${pw}`);
  const inputs: VkInput[] = Array.from({ length: r.count(LIMITS.list, 'input count') }, () => {
    const iname = r.string(LIMITS.string, 'input name');
    const onnxDtype = r.string(LIMITS.string, 'input dtype');
    const dims = readDims(r, `input ${iname}`);
    const scale = readF64(r, 'input scale');
    const lo = readI64(r, 'input lo');
    const hi = readI64(r, 'input hi');
    const vis = r.u8('input visibility');
    if (vis > 2) throw new FormatError(`verifying key: input visibility ${vis}`);
    if (vis === 2) return { name: iname, onnxDtype, dims, scale, lo, hi, visibility: 'attested', schema: r.u32('attested schema id') };
    return { name: iname, onnxDtype, dims, scale, lo, hi, visibility: vis === 1 ? 'public' : 'private' };
  });
  const outputs: VkOutput[] = Array.from({ length: r.count(LIMITS.list, 'output count') }, () => {
    const oname = r.string(LIMITS.string, 'output name');
    const onnxName = r.string(LIMITS.string, 'output ONNX name');
    const onnxDtype = r.string(LIMITS.string, 'output dtype');
    const dims = readDims(r, `output ${oname}`);
    const scale = readF64(r, 'output scale');
    const vis = r.u8('output visibility');
    if (vis > 1) throw new FormatError(`verifying key: output visibility ${vis}`);
    return { name: oname, onnxName, onnxDtype, dims, scale, visibility: vis === 1 ? 'private' : 'public' };
  });
  const nodes: VkNode[] = Array.from({ length: r.count(LIMITS.list, 'node count') }, () => {
    const op = r.string(LIMITS.string, 'node op');
    const nname = r.string(LIMITS.string, 'node name');
    const source = r.string(LIMITS.string, 'node source');
    const ins = readStrings(r, 'node inputs');
    const outs = readStrings(r, 'node outputs');
    const attrs = readAttrs(r, `node ${nname} attributes`);
    const privateAttrs = readStrings(r, 'node private attributes');
    checkSortedUnique(privateAttrs, `node ${nname} private attributes`);
    for (const k of privateAttrs) if (k in attrs) throw new FormatError(`verifying key: node ${nname} attribute ${k} is both public and private`);
    const bounds = readBounds(r);
    return { op, name: nname, source, inputs: ins, outputs: outs, attrs, privateAttrs, bounds };
  });
  const values = Array.from({ length: r.count(LIMITS.list, 'value count') }, () => readValue(r));
  checkSortedUnique(values.map((v) => v.name), 'values');
  const publicConstants = new Map<string, IrTensor>();
  const nConsts = r.count(LIMITS.list, 'constant count');
  let prev: string | null = null;
  for (let i = 0; i < nConsts; i++) {
    const k = r.string(LIMITS.string, 'constant name');
    if (prev !== null && !(k > prev)) throw new FormatError('verifying key: public constants not strictly increasing by name');
    prev = k;
    publicConstants.set(k, readTensor(r, `constant ${k}`));
  }
  const weights = readStrings(r, 'weight names');
  checkSortedUnique(weights, 'weights');
  const fingerprint: FingerprintGroup[] = Array.from({ length: r.count(16, 'fingerprint groups') }, () => {
    const gbits = r.u8('fingerprint bits');
    if (gbits < 2 || gbits > 32) throw new FormatError(`verifying key: fingerprint group of ${gbits} bits`);
    const count = r.u32('fingerprint count');
    const digest = [r.base('digest'), r.base('digest'), r.base('digest'), r.base('digest')] as const;
    return { bits: gbits, count, digest };
  });
  const vk: VerifyingKey = { name, bits, inputs, outputs, nodes, values, publicConstants, weights, fingerprint, publicWeights: pw === 1 };
  checkVerifyingKey(vk);
  return vk;
}

/** Cross-references a decoded key: every name it uses is declared, with a consistent kind. */
export function checkVerifyingKey(vk: VerifyingKey): void {
  const byName = new Map(vk.values.map((v) => [v.name, v]));
  const fail = (m: string): never => {
    throw new FormatError(`verifying key: ${m}`);
  };
  for (const i of vk.inputs) if (byName.get(i.name)?.kind !== 'input') fail(`input ${i.name} is not declared as an input value`);
  for (const o of vk.outputs) if (!byName.has(o.name)) fail(`output ${o.name} is not a value`);
  for (const w of vk.weights) if (byName.get(w)?.kind !== 'weight') fail(`weight ${w} is not declared as a weight value`);
  if (vk.publicWeights && (vk.weights.length > 0 || vk.fingerprint.length > 0)) fail('a public-weights key with private weights or a fingerprint');
  for (const k of vk.publicConstants.keys()) if (byName.get(k)?.kind !== 'public') fail(`constant ${k} is not declared public`);
  for (const n of vk.nodes) {
    for (const v of [...n.inputs, ...n.outputs]) if (!byName.has(v)) fail(`node ${n.name} names undeclared value ${v}`);
    const hidden = PRIVATE_ATTRS[n.op] ?? [];
    if (!vk.publicWeights) for (const k of hidden) if (k in n.attrs) fail(`node ${n.name} carries private attribute ${k} in the clear`);
    if (vk.publicWeights && n.privateAttrs.length > 0) fail(`node ${n.name} has private attributes in a public-weights key`);
  }
}

export function serializeVerifyingKey(vk: VerifyingKey): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, 'verifyingKey');
  writeVerifyingKeyBody(w, vk);
  return w.finish();
}

export function deserializeVerifyingKey(bytes: Uint8Array): VerifyingKey {
  return decoding('verifying key', () => {
    const r = readHeader(bytes, 'verifyingKey');
    const vk = readVerifyingKeyBody(r);
    r.end();
    return vk;
  });
}

/** SHA-256 of the canonical bytes: what every statement commits to. */
export function verifyingKeyHash(vk: VerifyingKey): Uint8Array {
  return sha256(serializeVerifyingKey(vk));
}
