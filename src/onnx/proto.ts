// Decoding of ONNX protobuf messages (via the onnx-proto package's generated protobufjs code)
// into the plain types of graph.ts. Every malformed field becomes an OnnxImportError.
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { AttrValue, DType, Tensor } from './graph.js';
import { dtypeFromCode, onnxTypeName, SUPPORTED_DTYPES } from './dtype.js';
import { importError, type ImportSite } from './errors.js';
import { allocData, sizeOf } from './tensor.js';

export const proto = onnxProto.onnx;
export type ITensorProto = onnx.ITensorProto;
export type IAttributeProto = onnx.IAttributeProto;
export type IModelProto = onnx.IModelProto;
export type IGraphProto = onnx.IGraphProto;
export type INodeProto = onnx.INodeProto;
export type IValueInfoProto = onnx.IValueInfoProto;

/** protobufjs hands int64 fields out as Long objects (or numbers); this is their common shape. */
interface LongLike { readonly low: number; readonly high: number; readonly unsigned: boolean }
type Int64Field = number | LongLike | null | undefined;

/** An int64 field as a JS number (exact below 2^53; INT64_MAX and friends become +-9.22e18). */
export function int64ToNumber(v: Int64Field): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return v.unsigned ? (v.high >>> 0) * 4294967296 + (v.low >>> 0) : v.high * 4294967296 + (v.low >>> 0);
}

function int64ToBigInt(v: Int64Field, unsigned: boolean): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

const utf8 = new TextDecoder('utf-8');
export function bytesToString(b: Uint8Array | null | undefined): string {
  return b === null || b === undefined ? '' : utf8.decode(b);
}

/** IEEE half-precision bits to a number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const BYTES_PER: Partial<Record<DType, number>> = {
  float32: 4, float64: 8, float16: 2, int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2,
  int32: 4, uint32: 4, int64: 8, uint64: 8,
};

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function decodeRaw(dtype: DType, raw: Uint8Array, n: number, site: ImportSite): Tensor['data'] {
  const width = BYTES_PER[dtype];
  if (width === undefined) throw importError(site, `raw_data is not allowed for ${dtype} tensors`);
  if (raw.length !== n * width) {
    throw importError(site, `raw_data holds ${raw.length} bytes, expected ${n * width} for ${n} ${dtype} values (truncated or corrupt file?)`);
  }
  // Copy so the views are aligned and independent of the file buffer.
  const buf = new Uint8Array(raw).buffer;
  // The platform is little-endian in practice (ONNX raw_data is); typed-array views are then exact and fast.
  if (LITTLE_ENDIAN && dtype === 'float32') {
    const out = new Float64Array(n);
    out.set(new Float32Array(buf));
    return out;
  }
  if (LITTLE_ENDIAN && dtype === 'float64') return new Float64Array(buf);
  const view = new DataView(buf);
  const out = allocData(dtype, n);
  for (let i = 0; i < n; i++) {
    const o = i * width;
    switch (dtype) {
      case 'float32': out[i] = view.getFloat32(o, true); break;
      case 'float64': out[i] = view.getFloat64(o, true); break;
      case 'float16': out[i] = halfToNumber(view.getUint16(o, true)); break;
      case 'int8': out[i] = view.getInt8(o); break;
      case 'uint8': out[i] = view.getUint8(o); break;
      case 'bool': out[i] = view.getUint8(o) !== 0 ? 1 : 0; break;
      case 'int16': out[i] = view.getInt16(o, true); break;
      case 'uint16': out[i] = view.getUint16(o, true); break;
      case 'int32': out[i] = view.getInt32(o, true); break;
      case 'uint32': out[i] = view.getUint32(o, true); break;
      case 'int64': (out as BigInt64Array)[i] = view.getBigInt64(o, true); break;
      case 'uint64': (out as BigUint64Array)[i] = view.getBigUint64(o, true); break;
      default: throw importError(site, `raw_data is not allowed for ${dtype} tensors`);
    }
  }
  return out;
}

function decodeTyped(dtype: DType, tp: ITensorProto, n: number, site: ImportSite): Tensor['data'] {
  const pick = (field: string, arr: readonly unknown[] | null | undefined): readonly unknown[] => {
    const a = arr ?? [];
    if (a.length !== n) throw importError({ ...site, field }, `holds ${a.length} values, expected ${n} for dims of the tensor`);
    return a;
  };
  switch (dtype) {
    case 'string': {
      const s = pick('string_data', tp.stringData);
      return (s as Uint8Array[]).map((b) => bytesToString(b));
    }
    case 'float32': return Float64Array.from(pick('float_data', tp.floatData) as number[]);
    case 'float64': return Float64Array.from(pick('double_data', tp.doubleData) as number[]);
    case 'float16': return Float64Array.from(pick('int32_data', tp.int32Data) as number[], (h) => halfToNumber(h));
    case 'int64': {
      const out = new BigInt64Array(n);
      const a = pick('int64_data', tp.int64Data) as Int64Field[];
      for (let i = 0; i < n; i++) out[i] = int64ToBigInt(a[i], false);
      return out;
    }
    case 'uint64': {
      const out = new BigUint64Array(n);
      const a = pick('uint64_data', tp.uint64Data) as Int64Field[];
      for (let i = 0; i < n; i++) out[i] = int64ToBigInt(a[i], true);
      return out;
    }
    case 'uint32': {
      const a = pick('uint64_data', tp.uint64Data) as Int64Field[];
      return Uint32Array.from(a, (v) => int64ToNumber(v));
    }
    default: {
      const out = allocData(dtype, n) as Exclude<Tensor['data'], BigInt64Array | BigUint64Array | readonly string[]>;
      const a = pick('int32_data', tp.int32Data) as number[];
      if (dtype === 'bool') for (let i = 0; i < n; i++) out[i] = a[i] !== 0 ? 1 : 0;
      else out.set(a);
      return out;
    }
  }
}

/** Decodes a TensorProto (an initializer, a Constant's value, an attribute, a .pb test file). */
export function tensorFromProto(tp: ITensorProto, site: ImportSite): Tensor {
  const name = tp.name ?? '';
  const s: ImportSite = { ...site, field: site.field ?? `tensor '${name}'` };
  const code = tp.dataType ?? 0;
  const dtype = dtypeFromCode(code);
  if (dtype === undefined) {
    throw importError(s, `unsupported dtype ${onnxTypeName(code)} (supported: ${SUPPORTED_DTYPES.join(', ')})`);
  }
  if ((tp.dataLocation ?? 0) === 1 || (tp.externalData?.length ?? 0) > 0) {
    const loc = (tp.externalData ?? []).find((e) => e.key === 'location')?.value ?? '?';
    throw importError(s, `data is stored in an external file ('${loc}'); zkinfer needs every tensor inside the .onnx file (re-save with onnx.save_model(model, path, save_as_external_data=False))`);
  }
  if (tp.segment !== null && tp.segment !== undefined) throw importError(s, 'segmented tensors are not supported');
  const dims = (tp.dims ?? []).map((d) => int64ToNumber(d as Int64Field));
  for (const d of dims) if (!Number.isInteger(d) || d < 0) throw importError(s, `invalid dim ${d} in [${dims.join(',')}]`);
  const n = sizeOf(dims);
  const raw = tp.rawData;
  const data = raw !== null && raw !== undefined && raw.length > 0
    ? decodeRaw(dtype, raw, n, s)
    : decodeTyped(dtype, tp, n, s);
  return { dtype, dims, data };
}

/** Decodes a serialized TensorProto (the input_N.pb / output_N.pb files of the ONNX tests). */
export function decodeTensorBytes(bytes: Uint8Array, site: ImportSite = {}): { name: string; tensor: Tensor } {
  let tp: onnx.TensorProto;
  try {
    tp = proto.TensorProto.decode(bytes);
  } catch (e) {
    throw importError(site, `not a TensorProto (${(e as Error).message})`);
  }
  return { name: tp.name ?? '', tensor: tensorFromProto(tp, site) };
}

/** Decodes one node attribute; subgraph-valued attributes are refused (no control flow). */
export function attrFromProto(a: IAttributeProto, site: ImportSite): AttrValue {
  const s: ImportSite = { ...site, field: `attribute '${a.name ?? ''}'` };
  // Old writers leave `type` unset (0); then the populated field says what it is.
  let type = a.type ?? 0;
  if (type === 0) {
    if ((a.floats?.length ?? 0) > 0) type = 6;
    else if ((a.ints?.length ?? 0) > 0) type = 7;
    else if ((a.strings?.length ?? 0) > 0) type = 8;
    else if (a.t) type = 4;
    else if (a.g) type = 5;
    else if ((a.s?.length ?? 0) > 0) type = 3;
    else if (a.f !== undefined && a.f !== null && a.f !== 0) type = 1;
    else type = 2;
  }
  switch (type) {
    case 1: return { kind: 'float', value: a.f ?? 0 };
    case 2: return { kind: 'int', value: int64ToNumber(a.i as Int64Field) };
    case 3: return { kind: 'string', value: bytesToString(a.s) };
    case 4: return { kind: 'tensor', value: tensorFromProto(a.t!, s) };
    case 6: return { kind: 'floats', value: [...(a.floats ?? [])] };
    case 7: return { kind: 'ints', value: (a.ints ?? []).map((v) => int64ToNumber(v as Int64Field)) };
    case 8: return { kind: 'strings', value: (a.strings ?? []).map((b) => bytesToString(b)) };
    case 5: case 10: throw importError(s, 'graph-valued attributes (If/Loop/Scan bodies) are not supported');
    default: throw importError(s, `unsupported attribute type ${type}`);
  }
}
