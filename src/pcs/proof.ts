// The opening proof of the hash-based commitment and its canonical, versioned byte format.
//
//   u8     version (= 1)
//   ext    maskSum μ
//   ext[k] × (1 + K)   the proximity row, then one row per row combination (K from the claims)
//   u32    number of opened columns c (1 ≤ c ≤ q), then c × (16-byte salt ‖ base[rows])
//   u32    number of sibling hashes s (≤ c·logN), then s × 32 bytes
//
// Every count that the claims and the commitment determine is not written; the two counts
// that depend on the transcript (distinct queried columns, multiproof size) are written and
// bounded here, and the verifier checks that they are exactly the expected ones.
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import { DIGEST_BYTES } from './merkle.js';
import type { Shape } from './params.js';

export const PROOF_VERSION = 1;
export const SALT_BYTES = 16;

export interface OpenedColumn {
  readonly salt: Uint8Array;
  /** The column's symbol in every row (data rows, then mask rows). */
  readonly values: BaseVec;
}

export interface HashPcsProof {
  readonly maskSum: Fp2;
  /** [proximity row, row of combination 0, …]: ExtVecs of k elements (message coefficients). */
  readonly rows: readonly ExtVec[];
  /** The distinct queried columns in increasing index order. */
  readonly columns: readonly OpenedColumn[];
  readonly siblings: readonly Uint8Array[];
}

export function serializeProof(p: HashPcsProof): Uint8Array {
  const w = new ByteWriter();
  w.u8(PROOF_VERSION).ext(p.maskSum);
  for (const r of p.rows) w.words(r);
  w.u32(p.columns.length);
  for (const c of p.columns) {
    if (c.salt.length !== SALT_BYTES) throw new RangeError('serializeProof: salt length');
    w.bytes(c.salt).words(c.values);
  }
  w.u32(p.siblings.length);
  for (const s of p.siblings) {
    if (s.length !== DIGEST_BYTES) throw new RangeError('serializeProof: digest length');
    w.bytes(s);
  }
  return w.finish();
}

/** Parses a proof for a commitment of `shape` and an opening with `combos` row combinations. */
export function deserializeProof(bytes: Uint8Array, shape: Shape, combos: number): HashPcsProof {
  if (!(bytes instanceof Uint8Array)) throw new FormatError('pcs proof: not a byte array');
  const r = new ByteReader(bytes, 'pcs proof');
  const version = r.u8('version');
  if (version !== PROOF_VERSION) throw new FormatError(`pcs proof: version ${version}, expected ${PROOF_VERSION}`);
  const maskSum = r.ext('mask sum');
  const rows: ExtVec[] = [];
  for (let i = 0; i <= combos; i++) rows.push(r.words(2 * shape.k, 'combined row'));
  const nCols = r.count(Math.min(shape.q, shape.N), 'column count');
  if (nCols === 0) throw new FormatError('pcs proof: no opened columns');
  const columns: OpenedColumn[] = [];
  for (let i = 0; i < nCols; i++) columns.push({ salt: r.bytes(SALT_BYTES, 'salt'), values: r.words(shape.rows, 'column') });
  const nSib = r.count(nCols * shape.logN, 'sibling count');
  const siblings: Uint8Array[] = [];
  for (let i = 0; i < nSib; i++) siblings.push(r.bytes(DIGEST_BYTES, 'sibling hash'));
  r.end();
  return { maskSum, rows, columns, siblings };
}
