// The proving key: the verifying key plus everything private that the prover needs — the
// weight tensors, the private node attributes (requant multipliers) and the fingerprint salts.
// The full IR graph is rebuilt from these parts (`graphOf`), so the key stores nothing twice.
import { ByteWriter, type ByteReader } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import type { IrAttrs, IrGraph, IrNode, IrTensor } from '../ir/types.js';
import { LIMITS, readAttrs, readTensor, writeAttrs, writeTensor } from '../verify/codec.js';
import { decoding, readHeader, writeHeader } from '../verify/container.js';
import { PRIVATE_ATTRS, readVerifyingKeyBody, writeVerifyingKeyBody, type VerifyingKey } from '../verify/vk.js';

export type Salt = readonly [bigint, bigint];

export interface ProvingKey {
  readonly vk: VerifyingKey;
  /** Weight tensors by name (exactly vk.weights). */
  readonly weights: ReadonlyMap<string, IrTensor>;
  /** Private attributes by node name (exactly the node's vk.privateAttrs). */
  readonly privateAttrs: ReadonlyMap<string, IrAttrs>;
  /** One salt per fingerprint group. */
  readonly salts: readonly Salt[];
}

/** Checks that the private parts match the verifying key's declarations exactly. */
export function checkProvingKey(pk: ProvingKey): void {
  const fail = (m: string): never => {
    throw new FormatError(`proving key: ${m}`);
  };
  const vk = pk.vk;
  const values = new Map(vk.values.map((v) => [v.name, v]));
  if (pk.weights.size !== vk.weights.length || vk.weights.some((w) => !pk.weights.has(w))) fail('weights differ from the verifying key');
  for (const [name, t] of pk.weights) {
    const info = values.get(name)!;
    if (t.dims.length !== info.dims.length || t.dims.some((d, i) => d !== info.dims[i])) fail(`weight ${name} has dims [${t.dims}], declared [${info.dims}]`);
    for (const x of t.data) if (x < info.lo || x > info.hi) fail(`weight ${name} value ${x} outside its declared [${info.lo}, ${info.hi}]`);
  }
  for (const n of vk.nodes) {
    const attrs = pk.privateAttrs.get(n.name);
    const keys = attrs ? Object.keys(attrs).sort() : [];
    if (keys.length !== n.privateAttrs.length || keys.some((k, i) => k !== n.privateAttrs[i])) fail(`node ${n.name} private attributes differ from the verifying key`);
  }
  for (const name of pk.privateAttrs.keys()) if (!vk.nodes.some((n) => n.name === name)) fail(`private attributes for unknown node ${name}`);
  if (pk.salts.length !== vk.fingerprint.length) fail(`${pk.salts.length} salts for ${vk.fingerprint.length} fingerprint groups`);
}

/** The full integer graph (what the executor runs). */
export function graphOf(pk: ProvingKey): IrGraph {
  const vk = pk.vk;
  const nodes: IrNode[] = vk.nodes.map((n) => ({
    op: n.op,
    name: n.name,
    source: n.source,
    inputs: n.inputs,
    outputs: n.outputs,
    attrs: { ...n.attrs, ...(pk.privateAttrs.get(n.name) ?? {}) },
    bounds: n.bounds,
  }));
  const constants = new Map<string, IrTensor>([...vk.publicConstants, ...pk.weights]);
  return {
    name: vk.name,
    bits: vk.bits,
    inputs: vk.inputs.map((i) => ({ name: i.name, onnxDtype: i.onnxDtype, dims: i.dims, scale: i.scale, lo: i.lo, hi: i.hi })),
    outputs: vk.outputs.map((o) => ({ name: o.name, onnxName: o.onnxName, onnxDtype: o.onnxDtype, dims: o.dims, scale: o.scale })),
    nodes,
    constants,
    values: new Map(vk.values.map((v) => [v.name, v])),
  };
}

export function serializeProvingKey(pk: ProvingKey): Uint8Array {
  checkProvingKey(pk);
  const w = new ByteWriter();
  writeHeader(w, 'provingKey');
  writeVerifyingKeyBody(w, pk.vk);
  for (const name of pk.vk.weights) writeTensor(w, pk.weights.get(name)!);
  for (const n of pk.vk.nodes) if (n.privateAttrs.length > 0) writeAttrs(w, pk.privateAttrs.get(n.name)!);
  for (const s of pk.salts) w.base(s[0]).base(s[1]);
  return w.finish();
}

function readPrivate(r: ByteReader, vk: VerifyingKey): ProvingKey {
  const weights = new Map<string, IrTensor>();
  for (const name of vk.weights) weights.set(name, readTensor(r, `weight ${name}`));
  const privateAttrs = new Map<string, IrAttrs>();
  for (const n of vk.nodes) {
    if (n.privateAttrs.length === 0) continue;
    const attrs = readAttrs(r, `node ${n.name} private attributes`);
    const allowed = PRIVATE_ATTRS[n.op] ?? [];
    for (const k of Object.keys(attrs)) if (!allowed.includes(k)) throw new FormatError(`proving key: attribute ${k} of ${n.op} is not a private attribute`);
    privateAttrs.set(n.name, attrs);
  }
  const salts: Salt[] = vk.fingerprint.map(() => [r.base('salt'), r.base('salt')] as const);
  return { vk, weights, privateAttrs, salts };
}

export function deserializeProvingKey(bytes: Uint8Array): ProvingKey {
  return decoding('proving key', () => {
    const r = readHeader(bytes, 'provingKey');
    const vk = readVerifyingKeyBody(r);
    if (vk.weights.length > LIMITS.list) throw new FormatError('proving key: too many weights');
    const pk = readPrivate(r, vk);
    r.end();
    checkProvingKey(pk);
    return pk;
  });
}
