// GatherDynamic and TopK in whole-model proofs (src/verify/plan-dynamic.ts, plan-gather-dynamic.ts):
// a gather of public data by a computed index (LogUp lookup), a gather of a private weight and a
// GatherElements of the private input (Selector + MatMul), a row gather (inner > 1), TopK largest
// and smallest with ties. Complete with public and private weights; tampered outputs and randomly
// corrupted proofs are rejected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { planModel } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';

const big = (xs: readonly number[]): BigInt64Array => BigInt64Array.from(xs, (v) => BigInt(v));

/** idx = clip(x, 0, 7) (a computed index); y1 = pub[idx] (lookup), y2 = w[idx] (private weight), y3 = x[idx mod 4] (GatherElements). */
function gatherGraph(): IrGraph {
  const g = new GraphBuilder('gather-dynamic', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 6], scale: 1, lo: -50n, hi: 50n });
  const [idx] = g.add('Clip', ['x'], { lo: 0n, hi: 7n }, 'idx', 'clip');
  const pub = g.addConstant('pub', { dims: [8], data: big([5, -3, 9, 0, 12, -7, 4, 1]) }, 'public');
  const [y1] = g.add('GatherDynamic', [pub, idx], { axis: 0, elements: 0 }, 'lookup', 'gather');
  const w = g.addConstant('w', { dims: [8], data: big([-2, 6, 1, 3, -5, 8, 0, 7]) }, 'weight');
  const [y2] = g.add('GatherDynamic', [w, idx], { axis: 0, elements: 0 }, 'weights', 'gather');
  // GatherElements of the input by an index in [0, 5]
  const [small] = g.add('Clip', ['x'], { lo: 0n, hi: 5n }, 'small', 'clip');
  const [y3] = g.add('GatherDynamic', ['x', small], { axis: 1, elements: 1 }, 'elements', 'gather');
  // a row gather from a private [8, 3] table: out [6, 3]
  const rows = g.addConstant('rows', { dims: [8, 3], data: big(Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5)) }, 'weight');
  const [flat] = g.add('Reshape', [idx], { outDims: [6] }, 'flat', 'reshape');
  const [y4] = g.add('GatherDynamic', [rows, flat], { axis: 0, elements: 0 }, 'rows', 'gather');
  const [sum] = g.add('WeightedSum', [y1, y2, y3], { coeffs: [1n, 2n, -1n], offset: 0n }, 'sum', 'sum');
  g.addOutput({ name: sum, onnxName: 'sum', onnxDtype: 'float32', dims: [1, 6], scale: 1 });
  g.addOutput({ name: y4, onnxName: 'rows', onnxDtype: 'float32', dims: [6, 3], scale: 1 });
  return g.finish();
}

/** TopK largest (k = 3) and smallest (k = 2) of a vector with ties; their values summed, indices output. */
function topkGraph(): IrGraph {
  const g = new GraphBuilder('topk', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 7], scale: 1, lo: -100n, hi: 100n });
  const [v1, i1] = g.add('TopK', ['x'], { axis: 1, k: 3, largest: 1 }, 'top', 'topk');
  const [v2, i2] = g.add('TopK', ['x'], { axis: 1, k: 3, largest: 0 }, 'bottom', 'topk');
  const [sum] = g.add('WeightedSum', [v1, v2], { coeffs: [1n, 1n], offset: 0n }, 'sum', 'sum');
  const [isum] = g.add('WeightedSum', [i1, i2], { coeffs: [8n, 1n], offset: 0n }, 'isum', 'sum');
  g.addOutput({ name: sum, onnxName: 'sum', onnxDtype: 'float32', dims: [1, 3], scale: 1 });
  g.addOutput({ name: isum, onnxName: 'indices', onnxDtype: 'float32', dims: [1, 3], scale: 1 });
  return g.finish();
}

const gatherInputs = (): Map<string, IrTensor> => new Map([['x', { dims: [1, 6], data: big([3, -4, 7, 12, 0, 5]) }]]);
const topkInputs = (): Map<string, IrTensor> => new Map([['x', { dims: [1, 7], data: big([4, -9, 17, 4, 17, -9, 0]) }]]);

function roundTrip(graph: IrGraph, inputs: Map<string, IrTensor>, weights: 'public' | 'private') {
  const { pk, vk } = setup(graph, { weights });
  const { proof } = prove(pk, inputs, { context: 'dyn' });
  const res = verify(vk, proof, { context: 'dyn' });
  const expected = execute(graph, inputs);
  for (const o of graph.outputs) assert.deepEqual(res.outputs.get(o.onnxName), Array.from(expected.get(o.name)!.data, Number), `${graph.name} ${weights}: ${o.onnxName}`);
  return { vk, proof };
}

test('GatherDynamic: public-table lookups, private-weight and input gathers, a row gather prove and verify (public and private weights)', () => {
  const graph = gatherGraph();
  const plan = planModel(setup(graph, { weights: 'public' }).vk);
  // idx keys one lookup (pub); w (public here) by the same index, the input and the rows: selectors
  assert.equal(plan.lookups.filter((l) => l.node.op === 'GatherDynamic').length, 1, 'public data along one line: a lookup');
  assert.equal(plan.layers.filter((l) => l.kind === 'selector').length, 3, 'the second gather by idx, the input and the row gathers: selectors');
  for (const weights of ['public', 'private'] as const) roundTrip(graph, gatherInputs(), weights);
});

test('TopK: largest and smallest with ties (lower index first) prove and verify', () => {
  const expected = execute(topkGraph(), topkInputs());
  // ties: 17 at 2 and 4, −9 at 1 and 5
  assert.deepEqual([...expected.get(topkGraph().outputs[1].name)!.data], [2n * 8n + 1n, 4n * 8n + 5n, 0n * 8n + 6n]);
  roundTrip(topkGraph(), topkInputs(), 'public');
});

test('GatherDynamic and TopK: tampered outputs and randomly corrupted proofs are rejected', () => {
  for (const [graph, inputs] of [[gatherGraph(), gatherInputs()], [topkGraph(), topkInputs()]] as const) {
    const { vk, proof } = roundTrip(graph, inputs, 'public');
    const file = deserializeProofFile(proof);
    file.statement.outputs.forEach((o, which) => {
      if (o.kind !== 'public') return;
      const outputs = file.statement.outputs.map((p, i) => (i === which && p.kind === 'public' ? { ...p, values: p.values.map((v, j) => (j === 1 ? v + 1n : v)) } : p));
      const forged = serializeProofFile({ statement: { ...file.statement, outputs }, sections: file.sections });
      assert.throws(() => verify(vk, forged, { context: 'dyn' }), VerificationError, `${graph.name} output ${which}`);
    });
    for (let t = 0; t < 30; t++) {
      const bad = proof.slice();
      const at = Math.floor(Math.random() * bad.length);
      bad[at] ^= 1 << Math.floor(Math.random() * 8);
      assert.throws(() => verify(vk, bad, { context: 'dyn' }), (e: unknown) => e instanceof VerificationError || e instanceof FormatError, `${graph.name}: byte ${at}`);
    }
  }
});
