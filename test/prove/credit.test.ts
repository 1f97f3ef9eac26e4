// The credit-scoring path end to end: the German Credit logistic regression (Scaler →
// LinearClassifier → sigmoid) and gradient-boosted trees (TreeEnsembleClassifier with a
// logistic transform), compiled with 16-bit features, reduced to the probability output, prove
// and verify with the output public, and with the output private and only
// `probabilities[1] >= t` proven; a false threshold has no proof and a raised one is rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VerificationError } from '../../src/encoding/errors.js';
import { execute } from '../../src/ir/execute.js';
import { selectOutputs } from '../../src/ir/select-outputs.js';
import type { IrGraph } from '../../src/ir/types.js';
import { FalsePredicateError, prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { compile, quantizeInputs } from '../../src/quant/compile.js';
import { germanCreditAvailable, germanCreditPath, loadGermanCredit } from '../../src/train/german-credit-data.js';
import { ensureModel, type ModelName } from '../../src/train/models.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';

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
    const { pk, vk } = setup(graph, { weights: 'public', outputs: { [out.name]: 'private' } });
    const x = applicant(graph, 0);
    const p = Number(execute(graph, x).get(out.name)!.data[1]) * out.scale; // the applicant's P(good)
    const t = Math.floor(p * 100) / 100; // a threshold the applicant meets
    const { proof, statement } = prove(pk, x, { context: 'lender', predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: t }] });
    const res = verify(vk, proof, { context: 'lender' });
    assert.deepEqual(res.statement.outputs, statement.outputs);
    const st = res.statement.outputs[0];
    assert.ok(st.kind === 'predicate' && st.predicate.kind === 'atLeast' && Number(st.predicate.threshold) * out.scale >= t);
    assert.deepEqual(res.outputs.get('probabilities'), []);
    // a threshold above the applicant's score has no proof; raising the proven one is rejected
    assert.throws(() => prove(pk, x, { predicates: [{ output: 'probabilities', kind: 'atLeast', index: 1, value: p + 0.01 }] }), FalsePredicateError);
    const file = deserializeProofFile(proof);
    const raised = serializeProofFile({ statement: { ...file.statement, outputs: [{ kind: 'predicate', predicate: { kind: 'atLeast', index: 1, threshold: BigInt(Math.ceil((p + 0.01) / out.scale)) } }] }, sections: file.sections });
    assert.throws(() => verify(vk, raised, { context: 'lender' }), VerificationError);
  });
}
