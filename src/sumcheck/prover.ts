// The sumcheck prover for a batch (types.ts), plain or zero-knowledge (mask.ts).
//
// Cost: linear in the total table size. Tables are copied once into the kernel memory; each
// round runs one WASM `roundTerm` per product term (the values of the round polynomial at
// t = 0..d over all pairs) and one in-place fold per table. A base table stays in the base
// field until the first challenge binds its first variable (round 0 runs on base words; the
// fold by an F_p2 challenge turns it into an extension table of half the length, in place).
// Only the last round of each instance (two entries per table), the terms whose eq point is
// boolean (one pair per round: eq is a delta, see factored.ts) and the masks run in BigInt.
//
// Transcript (prover and verifier, in this order): absorb the round degrees and the claimed
// sum; [zk: absorb G = Σ g, draw ρ]; per round: absorb s_k(0), s_k(2..D_k), draw r_k; absorb
// the committed tables' final values; [zk: absorb g(r)].
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as F from '../field/goldilocks.js';
import type { BaseVec, ExtVec } from '../field/vec.js';
import type { Transcript } from '../transcript/transcript.js';
import { sumcheckKernel, BLOCK } from './kernel.js';
import { EqState, factoredRoundEvals, planInstance, type InstancePlan, type TableState } from './factored.js';
import { MaskedPoly, SumcheckMask } from './mask.js';
import { extendEvals, interpolateAt, mleEvalSmall, extElements, pow2 } from './poly.js';
import type { SumcheckProof } from './proof.js';
import { absorbProofHead, absorbRound, absorbTail } from './proof.js';
import type { BatchShape, EvalClaim, Factor, Term } from './types.js';
import { batchVars, instanceDegrees, isEqFactor, roundDegrees, validateShape } from './types.js';

/** A table for the prover: plain values (base or extension) or a masked private polynomial. */
export type ProverTable = BaseVec | ExtVec | MaskedPoly;

export interface ProverOutput {
  readonly proof: SumcheckProof;
  /** The batch's challenge point r_0..r_{n−1}; instance i and its tables end at its prefix of length n_i. */
  readonly point: readonly Fp2[];
  /** Claims on every committed table: (table, point prefix, f̂ value sent). */
  readonly claims: readonly EvalClaim[];
  /** Final values of every table (committed: f̂; public: f) in table order. */
  readonly values: readonly Fp2[];
}

/**
 * Sends round k of a batch given its values at 0..D: with a mask, ρ·g's round values added (zero
 * knowledge), then every value but the one at 1 (the verifier derives it from the running claim).
 * Returns the challenge r_k, also appended to `point`, and appends Z's next prefix
 * Π_{j≤k} r_j(1 − r_j) to `zPrefix`. Specialised provers (lookup/gkr-leaf.ts) send through it too.
 */
export function sendRound(total: readonly Fp2[], k: number, mask: { readonly g: SumcheckMask; readonly rho: Fp2 } | null, point: Fp2[], zPrefix: Fp2[], rounds: Fp2[][], transcript: Transcript): Fp2 {
  let values = total;
  if (mask) {
    const g = mask.g.roundEvals(k, point, total.length - 1);
    values = total.map((x, t) => E.add(x, E.mul(mask.rho, g[t])));
  }
  const sent = [values[0], ...values.slice(2)];
  rounds.push(sent);
  const r = absorbRound(transcript, sent);
  point.push(r);
  zPrefix.push(E.mul(zPrefix[k], E.mul(r, E.sub(E.ONE, r))));
  return r;
}

/** Points by value: equal eq points share one EqState. Memoized per array (a shape's eq points are asked for every round). */
const keys = new WeakMap<readonly Fp2[], string>();
function keyOf(point: readonly Fp2[]): string {
  let k = keys.get(point);
  if (k === undefined) keys.set(point, (k = point.map((x) => `${x[0]},${x[1]}`).join(';')));
  return k;
}

export interface ProveOptions {
  /** Tests only: let a cheating prover run on a false claim (the verifier must reject it). */
  readonly unsafeAllowFalseClaim?: boolean;
  /** Tests only: eq at a boolean point takes the kernel path, not the delta one (factored.ts). */
  readonly noEqDelta?: boolean;
}

/**
 * Proves the batch. `mask` is required exactly when shape.zk (sampled for roundDegrees(shape)
 * and committed by the caller before this call); private tables are MaskedPoly objects whose
 * reveal counts this call advances. The transcript must already hold the public statement.
 */
export function proveSumcheck(shape: BatchShape, tables: readonly ProverTable[], mask: SumcheckMask | null, transcript: Transcript, options: ProveOptions = {}): ProverOutput {
  validateShape(shape);
  if (tables.length !== shape.tables.length) throw new RangeError(`proveSumcheck: ${tables.length} tables for a shape of ${shape.tables.length}`);
  const degrees = roundDegrees(shape);
  const n = batchVars(shape);
  if (shape.zk !== (mask !== null)) throw new RangeError('proveSumcheck: a zero-knowledge batch needs a SumcheckMask, a plain one none');
  if (mask !== null && (mask.degrees.length !== n || mask.degrees.some((d, k) => d !== degrees[k]))) {
    throw new RangeError(`proveSumcheck: mask degrees [${mask.degrees}] differ from the round degrees [${degrees}]`);
  }

  const K = sumcheckKernel();
  const mark = K.mark();
  try {
    // ---- copy tables in
    const state: TableState[] = shape.tables.map((ts, j) => {
      const t = tables[j];
      const size = 1 << ts.numVars;
      const masked = t instanceof MaskedPoly ? t : null;
      const values = masked ? masked.values : (t as BigUint64Array);
      if (masked && (masked.numVars !== ts.numVars || masked.maskVars !== ts.maskVars)) {
        throw new RangeError(`proveSumcheck: table ${j} mask (${masked.numVars} vars, mask ${masked.maskVars}) differs from its shape (${ts.numVars}, ${ts.maskVars})`);
      }
      if (!masked && ts.maskVars !== null) throw new RangeError(`proveSumcheck: table ${j} must be a MaskedPoly (shape has a mask)`);
      if (values.length !== size && values.length !== 2 * size) throw new RangeError(`proveSumcheck: table ${j} has ${values.length} words for ${ts.numVars} variables`);
      return { ptr: K.put(values), isExt: values.length === 2 * size, numVars: ts.numVars, masked };
    });
    // A term's first eq factor is factored out of the round polynomial (factored.ts), one
    // EqState per distinct point; a further eq factor of the same term is an ordinary table.
    const eqStates = new Map<string, EqState>();
    const eqOf = (point: readonly Fp2[]): EqState => {
      let e = eqStates.get(keyOf(point));
      if (e === undefined) eqStates.set(keyOf(point), (e = new EqState(point, K, options.noEqDelta !== true)));
      return e;
    };
    const eqTables = new Map<string, TableState>();
    const stateOf = (f: Factor): TableState => {
      if (!isEqFactor(f)) return state[f.table];
      let t = eqTables.get(keyOf(f.eq));
      if (t === undefined) eqTables.set(keyOf(f.eq), (t = { ptr: K.eqTable(f.eq), isExt: true, numVars: f.eq.length, masked: null }));
      return t;
    };
    const plans: InstancePlan[] = shape.instances.map((inst) => planInstance(inst.terms, eqOf, stateOf));
    /** eq(ρ, r) once every variable of ρ is bound (the same for a factored and a table eq). */
    const eqValue = (point: readonly Fp2[]): Fp2 => eqStates.get(keyOf(point))?.prefix ?? K.readExt(eqTables.get(keyOf(point))!.ptr, 0);
    const maxTerms = Math.max(...shape.instances.map((i) => Math.max(...i.terms.map((t) => t.factors.length))));
    const maxDeg = Math.max(1, ...degrees);
    const desc = K.alloc(8 * maxTerms);
    const scratch = K.alloc((maxDeg + 1) * BLOCK * 16);

    // ---- head: claimed sum and the mask's sum
    const maskSum = mask ? mask.sum() : null;
    const rho = absorbProofHead(transcript, degrees, shape.claimedSum, maskSum);

    // per-instance running claims (null until known: computed in round 0 or at the start for n_i = 0)
    const claims: (Fp2 | null)[] = shape.instances.map(() => null);
    const point: Fp2[] = [];
    /** zPrefix[k] = Z(r_0..r_{k−1}) = Π_{j<k} r_j(1 − r_j), extended as challenges arrive. */
    const zPrefix: Fp2[] = [E.ONE];
    const finalValues: (Fp2 | null)[] = shape.tables.map(() => null);
    const finalOf = (j: number): Fp2 => {
      const s = state[j];
      const f = s.isExt ? K.readExt(s.ptr, 0) : E.fromBase(K.readBase(s.ptr, 0));
      return s.masked ? s.masked.masked(f, point.slice(0, s.numVars), zPrefix[s.numVars]) : f;
    };
    // tables with no variables have their final value now
    shape.tables.forEach((t, j) => {
      if (t.numVars === 0) finalValues[j] = finalOf(j);
    });
    const instanceValue = (i: number): Fp2 => {
      const inst = shape.instances[i];
      let acc: Fp2 = E.ZERO;
      for (const term of inst.terms) {
        let prod = term.coeff;
        for (const f of term.factors) {
          prod = E.mul(prod, isEqFactor(f) ? eqValue(f.eq) : finalValues[f.table]!);
        }
        acc = E.add(acc, prod);
      }
      return acc;
    };
    shape.instances.forEach((inst, i) => {
      if (inst.numVars === 0) claims[i] = instanceValue(i);
    });

    const rounds: Fp2[][] = [];
    for (let k = 0; k < n; k++) {
      const D = degrees[k];
      let total: Fp2[] = Array.from({ length: D + 1 }, () => E.ZERO);
      const active = new Map<number, Fp2[]>(); // instance → its values at 0..d this round
      shape.instances.forEach((inst, i) => {
        let evals: Fp2[];
        let scale: bigint;
        if (k >= inst.numVars) {
          // exhausted: contributes the constant 2^(n−k−1)·F_i(r)
          evals = [claims[i]!];
          scale = pow2(n - k - 1);
        } else {
          scale = pow2(n - inst.numVars);
          const D = instanceDegrees(shape, inst).normal;
          if (k === inst.numVars - 1) evals = lastRoundEvals(shape, i, k, point, zPrefix[k], stateOf, eqStates, K);
          else {
            const queuePlain = (terms: readonly Term[], skipOne: boolean) => queueRoundTerms(terms, k, inst.numVars, D, skipOne, stateOf, K, desc, scratch);
            evals = factoredRoundEvals(K, plans[i], k, inst.numVars, D, claims[i], { desc, scratch }, queuePlain);
          }
          active.set(i, evals);
        }
        // weighted before it is extended to the round's degree (fewer products; extension is linear)
        const w = E.mulBase(inst.weight, scale);
        const ext = extendEvals(E.eq(w, E.ONE) ? evals : evals.map((x) => E.mul(w, x)), D);
        total = total.map((x, t) => E.add(x, ext[t]));
      });
      if (k === 0 && options.unsafeAllowFalseClaim !== true) {
        // the honest prover refuses a false claim (the verifier would reject it anyway)
        if (!E.eq(E.add(total[0], total[1]), shape.claimedSum)) throw new RangeError('proveSumcheck: the claimed sum is not the sum of the batch');
      }
      const r = sendRound(total, k, mask ? { g: mask, rho } : null, point, zPrefix, rounds, transcript);
      // fold every table that still has variables
      const folding = [...state, ...eqTables.values()].filter((s) => s.numVars > k);
      K.foldTables(folding.map((table) => ({ table, pairs: 1 << (table.numVars - k - 1) })), r);
      for (const e of eqStates.values()) e.bind(k, r, K);
      shape.tables.forEach((t, j) => {
        if (t.numVars === k + 1) finalValues[j] = finalOf(j);
      });
      for (const [i, evals] of active) {
        claims[i] = k === shape.instances[i].numVars - 1 ? instanceValue(i) : interpolateAt(evals, r);
      }
    }

    const values = finalValues.map((v) => v!);
    const committed: EvalClaim[] = [];
    shape.tables.forEach((t, j) => {
      if (t.kind === 'committed') {
        const p = point.slice(0, t.numVars);
        state[j].masked?.noteReveal(p);
        committed.push({ table: j, point: p, value: values[j] });
      }
    });
    const maskValue = mask ? mask.openAt(point) : null;
    absorbTail(transcript, committed.map((c) => c.value), maskValue);
    return { proof: { maskSum, rounds, values: committed.map((c) => c.value), maskValue }, point, claims: committed, values };
  } finally {
    K.release(mark);
  }
}

/**
 * Queues one instance's terms (without a factored eq) for round k on the kernels, each into a
 * fresh output, and returns a reader of their summed values at 0..d after K.flush(); with
 * skipOne the value at 1 is not computed but derived from the claim given to the reader.
 */
function queueRoundTerms(
  terms: readonly Term[],
  k: number,
  ni: number,
  d: number,
  skipOne: boolean,
  stateOf: (f: Factor) => TableState,
  K: ReturnType<typeof sumcheckKernel>,
  desc: number,
  scratch: number,
): (claim: Fp2 | null) => Fp2[] {
  const nPairs = 1 << (ni - k - 1);
  const outs = terms.map((term) => {
    const fs = term.factors.map(stateOf).sort((a, b) => Number(a.isExt) - Number(b.isExt));
    const out = K.allocZero((d + 1) * 16);
    if (fs.length === 2 && d === 2) {
      K.roundProd2(fs[0].ptr, fs[0].isExt, fs[1].ptr, fs[1].isExt, nPairs, skipOne, out);
    } else if (fs.length === 3 && d <= 3 && d >= 1 && fs[1].isExt && fs[2].isExt) {
      K.roundProd3(fs[0].ptr, fs[0].isExt, fs[1].ptr, fs[2].ptr, nPairs, d, skipOne, out);
    } else {
      const dv = K.u32s(desc, 2 * fs.length);
      fs.forEach((s, j) => {
        dv[2 * j] = s.ptr;
        dv[2 * j + 1] = s.isExt ? 1 : 0;
      });
      K.roundTerm(desc, fs.length, 0, nPairs, d, skipOne, scratch, out);
    }
    return out;
  });
  return (claim) => {
    const acc: Fp2[] = Array.from({ length: d + 1 }, () => E.ZERO);
    terms.forEach((term, j) => {
      for (let t = 0; t <= d; t++) {
        if (skipOne && t === 1) continue;
        acc[t] = E.add(acc[t], E.mul(term.coeff, K.readExt(outs[j], t)));
      }
    });
    if (skipOne) acc[1] = E.sub(claim!, acc[0]);
    return acc;
  };
}

/**
 * Values at 0..D of an instance's round polynomial in its last round (every table has two
 * entries left), with the masks: a masked table contributes
 * f̂(r', t) = f(r', t) + Z(r')·t(1 − t)·R(r'_top, t).
 */
function lastRoundEvals(
  shape: BatchShape,
  i: number,
  k: number,
  point: readonly Fp2[],
  zPrefix: Fp2,
  stateOf: (f: Factor) => TableState,
  eqStates: ReadonlyMap<string, EqState>,
  K: ReturnType<typeof sumcheckKernel>,
): Fp2[] {
  const inst = shape.instances[i];
  const D = instanceDegrees(shape, inst).last;
  // a factored eq: eq(ρ, (r_{<k}, t)) = c_k·eq(ρ_k, t)
  const eqUnis = new Map<EqState, (t: number) => Fp2>();
  const eqUni = (e: EqState): ((t: number) => Fp2) => {
    let u = eqUnis.get(e);
    if (u === undefined) {
      const values = e.scaledLinearValues(k, e.prefix, D);
      eqUnis.set(e, (u = (t) => values[t]));
    }
    return u;
  };
  const factorUni = (f: Factor): ((t: number) => Fp2) => {
    const e = isEqFactor(f) ? eqStates.get(keyOf(f.eq)) : undefined;
    return e ? eqUni(e) : uni(stateOf(f));
  };
  const read = (s: TableState, idx: number): Fp2 => (s.isExt ? K.readExt(s.ptr, idx) : E.fromBase(K.readBase(s.ptr, idx)));
  const univariates = new Map<TableState, (t: number) => Fp2>();
  const uni = (s: TableState): ((t: number) => Fp2) => {
    let u = univariates.get(s);
    if (u) return u;
    const lo = read(s, 0);
    const diff = E.sub(read(s, 1), lo);
    const m = s.masked;
    if (m === null) {
      u = (t) => E.add(lo, E.mulBase(diff, BigInt(t)));
    } else {
      const R = extElements(m.mask);
      const bound = point.slice(s.numVars - m.maskVars, k);
      const rlo = mleEvalSmall(R, m.maskVars === 0 ? [] : [...bound, E.ZERO]);
      const rdiff = m.maskVars === 0 ? E.ZERO : E.sub(mleEvalSmall(R, [...bound, E.ONE]), rlo);
      u = (t) => {
        const zt = E.mulBase(zPrefix, F.fromBigInt(BigInt(t * (1 - t))));
        return E.add(E.add(lo, E.mulBase(diff, BigInt(t))), E.mul(zt, E.add(rlo, E.mulBase(rdiff, BigInt(t)))));
      };
    }
    univariates.set(s, u);
    return u;
  };
  // resolve every factor's univariate once (equal factors as one power)
  const terms = inst.terms.map((term) => {
    const exps = new Map<(t: number) => Fp2, number>();
    for (const f of term.factors) {
      const u = factorUni(f);
      exps.set(u, (exps.get(u) ?? 0) + 1);
    }
    return { coeff: term.coeff, powers: [...exps].map(([u, e]) => ({ u, e: BigInt(e) })) };
  });
  const out: Fp2[] = [];
  // per t: each univariate's value and powers once (the digest's output batch raises each S-box input in two terms)
  const at = new Map<(t: number) => Fp2, Map<bigint, Fp2>>();
  for (let t = 0; t <= D; t++) {
    at.clear();
    const power = (u: (t: number) => Fp2, e: bigint): Fp2 => {
      let powers = at.get(u);
      if (powers === undefined) at.set(u, (powers = new Map([[1n, u(t)]])));
      let v = powers.get(e);
      if (v === undefined) powers.set(e, (v = E.pow(powers.get(1n)!, e)));
      return v;
    };
    let acc: Fp2 = E.ZERO;
    for (const term of terms) {
      let prod = term.coeff;
      for (const { u, e } of term.powers) prod = E.mul(prod, power(u, e));
      acc = E.add(acc, prod);
    }
    out.push(acc);
  }
  return out;
}
