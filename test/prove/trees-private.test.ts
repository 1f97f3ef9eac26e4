// Tree ensembles with private parameters (the default): the shared sklearn decision tree,
// random forest and tree regressor prove and verify with thresholds, one-hot selectors, modes,
// leaves and base committed as views of V; a parameter changed after setup is rejected, a setup
// whose selector column is not one-hot is rejected by the link's booleanity or column-sum part,
// a private "=" mode by its zero check; random corruptions of a proof are rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VerificationError } from '../../src/encoding/errors.js';
import { execute } from '../../src/ir/execute.js';
import type { IrGraph, IrNode, IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { quantizeInputs } from '../../src/quant/compile.js';
import { verify } from '../../src/verify/verify.js';
import { skipReason } from '../onnx/testdata.js';
import { forEachCorruption, loadSharedCase } from './shared-case.js';

const MODELS = ['sklearn-SklearnBinDecisionTreeClassifier', 'sklearn-SklearnBinRandomForestClassifier', 'sklearn-SklearnRegDecisionTreeRegressor'];

interface TreeCase {
  readonly graph: IrGraph;
  readonly x: ReadonlyMap<string, IrTensor>;
  readonly tree: IrNode;
}

function treeCase(name: string): TreeCase {
  const c = loadSharedCase(name);
  assert.ok(c !== null, `${name} compiles`);
  const tree = c.graph.nodes.find((n) => n.op === 'MlTreeEnsemble');
  assert.ok(tree, `${name} has a tree ensemble`);
  return { graph: c.graph, x: quantizeInputs(c.graph, c.inputs).tensors, tree };
}

/** The graph with weight `name` replaced by `edit` of a copy of its data (and declared in `range`, if given). */
function withWeight(graph: IrGraph, name: string, edit: (data: BigInt64Array) => void, range?: readonly [bigint, bigint]): IrGraph {
  const t = graph.constants.get(name)!;
  const data = t.data.slice();
  edit(data);
  const values = range ? new Map([...graph.values, [name, { ...graph.values.get(name)!, lo: range[0], hi: range[1] }]]) : graph.values;
  return { ...graph, constants: new Map([...graph.constants, [name, { ...t, data }]]), values };
}

for (const name of MODELS) {
  test(`private trees: ${name} proves and verifies with every tree parameter private`, { skip: skipReason }, () => {
    const { graph, x, tree } = treeCase(name);
    const { pk, vk } = setup(graph);
    for (const w of tree.inputs.slice(1)) {
      assert.ok(vk.weights.includes(w), `${w} is a private weight`);
      assert.ok(!vk.publicConstants.has(w), `${w} is not in the verifying key`);
    }
    const { proof } = prove(pk, x, { context: name });
    const res = verify(vk, proof, { context: name });
    const o = graph.outputs[0];
    assert.deepEqual(res.outputs.get(o.onnxName), Array.from(execute(graph, x).get(o.name)!.data, (v) => Number(v) * o.scale));
  });
}

test('private trees: random corruptions of a random-forest proof are rejected', { skip: skipReason }, () => {
  const { graph, x } = treeCase('sklearn-SklearnBinRandomForestClassifier');
  const { pk, vk } = setup(graph);
  const { proof } = prove(pk, x);
  forEachCorruption(proof, (bad, pos) => assert.throws(() => verify(vk, bad), (e: unknown) => e instanceof Error && !(e instanceof TypeError), `byte ${pos}`));
});

test('private trees: a threshold, leaf, base, selector column or mode changed after setup is rejected', { skip: skipReason }, () => {
  const { graph, x, tree } = treeCase('sklearn-SklearnBinRandomForestClassifier');
  const { pk, vk } = setup(graph);
  const [selector, thresholds, modes, leaves, base] = tree.inputs.slice(1);
  const nodes = graph.constants.get(thresholds)!.data.length;
  const edits: [string, string, (d: BigInt64Array) => void][] = [
    ['threshold', thresholds, (d) => void (d[0] += 1n)],
    ['leaf', leaves, (d) => void (d[d.length - 1] += 1n)],
    ['base', base, (d) => void (d[0] += 1n)],
    // node 0 tests the other feature (the column's 1 moves to the other row)
    ['selector', selector, (d) => { const f = d[0] === 1n ? 0 : 1; d[f * nodes] = 0n; d[(1 - f) * nodes] = 1n; }],
    ['mode', modes, (d) => void (d[0] = 1n)],
  ];
  for (const [what, name, edit] of edits) {
    const changed = withWeight(graph, name, edit).constants.get(name)!;
    // the layers use the changed parameter, V the setup's: the opening of V refutes the layer's
    // claim (the claim reduction already refuses it while proving; had it not, the verifier's
    // opening check would reject). A changed mode makes the link's sum false as well.
    assert.throws(
      () => verify(vk, prove(pk, x, { unsafeTest: { layerWeights: new Map([[name, changed]]), falseTreeLink: what === 'mode' } }).proof),
      (e: unknown) => e instanceof VerificationError || /claimed sum/.test(String(e)),
      `a changed ${what} in the layers`,
    );
    // V holds the changed parameter and the digest proof claims the setup's fingerprint
    const forged = prove({ ...pk, weights: new Map([...pk.weights, [name, changed]]) }, x, { unsafeTest: { forgeFingerprint: true, falseTreeLink: what === 'mode' } });
    assert.throws(() => verify(vk, forged.proof), VerificationError, `a changed ${what} in V`);
  }
});

test('private trees: a selector column that is not one-hot is rejected (column sum 2; entries 2 and −1)', { skip: skipReason }, () => {
  const { graph, x, tree } = treeCase('sklearn-SklearnBinRandomForestClassifier');
  const [selector, thresholds] = tree.inputs.slice(1);
  const nodes = graph.constants.get(thresholds)!.data.length;
  // the control: the setup's own selector proves
  const good = setup(graph);
  verify(good.vk, prove(good.pk, x).proof);
  // column 0 over the two features: (1, 1) is boolean with sum 2 (the column-sum part); (2, −1)
  // sums to 1 but is not boolean (the booleanity part; a setup declaring the selector in [−1, 2],
  // which V's range check still admits: the proof must not rely on the declared range)
  for (const column of [[1n, 1n], [2n, -1n]]) {
    const bad = withWeight(graph, selector, (d) => { d[0] = column[0]; d[nodes] = column[1]; }, [-1n, 2n]);
    const { pk, vk } = setup(bad);
    assert.throws(() => prove(pk, x), /claimed sum/, 'the honest prover refuses the false link');
    const { proof } = prove(pk, x, { unsafeTest: { falseTreeLink: true } });
    assert.throws(() => verify(vk, proof), VerificationError, `column (${column.join(', ')})`);
  }
});

test('private trees: a private "=" mode is rejected by the modes zero check', { skip: skipReason }, () => {
  const { graph, x, tree } = treeCase('sklearn-SklearnBinRandomForestClassifier');
  const modes = tree.inputs[3];
  const bad = withWeight(graph, modes, (d) => void (d[d.length - 1] = 1n));
  const { pk, vk } = setup(bad);
  assert.throws(() => prove(pk, x), /claimed sum/, 'the honest prover refuses the false link');
  const { proof } = prove(pk, x, { unsafeTest: { falseTreeLink: true } });
  assert.throws(() => verify(vk, proof), VerificationError);
});
