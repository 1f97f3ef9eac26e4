// Banked masks (src/sumcheck/mask-banks.ts, src/verify/plan-reveals.ts): a small private
// tensor read by more layers than its own size gets several independent masks, one per group
// of reveal sites. The model: x (1×2, int8, private: one variable, a mask of 2 entries) read
// by six WeightedSum layers and its range check (7 reveals: 4 banks of 2), their sum public.
import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { quantizeInputs } from '../../src/quant/compile.js';
import { VerifierSession } from '../../src/sumcheck/session.js';
import { planModel, UnsupportedModelError } from '../../src/verify/plan.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import type { VerifyingKey } from '../../src/verify/vk.js';
import { forEachCorruption, loadSharedCase } from './shared-case.js';
import { skipReason } from '../onnx/testdata.js';

const READERS = 6;

function fanOut(): IrGraph {
  const g = new GraphBuilder('fan-out', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 2], scale: 0.05, lo: -128n, hi: 127n });
  const parts = Array.from({ length: READERS }, (_, i) => g.add('WeightedSum', ['x'], { coeffs: [BigInt(i + 1)], offset: BigInt(i) }, `scale${i}`, 'sum', [0.05])[0]);
  const [y] = g.add('WeightedSum', parts, { coeffs: parts.map((_, i) => BigInt(2 * i - 5)), offset: 0n }, 'total', 'sum', [0.05]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 2], scale: 0.05 });
  return g.finish();
}

const input = (a: bigint, b: bigint): Map<string, IrTensor> => new Map([['x', { dims: [1, 2], data: BigInt64Array.from([a, b]) }]]);

test('banks: a 2-entry input read by 6 layers and its range check gets 4 masks of 2 entries; proves and verifies', () => {
  const graph = fanOut();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const plan = planModel(vk);
  assert.equal(plan.refs.get('x')!.maskVars, 1);
  assert.equal(plan.banks.get('x'), 2, 'x: 7 reveals in banks of 2 → 4 banks');
  // sites per bank: the LogUp and the first reader share bank 0, then two readers per bank
  const readers = plan.layers.flatMap((l, i) => (l.kind === 'wsum' && l.tensors.includes('x') ? [plan.layerBanks[i].get('x') ?? 0] : []));
  const perBank = [1, 0, 0, 0];
  for (const b of readers) perBank[b]++;
  assert.deepEqual(perBank, [2, 2, 2, 1]);
  // the committed mask vectors hold every bank
  const ref = plan.refs.get('x')!;
  assert.equal(plan.c0Sizes[ref.r[0]], 8);
  const { proof, outputs } = prove(pk, input(-128n, 77n));
  const res = verify(vk, proof);
  assert.deepEqual(res.outputs.get('y'), Array.from(outputs.get(graph.outputs[0].name)!.data, (v) => Number(v) * 0.05));
});

/** The claims the verifier adds against commitment 0 whose first term is x's vector. */
function claimsOnX(vk: VerifyingKey, proof: Uint8Array): LinearClaim[] {
  const plan = planModel(vk);
  const f = plan.refs.get('x')!.f[0];
  const out: LinearClaim[] = [];
  const original = VerifierSession.prototype.claim;
  VerifierSession.prototype.claim = function (this: VerifierSession<unknown, unknown>, commitment: number, c: LinearClaim): void {
    const first = c.terms[0];
    if (commitment === 0 && 'point' in first && first.poly === f) out.push(c);
    original.call(this, commitment, c);
  };
  try {
    verify(vk, proof);
  } finally {
    VerifierSession.prototype.claim = original;
  }
  return out;
}

/** Rank over F_p2 of the given rows (Gaussian elimination). */
function rank(rows: Fp2[][]): number {
  const m = rows.map((r) => r.slice());
  let rk = 0;
  for (let col = 0; col < (m[0]?.length ?? 0) && rk < m.length; col++) {
    const p = m.findIndex((r, i) => i >= rk && !E.eq(r[col], E.ZERO));
    if (p < 0) continue;
    [m[rk], m[p]] = [m[p], m[rk]];
    const inv = E.inv(m[rk][col]);
    for (let i = 0; i < m.length; i++) {
      if (i === rk || E.eq(m[i][col], E.ZERO)) continue;
      const f = E.mul(m[i][col], inv);
      m[i] = m[i].map((x, j) => E.sub(x, E.mul(f, m[rk][j])));
    }
    rk++;
  }
  return rk;
}

/** eq(point, i) for every index i of 2^point.length entries. */
function eqRow(point: readonly Fp2[]): Fp2[] {
  let t: Fp2[] = [E.ONE];
  for (const r of point) t = [...t.map((x) => E.mul(x, E.sub(E.ONE, r))), ...t.map((x) => E.mul(x, r))];
  return t;
}

test('banks: zero knowledge — the masks of the 7 reveals of x are linearly independent (jointly uniform values)', () => {
  const { pk, vk } = setup(fanOut(), { weights: 'public' });
  const plan = planModel(vk);
  const ref = plan.refs.get('x')!;
  const claims = claimsOnX(vk, prove(pk, input(3n, -9n)).proof);
  assert.equal(claims.length, READERS + 1, 'x is revealed once per reader and once by its range check');
  // each revealed value is x(r) + Σ (mask functional)·R: the rows of the mask functionals over
  // R's c0 and c1 entries must be independent, or a combination of the values is unmasked
  const rows = claims.map((c) => {
    const row: Fp2[] = [];
    for (const poly of ref.r) {
      const term = c.terms.find((t) => 'poly' in t && t.poly === poly);
      assert.ok(term && 'point' in term, 'each reveal has a mask term on R');
      row.push(...eqRow(term.point).map((e) => E.mul(e, term.coeff)));
    }
    return row;
  });
  assert.equal(rank(rows), READERS + 1);
  // control: the same functionals with every bank coordinate dropped (one 2-entry mask) have rank 2
  const single = claims.map((c) => ref.r.flatMap((poly) => {
    const term = c.terms.find((t) => 'poly' in t && t.poly === poly)!;
    return 'point' in term ? eqRow(term.point.slice(0, ref.maskVars)).map((e) => E.mul(e, term.coeff)) : [];
  }));
  assert.equal(rank(single), 2, 'one mask of 2 entries could hide only 2 of the 7 reveals');
});

test('banks: the opening binds each reveal to its bank — a verifier reading another bank rejects', () => {
  const { pk, vk } = setup(fanOut(), { weights: 'public' });
  const plan = planModel(vk);
  const ref = plan.refs.get('x')!;
  const { proof } = prove(pk, input(1n, 2n));
  verify(vk, proof);
  // the reveals of x in banks 1..3 checked against bank 0 (their bank coordinates zeroed)
  const original = VerifierSession.prototype.claim;
  let rewritten = 0;
  VerifierSession.prototype.claim = function (this: VerifierSession<unknown, unknown>, commitment: number, c: LinearClaim): void {
    const terms = c.terms.map((t) => {
      if (commitment !== 0 || !('poly' in t) || !ref.r.includes(t.poly) || !('point' in t)) return t;
      const bank = t.point.slice(ref.maskVars);
      if (bank.every((b) => E.eq(b, E.ZERO))) return t;
      rewritten++;
      return { ...t, point: [...t.point.slice(0, ref.maskVars), ...bank.map(() => E.ZERO)] };
    });
    original.call(this, commitment, { ...c, terms });
  };
  try {
    assert.throws(() => verify(vk, proof), VerificationError);
  } finally {
    VerifierSession.prototype.claim = original;
  }
  assert.ok(rewritten >= 2, `${rewritten} mask terms rewritten`);
});

test('banks: random single-byte corruptions of a banked proof are rejected, none crash', () => {
  const { pk, vk } = setup(fanOut(), { weights: 'public' });
  const { proof } = prove(pk, input(-5n, 6n));
  const file = deserializeProofFile(proof);
  const out = file.statement.outputs[0];
  assert.ok(out.kind === 'public');
  const values = out.values.slice();
  values[1] += 1n;
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values }] } })), VerificationError);
  forEachCorruption(proof, (c, pos) => assert.throws(() => verify(vk, c), (e: unknown) => e instanceof VerificationError || e instanceof FormatError, `byte ${pos}`));
});

test('banks: the shared models refused for reveal counts before (tiny inputs and scores read by many layers) prove and verify', { skip: skipReason }, () => {
  const models = ['ezkl-1l_gelu_tanh_appx', 'sklearn-SklearnBinDecisionTreeClassifier', 'sklearn-SklearnBinGradientBoostingClassifier', 'sklearn-SklearnBinRandomForestClassifier', 'sklearn-SklearnLinearSVCBinary-NoProb'];
  for (const m of models) {
    const c = loadSharedCase(m);
    assert.ok(c !== null, `${m}: the case compiles`);
    const { graph, inputs } = c;
    const { pk, vk } = setup(graph, { weights: 'public' });
    assert.ok(planModel(vk).banks.size > 0, `${m}: a banked tensor`);
    const { tensors } = quantizeInputs(graph, inputs);
    const { proof } = prove(pk, tensors, { context: m });
    const res = verify(vk, proof, { context: m });
    const expected = execute(graph, tensors);
    for (const o of graph.outputs) assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, (v) => Number(v) * o.scale), `${m}: ${o.onnxName}`);
  }
});

test('banks: a private parameter read by more layers than its mask hides is refused clearly (banks cover committed tensors only)', () => {
  const g = new GraphBuilder('shared-weight', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 2], scale: 0.05, lo: -128n, hi: 127n });
  const c = g.addConstant('C', { dims: [1, 2], data: BigInt64Array.from([5n, -7n]) }, 'weight', 0.05, -127n, 127n);
  const parts = [0, 1, 2].map((i) => g.add('WeightedSum', ['x', c], { coeffs: [BigInt(i + 1), 1n], offset: 0n }, `use${i}`, 'sum', [0.05])[0]);
  const [y] = g.add('WeightedSum', parts, { coeffs: [1n, 1n, 1n], offset: 0n }, 'total', 'sum', [0.05]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 2], scale: 0.05 });
  const graph = g.finish();
  assert.throws(() => planModel(setup(graph).vk), (e: unknown) => e instanceof UnsupportedModelError && /read by 3 layers/.test(e.message));
  // with public weights C is the verifier's table and x (read 4 times, 2 entries) is banked
  const { pk, vk } = setup(graph, { weights: 'public' });
  assert.equal(planModel(vk).banks.get('x'), 1);
  verify(vk, prove(pk, input(9n, -9n)).proof);
});
