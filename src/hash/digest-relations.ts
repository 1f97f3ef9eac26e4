// The layer relations of the digest proof (docs/protocol.md (Part 4)), shared by prover and
// verifier. Verifier-safe: scalar field arithmetic only, nothing Node-only.
//
// Layers of one permutation: u_r = the S-box input of round r (r = 0 … 29), In, Out. Then
//   u_0     = M_E·In + c_0
//   u_{r+1} = L_r·σ_r(u_r) + c_{r+1}        r = 0 … 28
//   Out     = L_29·σ_29(u_29)
// with L_r = M_E and σ_r = x^7 on every slot in a full round, L_r = M_I and σ_r = x^7 on
// slot 0 only in a partial round, and c_r the constants added before round r's S-boxes
// (a full row, or [c, 0, …, 0] in a partial round).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import { POSEIDON2_GOLDILOCKS_12 as PARAMS } from './poseidon2-params.js';
import { externalLinear, internalLinear } from './poseidon2.js';

export const T = 12;
export const ROUNDS = PARAMS.rF + PARAMS.rP;
const HALF = PARAMS.rF / 2;

export function isFullRound(r: number): boolean {
  return r < HALF || r >= HALF + PARAMS.rP;
}

function matrixOf(apply: (x: bigint[]) => bigint[]): bigint[][] {
  // Column k is the image of unit vector k; return row-major [o][s].
  const cols = Array.from({ length: T }, (_, k) => apply(Array.from({ length: T }, (_, i) => (i === k ? 1n : 0n))));
  return Array.from({ length: T }, (_, o) => Array.from({ length: T }, (_, s) => cols[s][o]));
}

/** M_E and M_I as explicit 12×12 matrices, [output][input]. */
export const M_E: readonly (readonly bigint[])[] = matrixOf((x) => externalLinear(x, PARAMS.m4));
export const M_I: readonly (readonly bigint[])[] = matrixOf((x) => internalLinear(x, PARAMS.diagMinus1));

export function linearOf(r: number): readonly (readonly bigint[])[] {
  return isFullRound(r) ? M_E : M_I;
}

/** Whether slot s goes through the S-box in round r. */
export function hasSbox(r: number, s: number): boolean {
  return isFullRound(r) || s === 0;
}

/** c_r: the constants added to the state before round r's S-boxes. */
export function roundConstants(r: number): bigint[] {
  if (r < HALF) return PARAMS.externalInitial[r].slice();
  if (r < HALF + PARAMS.rP) return [PARAMS.internal[r - HALF], ...new Array<bigint>(T - 1).fill(0n)];
  return PARAMS.externalFinal[r - HALF - PARAMS.rP].slice();
}

/** a_s = Σ_o λ_o·L[o][s]: the weight of input slot s in the λ-combination of the outputs. */
export function combineRows(L: readonly (readonly bigint[])[], lambda: readonly Fp2[]): Fp2[] {
  return Array.from({ length: T }, (_, s) => {
    let acc: Fp2 = E.ZERO;
    for (let o = 0; o < lambda.length; o++) acc = E.add(acc, E.mulBase(lambda[o], L[o][s]));
    return acc;
  });
}

/** Σ_o λ_o·(v_o − c_o): the claim on the λ-combination of a layer's true values. */
export function combineClaims(lambda: readonly Fp2[], values: readonly Fp2[], constants: readonly bigint[]): Fp2 {
  let acc: Fp2 = E.ZERO;
  for (let o = 0; o < lambda.length; o++) acc = E.add(acc, E.mul(lambda[o], E.sub(values[o], E.fromBase(constants[o]))));
  return acc;
}

/**
 * The successor polynomial's MLE: Shift(τ, ρ) = Σ_{i < 2^n − 1} eq(τ, i)·eq(i + 1, ρ).
 * i + 1 clears i's lowest k one-bits and sets bit k (a zero bit of i); higher bits agree.
 */
export function shiftEval(tau: readonly Fp2[], rho: readonly Fp2[]): Fp2 {
  if (tau.length !== rho.length) throw new RangeError('shiftEval: points of different lengths');
  const n = tau.length;
  let total: Fp2 = E.ZERO;
  for (let k = 0; k < n; k++) {
    let term = E.mul(E.sub(E.ONE, tau[k]), rho[k]);
    for (let j = 0; j < k; j++) term = E.mul(term, E.mul(tau[j], E.sub(E.ONE, rho[j])));
    for (let j = k + 1; j < n; j++) term = E.mul(term, E.add(E.mul(tau[j], rho[j]), E.mul(E.sub(E.ONE, tau[j]), E.sub(E.ONE, rho[j]))));
    total = E.add(total, term);
  }
  return total;
}

/** Σ_b w_b·eq(point, b) over a small dense table w (little-endian): its MLE at `point`. */
export function smallMle(w: readonly Fp2[], point: readonly Fp2[]): Fp2 {
  if (w.length !== 1 << point.length) throw new RangeError(`smallMle: ${w.length} entries for ${point.length} variables`);
  let cur = w.slice();
  for (const r of point) {
    const next: Fp2[] = [];
    for (let i = 0; i < cur.length; i += 2) next.push(E.add(cur[i], E.mul(r, E.sub(cur[i + 1], cur[i]))));
    cur = next;
  }
  return cur[0];
}

/** 2^e mod p. */
export function pow2Field(e: number): bigint {
  return F.pow(2n, BigInt(e));
}
