// Public description of a (batched, optionally zero-knowledge) sumcheck: what prover and
// verifier both know before the first message.
//
// A batch proves
//     claimedSum = Σ_i weight_i · Σ_{x ∈ {0,1}^n} F_i(x_0, …, x_{n_i − 1})
//                = Σ_i weight_i · 2^(n − n_i) · S_i,      S_i = Σ_{x ∈ {0,1}^{n_i}} F_i(x),
// where n = max n_i and F_i(x) = Σ_terms coeff · Π_factors f(x). A factor is a table (a
// multilinear polynomial given by its 2^{n_i} values, little-endian) or eq(p, x) for a public
// point p. Variable alignment: instance i uses the FIRST n_i variables of the batch (the first
// n_i rounds bind its variables; in later rounds it contributes the constant 2^(n−k−1)·F_i(r)),
// so the point at which instance i and its tables end up evaluated is r_0, …, r_{n_i − 1}.
//
// Tables are shared by every term and instance that names them (all must have the table's
// numVars), so a table is evaluated, and revealed, once per batch.
import type { Fp2 } from '../field/ext.js';
import * as E from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import { pow2 } from './poly.js';

export type Factor = { readonly table: number } | { readonly eq: readonly Fp2[] };

export interface Term {
  readonly coeff: Fp2;
  /** At least one factor. Up to any number; the round degree is the longest product. */
  readonly factors: readonly Factor[];
}

export interface InstanceShape {
  readonly numVars: number;
  readonly weight: Fp2;
  readonly terms: readonly Term[];
}

/**
 * How the verifier learns a table's value at the final point:
 * - 'committed': the prover sends it; the verifier hands it back as a claim to be checked by a
 *   PCS opening or by a later protocol. With maskVars ≠ null the table is masked: the value
 *   sent is f̂(r) = f(r) + Z(r)·R(r_top) (see mask.ts), never f(r).
 * - 'public': the verifier computes it itself through the `publicEval` callback.
 */
export interface TableShape {
  readonly numVars: number;
  readonly kind: 'committed' | 'public';
  /** Variables of the mask R (the table's top maskVars variables), or null for no mask. */
  readonly maskVars: number | null;
}

export interface BatchShape {
  readonly tables: readonly TableShape[];
  readonly instances: readonly InstanceShape[];
  readonly claimedSum: Fp2;
  /** Zero knowledge: the round messages are masked by a committed polynomial g (mask.ts). */
  readonly zk: boolean;
}

/** A claim that a (committed) polynomial takes `value` at `point`: the hand-off between protocols. */
export interface EvalClaim {
  readonly table: number;
  readonly point: readonly Fp2[];
  readonly value: Fp2;
}

/**
 * The weight 2^−(batchVars − numVars) that undoes the batch's 2^(n − n_i) scaling, so an
 * instance of numVars variables contributes its plain sum S_i to the claimed sum.
 */
export function alignmentWeight(numVars: number, batchVars: number): Fp2 {
  if (numVars > batchVars) throw new RangeError(`alignmentWeight: an instance of ${numVars} variables in a batch of ${batchVars}`);
  return E.fromBase(F.inv(pow2(batchVars - numVars)));
}

/** Instances over their own variable counts, weighted so each contributes its plain sum to a batch of the largest. */
export function alignInstances(instances: readonly { readonly numVars: number; readonly terms: readonly Term[] }[]): InstanceShape[] {
  const n = Math.max(...instances.map((i) => i.numVars));
  return instances.map((i) => ({ numVars: i.numVars, weight: alignmentWeight(i.numVars, n), terms: i.terms }));
}

export function isEqFactor(f: Factor): f is { readonly eq: readonly Fp2[] } {
  return 'eq' in f;
}

/** Number of variables of the whole batch. */
export function batchVars(shape: BatchShape): number {
  return shape.instances.reduce((m, i) => Math.max(m, i.numVars), 0);
}

/** Checks everything the verifier can check about a shape; throws RangeError with the reason. */
export function validateShape(shape: BatchShape): void {
  if (shape.instances.length === 0) throw new RangeError('sumcheck: a batch needs at least one instance');
  shape.tables.forEach((t, j) => {
    if (!Number.isInteger(t.numVars) || t.numVars < 0 || t.numVars > 30) throw new RangeError(`sumcheck: table ${j} has ${t.numVars} variables`);
    if (t.maskVars !== null && (!Number.isInteger(t.maskVars) || t.maskVars < 0 || t.maskVars > t.numVars || t.maskVars > 8)) {
      throw new RangeError(`sumcheck: table ${j} mask of ${t.maskVars} variables (0..min(numVars, 8))`);
    }
    // Z is the empty product 1 on zero variables: f̂ = f + R would change the sum, and a
    // one-entry private table is its own sum anyway. Pad such a value to two entries instead.
    if (t.maskVars !== null && t.numVars === 0) throw new RangeError(`sumcheck: table ${j} has no variables and cannot be masked`);
    if (t.kind === 'public' && t.maskVars !== null) throw new RangeError(`sumcheck: public table ${j} cannot be masked`);
    if (shape.zk && t.kind === 'committed' && t.maskVars === null) throw new RangeError(`sumcheck: zero-knowledge batch with unmasked committed table ${j}`);
  });
  shape.instances.forEach((inst, i) => {
    if (!Number.isInteger(inst.numVars) || inst.numVars < 0 || inst.numVars > 30) throw new RangeError(`sumcheck: instance ${i} has ${inst.numVars} variables`);
    if (inst.terms.length === 0) throw new RangeError(`sumcheck: instance ${i} has no terms`);
    inst.terms.forEach((term, ti) => {
      if (term.factors.length === 0) throw new RangeError(`sumcheck: instance ${i} term ${ti} has no factors`);
      for (const f of term.factors) {
        if (isEqFactor(f)) {
          if (f.eq.length !== inst.numVars) throw new RangeError(`sumcheck: instance ${i} eq point of ${f.eq.length} coordinates, expected ${inst.numVars}`);
        } else {
          const t = shape.tables[f.table];
          if (t === undefined) throw new RangeError(`sumcheck: instance ${i} names table ${f.table}, which does not exist`);
          if (t.numVars !== inst.numVars) throw new RangeError(`sumcheck: instance ${i} (${inst.numVars} variables) uses table ${f.table} of ${t.numVars}`);
        }
      }
    });
  });
}

/** Degree in its own round k = n_i − 1 (the last) and in earlier rounds, for one instance. */
export function instanceDegrees(shape: BatchShape, inst: InstanceShape): { normal: number; last: number } {
  let normal = 0;
  let last = 0;
  for (const term of inst.terms) {
    normal = Math.max(normal, term.factors.length);
    // In its last round a masked table is f + Z·R: X(1 − X)·R(X) has degree 3 in that variable.
    const d = term.factors.reduce((s, f) => s + (!isEqFactor(f) && shape.tables[f.table].maskVars !== null ? 3 : 1), 0);
    last = Math.max(last, d);
  }
  return { normal, last };
}

/** Degree of the batch's round polynomial in each round (public: derived from the shape). */
export function roundDegrees(shape: BatchShape): number[] {
  const n = batchVars(shape);
  const out = new Array<number>(n).fill(0);
  for (const inst of shape.instances) {
    const { normal, last } = instanceDegrees(shape, inst);
    for (let k = 0; k < inst.numVars; k++) out[k] = Math.max(out[k], k === inst.numVars - 1 ? last : normal);
  }
  return out;
}
