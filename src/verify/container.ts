// The framing shared by every zkinfer file: magic, format version, then a body. Proof bodies
// are a list of tagged sections. A file with another magic, another version, trailing bytes or
// sections out of order is refused with a FormatError that says which.
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';

/** Bumped on any change of any file layout; readers accept exactly this version. */
export const FORMAT_VERSION = 2;

export const MAGIC = Object.freeze({
  proof: 'ZKIP',
  verifyingKey: 'ZKIV',
  provingKey: 'ZKIK',
});
export type FileKind = keyof typeof MAGIC;

const enc = new TextEncoder();

export function writeHeader(w: ByteWriter, kind: FileKind): void {
  w.bytes(enc.encode(MAGIC[kind])).u32(FORMAT_VERSION);
}

/** Reads and checks magic and version; returns a reader positioned at the body. */
export function readHeader(bytes: Uint8Array, kind: FileKind): ByteReader {
  const what = `${kind} file`;
  if (!(bytes instanceof Uint8Array)) throw new FormatError(`${what}: expected bytes`);
  const r = new ByteReader(bytes, what);
  const magic = new TextDecoder().decode(r.bytes(4, 'magic'));
  if (magic !== MAGIC[kind]) {
    const other = (Object.keys(MAGIC) as FileKind[]).find((k) => MAGIC[k] === magic);
    throw new FormatError(other ? `${what}: this is a ${other} file, not a ${kind} file` : `${what}: not a zkinfer ${kind} file (magic ${JSON.stringify(magic)})`);
  }
  const version = r.u32('version');
  if (version !== FORMAT_VERSION) throw new FormatError(`${what}: format version ${version}, this zkinfer reads version ${FORMAT_VERSION}`);
  return r;
}

/** Section tags of a proof, in the order they must appear (docs/protocol.md (Part 5) §6). */
export const SECTION = Object.freeze({
  commitments: 1,
  layers: 2,
  ranges: 3,
  fingerprint: 4,
  openings: 5,
  attested: 6,
});
export const SECTION_MAX = 6;
const SECTION_LIMIT = 1 << 30;

export function writeSections(w: ByteWriter, sections: ReadonlyMap<number, Uint8Array>): void {
  const tags = [...sections.keys()].sort((a, b) => a - b);
  w.u32(tags.length);
  for (const t of tags) {
    if (!Number.isInteger(t) || t < 1 || t > SECTION_MAX) throw new RangeError(`unknown section tag ${t}`);
    w.u8(t).blob(sections.get(t)!);
  }
}

export function readSections(r: ByteReader): Map<number, Uint8Array> {
  const n = r.count(SECTION_MAX, 'section count');
  const out = new Map<number, Uint8Array>();
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const tag = r.u8('section tag');
    if (tag < 1 || tag > SECTION_MAX) throw new FormatError(`proof: unknown section tag ${tag}`);
    if (tag <= prev) throw new FormatError(`proof: section ${tag} after section ${prev} (tags must be strictly increasing)`);
    prev = tag;
    out.set(tag, r.blob(SECTION_LIMIT, `section ${tag}`));
  }
  return out;
}

/**
 * Runs a decoder so that every failure on malformed bytes is a FormatError (a TypeError from a
 * fatal UTF-8 decode, a RangeError from a bad length, …), with the file kind in the message.
 */
export function decoding<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${what}: malformed (${e instanceof Error ? e.message : String(e)})`);
  }
}
