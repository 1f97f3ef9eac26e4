// The compiled-model file (.zkc): versioned and self-describing.
//
//   bytes 0..3   magic "ZKC1"
//   bytes 4..7   u32 LE format version (FORMAT_VERSION)
//   bytes 8..11  u32 LE length L of the metadata
//   L bytes      UTF-8 JSON metadata: graph structure, value bounds, per-op bounds, constants
//                directory, the SHA-256 of every lookup table and every constant
//   then         constant data, int64 little-endian, in directory order
//
// bigint values in the JSON are strings tagged {"$big": "..."}; a file of another version is
// refused with a message that says which version it is and which this build reads.
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { FormatError } from '../encoding/errors.js';
import { sizeOf, type IrAttr, type IrGraph, type IrNode, type IrTensor, type IrValueInfo } from './types.js';

export const FORMAT_VERSION = 1;
const MAGIC = [0x5a, 0x4b, 0x43, 0x31]; // "ZKC1"
const MAX_META = 1 << 30;

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

const LITTLE_ENDIAN = new Uint8Array(BigInt64Array.of(1n).buffer)[0] === 1;

function bytesOf(t: BigInt64Array): Uint8Array {
  // On little-endian platforms (all current JS engines) the memory already is the file format.
  if (LITTLE_ENDIAN) return new Uint8Array(t.buffer.slice(t.byteOffset, t.byteOffset + t.byteLength));
  const out = new Uint8Array(t.length * 8);
  const view = new DataView(out.buffer);
  // Explicit little-endian writes keep the file identical on every platform.
  for (let i = 0; i < t.length; i++) view.setBigInt64(i * 8, t[i], true);
  return out;
}

/** SHA-256 of a constant's canonical bytes (int64 little-endian): the hash recorded for tables. */
export function tensorHash(t: IrTensor): string {
  return hex(sha256(bytesOf(t.data)));
}

function toJson(v: unknown): unknown {
  if (typeof v === 'bigint') return { $big: v.toString() };
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

function fromJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$big === 'string' && Object.keys(o).length === 1) {
      if (!/^-?\d+$/.test(o.$big)) throw new FormatError(`compiled model: bad integer ${o.$big}`);
      return BigInt(o.$big);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJson(x)]));
  }
  return v;
}

const big = z.bigint();
const dims = z.array(z.number().int().nonnegative());
const metaSchema = z.object({
  format: z.literal('zkinfer-compiled-model'),
  version: z.number(),
  name: z.string(),
  bits: z.number().int(),
  inputs: z.array(z.object({ name: z.string(), onnxDtype: z.string(), dims, scale: z.number(), lo: big, hi: big })),
  outputs: z.array(z.object({ name: z.string(), onnxName: z.string(), onnxDtype: z.string(), dims, scale: z.number() })),
  values: z.array(z.object({ name: z.string(), dims, kind: z.enum(['input', 'activation', 'weight', 'public']), lo: big, hi: big, scale: z.number() })),
  nodes: z.array(z.object({
    op: z.string(), name: z.string(), inputs: z.array(z.string()), outputs: z.array(z.string()),
    attrs: z.record(z.string(), z.unknown()), source: z.string(), bounds: z.record(z.string(), big),
  })),
  constants: z.array(z.object({ name: z.string(), dims, sha256: z.string() })),
  tables: z.array(z.object({ node: z.string(), size: z.number(), sha256: z.string() })),
});

export type CompiledMeta = z.infer<typeof metaSchema>;

/** Lookup tables of the graph: node, size, hash (what the verifying key will hold). */
export function tableSummary(graph: IrGraph): { node: string; size: number; sha256: string }[] {
  return graph.nodes.filter((n) => n.op === 'Lookup').map((n) => {
    const t = graph.constants.get(n.inputs[1])!;
    return { node: n.name, size: t.data.length, sha256: tensorHash(t) };
  });
}

export function writeCompiled(graph: IrGraph): Uint8Array {
  const constants = [...graph.constants.entries()];
  const meta = {
    format: 'zkinfer-compiled-model', version: FORMAT_VERSION, name: graph.name, bits: graph.bits,
    inputs: graph.inputs, outputs: graph.outputs, values: [...graph.values.values()], nodes: graph.nodes,
    constants: constants.map(([name, t]) => ({ name, dims: t.dims, sha256: tensorHash(t) })),
    tables: tableSummary(graph),
  };
  const json = new TextEncoder().encode(JSON.stringify(toJson(meta)));
  const blobs = constants.map(([, t]) => bytesOf(t.data));
  const total = 12 + json.length + blobs.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  let off = 12 + json.length;
  for (const b of blobs) { out.set(b, off); off += b.length; }
  return out;
}

export function readCompiled(bytes: Uint8Array, what = 'compiled model'): IrGraph {
  if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new FormatError(`${what}: not a zkinfer compiled model (missing the ZKC1 header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw new FormatError(`${what}: written in compiled-model format version ${version}, but this zkinfer reads version ${FORMAT_VERSION}; recompile the model with this version`);
  }
  const len = view.getUint32(8, true);
  if (len > MAX_META || 12 + len > bytes.length) throw new FormatError(`${what}: truncated metadata`);
  let raw: unknown;
  try {
    raw = fromJson(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + len))));
  } catch (e) {
    throw new FormatError(`${what}: corrupt metadata (${(e as Error).message})`);
  }
  const parsed = metaSchema.safeParse(raw);
  if (!parsed.success) throw new FormatError(`${what}: invalid metadata (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const meta = parsed.data;
  let off = 12 + len;
  const constants = new Map<string, IrTensor>();
  for (const c of meta.constants) {
    const n = sizeOf(c.dims);
    if (off + n * 8 > bytes.length) throw new FormatError(`${what}: truncated while reading constant ${c.name}`);
    let data: BigInt64Array;
    if (LITTLE_ENDIAN) data = new BigInt64Array(bytes.buffer.slice(bytes.byteOffset + off, bytes.byteOffset + off + n * 8));
    else {
      data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getBigInt64(off + i * 8, true);
    }
    off += n * 8;
    const t = { dims: c.dims, data };
    if (tensorHash(t) !== c.sha256) throw new FormatError(`${what}: constant ${c.name} does not match its recorded SHA-256`);
    constants.set(c.name, t);
  }
  if (off !== bytes.length) throw new FormatError(`${what}: ${bytes.length - off} trailing bytes`);
  const values = new Map<string, IrValueInfo>(meta.values.map((v) => [v.name, v]));
  const nodes: IrNode[] = meta.nodes.map((n) => ({ ...n, attrs: n.attrs as Record<string, IrAttr> }));
  return { name: meta.name, bits: meta.bits, inputs: meta.inputs, outputs: meta.outputs, nodes, constants, values };
}
