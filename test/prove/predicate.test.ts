// Private outputs proven through public predicates (atLeast, atMost, argmax, labelIn) on a small model:
// each kind proves and verifies; a false predicate has no proof; a proof's predicate changed in
// the statement (threshold, index, kind, label set) is rejected, as is a slack tampered in the
// layer section; the verifier reports the predicate, never the output.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import { execute } from '../../src/ir/execute.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrTensor } from '../../src/ir/types.js';
import { FalsePredicateError, prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { SECTION } from '../../src/verify/container.js';
import { compilePredicate, describePredicate, parsePredicate, type PredicateSpec } from '../../src/verify/predicate-spec.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import type { Predicate } from '../../src/verify/statement.js';
import { verify } from '../../src/verify/verify.js';
import { tinyGraph } from './fixture.js';

const graph = tinyGraph();
const out = graph.outputs[0];
const keys = setup(graph, { weights: 'public', outputs: { [out.name]: 'private' } });
const x: Map<string, IrTensor> = new Map([['x', { dims: [1, 4], data: BigInt64Array.from([100n, -50n, 20n, 7n]) }]]);
const y = execute(graph, x).get(out.name)!.data;

function rejects(proof: Uint8Array, what: string): void {
  assert.throws(() => verify(keys.vk, proof), (e: unknown) => e instanceof VerificationError, what);
}

function withPredicate(proof: Uint8Array, predicate: Predicate): Uint8Array {
  const file = deserializeProofFile(proof);
  return serializeProofFile({ statement: { ...file.statement, outputs: [{ kind: 'predicate', predicate }] }, sections: file.sections });
}

test('predicates: y[i] >= t, argmax and label sets prove and verify; the output stays private', () => {
  const argmax = y.indexOf(y.reduce((m, v) => (v > m ? v : m)));
  const specs: PredicateSpec[] = [
    { output: 'y', kind: 'atLeast', index: 1, value: Number(y[1]) * out.scale }, // equality holds
    { output: 'y', kind: 'atLeast', index: 2, value: -1e9 }, // below every value: clamped, holds
    { output: 'y', kind: 'atMost', index: 1, value: Number(y[1]) * out.scale }, // equality holds
    { output: 'y', kind: 'atMost', index: 2, value: 1e9 }, // above every value: clamped, holds
    { output: 'y', kind: 'argmax', label: argmax },
    { output: 'y', kind: 'labelIn', index: 0, values: [Number(y[0]) * out.scale, 0.5, -3] },
  ];
  for (const spec of specs) {
    const r = prove(keys.pk, x, { predicates: [spec] });
    const res = verify(keys.vk, r.proof);
    const o = res.statement.outputs[0];
    assert.equal(o.kind, 'predicate');
    assert.deepEqual(o.kind === 'predicate' ? o.predicate : null, compilePredicate(spec, keys.vk.outputs[0]));
    assert.deepEqual(res.outputs.get('y'), [], 'a private output is not reported');
    assert.ok(describePredicate(compilePredicate(spec, keys.vk.outputs[0]), keys.vk.outputs[0]).length > 0);
  }
});

test('predicates: a false predicate has no proof; a changed predicate in the statement is rejected', () => {
  const above = Number(y[1] + 1n) * out.scale;
  assert.throws(() => prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'atLeast', index: 1, value: above }] }), FalsePredicateError);
  const wrongArgmax = (y.indexOf(y.reduce((m, v) => (v > m ? v : m))) + 1) % 3;
  assert.throws(() => prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'argmax', label: wrongArgmax }] }), FalsePredicateError);
  assert.throws(() => prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'labelIn', index: 0, values: [Number(y[0] + 1n) * out.scale] }] }), FalsePredicateError);
  assert.throws(() => prove(keys.pk, x), /give a predicate/);

  const t = y[1];
  const good = prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'atLeast', index: 1, value: Number(t) * out.scale }] }).proof;
  verify(keys.vk, good);
  rejects(withPredicate(good, { kind: 'atLeast', index: 1, threshold: t + 1n }), 'threshold raised by one (false)');
  rejects(withPredicate(good, { kind: 'atLeast', index: 1, threshold: t - 1n }), 'threshold lowered (true, but not what was proven)');
  rejects(withPredicate(good, { kind: 'atLeast', index: 0, threshold: t }), 'another index');
  rejects(withPredicate(good, { kind: 'labelIn', index: 1, labels: [t] }), 'another kind');
  rejects(withPredicate(good, { kind: 'atMost', index: 1, threshold: t }), 'atLeast read as atMost (true here: y[1] = t)');

  assert.throws(() => prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'atMost', index: 1, value: Number(t - 1n) * out.scale }] }), FalsePredicateError);
  const le = prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'atMost', index: 1, value: Number(t) * out.scale }] }).proof;
  verify(keys.vk, le);
  rejects(withPredicate(le, { kind: 'atMost', index: 1, threshold: t - 1n }), 'upper threshold lowered by one (false)');
  rejects(withPredicate(le, { kind: 'atMost', index: 1, threshold: t + 1n }), 'upper threshold raised (true, but not what was proven)');
  rejects(withPredicate(le, { kind: 'atMost', index: 0, threshold: t }), 'atMost on another index');
  rejects(withPredicate(le, { kind: 'atLeast', index: 1, threshold: t }), 'atMost read as atLeast (true here: y[1] = t)');

  // the verifier's policy: a valid proof of another (weaker) predicate than the one required
  const weaker = prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'atLeast', index: 1, value: Number(t - 5n) * out.scale }] }).proof;
  const policy: PredicateSpec[] = [{ output: 'y', kind: 'atLeast', index: 1, value: Number(t) * out.scale }];
  verify(keys.vk, weaker);
  verify(keys.vk, good, { predicates: policy });
  assert.throws(() => verify(keys.vk, weaker, { predicates: policy }), (e: unknown) => e instanceof VerificationError && e.check === 'statement/predicate' && /requires y\[1\] >=/.test(e.message));
  assert.throws(() => verify(keys.vk, le, { predicates: policy }), (e: unknown) => e instanceof VerificationError && e.check === 'statement/predicate');
  const am = prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'argmax', label: y.indexOf(y.reduce((m, v) => (v > m ? v : m))) }] }).proof;
  verify(keys.vk, am);
  rejects(withPredicate(am, { kind: 'argmax', label: wrongArgmax }), 'another argmax label');
  const li = prove(keys.pk, x, { predicates: [{ output: 'y', kind: 'labelIn', index: 0, values: [Number(y[0]) * out.scale, 1] }] }).proof;
  verify(keys.vk, li);
  rejects(withPredicate(li, { kind: 'labelIn', index: 0, labels: [y[0] + 1n, 10n] }), 'another label set');

  // the predicate layer is the first blob of the layers section: flip a byte inside it
  const file = deserializeProofFile(good);
  const layers = new Uint8Array(file.sections.get(SECTION.layers)!);
  layers[40] ^= 1;
  rejects(serializeProofFile({ statement: file.statement, sections: new Map([...file.sections, [SECTION.layers, layers]]) }), 'predicate sumcheck tampered');
});

test('predicates: argmax ties resolve to the first index, and the proof enforces it', () => {
  // columns 0 and 1 of W are equal and column 2 is their negation: y = [v, v, −v], v > 0
  const g = new GraphBuilder('tie', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 2], scale: 0.05, lo: -127n, hi: 127n });
  const w = g.addConstant('W', { dims: [2, 3], data: BigInt64Array.from([3n, 3n, -3n, 5n, 5n, -5n]) }, 'weight', 0.01, -127n, 127n);
  const [acc] = g.add('MatMul', ['x', w], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 2, n: 3, biasMode: 0, outDims: [1, 3] }, 'gemm', 'mm');
  const [q] = g.add('Requant', [acc], { mults: [1000n], shift: 12, inner: 1, lo: -127n, hi: 127n }, 'gemm', 'rq', [0.1]);
  g.addOutput({ name: q, onnxName: 'y', onnxDtype: 'float32', dims: [1, 3], scale: 0.1 });
  const tie = g.finish();
  const k = setup(tie, { weights: 'public', outputs: { [q]: 'private' } });
  const xs: Map<string, IrTensor> = new Map([['x', { dims: [1, 2], data: BigInt64Array.from([40n, 30n]) }]]);
  const v = execute(tie, xs).get(q)!.data;
  assert.ok(v[0] === v[1] && v[0] > v[2], `expected a tie at the top, got [${v}]`);
  const proof = prove(k.pk, xs, { predicates: [{ output: 'y', kind: 'argmax', label: 0 }] }).proof;
  verify(k.vk, proof);
  assert.throws(() => prove(k.pk, xs, { predicates: [{ output: 'y', kind: 'argmax', label: 1 }] }), FalsePredicateError);
  const file = deserializeProofFile(proof);
  const forged = serializeProofFile({ statement: { ...file.statement, outputs: [{ kind: 'predicate', predicate: { kind: 'argmax', label: 1 } }] }, sections: file.sections });
  assert.throws(() => verify(k.vk, forged), VerificationError);
});

test('predicates: expressions parse, and thresholds compile so that no false statement is accepted', () => {
  assert.deepEqual(parsePredicate('probabilities[1] >= 0.7'), { output: 'probabilities', kind: 'atLeast', index: 1, value: 0.7 });
  assert.deepEqual(parsePredicate('score >= -2.5e1'), { output: 'score', kind: 'atLeast', index: 0, value: -25 });
  assert.deepEqual(parsePredicate('birth_days <= -6575'), { output: 'birth_days', kind: 'atMost', index: 0, value: -6575 });
  assert.deepEqual(parsePredicate('argmax(logits) == 3'), { output: 'logits', kind: 'argmax', label: 3 });
  assert.deepEqual(parsePredicate('label[0] in {1, 2,5}'), { output: 'label', kind: 'labelIn', index: 0, values: [1, 2, 5] });
  assert.throws(() => parsePredicate('score > 3'), /expected/);
  const o = keys.vk.outputs[0]; // scale 0.1
  const p = compilePredicate({ output: 'y', kind: 'atLeast', index: 0, value: 0.25 }, o);
  assert.deepEqual(p, { kind: 'atLeast', index: 0, threshold: 3n });
  assert.match(describePredicate(p, o), /y\[0\] >= 0\.3/);
  const q = compilePredicate({ output: 'y', kind: 'atMost', index: 0, value: 0.25 }, o);
  assert.deepEqual(q, { kind: 'atMost', index: 0, threshold: 2n });
  assert.match(describePredicate(q, o), /y\[0\] <= 0\.2/);
  assert.deepEqual(compilePredicate({ output: 'y', kind: 'atMost', index: 0, value: -0.25 }, o), { kind: 'atMost', index: 0, threshold: -3n });
  assert.throws(() => compilePredicate({ output: 'y', kind: 'labelIn', index: 0, values: [0.25] }, o), /not a value/);
  assert.throws(() => compilePredicate({ output: 'y', kind: 'atLeast', index: 3, value: 0 }, o), /outside/);
});
