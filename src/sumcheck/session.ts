// Commitments of one proof and their single batched opening, as the protocols use them.
//
// A ProverSession commits vectors through any CommitmentScheme (src/pcs/types.ts), absorbing
// each commitment (root and sizes) into the transcript; protocols add linear claims against a
// commitment as they produce them; `finish` opens every commitment exactly once with all of
// its claims (the scheme's "opened once" rule). The VerifierSession mirrors it. Behind a
// ReducingPcs (reduce.ts, the model's scheme) those claims, at however many points, are first
// reduced to one point of the commitment by a masked sumcheck.
//
// Masked private polynomials (mask.ts) are laid out in a commitment as: f (one base vector,
// or c0 and c1 for an extension table), then R's c0 and c1 — see `maskedLayout`. A reveal
// f̂(r) = f(r) + Z(r)·R(r_top) is ONE linear claim over those vectors, never f(r) alone.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { BaseVec } from '../field/vec.js';
import type { ClaimTerm, Commitment, CommitmentScheme, LinearClaim } from '../pcs/types.js';
import type { Transcript } from '../transcript/transcript.js';
import { VerificationError } from '../encoding/errors.js';
import { maskWeights, type MaskedPoly } from './mask.js';
import { zEval } from './poly.js';

const X: Fp2 = [0n, 1n];

/** Where a masked polynomial's vectors sit: commitment index and vector indices. */
export interface MaskedRef {
  readonly commitment: number;
  readonly f: readonly number[]; // [c0] or [c0, c1]
  readonly r: readonly [number, number];
  readonly numVars: number;
  readonly maskVars: number;
  /**
   * A view (private model parameters, src/verify/private-weights.ts): the table is not a
   * committed vector of its own but Σ_j coeff_j·V(point, suffix_j) over one committed vector V
   * (`f[0]`), with its own mask R at `r`. Absent: f is the table itself.
   */
  readonly view?: readonly { readonly coeff: bigint; readonly suffix: readonly bigint[] }[];
  /**
   * A banked mask (mask-banks.ts): R's vectors hold 2^vars masks of 2^maskVars entries each and
   * this reference reads mask `index` (R at the top coordinates followed by index's bits).
   */
  readonly bank?: { readonly index: number; readonly vars: number };
}

/** Where a sumcheck mask g sits (its c0 and c1 coefficient vectors). */
export interface GMaskRef {
  readonly commitment: number;
  readonly g: readonly [number, number];
  readonly degrees: readonly number[];
}

export interface MaskedSpec {
  readonly numVars: number;
  readonly maskVars: number;
  readonly ext: boolean;
}

/** Vector indices of masked polynomials committed in order starting at vector `start`. */
export function maskedLayout(commitment: number, specs: readonly MaskedSpec[], start = 0): MaskedRef[] {
  let i = start;
  return specs.map((s) => {
    const f = s.ext ? [i, i + 1] : [i];
    i += f.length;
    const r: [number, number] = [i, i + 1];
    i += 2;
    return { commitment, f, r, numVars: s.numVars, maskVars: s.maskVars };
  });
}

export function specOf(p: MaskedPoly): MaskedSpec {
  return { numVars: p.numVars, maskVars: p.maskVars, ext: p.isExt };
}

/**
 * The claim f̂(point) = value as one linear claim over the committed vectors. `inner`: a table
 * that is a public factor times a view evaluated at fewer coordinates (a broadcast, see
 * layers/requant.ts) gives the view's point and that factor; the mask stays over `point`.
 */
export function maskedClaim(ref: MaskedRef, point: readonly Fp2[], value: Fp2, inner?: { readonly point: readonly Fp2[]; readonly coeff: Fp2 }): LinearClaim {
  if (point.length !== ref.numVars) throw new RangeError(`maskedClaim: point of ${point.length} coordinates for ${ref.numVars} variables`);
  const z = zEval(point);
  const top = [...point.slice(ref.numVars - ref.maskVars), ...bankPoint(ref)];
  const terms: ClaimTerm[] = [];
  if (ref.view) {
    const at = inner?.point ?? point;
    const scale = inner?.coeff ?? E.ONE;
    for (const v of ref.view) terms.push({ poly: ref.f[0], coeff: E.mulBase(scale, v.coeff), point: [...at, ...v.suffix.map((b) => E.fromBase(b))] });
  } else {
    if (inner) throw new RangeError('maskedClaim: an inner point needs a view');
    terms.push({ poly: ref.f[0], coeff: E.ONE, point });
    if (ref.f.length === 2) terms.push({ poly: ref.f[1], coeff: X, point });
  }
  terms.push({ poly: ref.r[0], coeff: z, point: top }, { poly: ref.r[1], coeff: E.mul(z, X), point: top });
  return { terms, value };
}

/** The coordinates that select a reference's bank of R (none for an unbanked mask). */
function bankPoint(ref: MaskedRef): Fp2[] {
  const b = ref.bank;
  return b === undefined ? [] : Array.from({ length: b.vars }, (_, i) => ((b.index >> i) & 1 ? E.ONE : E.ZERO));
}

/** The claim g(point) = value as one linear claim (a dense functional on g's coefficients). */
export function gMaskClaim(ref: GMaskRef, point: readonly Fp2[], value: Fp2): LinearClaim {
  const w = maskWeights(ref.degrees, point);
  return { terms: [{ poly: ref.g[0], coeff: E.ONE, weights: w }, { poly: ref.g[1], coeff: X, weights: w }], value };
}

function absorbCommitment(t: Transcript, c: Commitment): void {
  t.absorbBytes('session/root', c.root);
  t.absorbBases('session/sizes', c.sizes.map((s) => BigInt(s)));
}

function absorbClaims(t: Transcript, claims: readonly LinearClaim[]): void {
  t.absorbExts('session/claims', claims.map((c) => c.value));
}

export class ProverSession<S, O> {
  private readonly states: S[] = [];
  private readonly list: Commitment[] = [];
  private readonly claims: LinearClaim[][] = [];
  private done = false;

  constructor(readonly pcs: CommitmentScheme<S, O>, readonly transcript: Transcript) {}

  /** Commits (fresh randomness inside the scheme) and absorbs the commitment; returns its index. */
  commit(polys: readonly BaseVec[]): number {
    if (this.done) throw new Error('ProverSession: already finished');
    const { commitment, state } = this.pcs.commit(polys);
    absorbCommitment(this.transcript, commitment);
    this.states.push(state);
    this.list.push(commitment);
    this.claims.push([]);
    return this.list.length - 1;
  }

  claim(commitment: number, c: LinearClaim): void {
    if (this.done) throw new Error('ProverSession: already finished');
    if (this.claims[commitment] === undefined) throw new RangeError(`ProverSession: no commitment ${commitment}`);
    this.claims[commitment].push(c);
  }

  get commitments(): readonly Commitment[] {
    return this.list;
  }

  /** Opens every commitment once, in order, with all its claims; `onOpen` is told each commitment's index before its opening. */
  finish(onOpen?: (commitment: number) => void): O[] {
    if (this.done) throw new Error('ProverSession: already finished');
    this.done = true;
    return this.states.map((s, i) => {
      onOpen?.(i);
      absorbClaims(this.transcript, this.claims[i]);
      return this.pcs.open(s, this.claims[i], this.transcript);
    });
  }
}

export class VerifierSession<S, O> {
  private next = 0;
  private readonly claims: LinearClaim[][];

  constructor(readonly pcs: CommitmentScheme<S, O>, readonly transcript: Transcript, readonly commitments: readonly Commitment[]) {
    this.claims = commitments.map(() => []);
  }

  /** The CommitPort side of `receive` (the verifier has no vectors to commit). */
  commit(_polys: null | readonly BaseVec[]): number {
    return this.receive();
  }

  /** Absorbs the next commitment of the proof; returns its index. */
  receive(): number {
    const c = this.commitments[this.next];
    if (c === undefined) throw new VerificationError('session/commitments', 'the proof has too few commitments');
    absorbCommitment(this.transcript, c);
    return this.next++;
  }

  claim(commitment: number, c: LinearClaim): void {
    this.claims[commitment].push(c);
  }

  /** Checks every opening; throws VerificationError on any failure. */
  finish(openings: readonly O[]): void {
    if (this.next !== this.commitments.length) throw new VerificationError('session/commitments', 'the proof has unused commitments');
    if (openings.length !== this.commitments.length) throw new VerificationError('session/openings', 'one opening per commitment');
    this.commitments.forEach((c, i) => {
      absorbClaims(this.transcript, this.claims[i]);
      this.pcs.verify(c, this.claims[i], openings[i], this.transcript);
    });
  }

  claimsOf(commitment: number): readonly LinearClaim[] {
    return this.claims[commitment];
  }
}
