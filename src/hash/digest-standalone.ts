// A self-contained zero-knowledge proof that a private vector of small integers hashes to a
// public salted Poseidon2 digest, over any commitment scheme: V is committed (masked), range
// checked (so the packing is injective), and the digest proof binds it to the digest; every
// commitment is fresh and opened once. The model prover runs the same pieces inside its own
// session (commit V with the weights, share the range check); this bundle serves tests,
// benchmarks and single-statement uses ("these private int8 values hash to D").
//
// Bytes: u8 version; u32 count, then per commitment root (blob) and sizes (u32 count + u32
// each); the range proof (blob); the digest proof (blob); per commitment its opening (blob).
// Commitments, in order: V (with its mask), the digest proof's masks, then the range proof's.
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import type { BaseVec } from '../field/vec.js';
import { readCommitments, writeCommitments } from '../pcs/commitment-list.js';
import type { CommitmentScheme } from '../pcs/types.js';
import { Transcript } from '../transcript/transcript.js';
import { MaskedPoly } from '../sumcheck/mask.js';
import { maskedLayout, ProverSession, VerifierSession } from '../sumcheck/session.js';
import { deserializeRangeProof, proveRange, serializeRangeProof, verifyRange, type RangeShape } from '../lookup/range.js';
import { rangeCommitmentSizes } from '../lookup/standalone.js';
import { deserializeDigestProof, serializeDigestProof } from './digest-proof.js';
import { digestCommitPolys, proveDigest, sampleDigestMasks, digestStatement } from './digest-prover.js';
import { verifyDigest } from './digest-verifier.js';
import { statementInfo, type DigestStatement, type StatementInfo } from './digest-shapes.js';
import { digestWitness } from './digest-witness.js';
import { claimAll, maskCommitmentSizes, maskRefs } from './digest-commitments.js';
import type { Digest, DigestOptions, DigestValues, Salt } from './digest.js';

const DOMAIN = 'zkinfer/p2digest/v1';
const VERSION = 1;
/** Mask variables of V: V is revealed twice (range check, digest proof). */
export const VALUE_MASK_VARS = 2;
const RANGE_LIMB_BITS = 16;
const MAX_COMMITMENTS = 8;
const MAX_SIZES = 1 << 16;

function rangeShapeOf(info: StatementInfo): RangeShape {
  const f = info.layout.format;
  return { numVars: info.nV, columns: 1, bits: f.bits, signed: f.signed, limbBits: Math.min(RANGE_LIMB_BITS, f.bits), valueMaskVars: VALUE_MASK_VARS };
}

function absorbContext(t: Transcript, st: DigestStatement, context: string): void {
  t.absorbString('p2digest/context', context);
  t.absorbString('p2digest/format', JSON.stringify(st.options));
}

function expectedSizes(info: StatementInfo): number[][] {
  const vm = 1 << VALUE_MASK_VARS;
  const masks = maskCommitmentSizes(info);
  // The range proof commits limbs, multiplicities and inverses; V is ours (its first entry is skipped).
  return [[1 << info.nV, vm, vm], masks, ...rangeCommitmentSizes(rangeShapeOf(info)).slice(1)];
}

export interface DigestStandaloneTestOptions {
  /**
   * Tests only: a cheating prover that replaces the value vector after the sponge ran (the
   * packed elements, hence the digest, are those of the original values) and proves anyway.
   */
  readonly unsafeTamperValues?: (V: BigUint64Array) => BigUint64Array;
}

export function proveDigestStandalone<S, O>(
  pcs: CommitmentScheme<S, O>,
  values: DigestValues,
  salt: Salt,
  options: DigestOptions,
  context = '',
  test: DigestStandaloneTestOptions = {},
): { digest: Digest; statement: DigestStatement; bytes: Uint8Array } {
  const honest = digestWitness(values, salt, options);
  const w = test.unsafeTamperValues ? { ...honest, valueVector: test.unsafeTamperValues(honest.valueVector.slice()) } : honest;
  const statement = digestStatement(w, VALUE_MASK_VARS);
  const info = statementInfo(statement);
  const t = new Transcript(DOMAIN);
  absorbContext(t, statement, context);
  const session = new ProverSession(pcs, t);
  const V = MaskedPoly.sample(w.valueVector, info.nV, VALUE_MASK_VARS);
  const cV = session.commit(V.commitPolys());
  const [vRef] = maskedLayout(cV, [{ numVars: info.nV, maskVars: VALUE_MASK_VARS, ext: false }]);
  const masks = sampleDigestMasks(w, statement);
  const cM = session.commit(digestCommitPolys(masks));
  const range = proveRange(rangeShapeOf(info), [V], [vRef], session, t, { unsafeAllowMisses: test.unsafeTamperValues !== undefined });
  const { proof, claims } = proveDigest(w, t, { masks, values: V });
  claimAll(session, claims, vRef, maskRefs(info, cM));
  const openings = session.finish();
  const out = new ByteWriter();
  out.u8(VERSION);
  writeCommitments(out, session.commitments);
  out.blob(serializeRangeProof(range));
  out.blob(serializeDigestProof(proof));
  for (const o of openings) out.blob(pcs.serializeProof(o));
  return { digest: w.digest, statement: { digest: w.digest, options, count: w.layout.count }, bytes: out.finish() };
}

/** Throws FormatError (bad bytes) or VerificationError (a failed check). */
export function verifyDigestStandalone<S, O>(
  pcs: CommitmentScheme<S, O>,
  publicStatement: { readonly digest: Digest; readonly options: DigestOptions; readonly count: number },
  bytes: Uint8Array,
  context = '',
): void {
  const statement: DigestStatement = { ...publicStatement, valueMaskVars: VALUE_MASK_VARS };
  const info = statementInfo(statement);
  const expected = expectedSizes(info);
  const r = new ByteReader(bytes, 'digest proof bundle');
  const version = r.u8('version');
  if (version !== VERSION) throw new FormatError(`digest proof bundle: version ${version}, expected ${VERSION}`);
  const commitments = readCommitments(r, { maxCount: MAX_COMMITMENTS, maxSizes: MAX_SIZES, expected: { what: 'digest proof bundle', sizes: expected } });
  const range = deserializeRangeProof(r.blob(1 << 26, 'range proof'), rangeShapeOf(info));
  const proof = deserializeDigestProof(r.blob(1 << 26, 'digest proof'), statement);
  const openingBytes = commitments.map(() => r.blob(1 << 28, 'opening'));
  r.end();

  const t = new Transcript(DOMAIN);
  absorbContext(t, statement, context);
  const session = new VerifierSession(pcs, t, commitments);
  const cV = session.receive();
  const [vRef] = maskedLayout(cV, [{ numVars: info.nV, maskVars: VALUE_MASK_VARS, ext: false }]);
  const cM = session.receive();
  verifyRange(rangeShapeOf(info), range, [vRef], session, t);
  const claims = verifyDigest(statement, proof, t);
  claimAll(session, claims, vRef, maskRefs(info, cM));
  const openings = commitments.map((c, i) => pcs.deserializeProof(openingBytes[i], c, session.claimsOf(i)));
  session.finish(openings);
}

export type { BaseVec };
