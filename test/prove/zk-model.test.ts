// Model-level zero-knowledge tests (ZK-NOTES.md "Tests that catch leaks", issue 6).
//
// The model: x (1×4, int8 in [−128, 127], private) · W (4×3, public) + b (public) → Requant
// (per-column multipliers, clamp to [−127, 127]) → y (public). The bias is so large that every
// output clamps to 127 for every input, so the public statement is the same for all 256
// candidates of the varying feature x[0]; x[1..3] are fixed and treated as known to the attacker.
//
// 1. Brute force. The verifier is run on a real proof with its session's `claim` spied on, so
//    we get every claim (tensor, challenge point, revealed value) against commitment 0, which
//    holds every private tensor of the model (x, the MatMul accumulator, the requant helper
//    columns; masked). For each of the 256 candidates x[0] = c we rerun the witness and compute
//    the UNMASKED evaluation f_c(point) of every committed tensor at every claim point, and
//    assert that it appears nowhere in the proof bytes (as 16 consecutive bytes c0‖c1) and
//    differs from every revealed claim value. Control: the same proof made with the RNG replaced
//    by zeros (all masks, salts and padding zero — an unmasked prover; verification still
//    passes) singles out the true candidate (with at most 3 neighbours that share a coarse
//    column such as the requant quotient), and a second such proof repeats every commitment
//    root (the control of the reuse check). So the check can fail, and does on an
//    unmasked prover.
//    NOT checked by brute force: the round polynomials (an unmasked prover's rounds would need
//    the sumcheck rerun per candidate), and the claims against the range-check commitments
//    (multiplicities, inverse columns); those are covered only by the distribution test.
// 2. Distribution. Two inputs (x[0] = 5 and x[0] = −100) with the same public output, N proofs
//    each (N = 6 by default, 60 under ZKINFER_FULL). Every revealed field-element word (layer
//    sumchecks, merged range sumcheck, every claim reduction's sumcheck (G, rounds, L̂(s), g(s)),
//    every opening's μ and combined rows, every opened column value pooled per row) is checked per
//    position: all 2N samples distinct (a low-entropy or input-determined value repeats), the
//    number of one-bits in the high and low halves within 8 standard deviations of uniform, and
//    the one-bit counts of the A and B samples within 8 standard deviations of each other (a
//    per-test false-positive rate below 1e-14). NOT checked: a value that is an unmasked
//    function of private data at a fresh random point also looks uniform per position, so this
//    test catches low-entropy reveals (clear witness entries, small integers, repeated values),
//    not every leak; brute force covers the evaluations.
// 3. Reuse (in the distribution test, to save proving time): the 2N ≥ 12 proofs over the same
//    weights share no commitment root. The weights are public here (the brute force needs a
//    public model); test/prove/private-weights.test.ts runs the reuse check with private
//    weights. NOT checked: the per-polynomial reveal count against its mask (MaskedPoly
//    enforces it in the prover; not observable from outside).
// 4. Context: a proof made under one context is rejected under another and under the default.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/encoding/bytes.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import { REQUANT_COLUMNS, requantColumns } from '../../src/layers/requant.js';
import { paddedTable } from '../../src/layers/tensor.js';
import { evaluate } from '../../src/poly/mle.js';
import { graphOf, type ProvingKey } from '../../src/prove/keys.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { SECTION } from '../../src/verify/container.js';
import { planModel, type ModelPlan } from '../../src/verify/plan.js';
import { deserializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import type { VerifyingKey } from '../../src/verify/vk.js';
import { candidateHits, commitmentRoots, fp2Hex, verifyRecording, windows16, withZeroRandomness } from './zk-scaffold.js';

const FULL = process.env.ZKINFER_FULL !== undefined;
const FIXED = [17n, -42n, 99n]; // x[1..3], known to the attacker

function model(): IrGraph {
  const g = new GraphBuilder('zk-tiny', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 4], scale: 0.05, lo: -128n, hi: 127n });
  const w = g.addConstant('W', { dims: [4, 3], data: BigInt64Array.from([3n, -7n, 11n, 5n, 13n, -2n, -9n, 4n, 6n, 8n, -1n, 12n]) }, 'weight', 0.01, -127n, 127n);
  const b = g.addConstant('b', { dims: [3], data: BigInt64Array.from([100000n, 120000n, 90000n]) }, 'weight', 0.0005, -(2n ** 31n), 2n ** 31n - 1n);
  const [acc] = g.add('MatMul', ['x', w, b], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 3, biasMode: 1, outDims: [1, 3] }, 'gemm', 'mm');
  const [y] = g.add('Requant', [acc], { mults: [1234n, 2345n, 3456n], shift: 16, inner: 1, lo: -127n, hi: 127n }, 'gemm', 'rq', [0.1]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 3], scale: 0.1 });
  return g.finish();
}

function inputOf(x0: bigint): Map<string, IrTensor> {
  return new Map([['x', { dims: [1, 4], data: BigInt64Array.from([x0, ...FIXED]) }]]);
}

/** Every committed tensor's values for an input, as the prover computes them (prove.ts). */
function witness(pk: ProvingKey, plan: ModelPlan, inputs: Map<string, IrTensor>): Map<string, IrTensor> {
  const values = new Map(execute(graphOf(pk), inputs));
  for (const l of plan.layers) {
    if (l.kind !== 'requant') continue;
    const cols = requantColumns(l.params, values.get(l.tensors.x)!.data);
    for (const c of REQUANT_COLUMNS) values.set(l.tensors.cols[c], { dims: l.params.dims, data: cols[c] });
  }
  return values;
}

/**
 * The candidates x[0] ∈ [−128, 127] whose unmasked evaluations match something the proof
 * reveals, and how many (candidate, claim) evaluations were compared.
 */
function singledOut(pk: ProvingKey, vk: VerifyingKey, proof: Uint8Array): { hits: bigint[]; constantHits: number; compared: number; claims: number } {
  const plan = planModel(vk);
  const { claims } = verifyRecording(vk, proof);
  const byVector = new Map<number, { name: string; dims: readonly number[] }>();
  for (const t of plan.committed) {
    const ref = plan.refs.get(t.name)!;
    assert.equal(ref.f.length, 1, `${t.name}: base-field tensor expected`);
    byVector.set(ref.f[0], { name: t.name, dims: t.dims });
  }
  // the reveals of private tensors: claims on commitment 0 whose first term is a tensor's f
  const reveals = claims.flatMap(({ commitment, claim }) => {
    if (commitment !== 0) return [];
    const first = claim.terms[0];
    if (!('point' in first)) return []; // a round mask g (dense functional): random, not data
    const t = byVector.get(first.poly);
    return t === undefined ? [] : [{ tensor: t, point: first.point, value: fp2Hex(claim.value) }];
  });
  assert.ok(reveals.length >= plan.committed.length, `every committed tensor is revealed at least once (${reveals.length} reveals)`);
  const revealed = new Set(reveals.map((r) => r.value));
  // unmasked[c][j]: the candidate c's unmasked evaluation for reveal j
  const unmasked: string[][] = [];
  for (let c = -128n; c <= 127n; c++) {
    const values = witness(pk, plan, inputOf(c));
    unmasked.push(reveals.map((r) => fp2Hex(evaluate(paddedTable(values.get(r.tensor.name)!.data, r.tensor.dims), r.point))));
  }
  const found = candidateHits(unmasked, revealed, windows16(proof));
  const hits = found.hits.map((i) => BigInt(i) - 128n);
  const { constantHits, compared } = found;
  return { hits, constantHits, compared, claims: reveals.length };
}

test('zk model: brute force over 256 private inputs singles out none; an unmasked prover is caught', () => {
  const graph = model();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const secret = -93n;
  // the statement is the same for every candidate (all outputs clamp)
  const plan = planModel(vk);
  const outs = new Set(Array.from({ length: 256 }, (_, i) => witness(pk, plan, inputOf(BigInt(i) - 128n)).get(graph.outputs[0].name)!.data.join(',')));
  assert.equal(outs.size, 1, 'the public output does not depend on x[0]');

  const runs = FULL ? 8 : 1;
  for (let i = 0; i < runs; i++) {
    const { proof } = prove(pk, inputOf(secret));
    const { hits, constantHits, compared, claims } = singledOut(pk, vk, proof);
    assert.deepEqual(hits, [], `masked proof: candidates singled out: ${hits.join(', ')}`);
    assert.equal(constantHits, 0, 'no unmasked evaluation of an input-independent private tensor appears');
    if (i === 0) console.log(`# brute force: ${claims} private reveals × 256 candidates = ${compared} unmasked evaluations, none revealed`);
  }

  // control: the same prover with every random value zero reveals f(r) in clear
  const { proof: unmasked } = withZeroRandomness(() => prove(pk, inputOf(secret)));
  verify(vk, unmasked);
  const control = singledOut(pk, vk, unmasked);
  // (a coarse column, e.g. a quotient, may match a few neighbours of the secret as well)
  assert.ok(control.hits.includes(secret) && control.hits.length <= 4, `the unmasked prover narrows the input down to [${control.hits.join(', ')}]`);
  assert.ok(control.constantHits > 0, 'and its input-independent reveals appear in clear too');
  // control of the reuse check: without fresh randomness, the same input gives the same roots
  const again = withZeroRandomness(() => prove(pk, inputOf(secret))).proof;
  assert.deepEqual(commitmentRoots(again), commitmentRoots(unmasked), 'a deterministic prover repeats its roots');
});

/** The words of one proof, keyed by position; opened column values pooled per (opening, row). */
function revealedWords(vk: VerifyingKey, proof: Uint8Array): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  const add = (key: string, w: bigint): void => {
    const l = out.get(key);
    if (l) l.push(w);
    else out.set(key, [w]);
  };
  const file = deserializeProofFile(proof);
  const layers = new ByteReader(file.sections.get(SECTION.layers)!);
  for (let i = 0; i < planModel(vk).layers.length; i++) {
    const body = layers.blob(1 << 28);
    assert.equal(body.length % 16, 0, 'a layer proof is F_p2 elements only');
    const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    for (let j = 0; j < body.length; j += 8) add(`layer${i}/${j}`, dv.getBigUint64(j, true));
  }
  layers.end();
  const ranges = file.sections.get(SECTION.ranges)!;
  assert.equal(ranges.length % 16, 0, 'the range proof is F_p2 elements only');
  const rv = new DataView(ranges.buffer, ranges.byteOffset, ranges.byteLength);
  for (let j = 0; j < ranges.length; j += 8) add(`ranges/${j}`, rv.getBigUint64(j, true));
  const { openings } = verifyRecording(vk, proof);
  openings.forEach((reduced, i) => {
    // the claim reduction's sumcheck: G, rounds, L̂(s), g(s)
    const sc = reduced.sumcheck;
    [sc.maskSum!, ...sc.rounds.flat(), ...sc.values, sc.maskValue!].forEach((x, j) => {
      add(`reduce${i}/${j}/c0`, x[0]);
      add(`reduce${i}/${j}/c1`, x[1]);
    });
    const o = reduced.base;
    add(`open${i}/mu0`, o.maskSum[0]);
    add(`open${i}/mu1`, o.maskSum[1]);
    o.rows.forEach((row, k) => row.forEach((w, j) => add(`open${i}/row${k}/${j}`, w)));
    // column indices differ between proofs: pool every opened column's symbol per row
    for (const c of o.columns) c.values.forEach((w, row) => add(`open${i}/col/row${row}`, w));
  });
  return out;
}

function ones(w: bigint, from: number): number {
  let x = Number((w >> BigInt(from)) & 0xffffffffn);
  let n = 0;
  while (x !== 0) {
    n += x & 1;
    x >>>= 1;
  }
  return n;
}

/** Failures of the per-position checks (empty when every position looks uniform and alike). */
function distributionFailures(a: Map<string, bigint[]>, b: Map<string, bigint[]>): string[] {
  const failures: string[] = [];
  const SIGMAS = 8;
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), 'the same revealed positions for both inputs');
  for (const [key, xa] of a) {
    const xb = b.get(key)!;
    const all = [...xa, ...xb];
    if (new Set(all).size !== all.length) failures.push(`${key}: a value repeats`);
    // one-bits in each 32-bit half: Binomial(32·n, 1/2) under uniformity
    for (const from of [0, 32]) {
      const n = 32 * all.length;
      const count = all.reduce((s, w) => s + ones(w, from), 0);
      if (Math.abs(count - n / 2) > SIGMAS * Math.sqrt(n / 4)) failures.push(`${key}: ${count} one-bits of ${n} in bits ${from}..${from + 31}`);
    }
    // two-sample: A's and B's one-bit counts over all 64 bits
    const ca = xa.reduce((s, w) => s + ones(w, 0) + ones(w, 32), 0);
    const cb = xb.reduce((s, w) => s + ones(w, 0) + ones(w, 32), 0);
    const sd = Math.sqrt((64 * xa.length + 64 * xb.length) / 4);
    if (Math.abs(ca / xa.length - cb / xb.length) * Math.min(xa.length, xb.length) > SIGMAS * sd) failures.push(`${key}: one-bits ${ca} (A) vs ${cb} (B)`);
  }
  return failures;
}

function merge(into: Map<string, bigint[]>, from: Map<string, bigint[]>): void {
  for (const [k, v] of from) {
    const l = into.get(k);
    if (l) l.push(...v);
    else into.set(k, [...v]);
  }
}

test('zk model: every revealed field element is uniform and independent of the private input; no commitment root repeats', () => {
  const graph = model();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const N = FULL ? 60 : 6;
  const roots: string[] = [];
  const collect = (x0: bigint): Map<string, bigint[]> => {
    const m = new Map<string, bigint[]>();
    for (let i = 0; i < N; i++) {
      const proof = prove(pk, inputOf(x0)).proof;
      roots.push(...commitmentRoots(proof));
      merge(m, revealedWords(vk, proof));
    }
    return m;
  };
  const a = collect(5n);
  const b = collect(-100n);
  const failures = distributionFailures(a, b);
  console.log(`# distribution: ${a.size} positions × ${N} proofs per input, ${failures.length} failures`);
  assert.deepEqual(failures, []);

  // control: the checks flag clear witness data (the input itself as if revealed) at once
  const clearA = new Map([['x', Array.from({ length: N }, () => 5n)]]);
  const clearB = new Map([['x', Array.from({ length: N }, () => -100n + 18446744069414584321n)]]);
  assert.ok(distributionFailures(clearA, clearB).length > 0, 'the checks catch a value in clear');

  // reuse: the 2N proofs over the same weights share no commitment root
  assert.ok(roots.length >= 2 * N);
  assert.equal(new Set(roots).size, roots.length, 'every commitment root is fresh');
});

test('zk model: a proof is bound to its context', () => {
  const { pk, vk } = setup(model(), { weights: 'public' });
  const { proof } = prove(pk, inputOf(7n), { context: 'verifier A' });
  verify(vk, proof, { context: 'verifier A' });
  for (const other of ['verifier B', '', 'verifier A ']) {
    assert.throws(() => verify(vk, proof, { context: other }), (e: unknown) => e instanceof VerificationError && e.check === 'statement/context', `context ${JSON.stringify(other)}`);
  }
});
