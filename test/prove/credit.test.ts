// The credit-scoring path end to end: the German Credit logistic regression (Scaler →
// LinearClassifier → sigmoid) and gradient-boosted trees (TreeEnsembleClassifier with a
// logistic transform), compiled with 16-bit features, reduced to the probability output, prove
// and verify with the output public, and with the output private and only
// `probabilities[1] >= t` proven; a false threshold has no proof and a raised one is rejected.
// With the applicant's features attested by an issuer (signed digest), the same predicate; the trees
// also with private weights (thresholds, feature selectors and leaves bound to the fingerprint).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VerificationError } from '../../src/encoding/errors.js';
import { execute } from '../../src/ir/execute.js';
import { selectOutputs } from '../../src/ir/select-outputs.js';
import type { IrGraph } from '../../src/ir/types.js';
import { FalsePredicateError, prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import type { ProvingKey } from '../../src/prove/keys.js';
import type { VerifyingKey } from '../../src/verify/vk.js';
import { compile, quantizeInputs } from '../../src/quant/compile.js';
import { germanCreditAvailable, germanCreditPath, loadGermanCredit } from '../../src/train/german-credit-data.js';
import { ensureModel, type ModelName } from '../../src/train/models.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import { issueAttestation } from '../../src/prove/attested.js';
import { ed25519 } from '@noble/curves/ed25519.js';

const skip = germanCreditAvailable() ? false : `German Credit data not found at ${germanCreditPath()}`;

/** Features of the German Credit data fit 16 bits (the largest, the credit amount, is 18424). */
export const CREDIT_FEATURE_RANGE = [-32768n, 32767n] as const;

export function creditGraph(name: ModelName): IrGraph {
  const path = ensureModel(name);
  return selectOutputs(compile(readFileSync(path), { file: path, inputRanges: { features: CREDIT_FEATURE_RANGE } }), ['probabilities']);
}

function applicant(graph: IrGraph, row: number) {
  const data = loadGermanCredit();
  const features = BigInt64Array.from(data.features.slice(row * data.cols, (row + 1) * data.cols), (v) => BigInt(v));
  return quantizeInputs(graph, { features: { dtype: 'int64', dims: [1, data.cols], data: features } }).tensors;
}

/**
 * With the score private: `probabilities[1] >= t` for a t the applicant meets proves and verifies
 * and reveals no output; a threshold above the score has no proof; raising the proven one is
 * rejected.
 */
function provesPrivateScore(graph: IrGraph, keys: { pk: ProvingKey; vk: VerifyingKey }, x: ReturnType<typeof applicant>): void {
  const { pk, vk } = keys;
  const out = graph.outputs[0];
  const p = Number(execute(graph, x).get(out.name)!.data[1]) * out.scale; // the applicant's P(good)
  const t = Math.floor(p * 100) / 100; // a threshold the applicant meets
  const { proof, statement } = prove(pk, x, { context: 'lender', predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: t }] });
  const res = verify(vk, proof, { context: 'lender' });
  assert.deepEqual(res.statement.outputs, statement.outputs);
  const st = res.statement.outputs[0];
  assert.ok(st.kind === 'predicate' && st.predicate.kind === 'atLeast' && Number(st.predicate.threshold) * out.scale >= t);
  assert.deepEqual(res.outputs.get('probabilities'), []);
  assert.throws(() => prove(pk, x, { predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: p + 0.01 }] }), FalsePredicateError);
  const file = deserializeProofFile(proof);
  const raised = serializeProofFile({ statement: { ...file.statement, outputs: [{ kind: 'predicate', predicate: { kind: 'atLeast', index: 1, threshold: BigInt(Math.ceil((p + 0.01) / out.scale)) } }] }, sections: file.sections });
  assert.throws(() => verify(vk, raised, { context: 'lender' }), VerificationError);
}

const MODELS: readonly [ModelName, string][] = [
  ['german-credit-logistic', 'logistic regression'],
  ['german-credit-gbdt', 'gradient-boosted trees'],
];

for (const [model, what] of MODELS) {
  test(`German Credit ${what}: public probabilities prove and verify`, { skip }, () => {
    const graph = creditGraph(model);
    const { pk, vk } = setup(graph, { weights: 'public' });
    const x = applicant(graph, 0);
    const expected = execute(graph, x).get(graph.outputs[0].name)!.data;
    const { proof } = prove(pk, x, { context: 'lender' });
    const res = verify(vk, proof, { context: 'lender' });
    assert.deepEqual(res.outputs.get('probabilities'), Array.from(expected, (v) => Number(v) * graph.outputs[0].scale));
  });

  test(`German Credit ${what}: private score, \`probabilities[1] >= t\` proven`, { skip }, () => {
    const graph = creditGraph(model);
    const out = graph.outputs[0];
    provesPrivateScore(graph, setup(graph, { weights: 'public', outputs: { [out.name]: 'private' } }), applicant(graph, 0));
  });
}

test('German Credit logistic regression: an issuer-attested applicant, `probabilities[1] >= t` proven', { skip }, () => {
  const graph = creditGraph('german-credit-logistic');
  const out = graph.outputs[0];
  const features = graph.inputs[0].name;
  // schema 1: the 20 German Credit attributes as integers, in the data set's order
  const { pk, vk } = setup(graph, { weights: 'public', inputs: { [features]: 'attested' }, schemas: { [features]: 1 }, outputs: { [out.name]: 'private' } });
  const x = applicant(graph, 0);
  const fields = Array.from(x.get(features)!.data, Number);
  const issuerKey = ed25519.utils.randomSecretKey();
  const issuerPublicKey = ed25519.getPublicKey(issuerKey);
  const att = issueAttestation(issuerKey, 1, fields);
  const p = Number(execute(graph, x).get(out.name)!.data[1]) * out.scale;
  const t = Math.floor(p * 100) / 100;
  const { proof } = prove(pk, x, { context: 'lender', attestedSalts: { [features]: att.salt }, predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: t }] });
  const res = verify(vk, proof, { context: 'lender', attestations: { [features]: { issuerPublicKey, signature: att.signature } } });
  assert.deepEqual(res.statement.attested, [att.digest]);
  const st = res.statement.outputs[0];
  assert.ok(st.kind === 'predicate' && st.predicate.kind === 'atLeast' && Number(st.predicate.threshold) * out.scale >= t);
  // the applicant's own proof for a better credit history than the issuer attested: its digest is not the signed one
  const better = new Map(x);
  const data = x.get(features)!.data.slice();
  data[0] = data[0] === 0n ? 1n : 0n;
  better.set(features, { dims: x.get(features)!.dims, data });
  const other = prove(pk, better, { context: 'lender', attestedSalts: { [features]: att.salt }, predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: 0 }] });
  assert.throws(() => verify(vk, other.proof, { context: 'lender', attestations: { [features]: { issuerPublicKey, signature: att.signature } } }), (e: unknown) => e instanceof VerificationError && e.check === 'statement/attestation');
});

test('German Credit logistic regression with private weights (the default): public probabilities, and a private score with `probabilities[1] >= t` proven', { skip }, () => {
  const graph = creditGraph('german-credit-logistic');
  const out = graph.outputs[0];
  const x = applicant(graph, 0);
  const expected = execute(graph, x).get(out.name)!.data;
  const pub = setup(graph);
  assert.ok(pub.vk.fingerprint.length === 1 && pub.vk.weights.length > 0, 'the coefficients are fingerprinted, not in the key');
  const open = verify(pub.vk, prove(pub.pk, x, { context: 'lender' }).proof, { context: 'lender' });
  assert.deepEqual(open.outputs.get('probabilities'), Array.from(expected, (v) => Number(v) * out.scale));
  provesPrivateScore(graph, setup(graph, { outputs: { [out.name]: 'private' } }), x);
});

test('German Credit gradient-boosted trees with private weights (the default): private score, `probabilities[1] >= t` proven; a changed threshold is rejected', { skip }, () => {
  const graph = creditGraph('german-credit-gbdt');
  const out = graph.outputs[0];
  const { pk, vk } = setup(graph, { outputs: { [out.name]: 'private' } });
  const tree = graph.nodes.find((n) => n.op === 'MlTreeEnsemble')!;
  // thresholds, the one-hot feature selector, modes, leaves and base are views of the fingerprinted V
  for (const w of tree.inputs.slice(1)) assert.ok(vk.weights.includes(w) && !vk.publicConstants.has(w), `${w} is private`);
  const x = applicant(graph, 0);
  const p = Number(execute(graph, x).get(out.name)!.data[1]) * out.scale;
  const t = Math.floor(p * 100) / 100;
  const predicates = [{ output: 'probabilities', kind: 'atLeast' as const, index: 1, value: t }];
  const { proof, statement } = prove(pk, x, { context: 'lender', predicates });
  const res = verify(vk, proof, { context: 'lender' });
  assert.deepEqual(res.statement.outputs, statement.outputs);
  assert.deepEqual(res.outputs.get('probabilities'), []);
  assert.throws(() => prove(pk, x, { predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: p + 0.01 }] }), FalsePredicateError);
  // the lender's model with one threshold moved after setup: the opening of V refutes the layers' claim
  const thresholds = tree.inputs[2];
  const moved = pk.weights.get(thresholds)!.data.slice();
  moved[0] += 1n;
  assert.throws(
    () => verify(vk, prove(pk, x, { context: 'lender', predicates, unsafeTest: { layerWeights: new Map([[thresholds, { dims: pk.weights.get(thresholds)!.dims, data: moved }]]) } }).proof, { context: 'lender' }),
    (e: unknown) => e instanceof VerificationError || /claimed sum/.test(String(e)),
  );
});
