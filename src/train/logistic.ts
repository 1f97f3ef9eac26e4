// Binary logistic regression on standardized features, fitted by full-batch gradient descent
// on the mean log-loss plus an L2 penalty. Deterministic: no randomness at all (zero start).

export interface Standardizer {
  /** Per-feature mean (the ONNX Scaler's `offset`). */
  readonly mean: Float64Array;
  /** Per-feature 1/std (the ONNX Scaler's `scale`); 1 for a constant feature. */
  readonly invStd: Float64Array;
}

export interface LogisticModel {
  readonly standardizer: Standardizer;
  /** Weights on the standardized features. */
  readonly weights: Float64Array;
  readonly intercept: number;
}

export interface LogisticOptions {
  readonly iterations: number;
  readonly learningRate: number;
  readonly l2: number;
}

export function fitStandardizer(features: Float64Array, rows: number, cols: number): Standardizer {
  if (features.length !== rows * cols) throw new RangeError('fitStandardizer: features is not rows × cols');
  const mean = new Float64Array(cols);
  const invStd = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += features[r * cols + c]!;
    const m = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (features[r * cols + c]! - m) ** 2;
    const std = Math.sqrt(v / rows);
    mean[c] = m;
    invStd[c] = std > 0 ? 1 / std : 1;
  }
  return { mean, invStd };
}

/** Rounds a value to the nearest float32: the exported ONNX holds float32 attributes. */
export const toF32 = Math.fround;

/**
 * Fits w, b minimising mean(logloss(σ(w·z + b), y)) + l2/2·|w|², z the standardized features,
 * y ∈ {0, 1}. The standardizer is rounded to float32 first so that the trained weights fit the
 * exact float32 transform the exported ONNX applies.
 */
export function fitLogistic(features: Float64Array, labels: Uint8Array, cols: number, opts: LogisticOptions): LogisticModel {
  const rows = labels.length;
  const raw = fitStandardizer(features, rows, cols);
  const standardizer: Standardizer = { mean: raw.mean.map(toF32), invStd: raw.invStd.map(toF32) };
  const z = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) z[r * cols + c] = (features[r * cols + c]! - standardizer.mean[c]!) * standardizer.invStd[c]!;
  }
  const w = new Float64Array(cols);
  let b = 0;
  const gw = new Float64Array(cols);
  for (let it = 0; it < opts.iterations; it++) {
    gw.fill(0);
    let gb = 0;
    for (let r = 0; r < rows; r++) {
      let s = b;
      for (let c = 0; c < cols; c++) s += w[c]! * z[r * cols + c]!;
      const err = sigmoid(s) - labels[r]!;
      gb += err;
      for (let c = 0; c < cols; c++) gw[c] = gw[c]! + err * z[r * cols + c]!;
    }
    for (let c = 0; c < cols; c++) w[c] = w[c]! - opts.learningRate * (gw[c]! / rows + opts.l2 * w[c]!);
    b -= opts.learningRate * (gb / rows);
  }
  return { standardizer, weights: w.map(toF32), intercept: toF32(b) };
}

export function sigmoid(s: number): number {
  return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
}

/** The raw score w·((x − mean)·invStd) + b, evaluated in float64. */
export function logisticScore(model: LogisticModel, x: ArrayLike<number>, offset = 0): number {
  const { mean, invStd } = model.standardizer;
  let s = model.intercept;
  for (let c = 0; c < model.weights.length; c++) s += model.weights[c]! * ((x[offset + c]! - mean[c]!) * invStd[c]!);
  return s;
}
