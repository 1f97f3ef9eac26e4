// The verification cases the browser test runs, and the one function that verifies a case. Node
// and the page both call verifyCase on the same public data and bytes, so their outcomes can be
// compared field by field. Browser-safe: only verifier-side imports.
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { verifyDigestStandalone } from '../../src/hash/digest-standalone.js';
import type { DigestOptions } from '../../src/hash/digest.js';
import { verifyRangeStandalone } from '../../src/lookup/standalone.js';
import type { RangeShape } from '../../src/lookup/range.js';
import { HashPcs, type HashPcsParams } from '../../src/pcs/index.js';
import type { Commitment, LinearClaim } from '../../src/pcs/types.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { verify } from '../../src/verify/verify.js';
import { deserializeVerifyingKey } from '../../src/verify/vk.js';

/** A PCS opening of committed vectors for a batch of linear claims. */
export interface PcsCase {
  readonly kind: 'pcs';
  readonly params: Partial<HashPcsParams>;
  readonly domain: string;
  readonly commitment: Commitment;
  readonly claims: readonly LinearClaim[];
}

/** A standalone zero-knowledge range proof (sumcheck + LogUp + PCS openings). */
export interface RangeCase {
  readonly kind: 'range';
  readonly params: Partial<HashPcsParams>;
  readonly shape: RangeShape;
  readonly context: string;
}

/** A standalone proof that a committed vector hashes to a salted Poseidon2 digest. */
export interface DigestCase {
  readonly kind: 'digest';
  readonly params: Partial<HashPcsParams>;
  readonly statement: { readonly digest: readonly [bigint, bigint, bigint, bigint]; readonly options: DigestOptions; readonly count: number };
  readonly context: string;
}

/** A whole-model proof (.zkp) against its serialized verifying key. */
export interface ModelCase {
  readonly kind: 'model';
  readonly vk: Uint8Array;
  readonly context: string;
}

export type CaseData = PcsCase | RangeCase | DigestCase | ModelCase;

export interface BrowserCase {
  readonly name: string;
  readonly data: CaseData;
  /** What an honest verifier must say: a valid proof or a tampered copy. */
  readonly expect: 'accept' | 'reject';
}

/** What a verifier said about a case; equal in Node and in the browser for the same bytes. */
export interface Outcome {
  readonly accepted: boolean;
  /** `Name: message` of the rejection, null when accepted. */
  readonly error: string | null;
  /** A model's public outputs (by ONNX name), null for other kinds or a rejection. */
  readonly outputs: [string, number[]][] | null;
}

function run(data: CaseData, proof: Uint8Array): [string, number[]][] | null {
  switch (data.kind) {
    case 'pcs': {
      const pcs = new HashPcs(data.params);
      const opening = pcs.deserializeProof(proof, data.commitment, data.claims);
      pcs.verify(data.commitment, data.claims, opening, new Transcript(data.domain));
      return null;
    }
    case 'range':
      verifyRangeStandalone(new HashPcs(data.params), data.shape, proof, data.context);
      return null;
    case 'digest':
      verifyDigestStandalone(new HashPcs(data.params), data.statement, proof, data.context);
      return null;
    case 'model': {
      const result = verify(deserializeVerifyingKey(data.vk), proof, { context: data.context });
      return [...result.outputs.entries()];
    }
  }
}

/**
 * Verifies one case. Only the verifier's own rejections (FormatError, VerificationError) count
 * as an outcome; anything else (a TypeError, a WebAssembly failure) is a bug and is rethrown.
 */
export function verifyCase(data: CaseData, proof: Uint8Array): Outcome {
  try {
    return { accepted: true, error: null, outputs: run(data, proof) };
  } catch (e) {
    if (e instanceof FormatError || e instanceof VerificationError) return { accepted: false, error: `${e.name}: ${e.message}`, outputs: null };
    throw e;
  }
}

export interface TimedOutcome {
  readonly outcome: Outcome;
  /** Wall time of each verification run, in milliseconds. */
  readonly ms: number[];
}

/** Verifies a case `runs` times (for timing medians); every run must say the same. */
export function verifyTimed(data: CaseData, proof: Uint8Array, runs: number): TimedOutcome {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`verifyTimed: runs ${runs} is not a positive integer`);
  const ms: number[] = [];
  let first: Outcome | null = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const o = verifyCase(data, proof);
    ms.push(performance.now() - t0);
    if (first === null) first = o;
    else if (JSON.stringify(o) !== JSON.stringify(first)) throw new Error(`verifyTimed: run ${r} disagrees with run 0`);
  }
  return { outcome: first!, ms };
}
