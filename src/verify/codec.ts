// Canonical encodings of the IR pieces that keys and proofs carry (dims, signed integers,
// floats, attributes, tensors), on top of ByteWriter/ByteReader. Every reader validates what it
// reads and throws FormatError; every writer refuses values it could not read back identically.
// Imports nothing Node-only (the verifier bundles for browsers).
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import type { IrAttr, IrAttrs, IrTensor } from '../ir/types.js';

/** Upper limits on counts read from untrusted bytes (guards allocations). */
export const LIMITS = Object.freeze({
  dims: 16,
  dim: 2 ** 30,
  elements: 2 ** 28,
  list: 1 << 20,
  string: 1 << 16,
  attrs: 256,
});

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export function writeI64(w: ByteWriter, x: bigint): void {
  if (x < I64_MIN || x > I64_MAX) throw new RangeError(`i64 out of range: ${x}`);
  w.u64(BigInt.asUintN(64, x));
}

export function readI64(r: ByteReader, field: string): bigint {
  return BigInt.asIntN(64, r.u64(field));
}

/** Finite doubles only (scales, float attributes): NaN has many encodings and is never valid here. */
export function writeF64(w: ByteWriter, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`f64 must be finite, got ${x}`);
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  w.bytes(b);
}

export function readF64(r: ByteReader, field: string): number {
  const b = r.bytes(8, field);
  const x = new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  if (!Number.isFinite(x)) throw new FormatError(`${field} is not a finite number`);
  return x;
}

export function writeDims(w: ByteWriter, dims: readonly number[]): void {
  if (dims.length > LIMITS.dims) throw new RangeError(`tensor rank ${dims.length} exceeds ${LIMITS.dims}`);
  w.u32(dims.length);
  for (const d of dims) w.u32(d);
}

export function readDims(r: ByteReader, field: string): number[] {
  const n = r.count(LIMITS.dims, `${field} rank`);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < n; i++) {
    const d = r.u32(`${field} dim`);
    if (d > LIMITS.dim) throw new FormatError(`${field}: dimension ${d} is too large`);
    dims.push(d);
    size *= d;
  }
  if (size > LIMITS.elements) throw new FormatError(`${field}: ${size} elements is too many`);
  return dims;
}

export function writeStrings(w: ByteWriter, xs: readonly string[]): void {
  w.u32(xs.length);
  for (const s of xs) w.string(s);
}

export function readStrings(r: ByteReader, field: string): string[] {
  const n = r.count(LIMITS.list, `${field} count`);
  return Array.from({ length: n }, () => r.string(LIMITS.string, field));
}

export function writeI64s(w: ByteWriter, xs: readonly bigint[] | BigInt64Array): void {
  w.u32(xs.length);
  for (const x of xs) writeI64(w, x);
}

export function readI64s(r: ByteReader, field: string, max = LIMITS.elements): BigInt64Array {
  const n = r.count(max, `${field} count`);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = readI64(r, field);
  return out;
}

export function writeTensor(w: ByteWriter, t: IrTensor): void {
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) throw new RangeError(`tensor of dims [${t.dims}] holds ${t.data.length} elements`);
  writeDims(w, t.dims);
  for (const x of t.data) writeI64(w, x);
}

export function readTensor(r: ByteReader, field: string): IrTensor {
  const dims = readDims(r, field);
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new BigInt64Array(size);
  for (let i = 0; i < size; i++) data[i] = readI64(r, field);
  return { dims, data };
}

// Attribute tags. An empty list is written with the tag of its declared element type; the
// reader returns a plain array, so `[]` round-trips as [] whatever its tag.
const enum AttrTag {
  Number = 0,
  String = 1,
  Boolean = 2,
  BigInt = 3,
  Numbers = 4,
  BigInts = 5,
  Strings = 6,
}

function writeAttr(w: ByteWriter, v: IrAttr): void {
  if (typeof v === 'number') {
    w.u8(AttrTag.Number);
    writeF64(w, v);
  } else if (typeof v === 'string') {
    w.u8(AttrTag.String).string(v);
  } else if (typeof v === 'boolean') {
    w.u8(AttrTag.Boolean).u8(v ? 1 : 0);
  } else if (typeof v === 'bigint') {
    w.u8(AttrTag.BigInt);
    writeI64(w, v);
  } else if (v.length > 0 && typeof v[0] === 'string') {
    w.u8(AttrTag.Strings);
    writeStrings(w, v as readonly string[]);
  } else if (v.length > 0 && typeof v[0] === 'bigint') {
    w.u8(AttrTag.BigInts);
    writeI64s(w, v as readonly bigint[]);
  } else {
    const xs = v as readonly number[];
    if (!xs.every((x) => typeof x === 'number')) throw new RangeError('attribute list mixes element types');
    w.u8(AttrTag.Numbers).u32(xs.length);
    for (const x of xs) writeF64(w, x);
  }
}

function readAttr(r: ByteReader, field: string): IrAttr {
  const tag = r.u8(`${field} tag`);
  switch (tag) {
    case AttrTag.Number:
      return readF64(r, field);
    case AttrTag.String:
      return r.string(LIMITS.string, field);
    case AttrTag.Boolean: {
      const b = r.u8(field);
      if (b > 1) throw new FormatError(`${field}: boolean byte ${b}`);
      return b === 1;
    }
    case AttrTag.BigInt:
      return readI64(r, field);
    case AttrTag.Numbers: {
      const n = r.count(LIMITS.list, `${field} count`);
      return Array.from({ length: n }, () => readF64(r, field));
    }
    case AttrTag.BigInts:
      return Array.from(readI64s(r, field, LIMITS.list));
    case AttrTag.Strings:
      return readStrings(r, field);
    default:
      throw new FormatError(`${field}: unknown attribute tag ${tag}`);
  }
}

/** Attributes in sorted key order (canonical: one encoding per attribute set). */
export function writeAttrs(w: ByteWriter, attrs: IrAttrs): void {
  const keys = Object.keys(attrs).sort();
  if (keys.length > LIMITS.attrs) throw new RangeError(`${keys.length} attributes exceed ${LIMITS.attrs}`);
  w.u32(keys.length);
  for (const k of keys) {
    w.string(k);
    writeAttr(w, attrs[k]);
  }
}

export function readAttrs(r: ByteReader, field: string): IrAttrs {
  const n = r.count(LIMITS.attrs, `${field} count`);
  const out: Record<string, IrAttr> = {};
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    const k = r.string(LIMITS.string, `${field} key`);
    if (prev !== null && !(k > prev)) throw new FormatError(`${field}: keys not strictly increasing (${prev}, ${k})`);
    prev = k;
    out[k] = readAttr(r, `${field}.${k}`);
  }
  return out;
}

/** Signed integer ↦ F_p element (x < 0 ↦ p + x); |x| < p/2 is the caller's invariant. */
export function toField(x: bigint, p: bigint): bigint {
  return x < 0n ? p + x : x;
}
