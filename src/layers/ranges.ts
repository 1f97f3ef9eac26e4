// All range checks and table lookups (nonlinear ops) of a model proof in ONE LogUp argument: the lookup shapes of several range
// checks (src/lookup/range.ts, possibly of different sizes and widths) are concatenated —
// relations, extras (the checked value columns) and the linear limb checks, re-indexed — so the
// whole model pays two commitments (limbs; LogUp-GKR's multiplicities, layer masks and g's) and
// two openings for its range checks instead of per check.
//
// The limb arrangement mirrors range.ts: per value column v, limbs 0..L−2 (or all L when the
// top limb is a full limb) are columns v·main + i of the shape's first relation, the short top
// limb is column v of its second relation.
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import type { BaseVec } from '../field/vec.js';
import type { ColumnSource, CommitPort, LinearCheck, LookupProveOptions, LookupShape } from '../lookup/logup.js';
import type { LookupGkrProof } from '../lookup/logup-gkr.js';
import { lookupGkrCommitmentSizes, proveLookupsGkr, readLookupGkrProof, verifyLookupsGkr, writeLookupGkrProof } from '../lookup/logup-gkr.js';
import { committedLimbs, decompose, limbCount, rangeLookupShape, type RangeShape } from '../lookup/range.js';
import { MaskedPoly } from '../sumcheck/mask.js';
import { maskedLayout, type MaskedRef } from '../sumcheck/session.js';
import type { Transcript } from '../transcript/transcript.js';
import type { PublicTable } from '../lookup/table.js';
import { indicatorAll, paddedTable, totalVars } from './tensor.js';

function limbPosition(s: RangeShape, v: number, i: number): readonly [number, number] {
  if (s.direct === true) return [0, v]; // the value column itself
  const { limbs, topBits } = limbCount(s);
  const main = topBits === s.limbBits ? limbs : limbs - 1;
  if (i < main) return [0, v * main + i];
  return [main > 0 ? 1 : 0, v];
}

/** A lookup of pairs (x, y) of two committed columns into a public two-component table. */
export interface TableLookupShape {
  readonly table: PublicTable;
  readonly numVars: number;
  readonly maskVars: number;
  /** The tensor's dims: only its unpadded entries are looked up (absent: every row). */
  readonly dims?: readonly number[];
}

/** The indicator of a tensor's unpadded entries as a public one-component table. */
export function indicatorTable(dims: readonly number[]): PublicTable {
  let cache: BaseVec | null = null;
  const numVars = totalVars(dims);
  return {
    name: `rows[${dims.join(',')}]`,
    numVars,
    components: 1,
    values: () => (cache ??= paddedTable(new BigInt64Array(dims.reduce((a, b) => a * b, 1)).fill(1n), dims)),
    evaluate: (_c, point) => indicatorAll(dims, point),
    indexOf: () => -1,
  };
}

/**
 * For each range-checked column (check k, column v), the table lookup whose key column is the
 * same committed tensor, or null. Such a column must be ONE table of the batch (revealed once):
 * its range check's linear relation then reads the lookup's key column instead of an extra.
 */
export function rangeDuplicates(valueRefs: readonly (readonly MaskedRef[])[], lookupKeys: readonly MaskedRef[]): (number | null)[][] {
  const same = (a: MaskedRef, b: MaskedRef): boolean => a.commitment === b.commitment && a.f[0] === b.f[0];
  return valueRefs.map((cols) => cols.map((r) => {
    const l = lookupKeys.findIndex((k) => same(k, r));
    return l < 0 ? null : l;
  }));
}

/** The merged lookup shape: the range checks' relations, then one relation per table lookup. */
export function mergedRangeShape(shapes: readonly RangeShape[], lookups: readonly TableLookupShape[] = [], dups: readonly (readonly (number | null)[])[] = []): LookupShape {
  if (shapes.length === 0 && lookups.length === 0) throw new RangeError('ranges: nothing to check');
  const relations: LookupShape['relations'][number][] = [];
  const extras: LookupShape['extras'][number][] = [];
  const checks: LinearCheck[] = [];
  const rangeRelations = shapes.reduce((n, s) => n + rangeLookupShape(s).relations.length, 0);
  shapes.forEach((s, k) => {
    const one = rangeLookupShape(s);
    const relOff = relations.length;
    relations.push(...one.relations);
    // extra v of this check: a new extra, or the key column of a lookup on the same tensor
    if (s.direct === true && (dups[k] ?? []).some((l) => l !== null)) throw new RangeError('ranges: a directly looked-up column is also a table lookup key');
    const sourceOf = one.extras.map((spec, v): ColumnSource => {
      const l = dups[k]?.[v] ?? null;
      if (l !== null) return { lookup: [rangeRelations + l, 0, 0] };
      extras.push(spec);
      return { extra: extras.length - 1 };
    });
    for (const c of one.checks) {
      checks.push({
        ...c,
        terms: c.terms.map((t) => {
          const src: ColumnSource = 'lookup' in t.source ? { lookup: [t.source.lookup[0] + relOff, t.source.lookup[1], t.source.lookup[2]] } : sourceOf[t.source.extra];
          return { ...t, source: src };
        }),
      });
    }
  });
  for (const l of lookups) {
    if (l.table.components !== 2) throw new RangeError('ranges: a table lookup needs a (key, value) table');
    const rows = l.dims === undefined ? {} : { rows: indicatorTable(l.dims) };
    relations.push({ table: l.table, columns: [{ numVars: l.numVars, components: 2, maskVars: l.maskVars }], ...rows });
  }
  return { relations, extras, checks };
}

function limbMaskVars(s: RangeShape): number {
  return rangeLookupShape(s).relations[0].columns[0].maskVars;
}

/** Whether any check commits limbs (else the limb commitment is left out). */
function anyLimbs(shapes: readonly RangeShape[]): boolean {
  return shapes.some((s) => committedLimbs(s) > 0);
}

/**
 * Limb commitment layout: shape k, value v, limb i in that order; a direct check's "limb" is its
 * value column (`valueRefs`).
 */
function limbRefs(shapes: readonly RangeShape[], commitment: number, valueRefs: readonly (readonly MaskedRef[])[]): MaskedRef[][][] {
  const specs = shapes.flatMap((s) => Array.from({ length: s.columns * committedLimbs(s) }, () => ({ numVars: s.numVars, maskVars: limbMaskVars(s), ext: false })));
  const flat = maskedLayout(commitment, specs);
  let next = 0;
  return shapes.map((s, k) => Array.from({ length: s.columns }, (_, v) => (s.direct === true ? [valueRefs[k][v]] : Array.from({ length: committedLimbs(s) }, () => flat[next++]))));
}

function arrange<T>(shapes: readonly RangeShape[], perShape: readonly (readonly (readonly T[])[])[], pairs: readonly (readonly [T, T])[]): T[][][] {
  const cols: T[][][] = [];
  shapes.forEach((s, k) => {
    const rel = rangeLookupShape(s).relations;
    const base = cols.length;
    rel.forEach((r) => cols.push(r.columns.map(() => [])));
    perShape[k].forEach((limbs, v) =>
      limbs.forEach((x, i) => {
        const [r, c] = limbPosition(s, v, i);
        cols[base + r][c] = [x];
      }),
    );
  });
  for (const pair of pairs) cols.push([[pair[0], pair[1]]]);
  return cols;
}

/**
 * Proves every range check at once. `values[k]` are the committed value columns of check k (at
 * `valueRefs[k]`). Commits the limbs through `port` (one commitment) and runs one LogUp.
 */
export function proveRanges(
  shapes: readonly RangeShape[],
  values: readonly (readonly MaskedPoly[])[],
  valueRefs: readonly (readonly MaskedRef[])[],
  port: CommitPort,
  transcript: Transcript,
  options: LookupProveOptions = {},
  lookups: readonly { readonly shape: TableLookupShape; readonly x: MaskedPoly; readonly y: MaskedPoly; readonly xRef: MaskedRef; readonly yRef: MaskedRef }[] = [],
): LookupGkrProof {
  const limbs = shapes.map((s, k) => {
    if (values[k].length !== s.columns || valueRefs[k].length !== s.columns) throw new RangeError(`ranges: check ${k} has ${values[k].length} columns for ${s.columns}`);
    if (s.direct === true) return [];
    return values[k].map((v) => decompose(s, v.values, options.unsafeAllowMisses === true).map((l: BaseVec) => MaskedPoly.sample(l, s.numVars, limbMaskVars(s))));
  });
  const c = anyLimbs(shapes) ? port.commit(limbs.flat(2).flatMap((l) => l.commitPolys())) : -1;
  const refs = limbRefs(shapes, c, valueRefs);
  const columns = shapes.map((s, k) => (s.direct === true ? values[k].map((v) => [v]) : limbs[k]));
  const dups = rangeDuplicates(valueRefs, lookups.map((l) => l.xRef));
  // a direct check's columns are looked up, not extras of a linear check
  const keep = <T>(xs: readonly (readonly T[])[]): T[] => xs.flatMap((cols, k) => (shapes[k].direct === true ? [] : cols.filter((_, v) => dups[k][v] === null)));
  return proveLookupsGkr(
    mergedRangeShape(shapes, lookups.map((l) => l.shape), dups),
    { columns: arrange(shapes, columns, lookups.map((l) => [l.x, l.y] as const)), extras: keep(values) },
    { columns: arrange(shapes, refs, lookups.map((l) => [l.xRef, l.yRef] as const)), extras: keep(valueRefs) },
    port,
    transcript,
    options,
  );
}

export function verifyRanges(
  shapes: readonly RangeShape[],
  proof: LookupGkrProof,
  valueRefs: readonly (readonly MaskedRef[])[],
  port: CommitPort,
  transcript: Transcript,
  lookups: readonly { readonly shape: TableLookupShape; readonly xRef: MaskedRef; readonly yRef: MaskedRef }[] = [],
): void {
  const c = anyLimbs(shapes) ? port.commit(null) : -1;
  const refs = limbRefs(shapes, c, valueRefs);
  const dups = rangeDuplicates(valueRefs, lookups.map((l) => l.xRef));
  const merged = mergedRangeShape(shapes, lookups.map((l) => l.shape), dups);
  const extras = valueRefs.flatMap((cols, k) => (shapes[k].direct === true ? [] : cols.filter((_, v) => dups[k][v] === null)));
  verifyLookupsGkr(merged, proof, { columns: arrange(shapes, refs, lookups.map((l) => [l.xRef, l.yRef] as const)), extras }, port, transcript);
}

/** Sizes of the limb commitment (the LogUp's own two commitments follow it). */
export function rangeLimbSizes(shapes: readonly RangeShape[]): number[] {
  return shapes.flatMap((s) => Array.from({ length: s.columns * committedLimbs(s) }, () => [1 << s.numVars, 1 << limbMaskVars(s), 1 << limbMaskVars(s)]).flat());
}

export function serializeRanges(proof: LookupGkrProof): Uint8Array {
  const w = new ByteWriter();
  writeLookupGkrProof(w, proof);
  return w.finish();
}

export function deserializeRanges(bytes: Uint8Array, shapes: readonly RangeShape[], lookups: readonly TableLookupShape[] = [], dups: readonly (readonly (number | null)[])[] = []): LookupGkrProof {
  const r = new ByteReader(bytes, 'range checks');
  const proof = readLookupGkrProof(r, mergedRangeShape(shapes, lookups, dups));
  r.end();
  return proof;
}

/**
 * Sizes of the two commitments of the merged range checks: limbs; then LogUp-GKR's one helper
 * commitment (multiplicities, layer masks, one g per sumcheck) — src/lookup/logup-gkr.ts.
 */
export function rangeCommitmentSizes(shapes: readonly RangeShape[], lookups: readonly TableLookupShape[] = [], dups: readonly (readonly (number | null)[])[] = []): number[][] {
  const helper = lookupGkrCommitmentSizes(mergedRangeShape(shapes, lookups, dups));
  return anyLimbs(shapes) ? [rangeLimbSizes(shapes), helper] : [helper];
}
