// Einsum lowering against the float reference on models written here (no Einsum case in the testdata).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOnnx } from '../../src/onnx/write.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { evaluateFloat } from '../../src/onnx/float-eval.js';
import { compile, loadModel, runCompiled } from '../../src/quant/compile.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2147483648; return (s / 2147483648) * 2 - 1; };
}

function tensor(dims: number[], r: () => number): Tensor {
  return { dtype: 'float32', dims, data: Float64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, r) };
}

const CASES: [string, number[][], number[]][] = [
  ['ij,jk->ik', [[3, 4], [4, 5]], [3, 5]],
  ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]], [2, 3, 5]],
  ['ij,kj->ik', [[3, 4], [5, 4]], [3, 5]],
  ['bhqd,bhkd->bhqk', [[1, 2, 3, 4], [1, 2, 5, 4]], [1, 2, 3, 5]],
  ['ij,j->i', [[3, 4], [4]], [3]],
  ['i,j->ij', [[3], [4]], [3, 4]],
  ['ijk->kj', [[2, 3, 4]], [4, 3]],
  ['ij->', [[3, 4]], []],
  ['ijk,jl->il', [[2, 3, 4], [3, 5]], [2, 5]],
];

test('Einsum: transposes, batched products, contractions and one-operand sums match the float reference', () => {
  const r = lcg(5);
  for (const [eq, shapes, outDims] of CASES) {
    const names = shapes.map((_, i) => `x${i}`);
    const bytes = writeOnnx({
      inputs: shapes.map((d, i) => ({ name: names[i], dtype: 'float32' as const, dims: d })),
      outputs: [{ name: 'y', dtype: 'float32', dims: outDims }],
      nodes: [{ opType: 'Einsum', inputs: names, outputs: ['y'], attrs: { equation: { kind: 'string', value: eq } } }],
      opsets: { '': 13 },
    });
    const inputs = Object.fromEntries(shapes.map((d, i) => [names[i], tensor(d, r)]));
    const ref = evaluateFloat(loadModel(bytes), inputs).get('y')!.data as Float64Array;
    const got = runCompiled(compile(bytes, { calibration: [inputs] }), inputs).outputs.get('y')!;
    assert.equal(got.length, ref.length, eq);
    let max = 0;
    let refMax = 0;
    for (let i = 0; i < ref.length; i++) { max = Math.max(max, Math.abs(got[i] - ref[i])); refMax = Math.max(refMax, Math.abs(ref[i])); }
    assert.ok(max <= 8 * 2 ** -11 * Math.max(1, refMax), `${eq}: max |err| ${max} (reference max ${refMax})`);
  }
});
