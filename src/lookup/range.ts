// Range checks by limb decomposition into LogUp lookups (logup.ts).
//
// Each value v of a committed base column (2^n rows) is claimed to lie in [0, 2^k), or in
// [−2^(k−1), 2^(k−1)) when signed (then u = v + 2^(k−1) is checked in [0, 2^k)). The prover
// commits L = ⌈k/b⌉ limb columns with u = Σ_i 2^(b·i)·limb_i; limbs 0..L−2 are looked up in the
// table [0, 2^b) (b = limbBits, a parameter, 16 by default) and the top limb in its own table
// [0, 2^(k − b(L−1))) — unrestricted b-bit limbs would cover all of F_p and prove nothing. The
// decomposition is a linear check in the same sumcheck. Since Σ 2^(b·i)·limb_i < 2^k ≤ 2^62 < p,
// the field identity is the integer identity, so the check proves v ∈ range as integers (mod p
// representation: v = u − 2^(k−1) for signed).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import { MaskedPoly } from '../sumcheck/mask.js';
import type { MaskedRef, MaskedSpec } from '../sumcheck/session.js';
import { maskedLayout } from '../sumcheck/session.js';
import type { CommitPort, LinearCheck, LookupProof, LookupProveOptions, LookupRelation, LookupShape } from './logup.js';
import { proveLookups, readLookupProof, verifyLookups, writeLookupProof } from './logup.js';
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { rangeTable, signedRangeTable } from './table.js';

export interface RangeShape {
  /** Rows of every value column: 2^numVars. */
  readonly numVars: number;
  /** How many value columns (all checked against the same range). */
  readonly columns: number;
  readonly bits: number;
  readonly signed: boolean;
  readonly limbBits: number;
  /** Mask variables of the value columns, as the caller committed them. */
  readonly valueMaskVars: number;
  /**
   * Look the value columns up themselves in [0, 2^bits) (signed: [−2^(bits−1), 2^(bits−1)),
   * table.ts signedRangeTable): no limbs, no linear check, no shifted copy committed; bits ≤
   * MAX_LIMB_BITS. Only in the model's merged check (layers/ranges.ts), for a column that no
   * other relation looks up.
   */
  readonly direct?: boolean;
}

const LIMB_MASK_VARS = 1;

export function limbCount(s: Pick<RangeShape, 'bits' | 'limbBits'>): { limbs: number; topBits: number } {
  const limbs = Math.ceil(s.bits / s.limbBits);
  return { limbs, topBits: s.bits - s.limbBits * (limbs - 1) };
}

/** The widest limb a model's range checks use (a table of 2^16 rows). */
export const MAX_LIMB_BITS = 16;

/**
 * The limb width with the fewest committed entries for `columns` columns of 2^numVars values of
 * `bits` bits: each limb column costs its entries (limb and inverse columns) plus a few mask
 * entries, each table its rows (multiplicities and inverses) plus a relation's fixed vectors.
 * A 2^16 table for four 12-bit values is what the fixed width 16 cost before.
 */
export function cheapestLimbBits(numVars: number, columns: number, bits: number): number {
  const PER_COLUMN = 16;
  const PER_TABLE = 64;
  let best = 1;
  let bestCost = Infinity;
  for (let b = 1; b <= Math.min(MAX_LIMB_BITS, bits); b++) {
    const { limbs, topBits } = limbCount({ bits, limbBits: b });
    const tables = 2 ** b + PER_TABLE + (topBits === b ? 0 : 2 ** topBits + PER_TABLE);
    const cost = columns * limbs * (2 ** numVars + PER_COLUMN) + tables;
    if (cost < bestCost) {
      best = b;
      bestCost = cost;
    }
  }
  return best;
}

function validate(s: RangeShape): void {
  if (s.direct === true && s.bits > MAX_LIMB_BITS) throw new RangeError(`range check: a direct lookup of ${s.bits} bits (at most ${MAX_LIMB_BITS})`);
  if (!Number.isInteger(s.bits) || s.bits < 1 || s.bits > 62) throw new RangeError(`range check: ${s.bits} bits (1..62)`);
  if (!Number.isInteger(s.limbBits) || s.limbBits < 1 || s.limbBits > 20) throw new RangeError(`range check: limbs of ${s.limbBits} bits (1..20)`);
  if (!Number.isInteger(s.numVars) || s.numVars < 1) throw new RangeError('range check: columns need at least 2 rows');
  if (!Number.isInteger(s.columns) || s.columns < 1) throw new RangeError('range check: no columns');
}

/**
 * Whether looking the columns up directly (one 2^bits table) commits fewer entries than the
 * cheapest limb decomposition (cheapestLimbBits's cost model).
 */
export function directIsCheaper(numVars: number, columns: number, bits: number): boolean {
  if (bits > MAX_LIMB_BITS) return false;
  const PER_COLUMN = 16;
  const PER_TABLE = 64;
  const b = cheapestLimbBits(numVars, columns, bits);
  const { limbs, topBits } = limbCount({ bits, limbBits: b });
  const limbCost = columns * limbs * (2 ** numVars + PER_COLUMN) + 2 ** b + PER_TABLE + (topBits === b ? 0 : 2 ** topBits + PER_TABLE);
  return 2 ** bits + PER_TABLE < limbCost;
}

/** Limb columns a shape commits (none when direct). */
export function committedLimbs(s: RangeShape): number {
  return s.direct === true ? 0 : limbCount(s).limbs;
}

/** The lookup shape: relations over the limb columns and one linear check per value column. */
export function rangeLookupShape(s: RangeShape): LookupShape {
  validate(s);
  if (s.direct === true) {
    const valueCol = { numVars: s.numVars, components: 1, maskVars: s.valueMaskVars };
    const table = s.signed ? signedRangeTable(s.bits) : rangeTable(s.bits);
    return { relations: [{ table, columns: Array.from({ length: s.columns }, () => valueCol) }], extras: [], checks: [] };
  }
  const { limbs, topBits } = limbCount(s);
  const limbCol = { numVars: s.numVars, components: 1, maskVars: LIMB_MASK_VARS };
  const mainPerValue = topBits === s.limbBits ? limbs : limbs - 1;
  const relations: LookupRelation[] = [];
  if (mainPerValue > 0) relations.push({ table: rangeTable(s.limbBits), columns: Array.from({ length: s.columns * mainPerValue }, () => limbCol) });
  if (topBits !== s.limbBits) relations.push({ table: rangeTable(topBits), columns: Array.from({ length: s.columns }, () => limbCol) });
  const offset: Fp2 = s.signed ? E.fromBase(F.pow(2n, BigInt(s.bits - 1))) : E.ZERO;
  const checks: LinearCheck[] = Array.from({ length: s.columns }, (_, v) => ({
    numVars: s.numVars,
    constant: offset,
    terms: [
      { source: { extra: v }, coeff: E.ONE },
      ...Array.from({ length: limbs }, (_, i) => ({
        source: { lookup: limbPosition(s, v, i) } as const,
        coeff: E.neg(E.fromBase(F.pow(2n, BigInt(s.limbBits * i)))),
      })),
    ],
  }));
  const extras: MaskedSpec[] = Array.from({ length: s.columns }, () => ({ numVars: s.numVars, maskVars: s.valueMaskVars, ext: false }));
  return { relations, extras, checks };
}

/** [relation, column, component] of limb i of value column v. */
function limbPosition(s: RangeShape, v: number, i: number): readonly [number, number, number] {
  const { limbs, topBits } = limbCount(s);
  const mainPerValue = topBits === s.limbBits ? limbs : limbs - 1;
  if (i < mainPerValue) return [0, v * mainPerValue + i, 0];
  return [mainPerValue > 0 ? 1 : 0, v, 0];
}

/** Limbs of every value (prover). Throws if a value is out of range unless `unsafe`. */
export function decompose(s: RangeShape, values: BaseVec, unsafe = false): BaseVec[] {
  const { limbs } = limbCount(s);
  const out = Array.from({ length: limbs }, () => new BigUint64Array(values.length));
  const offset = s.signed ? 1n << BigInt(s.bits - 1) : 0n;
  const mask = (1n << BigInt(s.limbBits)) - 1n;
  for (let i = 0; i < values.length; i++) {
    // u = v + offset as an integer: a signed value is read in (−p/2, p/2)
    let u = (s.signed ? F.toSigned(values[i]) : values[i]) + offset;
    if (u < 0n || u >= 1n << BigInt(s.bits)) {
      if (!unsafe) throw new RangeError(`range check: row ${i} value ${F.toSigned(values[i])} is outside the ${s.signed ? 'signed ' : ''}${s.bits}-bit range`);
      u = F.fromBigInt(u); // a cheating prover decomposes the field element anyway
    }
    for (let l = 0; l < limbs; l++) {
      // the top limb takes all remaining bits (so an out-of-range value shows up there)
      out[l][i] = l === limbs - 1 ? u >> BigInt(s.limbBits * l) : (u >> BigInt(s.limbBits * l)) & mask;
    }
  }
  return out;
}

export interface RangeProof {
  readonly lookup: LookupProof;
}

function limbsOfShape(s: RangeShape): number {
  return limbCount(s).limbs;
}

/** Orders limb columns as the lookup shape's relations expect. */
function arrangeLimbs<T>(s: RangeShape, perValue: readonly (readonly T[])[]): T[][][] {
  const shape = rangeLookupShape(s);
  const cols: T[][][] = shape.relations.map((rel) => rel.columns.map(() => []));
  perValue.forEach((limbs, v) =>
    limbs.forEach((x, i) => {
      const [r, c] = limbPosition(s, v, i);
      cols[r][c] = [x];
    }),
  );
  return cols;
}

/**
 * Proves that every value of the committed columns `values` (at `valueRefs`) is in range. The
 * limbs are committed here (one commitment through `port`), then one LogUp sumcheck runs.
 */
export function proveRange(
  s: RangeShape,
  values: readonly MaskedPoly[],
  valueRefs: readonly MaskedRef[],
  port: CommitPort,
  transcript: Transcript,
  options: LookupProveOptions = {},
): RangeProof {
  validate(s);
  if (s.direct === true) throw new RangeError('proveRange: a direct range check is for the merged model check only');
  if (values.length !== s.columns || valueRefs.length !== s.columns) throw new RangeError(`proveRange: ${values.length} columns for a shape of ${s.columns}`);
  const limbs = values.map((v) => decompose(s, v.values, options.unsafeAllowMisses === true).map((l) => MaskedPoly.sample(l, s.numVars, LIMB_MASK_VARS)));
  const c = port.commit(limbs.flat().flatMap((l) => l.commitPolys()));
  const limbRefs = limbLayout(s, c);
  const shape = rangeLookupShape(s);
  const lookup = proveLookups(shape, { columns: arrangeLimbs(s, limbs), extras: values }, { columns: arrangeLimbs(s, limbRefs), extras: valueRefs }, port, transcript, options);
  return { lookup };
}

function limbLayout(s: RangeShape, commitment: number): MaskedRef[][] {
  const L = limbsOfShape(s);
  const flat = maskedLayout(commitment, Array.from({ length: s.columns * L }, () => ({ numVars: s.numVars, maskVars: LIMB_MASK_VARS, ext: false })));
  return Array.from({ length: s.columns }, (_, v) => flat.slice(v * L, (v + 1) * L));
}

export function verifyRange(s: RangeShape, proof: RangeProof, valueRefs: readonly MaskedRef[], port: CommitPort, transcript: Transcript): void {
  validate(s);
  if (s.direct === true) throw new RangeError('verifyRange: a direct range check is for the merged model check only');
  const c = port.commit(null);
  const limbRefs = limbLayout(s, c);
  verifyLookups(rangeLookupShape(s), proof.lookup, { columns: arrangeLimbs(s, limbRefs), extras: valueRefs }, port, transcript);
}

export function serializeRangeProof(proof: RangeProof): Uint8Array {
  const w = new ByteWriter();
  writeLookupProof(w, proof.lookup);
  return w.finish();
}

export function deserializeRangeProof(bytes: Uint8Array, s: RangeShape): RangeProof {
  const r = new ByteReader(bytes, 'range proof');
  const lookup = readLookupProof(r, rangeLookupShape(s));
  r.end();
  return { lookup };
}
