// A self-contained zero-knowledge range proof over a commitment scheme: the value columns
// are committed inside, every commitment is opened once (ProverSession), and the whole
// artifact has canonical bytes. Layer protocols use proveRange with their own session; this
// bundle serves tests, benchmarks and single-statement uses ("this private vector is int8").
//
// The hash PCS opens each commitment with a fixed number of evaluation masks chosen at commit
// time (HashPcsParams.evalMasks); the claims of a range proof need up to 1 + (number of
// relations) + (rows holding small masks) row combinations per commitment, 5 for the common
// shapes: pass e.g. new HashPcs({ evalMasks: 8 }) (the PCS interface has no way for the
// protocol to ask for more at commit time).
//
// Bytes: u8 version; u32 count, then per commitment: root (blob) and sizes (u32 count + u32
// each); the range proof (blob); per commitment its opening (blob, the scheme's own bytes).
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import type { BaseVec } from '../field/vec.js';
import { readCommitments, writeCommitments } from '../pcs/commitment-list.js';
import type { CommitmentScheme } from '../pcs/types.js';
import { Transcript } from '../transcript/transcript.js';
import { MaskedPoly, maskLength } from '../sumcheck/mask.js';
import { ProverSession, VerifierSession, maskedLayout, specOf } from '../sumcheck/session.js';
import { lookupRoundDegrees } from './logup.js';
import { deserializeRangeProof, limbCount, proveRange, rangeLookupShape, serializeRangeProof, verifyRange, type RangeShape } from './range.js';
import type { LookupProveOptions } from './logup.js';

const DOMAIN = 'zkinfer/range/v1';
/** The bundle's byte format; a bundle of another version is refused, never misread. */
export const RANGE_BUNDLE_VERSION = 1;
const MAX_COMMITMENTS = 8;
const MAX_SIZES = 1 << 16;

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The sizes of the four commitments (values, limbs, multiplicities + g, inverses) of a range proof. */
export function rangeCommitmentSizes(s: RangeShape): number[][] {
  const rows = 1 << s.numVars;
  const vm = 1 << s.valueMaskVars;
  const { limbs } = limbCount(s);
  const lookup = rangeLookupShape(s);
  const gLen = nextPow2(maskLength(lookupRoundDegrees(lookup)));
  const values = Array.from({ length: s.columns }, () => [rows, vm, vm]).flat();
  const limbSizes = Array.from({ length: s.columns * limbs }, () => [rows, 2, 2]).flat();
  const ms = [...lookup.relations.flatMap((rel) => [1 << rel.table.numVars, 2, 2]), gLen, gLen];
  const hq = [
    ...lookup.relations.flatMap((rel) => rel.columns.flatMap(() => [rows, rows, 2, 2])),
    ...lookup.relations.flatMap((rel) => [1 << rel.table.numVars, 1 << rel.table.numVars, 2, 2]),
  ];
  return [values, limbSizes, ms, hq];
}

function statement(t: Transcript, s: RangeShape, context: string): void {
  t.absorbString('range/shape', JSON.stringify(s));
  t.absorbString('range/context', context);
}

export function proveRangeStandalone<S, O>(pcs: CommitmentScheme<S, O>, s: RangeShape, values: readonly BaseVec[], context = '', options: LookupProveOptions = {}): Uint8Array {
  const t = new Transcript(DOMAIN);
  statement(t, s, context);
  const session = new ProverSession(pcs, t);
  const polys = values.map((v) => MaskedPoly.sample(v, s.numVars, s.valueMaskVars));
  const c0 = session.commit(polys.flatMap((p) => p.commitPolys()));
  const refs = maskedLayout(c0, polys.map(specOf));
  const proof = proveRange(s, polys, refs, session, t, options);
  const openings = session.finish();
  const w = new ByteWriter();
  w.u8(RANGE_BUNDLE_VERSION);
  writeCommitments(w, session.commitments);
  w.blob(serializeRangeProof(proof));
  for (const o of openings) w.blob(pcs.serializeProof(o));
  return w.finish();
}

/** Throws FormatError (bad bytes) or VerificationError (a failed check). */
export function verifyRangeStandalone<S, O>(pcs: CommitmentScheme<S, O>, s: RangeShape, bytes: Uint8Array, context = ''): void {
  const expected = rangeCommitmentSizes(s);
  const r = new ByteReader(bytes, 'range proof bundle');
  const version = r.u8('version');
  if (version !== RANGE_BUNDLE_VERSION) throw new FormatError(`range proof bundle: version ${version}, expected ${RANGE_BUNDLE_VERSION}`);
  const commitments = readCommitments(r, { maxCount: MAX_COMMITMENTS, maxSizes: MAX_SIZES, expected: { what: 'range proof bundle', sizes: expected } });
  const proof = deserializeRangeProof(r.blob(1 << 26, 'range proof'), s);
  const openingBytes = commitments.map(() => r.blob(1 << 28, 'opening'));
  r.end();

  const t = new Transcript(DOMAIN);
  statement(t, s, context);
  const session = new VerifierSession(pcs, t, commitments);
  const c0 = session.receive();
  const refs = maskedLayout(c0, Array.from({ length: s.columns }, () => ({ numVars: s.numVars, maskVars: s.valueMaskVars, ext: false })));
  verifyRange(s, proof, refs, session, t);
  const openings = commitments.map((c, i) => pcs.deserializeProof(openingBytes[i], c, session.claimsOf(i)));
  session.finish(openings);
}


