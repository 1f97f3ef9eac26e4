// Random tree ensembles (random shapes up to depth 6, random node modes, thresholds on and off
// the input grid, random leaf weights) against onnxruntime: integer labels and scores must match
// up to leaf rounding. Inputs quantize exactly (scale pinned to 1/1024, inputs multiples of 1/8),
// so any difference is a bug in the layout, the threshold rounding or the aggregation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { attr, writeOnnx } from '../../src/onnx/write.js';
import { loadOnnx } from '../../src/onnx/load.js';
import { compileGraph, runCompiled } from '../../src/quant/compile.js';
import { Prng } from '../../src/train/prng.js';

interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<{ run(f: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number | bigint> }>> }> };
  Tensor: new (type: string, data: Float32Array, dims: readonly number[]) => unknown;
}
const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;

const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'];
const F = 4;
const N = 48;

/** `sparse`: each leaf weighs a random non-empty subset of the targets (onnxruntime then ranks only scored classes). */
function randomForest(rng: Prng, trees: number, targets: number, sparse = false) {
  const n = { tree: [] as number[], id: [] as number[], mode: [] as string[], feature: [] as number[], value: [] as number[], yes: [] as number[], no: [] as number[] };
  const w = { tree: [] as number[], node: [] as number[], id: [] as number[], weight: [] as number[] };
  for (let t = 0; t < trees; t++) {
    let next = 0;
    const grow = (depth: number): number => {
      const id = next++;
      const at = n.id.length;
      n.tree.push(t); n.id.push(id);
      if (depth >= 6 || (depth > 0 && rng.nextInt(3) === 0)) {
        n.mode.push('LEAF'); n.feature.push(0); n.value.push(0); n.yes.push(0); n.no.push(0);
        const first = rng.nextInt(targets);
        for (let k = 0; k < targets; k++) {
          if (sparse && k !== first && rng.nextInt(2) === 0) continue;
          // Sparse weights are negative, so an unscored class (0) would win if it were ranked.
          const v = rng.nextNormal();
          w.tree.push(t); w.node.push(id); w.id.push(k); w.weight.push(Math.fround(sparse ? -Math.abs(v) - 0.1 : v));
        }
        return id;
      }
      const grid = rng.nextInt(17) - 8;
      n.mode.push(MODES[rng.nextInt(MODES.length)]!);
      n.feature.push(rng.nextInt(F));
      n.value.push(Math.fround(rng.nextInt(2) === 0 ? grid / 8 : grid / 8 + 0.0625 * (rng.nextInt(2) * 2 - 1)));
      n.yes.push(0); n.no.push(0);
      const yes = grow(depth + 1);
      const no = grow(depth + 1);
      n.yes[at] = yes; n.no[at] = no;
      return id;
    };
    grow(0);
  }
  return {
    nodes_treeids: attr.ints(n.tree), nodes_nodeids: attr.ints(n.id), nodes_modes: attr.strings(n.mode), nodes_featureids: attr.ints(n.feature),
    nodes_values: attr.floats(n.value), nodes_truenodeids: attr.ints(n.yes), nodes_falsenodeids: attr.ints(n.no),
    w,
  };
}

test('random tree ensembles: integer = onnxruntime (regressors with every aggregate, 3-class classifiers, sparse class weights)', async () => {
  const rng = new Prng(2024);
  const x = new Float32Array(N * F);
  for (let i = 0; i < x.length; i++) x[i] = (rng.nextInt(17) - 8) / 8;
  const cal = Float64Array.from(x);
  cal[0] = 2047 / 1024; // pins the input scale to 1/1024
  for (let round = 0; round < 20; round++) {
    const classifier = round % 2 === 1;
    const sparse = classifier && round >= 12; // the last four classifiers weigh classes sparsely
    const targets = classifier ? 3 : 1 + rng.nextInt(2);
    const trees = 1 + rng.nextInt(6);
    const forest = randomForest(rng, trees, targets, sparse);
    const { w, ...nodes } = forest;
    const aggregate = ['SUM', 'AVERAGE', 'MIN', 'MAX'][round % 8 >> 1]!;
    const bytes = writeOnnx({
      inputs: [{ name: 'x', dtype: 'float32', dims: ['N', F] }],
      outputs: classifier
        ? [{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'y', dtype: 'float32', dims: ['N', targets] }]
        : [{ name: 'y', dtype: 'float32', dims: ['N', targets] }],
      nodes: [classifier
        ? {
          opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['label', 'y'],
          attrs: { ...nodes, class_treeids: attr.ints(w.tree), class_nodeids: attr.ints(w.node), class_ids: attr.ints(w.id), class_weights: attr.floats(w.weight),
            classlabels_int64s: attr.ints([3, 1, 2]), post_transform: attr.string('NONE') },
        }
        : {
          opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'],
          attrs: { ...nodes, target_treeids: attr.ints(w.tree), target_nodeids: attr.ints(w.node), target_ids: attr.ints(w.id), target_weights: attr.floats(w.weight),
            n_targets: attr.int(targets), aggregate_function: attr.string(aggregate) },
        }],
      opsets: { '': 13, 'ai.onnx.ml': 1 },
    });
    const session = await ort.InferenceSession.create(bytes);
    const ref = await session.run({ x: new ort.Tensor('float32', x, [N, F]) });
    const graph = loadOnnx(bytes, { dims: { N } });
    const ir = compileGraph(graph, { calibration: [{ x: { dtype: 'float32', dims: [N, F], data: cal } }] });
    const run = runCompiled(ir, { x: { dtype: 'float32', dims: [N, F], data: Float64Array.from(x) } });
    const what = `round ${round}: ${classifier ? `classifier${sparse ? ' (sparse)' : ''}` : `regressor ${aggregate}`}, ${trees} trees, ${targets} targets`;
    const y = run.outputs.get('y')!;
    const yRef = Array.from(ref.y!.data, Number);
    for (let i = 0; i < yRef.length; i++) assert.ok(Math.abs(y[i]! - yRef[i]!) < 1e-5, `${what}: y[${i}] = ${y[i]} vs ${yRef[i]}`);
    if (classifier) assert.deepEqual(Array.from(run.outputs.get('label')!), Array.from(ref.label!.data, Number), `${what}: labels`);
  }
});
