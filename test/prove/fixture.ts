// A tiny compiled graph for key and format tests: x (1×4, int8) · W (4×3, int8) + b (int32),
// requantized by private per-channel multipliers.
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrGraph } from '../../src/ir/types.js';

export function tinyGraph(weights: readonly number[] = [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 12]): IrGraph {
  const g = new GraphBuilder('tiny', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 4], scale: 0.05, lo: -127n, hi: 127n });
  const w = g.addConstant('W', { dims: [4, 3], data: BigInt64Array.from(weights.map(BigInt)) }, 'weight', 0.01, -127n, 127n);
  const b = g.addConstant('b', { dims: [3], data: BigInt64Array.from([100n, -200n, 300n]) }, 'weight', 0.0005, -(2n ** 31n), 2n ** 31n - 1n);
  const [acc] = g.add('MatMul', ['x', w, b], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 3, biasMode: 1, outDims: [1, 3] }, 'gemm', 'mm');
  const [y] = g.add('Requant', [acc], { mults: [1234n, 2345n, 3456n], shift: 16, inner: 1, lo: -127n, hi: 127n }, 'gemm', 'rq', [0.1]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 3], scale: 0.1 });
  return g.finish();
}
