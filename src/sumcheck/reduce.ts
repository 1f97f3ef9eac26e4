// Claim reduction: a commitment scheme wrapper that opens ANY batch of linear claims on one
// commitment (many points, vectors of different sizes, dense mask functionals) through claims
// at ONE random point of the concatenation of its vectors, so the opening reveals a couple of
// row combinations however many distinct points the protocols produced (docs/protocol.md,
// Part 3 §6). Sessions use it like any scheme: ProverSession/VerifierSession.finish call
// open/verify with all claims of a commitment.
//
// Commit: the caller's vectors, then four reduction vectors: R's c0 and c1 (the 2-entry mask of
// L̂, below) and g's c0 and c1 (the Libra mask of the reduction sumcheck). The commitment's public
// sizes are the caller's; the four extra sizes follow from them.
// Open, for claims Σ_t coeff_t·L_t(poly_t) = v_c (c = 1..C), after the statement is absorbed:
//   1. λ_1..λ_C ← F; H = Σ_c λ_c·v_c.
//   2. With L = the concatenation of the caller's vectors (the reduction vectors' entries set to
//      zero) and W the public weight polynomial (reduce-weights.ts): H = Σ_x L(x)·W(x) on the
//      cube of ℓ = concat.numVars variables. A zero-knowledge sumcheck (g; L masked as
//      L̂ = L + Z·R(x_{ℓ−1})) proves it and ends at a random s with L̂(s) and g(s) sent; the
//      verifier evaluates W(s) itself.
//   3. The base scheme opens two claims at s:
//        layout(s) − Σ_{e ∈ reduction vectors} eq(s_hi,e)·e(s_lo,e) + Z(s)·R(s_{ℓ−1}) = L̂(s)
//        g(s) (the dense functional of `maskWeights`)
//      i.e. one row combination for the whole matrix and one or two for the rows holding the
//      small reduction vectors — instead of one per distinct claim point.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { BaseVec } from '../field/vec.js';
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError, VerificationError } from '../encoding/errors.js';
import { absorbStatement } from '../pcs/layout.js';
import type { ClaimTerm, Commitment, Concatenation, ConcatenatingScheme, LinearClaim } from '../pcs/types.js';
import type { Transcript } from '../transcript/transcript.js';
import { MaskedPoly, SumcheckMask, maskLength, maskWeights, splitExt } from './mask.js';
import { randomExt } from './random.js';
import { zEval } from './poly.js';
import { proveSumcheck } from './prover.js';
import { readSumcheckProof, writeSumcheckProof, type SumcheckProof } from './proof.js';
import { checkReducibleClaims, HighBitsEq, varsOf, weightAt, weightTable } from './reduce-weights.js';
import { roundDegrees, type BatchShape } from './types.js';
import { verifySumcheck } from './verifier.js';

const X: Fp2 = [0n, 1n];
/** Variables of L̂'s mask R: capacity two reveals, one used. */
const REDUCTION_MASK_VARS = 1;

/** The reduction's vectors and sumcheck for a commitment with the caller's `sizes`. */
export interface ReductionLayout {
  /** Caller's sizes, then R c0, R c1, g c0, g c1. */
  readonly sizes: readonly number[];
  readonly concat: Concatenation;
  readonly degrees: readonly number[];
  /** Vector indices of R's c0, c1 and g's c0, c1. */
  readonly r: readonly [number, number];
  readonly g: readonly [number, number];
}

/** The reduction sumcheck: Σ_x L̂(x)·W(x) = H, L̂ masked, W public. */
export function reductionShape(numVars: number, claimedSum: Fp2): BatchShape {
  return {
    tables: [
      { numVars, kind: 'committed', maskVars: REDUCTION_MASK_VARS },
      { numVars, kind: 'public', maskVars: null },
    ],
    instances: [{ numVars, weight: E.ONE, terms: [{ coeff: E.ONE, factors: [{ table: 0 }, { table: 1 }] }] }],
    claimedSum,
    zk: true,
  };
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** g's length depends on ℓ, which depends on g's length: grow g until it fits (monotone). */
export function reductionLayout(base: ConcatenatingScheme<unknown, unknown>, userSizes: readonly number[]): ReductionLayout {
  // a commitment of the reduction's own vectors alone would bind nothing of the caller's
  if (userSizes.length === 0) throw new RangeError('reduction: a commitment needs at least one vector of the caller\'s');
  const u = userSizes.length;
  for (let gLen = 8; ; ) {
    const sizes = [...userSizes, 1 << REDUCTION_MASK_VARS, 1 << REDUCTION_MASK_VARS, gLen, gLen];
    const concat = base.concatenation(sizes);
    const degrees = roundDegrees(reductionShape(concat.numVars, E.ZERO));
    const need = nextPow2(maskLength(degrees));
    if (need <= gLen) return { sizes, concat, degrees, r: [u, u + 1], g: [u + 2, u + 3] };
    gLen = need;
  }
}

/** The two claims the base scheme opens at the reduction's final point s. */
export function finalClaims(layout: ReductionLayout, s: readonly Fp2[], maskedValue: Fp2, gValue: Fp2): LinearClaim[] {
  const terms: ClaimTerm[] = [{ coeff: E.ONE, layoutPoint: s }];
  // the reduction vectors are not part of L: take their share of layout(s) out again
  const high = new HighBitsEq(s);
  for (const e of [...layout.r, ...layout.g]) {
    const vars = varsOf(layout.sizes[e]);
    const hi = high.at(vars, layout.concat.offsets[e] / 2 ** vars);
    terms.push({ poly: e, coeff: E.neg(hi), point: s.slice(0, vars) });
  }
  const z = zEval(s);
  const top = s.slice(s.length - REDUCTION_MASK_VARS);
  terms.push({ poly: layout.r[0], coeff: z, point: top }, { poly: layout.r[1], coeff: E.mul(z, X), point: top });
  const w = maskWeights(layout.degrees, s);
  return [
    { terms, value: maskedValue },
    { terms: [{ poly: layout.g[0], coeff: E.ONE, weights: w }, { poly: layout.g[1], coeff: X, weights: w }], value: gValue },
  ];
}

export interface ReducingState<S> {
  readonly base: S;
  readonly layout: ReductionLayout;
  readonly commitment: Commitment;
  readonly polys: readonly BaseVec[];
  readonly mask: BigUint64Array;
  readonly g: SumcheckMask;
}

export interface ReducedProof<O> {
  readonly sumcheck: SumcheckProof;
  readonly base: O;
}

/** Absorbs the claims (the statement of the reduction) and draws λ_1..λ_C. */
export function absorbReduction(transcript: Transcript, commitment: Commitment, claims: readonly LinearClaim[]): Fp2[] {
  absorbStatement(transcript, commitment, claims);
  return transcript.challengeExts('reduce/batch', claims.length);
}

/** H = Σ_c λ_c·v_c. */
export function batchedValue(claims: readonly LinearClaim[], lambdas: readonly Fp2[]): Fp2 {
  return claims.reduce((acc, c, i) => E.add(acc, E.mul(lambdas[i], c.value)), E.ZERO as Fp2);
}

export class ReducingPcs<S, O> implements ConcatenatingScheme<ReducingState<S>, ReducedProof<O>> {
  readonly name: string;

  constructor(readonly base: ConcatenatingScheme<S, O>) {
    this.name = `reduced(${base.name})`;
  }

  concatenation(sizes: readonly number[]): Concatenation {
    return this.base.concatenation(sizes);
  }

  commit(polys: readonly BaseVec[]): { commitment: Commitment; state: ReducingState<S> } {
    const sizes = polys.map((p) => p.length);
    const layout = reductionLayout(this.base, sizes);
    const mask = randomExt(1 << REDUCTION_MASK_VARS);
    const g = SumcheckMask.sample(layout.degrees);
    const [r0, r1] = splitExt(mask);
    const { commitment, state } = this.base.commit([...polys, r0, r1, ...g.polys()]);
    const own: Commitment = { root: commitment.root, sizes };
    return { commitment: own, state: { base: state, layout, commitment: own, polys, mask, g } };
  }

  open(state: ReducingState<S>, claims: readonly LinearClaim[], transcript: Transcript): ReducedProof<O> {
    const { layout } = state;
    const sizes = state.commitment.sizes;
    checkReducibleClaims(sizes, claims);
    const lambdas = absorbReduction(transcript, state.commitment, claims);
    const numVars = layout.concat.numVars;
    // L: the caller's vectors at their offsets, zero elsewhere (the reduction vectors included)
    const L = new BigUint64Array(2 ** numVars);
    state.polys.forEach((p, i) => L.set(p, layout.concat.offsets[i]));
    const W = weightTable(layout.concat, sizes, claims, lambdas);
    const masked = new MaskedPoly(L, numVars, REDUCTION_MASK_VARS, state.mask);
    const out = proveSumcheck(reductionShape(numVars, batchedValue(claims, lambdas)), [masked, W], state.g, transcript);
    const base = this.base.open(state.base, finalClaims(layout, out.point, out.values[0], out.proof.maskValue!), transcript);
    return { sumcheck: out.proof, base };
  }

  verify(commitment: Commitment, claims: readonly LinearClaim[], proof: ReducedProof<O>, transcript: Transcript): void {
    let layout: ReductionLayout;
    try {
      layout = reductionLayout(this.base, commitment.sizes);
      checkReducibleClaims(commitment.sizes, claims);
    } catch (e) {
      throw new VerificationError('reduce/claims', (e as Error).message);
    }
    const lambdas = absorbReduction(transcript, commitment, claims);
    const shape = reductionShape(layout.concat.numVars, batchedValue(claims, lambdas));
    const out = verifySumcheck(shape, proof.sumcheck, transcript, (_table, s) => weightAt(layout.concat, commitment.sizes, claims, lambdas, s));
    const base: Commitment = { root: commitment.root, sizes: layout.sizes };
    this.base.verify(base, finalClaims(layout, out.point, out.claims[0].value, out.maskValue!), proof.base, transcript);
  }

  serializeProof(proof: ReducedProof<O>): Uint8Array {
    const w = new ByteWriter();
    writeSumcheckProof(w, proof.sumcheck);
    w.blob(this.base.serializeProof(proof.base));
    return w.finish();
  }

  deserializeProof(bytes: Uint8Array, commitment: Commitment, _claims: readonly LinearClaim[]): ReducedProof<O> {
    let layout: ReductionLayout;
    try {
      layout = reductionLayout(this.base, commitment.sizes);
    } catch (e) {
      throw new FormatError(`reduced proof: the commitment does not describe an opening (${(e as Error).message})`);
    }
    const r = new ByteReader(bytes, 'reduced proof');
    const sumcheck = readSumcheckProof(r, reductionShape(layout.concat.numVars, E.ZERO));
    const baseBytes = r.blob(1 << 28, 'base opening');
    r.end();
    // the base opening's shape depends on the final claims' structure only (distinct
    // coordinates stand in for the transcript's s, as they are distinct with overwhelming
    // probability)
    const s = Array.from({ length: layout.concat.numVars }, (_, k) => E.fromBase(BigInt(k + 2)));
    const base = this.base.deserializeProof(baseBytes, { root: commitment.root, sizes: layout.sizes }, finalClaims(layout, s, E.ZERO, E.ZERO));
    return { sumcheck, base };
  }
}
