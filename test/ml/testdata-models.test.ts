// Integer vs float (onnxruntime's reference outputs) on the ai.onnx.ml cases of
// ../shared/testdata/models, at the default precision. Labels must agree on every set; float
// outputs within a tolerance that follows from the quantization (documented per case below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOnnx } from '../../src/onnx/load.js';
import type { Graph } from '../../src/onnx/graph.js';
import { haveModels, MODELS_DIR, modelBytes, runCase } from './cases.js';
import { softmaxTolerance } from './tolerances.js';

const skip = haveModels ? false : `test data not found at ${MODELS_DIR}`;

function mlNode(graph: Graph, opType: string) {
  const n = graph.nodes.find((x) => x.opType === opType && x.domain === 'ai.onnx.ml');
  if (!n) throw new Error(`no ${opType} node`);
  return n;
}

function floats(graph: Graph, opType: string, key: string): number[] {
  const a = mlNode(graph, opType).attrs[key];
  if (!a || a.kind !== 'floats') throw new Error(`${opType} has no float list ${key}`);
  return [...a.value];
}

/**
 * A linear map of inputs quantized at step s_x moves by at most Σ_j max_t |c_tj| · s_x / 2
 * (input rounding); weight rounding at 24 bits adds < 1e-6 relative. Allow 5% on top.
 */
function linearTolerance(name: string, opType: string, inputScale: number, features: number): number {
  const coef = floats(loadOnnx(modelBytes(name)), opType, 'coefficients');
  const perFeature = new Array<number>(features).fill(0);
  coef.forEach((c, i) => { perFeature[i % features] = Math.max(perFeature[i % features]!, Math.abs(c)); });
  return 1.05 * perFeature.reduce((a, b) => a + b, 0) * inputScale / 2 + 1e-9;
}

interface Expectation {
  /** Allowed max |integer − reference| per float output. */
  tolerance: (run: ReturnType<typeof runCase>) => Record<string, number>;
}

const CASES: Record<string, Expectation> = {
  // Classifiers whose reference holds labels only (ZipMap outputs are maps).
  'sklearn-SklearnBinDecisionTreeClassifier': { tolerance: () => ({}) },
  'sklearn-SklearnBinGradientBoostingClassifier': { tolerance: () => ({}) },
  'sklearn-SklearnBinRandomForestClassifier': { tolerance: () => ({}) },
  'sklearn-SklearnLogitisticRegressionBinary': { tolerance: () => ({}) },
  'sklearn-SklearnLogitisticRegressionMulti': { tolerance: () => ({}) },
  'sklearn-SklearnSGDClassifierBinary-NoProb-Dec4': { tolerance: () => ({}) },
  // Raw decision scores of a linear SVM (ArrayFeatureExtractor of column 1).
  'sklearn-SklearnLinearSVCBinary-NoProb': {
    tolerance: (r) => ({ probabilities: linearTolerance('sklearn-SklearnLinearSVCBinary-NoProb', 'LinearClassifier', r.graph.inputs[0]!.scale, 3) }),
  },
  'sklearn-SklearnLinearRegression-Dec4': {
    tolerance: (r) => ({ variable: linearTolerance('sklearn-SklearnLinearRegression-Dec4', 'LinearRegressor', r.graph.inputs[0]!.scale, 4) }),
  },
  'sklearn-SklearnRidge-Dec4': {
    tolerance: (r) => ({ variable: linearTolerance('sklearn-SklearnRidge-Dec4', 'LinearRegressor', r.graph.inputs[0]!.scale, 4) }),
  },
  // Scalers: input rounding times the largest scale, plus two output steps (2·range/2^23).
  'sklearn-SklearnMinMaxScaler': {
    tolerance: (r) => ({ variable: 1.05 * 1 * r.graph.inputs[0]!.scale / 2 + 1e-6 }),
  },
  'sklearn-SklearnStandardScalerFloat32': {
    tolerance: (r) => ({ variable: 1.05 * 2 * r.graph.inputs[0]!.scale / 2 + 1e-6 }),
  },
  // Regression tree: no input is near a threshold, so the leaf is the float one and only the
  // leaf rounding ((trees + 1) · s_leaf / 2, s_leaf = 100 / (2^31 − 1)) separates the values.
  'sklearn-SklearnRegDecisionTreeRegressor': { tolerance: () => ({ variable: 2 * 100 / (2 ** 31 - 1) }) },
  // XGBoost, 3 classes, SOFTMAX: the exp table bound of tolerances.ts (≈ 0.8% at 12 bits).
  'tract-xgboost_classifier_tree': { tolerance: (r) => ({ probabilities: softmaxTolerance(r.graph.bits) }) },
};

for (const [name, exp] of Object.entries(CASES)) {
  test(`${name}: integer labels equal onnxruntime's on every set, floats within the quantization bound`, { skip }, () => {
    const run = runCase(name);
    const tol = exp.tolerance(run);
    assert.ok(run.outputs.length > 0, 'nothing compared');
    for (const o of run.outputs) {
      if (o.kind === 'label') {
        assert.equal(o.mismatches, 0, `${o.output}: ${o.mismatches} of ${run.sets} sets disagree`);
      } else {
        const t = tol[o.output];
        assert.ok(t !== undefined, `no tolerance declared for ${o.output}`);
        assert.ok(o.maxAbsErr <= t, `${o.output}: max |err| ${o.maxAbsErr} > tolerance ${t} (reference max ${o.refMax})`);
      }
    }
  });
}
