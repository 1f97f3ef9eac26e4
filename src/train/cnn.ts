// A small CNN for 28×28 digits: Conv(1 → C, k×k, stride s, no padding) → ReLU → Flatten →
// Dense(C·H·W → classes). Trained like the MLP (minibatch SGD with momentum, softmax
// cross-entropy); plain Float32Array loops, run once and cached as ONNX.
import { Prng } from './prng.js';
import type { SgdOptions } from './mlp.js';

export interface Cnn {
  readonly side: number;
  readonly channels: number;
  readonly kernel: number;
  readonly stride: number;
  /** Output side (side − kernel) / stride + 1. */
  readonly outSide: number;
  readonly classes: number;
  /** [channels, 1, kernel, kernel] (ONNX Conv weight layout). */
  readonly convW: Float32Array;
  readonly convB: Float32Array;
  /** [classes, channels·outSide²] over the NCHW flattening (ONNX Flatten order). */
  readonly denseW: Float32Array;
  readonly denseB: Float32Array;
}

export function initCnn(side: number, channels: number, kernel: number, stride: number, classes: number, rng: Prng): Cnn {
  if ((side - kernel) % stride !== 0) throw new RangeError(`initCnn: (side ${side} − kernel ${kernel}) is not a multiple of stride ${stride}`);
  const outSide = (side - kernel) / stride + 1;
  const flat = channels * outSide * outSide;
  const convW = new Float32Array(channels * kernel * kernel);
  const convStd = Math.sqrt(2 / (kernel * kernel));
  for (let i = 0; i < convW.length; i++) convW[i] = rng.nextNormal() * convStd;
  const denseW = new Float32Array(classes * flat);
  const denseStd = Math.sqrt(2 / flat);
  for (let i = 0; i < denseW.length; i++) denseW[i] = rng.nextNormal() * denseStd;
  return { side, channels, kernel, stride, outSide, classes, convW, convB: new Float32Array(channels), denseW, denseB: new Float32Array(classes) };
}

/** Post-ReLU feature map (flattened NCHW) and logits for one image at `offset`. */
export function cnnForward(m: Cnn, images: Float32Array, offset: number): { act: Float32Array; logits: Float32Array } {
  const { side, channels, kernel, stride, outSide, classes } = m;
  const flat = channels * outSide * outSide;
  const act = new Float32Array(flat);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outSide; y++) {
      for (let x = 0; x < outSide; x++) {
        let s = m.convB[c]!;
        for (let ky = 0; ky < kernel; ky++) {
          const row = offset + (y * stride + ky) * side + x * stride;
          const wRow = (c * kernel + ky) * kernel;
          for (let kx = 0; kx < kernel; kx++) s += m.convW[wRow + kx]! * images[row + kx]!;
        }
        act[(c * outSide + y) * outSide + x] = s > 0 ? s : 0;
      }
    }
  }
  const logits = new Float32Array(classes);
  for (let o = 0; o < classes; o++) {
    let s = m.denseB[o]!;
    const row = o * flat;
    for (let i = 0; i < flat; i++) s += m.denseW[row + i]! * act[i]!;
    logits[o] = s;
  }
  return { act, logits };
}

/** Trains in place on row-major [count × side²] images; returns the mean loss of the last epoch. */
export function trainCnn(m: Cnn, images: Float32Array, labels: Uint8Array, opts: SgdOptions): number {
  const { side, channels, kernel, stride, outSide, classes } = m;
  const pixels = side * side;
  const flat = channels * outSide * outSide;
  const count = labels.length;
  if (images.length !== count * pixels) throw new RangeError('trainCnn: images and labels disagree in count');
  const rng = new Prng(opts.seed);
  const order = new Int32Array(count).map((_, i) => i);
  const params = [m.convW, m.convB, m.denseW, m.denseB];
  const grads = params.map((p) => new Float32Array(p.length));
  const vels = params.map((p) => new Float32Array(p.length));
  const [gConvW, gConvB, gDenseW, gDenseB] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
  let lastLoss = NaN;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    rng.shuffle(order);
    let lossSum = 0;
    for (let start = 0; start < count; start += opts.batchSize) {
      const end = Math.min(count, start + opts.batchSize);
      grads.forEach((g) => g.fill(0));
      for (let k = start; k < end; k++) {
        const idx = order[k]!;
        const off = idx * pixels;
        const { act, logits } = cnnForward(m, images, off);
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, logits[c]!);
        const delta = new Float32Array(classes);
        let z = 0;
        for (let c = 0; c < classes; c++) { delta[c] = Math.exp(logits[c]! - max); z += delta[c]!; }
        for (let c = 0; c < classes; c++) delta[c] = delta[c]! / z;
        lossSum += -Math.log(Math.max(delta[labels[idx]!]!, 1e-30));
        delta[labels[idx]!] = delta[labels[idx]!]! - 1;
        const dAct = new Float32Array(flat);
        for (let o = 0; o < classes; o++) {
          const g = delta[o]!;
          gDenseB[o] = gDenseB[o]! + g;
          const row = o * flat;
          for (let i = 0; i < flat; i++) {
            gDenseW[row + i] = gDenseW[row + i]! + g * act[i]!;
            dAct[i] = dAct[i]! + g * m.denseW[row + i]!;
          }
        }
        for (let c = 0; c < channels; c++) {
          for (let y = 0; y < outSide; y++) {
            for (let x = 0; x < outSide; x++) {
              const a = (c * outSide + y) * outSide + x;
              if (act[a]! <= 0) continue;
              const g = dAct[a]!;
              gConvB[c] = gConvB[c]! + g;
              for (let ky = 0; ky < kernel; ky++) {
                const row = off + (y * stride + ky) * side + x * stride;
                const wRow = (c * kernel + ky) * kernel;
                for (let kx = 0; kx < kernel; kx++) gConvW[wRow + kx] = gConvW[wRow + kx]! + g * images[row + kx]!;
              }
            }
          }
        }
      }
      const n = end - start;
      params.forEach((p, pi) => {
        const g = grads[pi]!;
        const v = vels[pi]!;
        const decay = pi === 0 || pi === 2 ? opts.weightDecay : 0;
        for (let i = 0; i < p.length; i++) {
          v[i] = opts.momentum * v[i]! - opts.learningRate * (g[i]! / n + decay * p[i]!);
          p[i] = p[i]! + v[i]!;
        }
      });
    }
    lastLoss = lossSum / count;
  }
  return lastLoss;
}

export function cnnAccuracy(m: Cnn, images: Float32Array, labels: Uint8Array): number {
  let right = 0;
  for (let k = 0; k < labels.length; k++) {
    const { logits } = cnnForward(m, images, k * m.side * m.side);
    let best = 0;
    for (let c = 1; c < m.classes; c++) if (logits[c]! > logits[best]!) best = c;
    if (best === labels[k]) right++;
  }
  return right / labels.length;
}
