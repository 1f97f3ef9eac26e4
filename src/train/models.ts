// The trained example models, cached as ONNX under build/models/ (git-ignored). ensureModel
// trains a model when its file is missing or was written by an older training recipe, so tests
// and benchmarks just call it. Training is deterministic (seeded), so every machine gets the
// same model up to the platform's Math.exp/log. Node-only.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeOnnx, type WriteModel } from '../onnx/write.js';
import { modelCacheDir } from './paths.js';
import { GERMAN_CREDIT_FEATURES, loadGermanCredit } from './german-credit-data.js';
import { fitLogistic, logisticScore } from './logistic.js';
import { boostedScore, fitBoostedTrees } from './gbdt.js';
import { loadMnist, MNIST_CLASSES, MNIST_PIXELS } from './mnist-data.js';
import { initMlp, mlpAccuracy, trainMlp } from './mlp.js';
import { Prng } from './prng.js';
import { boostedTreesToOnnx, cnnToOnnx, logisticToOnnx, mlpToOnnx } from './export.js';
import { cnnAccuracy, initCnn, trainCnn } from './cnn.js';

export type ModelName = 'german-credit-logistic' | 'german-credit-gbdt' | 'mnist-mlp' | 'mnist-cnn';
export const MODEL_NAMES: readonly ModelName[] = ['german-credit-logistic', 'german-credit-gbdt', 'mnist-mlp', 'mnist-cnn'];

/** What training reports (kept beside the model as <name>.json). */
export interface TrainedInfo {
  readonly name: ModelName;
  /** Bumped whenever a recipe changes, so stale cached files are retrained. */
  readonly recipe: number;
  /** Accuracy of the float model on its evaluation set (training set for German Credit). */
  readonly accuracy: number;
  readonly evaluatedOn: string;
  readonly trainingMs: number;
}

interface Recipe {
  readonly version: number;
  train(): { model: WriteModel; accuracy: number; evaluatedOn: string };
}

/** Label 1 = good credit risk (the file's class 1), so "score ≥ threshold" reads as creditworthy. */
function goodLabels(labels: Uint8Array): Uint8Array {
  return labels.map((bad) => 1 - bad);
}

const RECIPES: Record<ModelName, Recipe> = {
  'german-credit-logistic': {
    version: 1,
    train() {
      const d = loadGermanCredit();
      const y = goodLabels(d.labels);
      const m = fitLogistic(d.features, y, d.cols, { iterations: 2000, learningRate: 0.5, l2: 1e-3 });
      let right = 0;
      for (let r = 0; r < d.rows; r++) if ((logisticScore(m, d.features, r * d.cols) > 0 ? 1 : 0) === y[r]) right++;
      return { model: logisticToOnnx(m, GERMAN_CREDIT_FEATURES, 'german-credit-logistic'), accuracy: right / d.rows, evaluatedOn: 'all 1000 applicants (training set)' };
    },
  },
  'german-credit-gbdt': {
    version: 1,
    train() {
      const d = loadGermanCredit();
      const y = goodLabels(d.labels);
      const m = fitBoostedTrees(d.features, y, d.cols, { rounds: 30, maxDepth: 3, learningRate: 0.3, minLeaf: 5 });
      let right = 0;
      for (let r = 0; r < d.rows; r++) if ((boostedScore(m, d.features, r * d.cols) > 0 ? 1 : 0) === y[r]) right++;
      return { model: boostedTreesToOnnx(m, GERMAN_CREDIT_FEATURES, 'german-credit-gbdt'), accuracy: right / d.rows, evaluatedOn: 'all 1000 applicants (training set)' };
    },
  },
  'mnist-mlp': {
    version: 1,
    train() {
      const { train, test } = loadMnist();
      const mlp = initMlp([MNIST_PIXELS, 128, MNIST_CLASSES], new Prng(1));
      for (let epoch = 0; epoch < 6; epoch++) {
        trainMlp(mlp, train.images, train.labels, {
          epochs: 1, batchSize: 32, learningRate: 0.05 * 0.7 ** epoch, momentum: 0.9, weightDecay: 1e-4, seed: 100 + epoch,
        });
      }
      return { model: mlpToOnnx(mlp, 'mnist-mlp'), accuracy: mlpAccuracy(mlp, test.images, test.labels), evaluatedOn: `${test.count} held-out digits` };
    },
  },
  'mnist-cnn': {
    version: 1,
    train() {
      const { train, test } = loadMnist();
      // 8 filters 4×4 stride 2 (28 → 13), ReLU, dense 1352 → 10.
      const cnn = initCnn(28, 8, 4, 2, MNIST_CLASSES, new Prng(2));
      for (let epoch = 0; epoch < 5; epoch++) {
        trainCnn(cnn, train.images, train.labels, {
          epochs: 1, batchSize: 32, learningRate: 0.05 * 0.7 ** epoch, momentum: 0.9, weightDecay: 1e-4, seed: 200 + epoch,
        });
      }
      return { model: cnnToOnnx(cnn, 'mnist-cnn'), accuracy: cnnAccuracy(cnn, test.images, test.labels), evaluatedOn: `${test.count} held-out digits` };
    },
  },
};

/** Trains the named model afresh (no cache) and returns its ONNX bytes and accuracy. */
export function trainModel(name: ModelName): { bytes: Uint8Array; accuracy: number } {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`trainModel: unknown model ${String(name)} (known: ${MODEL_NAMES.join(', ')})`);
  const { model, accuracy } = recipe.train();
  return { bytes: writeOnnx(model), accuracy };
}

export function modelPath(name: ModelName): string {
  return join(modelCacheDir(), `${name}.onnx`);
}

function infoPath(name: ModelName): string {
  return join(modelCacheDir(), `${name}.json`);
}

/** Reads the training report of a cached model, if it is current. */
export function trainedInfo(name: ModelName): TrainedInfo | undefined {
  const p = infoPath(name);
  if (!existsSync(p) || !existsSync(modelPath(name))) return undefined;
  const info = JSON.parse(readFileSync(p, 'utf8')) as TrainedInfo;
  return info.recipe === RECIPES[name].version ? info : undefined;
}

/**
 * The path of the named model's ONNX file, training it first when it is missing or stale.
 * Files are written to a temporary name and renamed, so parallel test processes never read a
 * half-written model (both may train; the results are identical).
 */
export function ensureModel(name: ModelName): string {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`ensureModel: unknown model ${String(name)} (known: ${MODEL_NAMES.join(', ')})`);
  if (trainedInfo(name) !== undefined) return modelPath(name);
  const t0 = performance.now();
  const { model, accuracy, evaluatedOn } = recipe.train();
  const trainingMs = performance.now() - t0;
  mkdirSync(modelCacheDir(), { recursive: true });
  const tmp = `.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(modelPath(name) + tmp, writeOnnx(model));
  renameSync(modelPath(name) + tmp, modelPath(name));
  const info: TrainedInfo = { name, recipe: recipe.version, accuracy, evaluatedOn, trainingMs: Math.round(trainingMs) };
  writeFileSync(infoPath(name) + tmp, JSON.stringify(info, null, 2) + '\n');
  renameSync(infoPath(name) + tmp, infoPath(name));
  return modelPath(name);
}
