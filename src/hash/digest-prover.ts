// The digest proof, prover side (docs/protocol.md (Part 4)): proves that the sponge run of
// the witness hashes V (with the salt in K) to the public digest, by one sumcheck per round
// from the output back to the input, and returns the claims on V, K and the masks that the
// commitment openings must settle.
//
// Zero knowledge (statement.valueMaskVars set): sampleDigestMasks draws every mask first; the
// caller commits digestCommitPolys(masks) (with fresh randomness, in this proof only) before
// the transcript's first challenge, then calls proveDigest.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import { eqTable, extScale, foldExt } from '../field/vec.js';
import { zEval } from '../sumcheck/poly.js';
import { sumcheckKernel } from '../sumcheck/kernel.js';
import { proveSumcheck, type ProverTable } from '../sumcheck/prover.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { roundDegrees } from '../sumcheck/types.js';
import type { Transcript } from '../transcript/transcript.js';
import { layerColumn, TraceLayers, type DigestWitness } from './digest-witness.js';
import { randomExt } from '../sumcheck/random.js';
import type { ExtVec } from '../field/vec.js';
import { isFullRound, ROUNDS, T } from './digest-relations.js';
import type { DigestClaims, DigestEvalClaim, DigestProof } from './digest-proof.js';
import {
  absorbStatement, CAPACITY_WORDS, drawFinalChallenges, drawOutputChallenges, finalShape, nextLayerClaim, OWN_MASK_VARS, outputShape,
  partialValueMaskVars, revealedWidth, roundShape, roundWeights, skeletonShapes, slotCoefficients, slotVars, statementInfo, type DigestStatement,
} from './digest-shapes.js';

export function digestStatement(w: DigestWitness, valueMaskVars?: number): DigestStatement {
  return valueMaskVars === undefined
    ? { digest: w.digest, options: w.options, count: w.layout.count }
    : { digest: w.digest, options: w.options, count: w.layout.count, valueMaskVars };
}

/** Every mask of one zero-knowledge digest proof (prover secrets). */
export interface DigestMasks {
  /** K_c with its mask. */
  readonly capacity: readonly MaskedPoly[];
  /**
   * R_{r,s}, the mask of u_{r,s} (û = u + Z·R; u is never committed itself: the next batch
   * checks it). proveDigest wraps each layer when it reaches it (a partial round's layer is
   * recovered then), so the masks serve one proof: a second proveDigest with them is refused.
   */
  readonly layers: readonly (readonly ExtVec[])[];
  /** R_{r,s} as a table of the next batch, masked in turn (committed). */
  readonly layerMasks: readonly (readonly MaskedPoly[])[];
  /** Libra's g for each of the 31 batches (committed). */
  readonly sumcheck: readonly SumcheckMask[];
}

export function sampleDigestMasks(w: DigestWitness, statement: DigestStatement): DigestMasks {
  const info = statementInfo(statement);
  if (!info.zk) throw new RangeError('sampleDigestMasks: the statement is not zero-knowledge (no valueMaskVars)');
  const capacity = Array.from({ length: CAPACITY_WORDS }, (_, c) => MaskedPoly.sample(layerColumn(w, 0, 8 + c), info.n, OWN_MASK_VARS));
  const layers = Array.from({ length: ROUNDS }, () => Array.from({ length: T }, () => randomExt(1 << OWN_MASK_VARS)));
  const layerMasks = layers.map((row) => row.map((R) => MaskedPoly.sample(R, OWN_MASK_VARS, OWN_MASK_VARS)));
  const sumcheck = skeletonShapes(info).map((shape) => SumcheckMask.sample(roundDegrees(shape)));
  return { capacity, layers, layerMasks, sumcheck };
}

/** The vectors the caller commits for a zero-knowledge digest proof (V aside: the caller's own). */
export function digestCommitPolys(masks: DigestMasks): BigUint64Array[] {
  return [
    ...masks.capacity.flatMap((k) => k.commitPolys()),
    ...masks.layerMasks.flatMap((row) => row.flatMap((r) => r.commitPolys())),
    ...masks.sumcheck.flatMap((g) => g.polys()),
  ];
}

export interface ProveDigestOptions {
  /**
   * Tests only: a cheating prover. Proves every batch from its actual sum even where that differs
   * from the claimed one (which the honest prover refuses), so tests can check the verifier rejects.
   */
  readonly unsafeAllowFalseClaim?: boolean;
}

/** Zero knowledge: `zk` holds the masks (sampleDigestMasks) and the caller's MaskedPoly of V. */
export interface DigestZkInput {
  readonly masks: DigestMasks;
  readonly values: MaskedPoly;
}

/** Σ_j a_j·R_j: the mask of a linear combination of masked tables (masks of equal size). */
function combineMasks(masks: readonly ExtVec[], a: readonly Fp2[]): ExtVec {
  const out = new BigUint64Array(masks[0].length);
  for (let i = 0; i < out.length; i += 2) {
    let acc: Fp2 = E.ZERO;
    masks.forEach((R, j) => (acc = E.add(acc, E.mul(a[j], [R[i], R[i + 1]]))));
    out[i] = acc[0];
    out[i + 1] = acc[1];
  }
  return out;
}

/** Rows of V per pool run in partialEvalLow: their copies (2^|ρ| words each) reuse one small region. */
const ROWS_PER_FLUSH = 8;

/**
 * V(ρ, x) = Σ_i eq(ρ, i)·V(i, x) for every high index x (rows of `rowLength` = 2^|ρ| entries),
 * on the sumcheck kernels: eq(ρ, i) = eq(ρ_0, i_0)·eq(ρ_{>0}, i_{>0}), so a row is one weighted
 * pass over its pairs (roundPowWeighted with e = 1 gives Σ_j w_j·V[2j] and Σ_j w_j·V[2j+1],
 * w = eq(ρ_{>0}, ·)), on the pool. poly/mle.ts bindLow computes the same by folding, 4× slower
 * than vec.ts baseInnerExt per row, which in turn copied eq(ρ, ·) in for every row (2^18 packed
 * elements, loaded machine: 29–32 ms, and 90 ms with 1879 first-touched pages in a process's
 * first proof; here 21–26 ms, the first proof included).
 */
function partialEvalLow(V: BigUint64Array, rowLength: number, rho: readonly Fp2[]): ExtVec {
  const K = sumcheckKernel();
  const rows = V.length / rowLength;
  const out = new BigUint64Array(2 * rows);
  const mark = K.mark();
  try {
    const w = K.eqTable(rho.slice(1));
    for (let first = 0; first < rows; first += ROWS_PER_FLUSH) {
      const region = K.mark();
      const sums: number[] = [];
      for (let x = first; x < Math.min(rows, first + ROWS_PER_FLUSH); x++) {
        const row = K.put(V.subarray(x * rowLength, (x + 1) * rowLength));
        const acc = K.allocZero(32);
        K.roundPowWeighted(row, false, 1, w, rowLength >> 1, 1, false, acc);
        sums.push(acc);
      }
      K.flush();
      sums.forEach((acc, j) => out.set(E.add(E.mul(E.sub(E.ONE, rho[0]), K.readExt(acc, 0)), E.mul(rho[0], K.readExt(acc, 1))), 2 * (first + j)));
      K.release(region);
    }
  } finally {
    K.release(mark);
  }
  return out;
}

/**
 * The mask of V(ρ, ·) as a table over x: V̂ = V + Z·R with Z(ρ, x) = Z(ρ)·Z(x) and R over V's
 * top m variables, so V̂(ρ, ·) has the mask Z(ρ)·R(ρ_top, ·), R's variables below x bound to ρ's
 * top coordinates when m exceeds x's variable count.
 */
function partialMask(V: MaskedPoly, rho: readonly Fp2[]): ExtVec {
  const nx = V.numVars - rho.length;
  const below = Math.max(0, V.maskVars - nx);
  let R = V.mask;
  for (const r of rho.slice(rho.length - below)) R = foldExt(R, r);
  return extScale(R, zEval(rho));
}

function extVector(xs: readonly Fp2[]): ExtVec {
  const out = new BigUint64Array(2 * xs.length);
  xs.forEach((x, i) => out.set(x, 2 * i));
  return out;
}

/** Shift(τ, y) = eq(τ, y − 1) for y ≥ 1, 0 for y = 0 (extension table). */
function shiftTable(tau: readonly Fp2[]): BigUint64Array {
  const eq = eqTable(tau);
  const out = new BigUint64Array(eq.length);
  out.set(eq.subarray(0, eq.length - 2), 2);
  return out;
}

/** Masks that served a proof (their u layers were revealed once). */
const usedMasks = new WeakSet<DigestMasks>();

export function proveDigest(
  w: DigestWitness,
  transcript: Transcript,
  zk: DigestZkInput | null = null,
  options: ProveDigestOptions = {},
): { proof: DigestProof; claims: DigestClaims } {
  const statement = digestStatement(w, zk ? zk.values.maskVars : undefined);
  const info = statementInfo(statement);
  if (info.blocks !== w.blocks) throw new Error('proveDigest: witness and statement disagree on the number of permutations');
  // The masked V must wrap the witness's own value vector (the same array: comparing 2^23 entries
  // would cost more than it checks).
  if (zk && (zk.values.numVars !== info.nV || zk.values.values !== w.valueVector)) {
    throw new RangeError('proveDigest: the masked V must wrap the witness value vector (w.valueVector)');
  }
  const opts = { unsafeAllowFalseClaim: options.unsafeAllowFalseClaim === true };
  absorbStatement(transcript, statement, info);
  if (zk) {
    if (usedMasks.has(zk.masks)) throw new Error('proveDigest: these masks already served a proof (their layers would be revealed twice)');
    usedMasks.add(zk.masks);
  }
  const capacity: ProverTable[] = zk ? [...zk.masks.capacity] : Array.from({ length: CAPACITY_WORDS }, (_, c) => layerColumn(w, 0, 8 + c));
  const trace = new TraceLayers(w);
  // the walk holds sumcheck kernel memory (its stored columns and layer buffers) until the proof is done
  try {
    // A full round's 12 slots, masked; a partial round's slot 0 and L_r = Σ_{s≥1} a_s·u_r[s]
    // (masked by Σ a_s·R_{r,s}), its linear slots combined before the sumcheck (by the walk, as
    // it recovers them; each batch copies its tables in before the next one is asked for).
    const uTables = (r: number, a: readonly Fp2[] | null): ProverTable[] => {
      const R = zk ? zk.masks.layers[r] : null;
      if (a === null || isFullRound(r)) {
        const cols = trace.layer(1 + r);
        return R ? cols.map((u, s) => new MaskedPoly(u, info.n, OWN_MASK_VARS, R[s])) : cols;
      }
      const [slot0, linear] = trace.partialLayer(1 + r, a.slice(1));
      if (!R) return [slot0, linear];
      return [new MaskedPoly(slot0, info.n, OWN_MASK_VARS, R[0]), new MaskedPoly(linear, info.n, OWN_MASK_VARS, combineMasks(R.slice(1), a.slice(1)))];
    };
    const rTables = (r: number): ProverTable[] => (zk ? [...zk.masks.layerMasks[r]] : []);
    const gMask = (b: number) => (zk ? zk.masks.sumcheck[b] : null);
    const capacityClaims: DigestEvalClaim[][] = Array.from({ length: CAPACITY_WORDS }, () => []);
    const layerMaskClaims: { round: number; slot: number; point: readonly Fp2[]; value: Fp2 }[] = [];
    const sumcheckMaskClaims: DigestEvalClaim[] = [];
    const batches = [];

    // Batch 0: the output layer (digest and chaining) through round 29.
    const och = drawOutputChallenges(transcript, info.n);
    const out = proveSumcheck(outputShape(info.n, och, statement.digest, info.zk), [...uTables(ROUNDS - 1, null), ...capacity, shiftTable(och.tau)], gMask(0), transcript, opts);
    batches.push(out.proof);
    for (let c = 0; c < CAPACITY_WORDS; c++) capacityClaims[c].push({ point: out.point, value: out.values[T + c] });
    if (out.proof.maskValue) sumcheckMaskClaims.push({ point: out.point, value: out.proof.maskValue });
    let rho = out.point;
    let values = out.values.slice(0, T);
    let partialWeights: Fp2[] | null = null;

    // Batches 1 … 29: round r from a claim on u_{r+1} to one on u_r.
    let b = 1;
    for (let r = ROUNDS - 2; r >= 0; r--, b++) {
      const claim = nextLayerClaim(transcript, values, partialWeights);
      const a = roundWeights(r, claim);
      const width = revealedWidth(r);
      const step = proveSumcheck(roundShape(r, info.n, claim, rho, info.zk), [...uTables(r, a), ...rTables(r + 1)], gMask(b), transcript, opts);
      batches.push(step.proof);
      for (const c of step.claims) if (c.table >= width) layerMaskClaims.push({ round: r + 1, slot: c.table - width, point: c.point, value: c.value });
      if (step.proof.maskValue) sumcheckMaskClaims.push({ point: step.point, value: step.proof.maskValue });
      rho = step.point;
      values = step.values.slice(0, width);
      partialWeights = isFullRound(r) ? null : a;
    }

    // Batch 30: u_0 = M_E·In + c_0 with In = (packing of V, K), V through V(ρ, ·).
    const fch = drawFinalChallenges(transcript);
    const vRho = partialEvalLow(w.valueVector, info.blocks, rho);
    const vTable: ProverTable = zk ? new MaskedPoly(vRho, slotVars(info), partialValueMaskVars(info)!, partialMask(zk.values, rho)) : vRho;
    const fin = proveSumcheck(finalShape(info, fch, rho, values), [extVector(slotCoefficients(info, fch)), vTable, ...capacity, ...rTables(0)], gMask(b), transcript, opts);
    const valuePoint = [...rho, ...fin.point.slice(0, slotVars(info))];
    zk?.values.noteReveal(valuePoint);
    batches.push(fin.proof);
    for (const c of fin.claims) {
      if (c.table >= 2 && c.table < 2 + CAPACITY_WORDS) capacityClaims[c.table - 2].push({ point: c.point, value: c.value });
      if (c.table >= 2 + CAPACITY_WORDS) layerMaskClaims.push({ round: 0, slot: c.table - 2 - CAPACITY_WORDS, point: c.point, value: c.value });
    }
    if (fin.proof.maskValue) sumcheckMaskClaims.push({ point: fin.point, value: fin.proof.maskValue });
    return {
      proof: { batches },
      claims: { values: { point: valuePoint, value: fin.values[1] }, capacity: capacityClaims, layerMasks: layerMaskClaims, sumcheckMasks: sumcheckMaskClaims },
    };
  } finally {
    trace.close();
  }
}
