// A dense ReLU network (input → hidden ReLU layers → logits) trained by minibatch SGD with
// momentum on softmax cross-entropy. Plain Float32Array loops: training runs once and its
// result is cached as ONNX, so this is not a hot path of the prover.
import { Prng } from './prng.js';

/** One dense layer y = W·x + b with W stored row-major [out × in] (ONNX Gemm with transB = 1). */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

export interface Mlp {
  /** ReLU after every layer except the last. */
  readonly layers: readonly DenseLayer[];
}

export interface SgdOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  /** L2 weight decay, applied to weights only. */
  readonly weightDecay: number;
  readonly seed: number;
}

export function initMlp(sizes: readonly number[], rng: Prng): Mlp {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new RangeError(`initMlp: bad layer sizes ${JSON.stringify(sizes)}`);
  }
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l]!;
    const outputs = sizes[l + 1]!;
    // He initialisation keeps ReLU activations at a stable variance from layer to layer.
    const std = Math.sqrt(2 / inputs);
    const weights = new Float32Array(inputs * outputs);
    for (let i = 0; i < weights.length; i++) weights[i] = rng.nextNormal() * std;
    layers.push({ inputs, outputs, weights, bias: new Float32Array(outputs) });
  }
  return { layers };
}

/** Forward pass for one sample; returns the activations of every layer (post-ReLU, logits last). */
export function mlpForward(mlp: Mlp, x: Float32Array, xOffset = 0): Float32Array[] {
  const acts: Float32Array[] = [];
  let input = x;
  let offset = xOffset;
  mlp.layers.forEach((layer, l) => {
    const out = new Float32Array(layer.outputs);
    const last = l === mlp.layers.length - 1;
    for (let o = 0; o < layer.outputs; o++) {
      let s = layer.bias[o]!;
      const row = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) s += layer.weights[row + i]! * input[offset + i]!;
      out[o] = last || s > 0 ? s : 0;
    }
    acts.push(out);
    input = out;
    offset = 0;
  });
  return acts;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Trains in place. `images` is row-major [count × inputs]. Returns the final epoch's mean loss. */
export function trainMlp(mlp: Mlp, images: Float32Array, labels: Uint8Array, opts: SgdOptions): number {
  const count = labels.length;
  const first = mlp.layers[0]!;
  if (images.length !== count * first.inputs) throw new RangeError('trainMlp: images and labels disagree in count');
  const classes = mlp.layers[mlp.layers.length - 1]!.outputs;
  const rng = new Prng(opts.seed);
  const order = new Int32Array(count).map((_, i) => i);
  const gradW = mlp.layers.map((l) => new Float32Array(l.weights.length));
  const gradB = mlp.layers.map((l) => new Float32Array(l.bias.length));
  const velW = mlp.layers.map((l) => new Float32Array(l.weights.length));
  const velB = mlp.layers.map((l) => new Float32Array(l.bias.length));
  let lastLoss = NaN;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    rng.shuffle(order);
    let lossSum = 0;
    for (let start = 0; start < count; start += opts.batchSize) {
      const end = Math.min(count, start + opts.batchSize);
      gradW.forEach((g) => g.fill(0));
      gradB.forEach((g) => g.fill(0));
      for (let k = start; k < end; k++) {
        const idx = order[k]!;
        const xOff = idx * first.inputs;
        const acts = mlpForward(mlp, images, xOff);
        // softmax cross-entropy gradient on the logits
        const logits = acts[acts.length - 1]!;
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, logits[c]!);
        let z = 0;
        const delta = new Float32Array(classes);
        for (let c = 0; c < classes; c++) {
          delta[c] = Math.exp(logits[c]! - max);
          z += delta[c]!;
        }
        for (let c = 0; c < classes; c++) delta[c] = delta[c]! / z;
        lossSum += -Math.log(Math.max(delta[labels[idx]!]!, 1e-30));
        delta[labels[idx]!] = delta[labels[idx]!]! - 1;
        // backpropagate layer by layer
        let d: Float32Array = delta;
        for (let l = mlp.layers.length - 1; l >= 0; l--) {
          const layer = mlp.layers[l]!;
          const input = l === 0 ? images : acts[l - 1]!;
          const inOff = l === 0 ? xOff : 0;
          const gW = gradW[l]!;
          const gB = gradB[l]!;
          const dPrev = l > 0 ? new Float32Array(layer.inputs) : undefined;
          for (let o = 0; o < layer.outputs; o++) {
            const g = d[o]!;
            if (g === 0) continue;
            gB[o] = gB[o]! + g;
            const row = o * layer.inputs;
            for (let i = 0; i < layer.inputs; i++) {
              gW[row + i] = gW[row + i]! + g * input[inOff + i]!;
              if (dPrev !== undefined) dPrev[i] = dPrev[i]! + g * layer.weights[row + i]!;
            }
          }
          if (dPrev !== undefined) {
            const prevAct = acts[l - 1]!;
            for (let i = 0; i < layer.inputs; i++) if (prevAct[i]! <= 0) dPrev[i] = 0;
            d = dPrev;
          }
        }
      }
      const n = end - start;
      mlp.layers.forEach((layer, l) => {
        const w = layer.weights;
        const gW = gradW[l]!;
        const vW = velW[l]!;
        for (let i = 0; i < w.length; i++) {
          vW[i] = opts.momentum * vW[i]! - opts.learningRate * (gW[i]! / n + opts.weightDecay * w[i]!);
          w[i] = w[i]! + vW[i]!;
        }
        const b = layer.bias;
        const gB = gradB[l]!;
        const vB = velB[l]!;
        for (let i = 0; i < b.length; i++) {
          vB[i] = opts.momentum * vB[i]! - opts.learningRate * (gB[i]! / n);
          b[i] = b[i]! + vB[i]!;
        }
      });
    }
    lastLoss = lossSum / count;
  }
  return lastLoss;
}

/** Top-1 accuracy of the float network on a labelled set. */
export function mlpAccuracy(mlp: Mlp, images: Float32Array, labels: Uint8Array): number {
  const n = mlp.layers[0]!.inputs;
  let right = 0;
  for (let k = 0; k < labels.length; k++) {
    const acts = mlpForward(mlp, images, k * n);
    if (argmax(acts[acts.length - 1]!) === labels[k]) right++;
  }
  return right / labels.length;
}
