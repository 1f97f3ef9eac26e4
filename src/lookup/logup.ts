// LogUp lookups (Haböck 2022) with committed inverse columns, zero-knowledge, proven by ONE
// batched sumcheck whose claimed sum is zero.
//
// A relation says: every row of each looked-up column (a tuple of `components` committed base
// columns a_{l,0..c−1}, folded as a_l = Σ_c β^c·a_{l,c}) is a row of a public table t (folded
// the same way). With multiplicities m_j (how often row j is looked up) this is the identity of
// rational functions  Σ_l Σ_x 1/(α − a_l(x)) = Σ_j m_j/(α − t_j),  checked at a random α.
//
// Protocol (prover P, verifier V; every challenge in F_p2; all private vectors masked, mask.ts):
//  0. (caller) the looked-up columns are committed already, as masked polynomials.
//  1. P commits, in one commitment: each relation's multiplicities m (masked) and the masking
//     polynomial g of the final sumcheck. V draws β (used when some table has > 1 component), α.
//  2. P commits h_l = 1/(α − a_l) for every column and q = m/(α − t) for every relation, all
//     masked (extension vectors: c0 and c1 committed). V draws, per relation, zero-check points
//     z (column size) and z' (table size), coefficients γ_l, δ, and a batching weight λ.
//  3. One zero-knowledge batched sumcheck proves, with claimed sum ZERO,
//       Σ_r λ_r·[ 2^(N−m_r)·Σ_x Σ_l (h_l + γ_l·eq(z,x)·(h_l·(α − a_l) − 1))
//               − 2^(N−n_r)·Σ_y (q + δ·eq(z',y)·(q·(α − t) − m)) ]
//       + Σ_checks λ_c·Σ_x eq(z_c, x)·(constant + Σ coeff·column(x))  = 0
//     (N: the batch's variable count; the 2^(N−·) factors undo the batch's size scaling so each
//     relation is λ_r·2^(2N−n−m)·(Σ h − Σ q)). The linear checks let a caller tie columns
//     together in the same sumcheck (range.ts: value = Σ 2^(b·i)·limb_i).
//  4. Every committed polynomial's masked value at the sumcheck point goes to the session as a
//     claim (one reveal each); g(r) likewise.
// Nothing witness-dependent is revealed unmasked: no Σ 1/(α − a) (a single one determines a
// private a), no multiplicity, only masked evaluations and the masked round messages.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import { VerificationError } from '../encoding/errors.js';
import { sumcheckKernel } from '../sumcheck/kernel.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { pow2 } from '../sumcheck/poly.js';
import { proveSumcheck } from '../sumcheck/prover.js';
import type { SumcheckProof } from '../sumcheck/proof.js';
import { readSumcheckProof, writeSumcheckProof } from '../sumcheck/proof.js';
import type { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { verifySumcheck } from '../sumcheck/verifier.js';
import type { BatchShape, InstanceShape, TableShape, Term } from '../sumcheck/types.js';
import { roundDegrees } from '../sumcheck/types.js';
import type { GMaskRef, MaskedRef, MaskedSpec } from '../sumcheck/session.js';
import { gMaskClaim, maskedClaim, maskedLayout } from '../sumcheck/session.js';
import type { PublicTable } from './table.js';

/** Mask variables of the helper columns (each is revealed once; capacity 2 leaves one spare). */
const HELPER_MASK_VARS = 1;

export interface LookupColumnShape {
  readonly numVars: number;
  readonly components: number;
  readonly maskVars: number;
}

export interface LookupRelation {
  readonly table: PublicTable;
  /** Every column of a relation has the same number of rows (2^numVars). */
  readonly columns: readonly LookupColumnShape[];
  /**
   * A public 0/1 table over the columns' rows (one component): only rows where it is 1 are
   * looked up (the witness side is Σ_x rows(x)·h(x)), so the padding of a tensor whose size is
   * not a power of two need not be a table row. Absent: every row is looked up.
   */
  readonly rows?: PublicTable;
}

export type ColumnSource = { readonly lookup: readonly [number, number, number] } | { readonly extra: number };

/** Σ_x eq(z, x)·(constant + Σ coeff·column(x)) = 0, i.e. the linear relation holds on every row. */
export interface LinearCheck {
  readonly numVars: number;
  readonly constant: Fp2;
  readonly terms: readonly { readonly source: ColumnSource; readonly coeff: Fp2 }[];
}

export interface LookupShape {
  readonly relations: readonly LookupRelation[];
  /** Further committed masked base columns used only by the linear checks. */
  readonly extras: readonly MaskedSpec[];
  readonly checks: readonly LinearCheck[];
}

/** Where the caller committed the looked-up columns and extras. */
export interface LookupRefs {
  readonly columns: readonly (readonly (readonly MaskedRef[])[])[]; // [relation][column][component]
  readonly extras: readonly MaskedRef[];
}

export interface LookupWitness {
  readonly columns: readonly (readonly (readonly MaskedPoly[])[])[];
  readonly extras: readonly MaskedPoly[];
}

export interface LookupProof {
  readonly sumcheck: SumcheckProof;
}

/** What a session needs from prover and verifier alike: commit/receive and claims. */
export interface CommitPort {
  /** Prover: commit these vectors; verifier: receive the next commitment (the vectors are ignored). Returns its index. */
  commit(polys: readonly BaseVec[] | null): number;
  claim(commitment: number, claim: import('../pcs/types.js').LinearClaim): void;
}

export function validateLookupShape(shape: LookupShape): void {
  if (shape.relations.length === 0 && shape.checks.length === 0) throw new RangeError('lookup: nothing to prove');
  shape.relations.forEach((rel, r) => {
    if (rel.columns.length === 0) throw new RangeError(`lookup: relation ${r} has no columns`);
    const n = rel.columns[0].numVars;
    for (const c of rel.columns) {
      if (c.numVars !== n) throw new RangeError(`lookup: relation ${r} mixes column sizes`);
      if (c.numVars < 1) throw new RangeError(`lookup: relation ${r} columns need at least 2 rows`);
      if (rel.rows && (rel.rows.numVars !== c.numVars || rel.rows.components !== 1)) throw new RangeError(`lookup: relation ${r} row indicator does not fit its columns`);
      if (c.components !== rel.table.components) throw new RangeError(`lookup: relation ${r} column has ${c.components} components, table ${rel.table.components}`);
    }
  });
}

/** Layout of the two helper commitments (phase 1: m's and g; phase 2: h's and q's). */
function helperLayout(shape: LookupShape, c1: number, c2: number, degrees: readonly number[]) {
  const mSpecs = shape.relations.map((rel) => ({ numVars: rel.table.numVars, maskVars: HELPER_MASK_VARS, ext: false }));
  const mRefs = maskedLayout(c1, mSpecs);
  const gStart = mRefs.length === 0 ? 0 : mRefs[mRefs.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: c1, g: [gStart, gStart + 1], degrees };
  const hSpecs: MaskedSpec[] = [];
  shape.relations.forEach((rel) => rel.columns.forEach((c) => hSpecs.push({ numVars: c.numVars, maskVars: HELPER_MASK_VARS, ext: true })));
  shape.relations.forEach((rel) => hSpecs.push({ numVars: rel.table.numVars, maskVars: HELPER_MASK_VARS, ext: true }));
  const hqRefs = maskedLayout(c2, hSpecs);
  const hCount = hSpecs.length - shape.relations.length;
  return { mRefs, gRef, hRefs: hqRefs.slice(0, hCount), qRefs: hqRefs.slice(hCount) };
}

interface Challenges {
  beta: Fp2;
  alpha: Fp2;
  perRelation: { z: Fp2[]; zt: Fp2[]; gammas: Fp2[]; delta: Fp2; lambda: Fp2 }[];
  perCheck: { z: Fp2[]; lambda: Fp2 }[];
}

function dummyChallenges(shape: LookupShape): Challenges {
  const one: Fp2 = E.ONE;
  return {
    beta: one,
    alpha: one,
    perRelation: shape.relations.map((rel) => ({
      z: Array(rel.columns[0].numVars).fill(one),
      zt: Array(rel.table.numVars).fill(one),
      gammas: rel.columns.map(() => one),
      delta: one,
      lambda: one,
    })),
    perCheck: shape.checks.map((c) => ({ z: Array(c.numVars).fill(one), lambda: one })),
  };
}

function drawFinal(shape: LookupShape, t: Transcript, beta: Fp2, alpha: Fp2): Challenges {
  return {
    beta,
    alpha,
    perRelation: shape.relations.map((rel) => ({
      z: t.challengeExts('logup/z', rel.columns[0].numVars),
      zt: t.challengeExts('logup/z-table', rel.table.numVars),
      gammas: t.challengeExts('logup/gamma', rel.columns.length),
      delta: t.challengeExt('logup/delta'),
      lambda: t.challengeExt('logup/lambda'),
    })),
    perCheck: shape.checks.map((c) => ({ z: t.challengeExts('logup/z-check', c.numVars), lambda: t.challengeExt('logup/lambda-check') })),
  };
}

/** Table indices of the batch, in order: witness components, extras, m, h, q, public table components. */
function tableIndex(shape: LookupShape) {
  const witness: number[][][] = [];
  let next = 0;
  shape.relations.forEach((rel, r) => {
    witness[r] = rel.columns.map((c) => Array.from({ length: c.components }, () => next++));
  });
  const extras = shape.extras.map(() => next++);
  const m = shape.relations.map(() => next++);
  const h = shape.relations.map((rel) => rel.columns.map(() => next++));
  const q = shape.relations.map(() => next++);
  const pub = shape.relations.map((rel) => Array.from({ length: rel.table.components }, () => next++));
  const rows = shape.relations.map((rel) => (rel.rows ? next++ : null));
  return { witness, extras, m, h, q, pub, rows, count: next };
}

/** The batched sumcheck's public shape for given challenges. */
function batchShape(shape: LookupShape, ch: Challenges): BatchShape {
  const idx = tableIndex(shape);
  const tables: TableShape[] = [];
  shape.relations.forEach((rel) => rel.columns.forEach((c) => {
    for (let k = 0; k < c.components; k++) tables.push({ numVars: c.numVars, kind: 'committed', maskVars: c.maskVars });
  }));
  shape.extras.forEach((e) => tables.push({ numVars: e.numVars, kind: 'committed', maskVars: e.maskVars }));
  shape.relations.forEach((rel) => tables.push({ numVars: rel.table.numVars, kind: 'committed', maskVars: HELPER_MASK_VARS }));
  shape.relations.forEach((rel) => rel.columns.forEach((c) => tables.push({ numVars: c.numVars, kind: 'committed', maskVars: HELPER_MASK_VARS })));
  shape.relations.forEach((rel) => tables.push({ numVars: rel.table.numVars, kind: 'committed', maskVars: HELPER_MASK_VARS }));
  shape.relations.forEach((rel) => {
    for (let k = 0; k < rel.table.components; k++) tables.push({ numVars: rel.table.numVars, kind: 'public', maskVars: null });
  });
  shape.relations.forEach((rel) => {
    if (rel.rows) tables.push({ numVars: rel.rows.numVars, kind: 'public', maskVars: null });
  });

  const N = Math.max(...shape.relations.flatMap((rel) => [rel.columns[0].numVars, rel.table.numVars]), ...shape.checks.map((c) => c.numVars));
  const betaPow = (k: number) => E.pow(ch.beta, BigInt(k));
  const instances: InstanceShape[] = [];
  shape.relations.forEach((rel, r) => {
    const n = rel.columns[0].numVars;
    const m = rel.table.numVars;
    const { z, zt, gammas, delta, lambda } = ch.perRelation[r];
    const eqz = { eq: z };
    const termsW: Term[] = [];
    rel.columns.forEach((col, l) => {
      const h = { table: idx.h[r][l] };
      const g = gammas[l];
      // h + γ·eq·(α·h − Σ_c β^c·h·a_c − 1)
      const rows = idx.rows[r];
      termsW.push({ coeff: E.ONE, factors: rows === null ? [h] : [h, { table: rows }] });
      termsW.push({ coeff: E.mul(g, ch.alpha), factors: [eqz, h] });
      for (let k = 0; k < col.components; k++) termsW.push({ coeff: E.neg(E.mul(g, betaPow(k))), factors: [eqz, h, { table: idx.witness[r][l][k] }] });
      termsW.push({ coeff: E.neg(g), factors: [eqz] });
    });
    instances.push({ numVars: n, weight: E.mulBase(lambda, pow2(N - m)), terms: termsW });
    const q = { table: idx.q[r] };
    const eqzt = { eq: zt };
    const termsT: Term[] = [{ coeff: E.ONE, factors: [q] }, { coeff: E.mul(delta, ch.alpha), factors: [eqzt, q] }];
    for (let k = 0; k < rel.table.components; k++) termsT.push({ coeff: E.neg(E.mul(delta, betaPow(k))), factors: [eqzt, q, { table: idx.pub[r][k] }] });
    termsT.push({ coeff: E.neg(delta), factors: [eqzt, { table: idx.m[r] }] });
    instances.push({ numVars: m, weight: E.neg(E.mulBase(lambda, pow2(N - n))), terms: termsT });
  });
  shape.checks.forEach((c, i) => {
    const eqz = { eq: ch.perCheck[i].z };
    const terms: Term[] = c.terms.map((t) => ({
      coeff: t.coeff,
      factors: [eqz, { table: 'lookup' in t.source ? idx.witness[t.source.lookup[0]][t.source.lookup[1]][t.source.lookup[2]] : idx.extras[t.source.extra] }],
    }));
    terms.push({ coeff: c.constant, factors: [eqz] });
    instances.push({ numVars: c.numVars, weight: ch.perCheck[i].lambda, terms });
  });
  return { tables, instances, claimedSum: E.ZERO, zk: true };
}

/** Round degrees of the final sumcheck (public: they depend on the shape only). */
export function lookupRoundDegrees(shape: LookupShape): number[] {
  return roundDegrees(batchShape(shape, dummyChallenges(shape)));
}

function anyTuple(shape: LookupShape): boolean {
  return shape.relations.some((r) => r.table.components > 1);
}

/** Multiplicities of one relation (prover), over the rows where `rows` is 1 (all if absent). Throws if such a row is not in the table. */
export function multiplicities(rel: LookupRelation, columns: readonly (readonly MaskedPoly[])[], allowMisses = false, rows?: BaseVec): BaseVec {
  // counts (< 2^32) go straight into the low words of the result: one fresh vector, no BigInt
  // per entry, no second pass (first writes to fresh memory are the expensive part here)
  const out = new BigUint64Array(1 << rel.table.numVars);
  const m = new Uint32Array(out.buffer);
  const tv = Array.from({ length: rel.table.components }, (_, c) => rel.table.values(c));
  // rows outside the relation (padding of a non-power-of-two tensor) are not looked up
  let skip: Uint8Array | null = null;
  if (rows) {
    const words = new Uint32Array(rows.buffer, rows.byteOffset, 2 * rows.length);
    skip = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) skip[i] = words[2 * i] === 0 && words[2 * i + 1] === 0 ? 1 : 0;
  }
  if (rel.table.rangeBits !== undefined) {
    // [0, 2^bits) − offset: the entry's index is its value plus the offset; compare as numbers,
    // not BigInts (a negative value v is p − |v|: high word 2^32 − 1 for −1, 2^32 − 2 below)
    const size = 1 << rel.table.rangeBits;
    const offset = rel.table.rangeOffset ?? 0;
    for (const col of columns) {
      const v = col[0].values;
      const words = new Uint32Array(v.buffer, v.byteOffset, 2 * v.length);
      for (let i = 0; i < v.length; i++) {
        if (skip !== null && skip[i] === 1) continue;
        const lo = words[2 * i];
        const hi = words[2 * i + 1];
        const j = hi === 0 ? lo + offset : hi === 0xffffffff && lo === 0 ? offset - 1 : hi === 0xfffffffe ? lo + offset - 0x100000001 : -1;
        if (j < 0 || j >= size) {
          if (allowMisses) continue;
          throw new RangeError(`lookup: row ${i} of a column is not in table ${rel.table.name}`);
        }
        m[2 * j]++;
      }
    }
    return out;
  }
  for (const col of columns) {
    const a0 = col[0].values;
    for (let i = 0; i < a0.length; i++) {
      if (skip !== null && skip[i] === 1) continue;
      const j = rel.table.indexOf(a0[i]);
      let ok = j >= 0;
      for (let c = 1; ok && c < col.length; c++) ok = col[c].values[i] === tv[c][j];
      if (!ok) {
        if (allowMisses) continue;
        throw new RangeError(`lookup: row ${i} of a column is not in table ${rel.table.name}`);
      }
      m[2 * j]++;
    }
  }
  return out;
}

/** Σ_c β^c·v_c as an extension vector (v_0 alone stays base: returned as null to use it directly). */
export function foldTuple(vs: readonly BaseVec[], beta: Fp2): ExtVec | null {
  if (vs.length === 1) return null;
  const out = new BigUint64Array(2 * vs[0].length);
  const pows = vs.map((_, k) => E.pow(beta, BigInt(k)));
  // Tuples are rare (nonlinearity tables with a handful of components); BigInt is acceptable here.
  for (let i = 0; i < vs[0].length; i++) {
    let acc: Fp2 = [vs[0][i], 0n];
    for (let c = 1; c < vs.length; c++) acc = E.add(acc, E.mulBase(pows[c], vs[c][i]));
    out[2 * i] = acc[0];
    out[2 * i + 1] = acc[1];
  }
  return out;
}

/** 1/(α − v) for a base or folded vector, on the kernels. */
function inverses(base: BaseVec, folded: ExtVec | null, alpha: Fp2): ExtVec {
  const K = sumcheckKernel();
  const mark = K.mark();
  try {
    const v = folded ?? base;
    const ptr = K.put(v);
    const n = folded ? v.length >> 1 : v.length;
    const out = K.invShifted(ptr, n, folded !== null, alpha);
    return K.words(out, 2 * n).slice();
  } finally {
    K.release(mark);
  }
}

/** m_j/(α − t_j): the inverses times the multiplicities, on the kernels. */
function mulByBase(a: ExtVec, b: BaseVec): ExtVec {
  const K = sumcheckKernel();
  const mark = K.mark();
  try {
    const pa = K.put(a);
    const pb = K.put(b);
    K.extMulBase(pa, pb, b.length);
    return K.words(pa, a.length).slice();
  } finally {
    K.release(mark);
  }
}

/**
 * Proves the lookups (and linear checks) of `shape`. The caller has committed the witness
 * columns and extras (at `refs`) and absorbed those commitments; `port` commits the two helper
 * commitments and receives every claim (witness columns included).
 */
export interface LookupProveOptions {
  /** Tests only: a cheating prover that skips rows missing from the table and proves anyway. */
  readonly unsafeAllowMisses?: boolean;
  /** Tests only: replace the multiplicities before committing (a cheating prover). */
  readonly unsafeTamperMultiplicities?: (relation: number, m: BaseVec) => BaseVec;
}

export function proveLookups(shape: LookupShape, witness: LookupWitness, refs: LookupRefs, port: CommitPort, transcript: Transcript, options: LookupProveOptions = {}): LookupProof {
  validateLookupShape(shape);
  const cheat = options.unsafeAllowMisses === true || options.unsafeTamperMultiplicities !== undefined;
  const degrees = lookupRoundDegrees(shape);
  // phase 1: multiplicities and g
  const ms = shape.relations.map((rel, r) => {
    let m = multiplicities(rel, witness.columns[r], options.unsafeAllowMisses === true, rel.rows?.values(0));
    if (options.unsafeTamperMultiplicities) m = options.unsafeTamperMultiplicities(r, m);
    return MaskedPoly.sample(m, rel.table.numVars, HELPER_MASK_VARS);
  });
  const g = SumcheckMask.sample(degrees);
  const c1 = port.commit([...ms.flatMap((m) => m.commitPolys()), ...g.polys()]);
  const beta = anyTuple(shape) ? transcript.challengeExt('logup/beta') : E.ONE;
  const alpha = transcript.challengeExt('logup/alpha');
  // phase 2: inverse columns
  const hs = shape.relations.map((rel, r) =>
    witness.columns[r].map((col, l) => {
      const h = inverses(col[0].values, foldTuple(col.map((c) => c.values), beta), alpha);
      return MaskedPoly.sample(h, rel.columns[l].numVars, HELPER_MASK_VARS);
    }),
  );
  const qs = shape.relations.map((rel, r) => {
    const tv = Array.from({ length: rel.table.components }, (_, c) => rel.table.values(c));
    const inv = inverses(tv[0], foldTuple(tv, beta), alpha);
    return MaskedPoly.sample(mulByBase(inv, ms[r].values), rel.table.numVars, HELPER_MASK_VARS);
  });
  const c2 = port.commit([...hs.flat().flatMap((h) => h.commitPolys()), ...qs.flatMap((q) => q.commitPolys())]);
  // phase 3: the one sumcheck
  const ch = drawFinal(shape, transcript, beta, alpha);
  const bs = batchShape(shape, ch);
  const tables = [
    ...witness.columns.flatMap((cols) => cols.flat()),
    ...witness.extras,
    ...ms,
    ...hs.flat(),
    ...qs,
    ...shape.relations.flatMap((rel) => Array.from({ length: rel.table.components }, (_, c) => rel.table.values(c))),
    ...shape.relations.flatMap((rel) => (rel.rows ? [rel.rows.values(0)] : [])),
  ];
  const out = proveSumcheck(bs, tables, g, transcript, { unsafeAllowFalseClaim: cheat });
  addClaims(shape, refs, helperLayout(shape, c1, c2, degrees), out.claims, out.point, out.proof.maskValue!, port);
  return { sumcheck: out.proof };
}

function addClaims(
  shape: LookupShape,
  refs: LookupRefs,
  layout: ReturnType<typeof helperLayout>,
  claims: readonly { table: number; point: readonly Fp2[]; value: Fp2 }[],
  point: readonly Fp2[],
  maskValue: Fp2,
  port: CommitPort,
): void {
  const byTable: MaskedRef[] = [
    ...refs.columns.flatMap((cols) => cols.flat()),
    ...refs.extras,
    ...layout.mRefs,
    ...layout.hRefs,
    ...layout.qRefs,
  ];
  for (const c of claims) {
    const ref = byTable[c.table];
    port.claim(ref.commitment, maskedClaim(ref, c.point, c.value));
  }
  port.claim(layout.gRef.commitment, gMaskClaim(layout.gRef, point, maskValue));
}

/** Verifies the lookups; every claim (witness columns included) goes to `port`. */
export function verifyLookups(shape: LookupShape, proof: LookupProof, refs: LookupRefs, port: CommitPort, transcript: Transcript): void {
  validateLookupShape(shape);
  const degrees = lookupRoundDegrees(shape);
  const c1 = port.commit(null);
  const beta = anyTuple(shape) ? transcript.challengeExt('logup/beta') : E.ONE;
  const alpha = transcript.challengeExt('logup/alpha');
  const c2 = port.commit(null);
  const ch = drawFinal(shape, transcript, beta, alpha);
  const bs = batchShape(shape, ch);
  const idx = tableIndex(shape);
  const pubOf = new Map<number, [PublicTable, number]>();
  shape.relations.forEach((rel, r) => idx.pub[r].forEach((t, c) => pubOf.set(t, [rel.table, c])));
  shape.relations.forEach((rel, r) => {
    if (rel.rows) pubOf.set(idx.rows[r]!, [rel.rows, 0]);
  });
  const v = verifySumcheck(bs, proof.sumcheck, transcript, (table, point) => {
    const p = pubOf.get(table);
    if (!p) throw new VerificationError('logup/table', `table ${table} is not public`);
    return p[0].evaluate(p[1], point);
  });
  addClaims(shape, refs, helperLayout(shape, c1, c2, degrees), v.claims, v.point, v.maskValue!, port);
}

/** The sumcheck shape a verifier deserializes the lookup proof with (challenges do not change counts). */
export function lookupSumcheckShape(shape: LookupShape): BatchShape {
  return batchShape(shape, dummyChallenges(shape));
}

/** Canonical bytes of a lookup proof: its sumcheck proof (the shape fixes every count). */
export function writeLookupProof(w: ByteWriter, proof: LookupProof): void {
  writeSumcheckProof(w, proof.sumcheck);
}

export function readLookupProof(r: ByteReader, shape: LookupShape): LookupProof {
  validateLookupShape(shape);
  return { sumcheck: readSumcheckProof(r, lookupSumcheckShape(shape)) };
}
