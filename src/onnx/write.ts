// A small ONNX writer: a graph description -> ModelProto bytes (onnx-proto's encoder). Enough to
// emit the models zkinfer's examples train (MatMul/Gemm/Conv/activations, ai.onnx.ml linear
// and tree models); it does not validate op semantics, loadOnnx + normalizeGraph do.
import type { AttrValue, DType, Tensor } from './graph.js';
import { codeFromDtype } from './dtype.js';
import { proto, type ITensorProto, type IAttributeProto } from './proto.js';
import { f64, sizeOf } from './tensor.js';

export interface WriteValue {
  readonly name: string;
  readonly dtype: DType;
  /** Numbers are fixed dims, strings symbolic ones (dim_param). Omit for "unknown shape". */
  readonly dims?: readonly (number | string)[];
}

export interface WriteNode {
  readonly name?: string;
  readonly opType: string;
  /** '' (default) or 'ai.onnx.ml'. */
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

export interface WriteModel {
  readonly name?: string;
  /** Defaults: '' -> 13, and 'ai.onnx.ml' -> 3 when a node uses that domain. */
  readonly opsets?: Readonly<Record<string, number>>;
  readonly inputs: readonly WriteValue[];
  readonly outputs: readonly WriteValue[];
  readonly initializers?: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;
  readonly nodes: readonly WriteNode[];
  readonly producer?: string;
}

/** Shorthands for attribute values, so callers need not spell out `{ kind, value }`. */
export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  strings: (value: readonly string[]): AttrValue => ({ kind: 'strings', value }),
  tensor: (value: Tensor): AttrValue => ({ kind: 'tensor', value }),
};

const utf8 = new TextEncoder();

/** Encodes a tensor as a TensorProto: numeric data as little-endian raw_data, strings as string_data. */
export function tensorToProto(name: string, t: Tensor): ITensorProto {
  const n = sizeOf(t.dims);
  const base: ITensorProto = { name, dims: [...t.dims], dataType: codeFromDtype(t.dtype) };
  if (t.dtype === 'string') return { ...base, stringData: (t.data as readonly string[]).map((s) => utf8.encode(s)) };
  if (t.data.length !== n) throw new Error(`tensor '${name}': ${t.data.length} values for dims [${t.dims.join(',')}]`);
  const width: Record<Exclude<DType, 'string'>, number> = {
    float32: 4, float64: 8, float16: 2, int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8,
  };
  const w = width[t.dtype];
  const buf = new Uint8Array(n * w);
  const view = new DataView(buf.buffer);
  if (t.dtype === 'int64' || t.dtype === 'uint64') {
    const d = t.data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) {
      if (t.dtype === 'int64') view.setBigInt64(i * 8, BigInt(d[i]!), true);
      else view.setBigUint64(i * 8, BigInt(d[i]!), true);
    }
  } else {
    const v = f64(t);
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      switch (t.dtype) {
        case 'float32': view.setFloat32(i * 4, x, true); break;
        case 'float64': view.setFloat64(i * 8, x, true); break;
        case 'float16': throw new Error(`tensor '${name}': writing float16 is not supported`);
        case 'int8': view.setInt8(i, x); break;
        case 'uint8': case 'bool': view.setUint8(i, x); break;
        case 'int16': view.setInt16(i * 2, x, true); break;
        case 'uint16': view.setUint16(i * 2, x, true); break;
        case 'int32': view.setInt32(i * 4, x, true); break;
        case 'uint32': view.setUint32(i * 4, x, true); break;
      }
    }
  }
  return { ...base, rawData: buf };
}

function attrToProto(name: string, a: AttrValue): IAttributeProto {
  switch (a.kind) {
    case 'int': return { name, type: 2, i: a.value };
    case 'float': return { name, type: 1, f: a.value };
    case 'string': return { name, type: 3, s: utf8.encode(a.value) };
    case 'ints': return { name, type: 7, ints: [...a.value] };
    case 'floats': return { name, type: 6, floats: [...a.value] };
    case 'strings': return { name, type: 8, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensor': return { name, type: 4, t: tensorToProto('', a.value) };
  }
}

function valueInfoToProto(v: WriteValue) {
  const tensorType = {
    elemType: codeFromDtype(v.dtype),
    ...(v.dims !== undefined
      ? { shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } }
      : {}),
  };
  return { name: v.name, type: { tensorType } };
}

/** Serializes a model description to ONNX bytes. */
export function writeOnnx(m: WriteModel): Uint8Array {
  const opsets: Record<string, number> = { '': 13, ...(m.opsets ?? {}) };
  if (m.nodes.some((n) => n.domain === 'ai.onnx.ml') && opsets['ai.onnx.ml'] === undefined) opsets['ai.onnx.ml'] = 3;
  const inits: [string, Tensor][] = m.initializers === undefined ? []
    : m.initializers instanceof Map ? [...m.initializers.entries()] : Object.entries(m.initializers);
  const model = proto.ModelProto.create({
    irVersion: 8,
    producerName: m.producer ?? 'zkinfer',
    opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
    graph: {
      name: m.name ?? 'zkinfer',
      input: m.inputs.map(valueInfoToProto),
      output: m.outputs.map(valueInfoToProto),
      initializer: inits.map(([name, t]) => tensorToProto(name, t)),
      node: m.nodes.map((n, i) => ({
        name: n.name ?? `${n.opType}_${i}`,
        opType: n.opType,
        domain: n.domain ?? '',
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs ?? {}).map(([k, a]) => attrToProto(k, a)),
      })),
    },
  });
  return proto.ModelProto.encode(model).finish();
}
