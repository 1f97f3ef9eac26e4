// MatMul: batched integer matrix product with int64 accumulation and an optional bias.
import * as K from '../kernels.js';
import { big, int, ints, sameDims } from '../attrs.js';
import { absMax, refuse, sizeOf, type IrNode, type IrValueInfo, type OpDef } from '../types.js';

function shape(node: IrNode): K.MatmulShape & { outDims: number[] } {
  const biasMode = int(node, 'biasMode', 0);
  if (biasMode !== 0 && biasMode !== 1 && biasMode !== 2) refuse(node, `biasMode must be 0, 1 or 2, got ${biasMode}`);
  return {
    batch: int(node, 'batch'), batchA: int(node, 'batchA'), batchB: int(node, 'batchB'),
    m: int(node, 'm'), k: int(node, 'k'), n: int(node, 'n'), biasMode, outDims: ints(node, 'outDims'),
  };
}

export const matmulOp: OpDef = {
  op: 'MatMul',
  semantics: 'out[o] = A[o mod batchA] · B[o mod batchB] (+ bias[j] per column, or bias[(o mod batchA)·m + i] per row), exact int64 accumulation',
  proof: 'sumcheck over the inner dimension k (Thaler matmul), bias added linearly',
  infer(node, inputs: readonly IrValueInfo[]) {
    const s = shape(node);
    const [a, b, bias] = inputs;
    if (!a || !b || inputs.length > 3) refuse(node, 'MatMul takes A, B and an optional bias');
    for (const [v, count, what] of [[a, s.batchA * s.m * s.k, 'A'], [b, s.batchB * s.k * s.n, 'B']] as const) {
      if (sizeOf(v.dims) !== count) refuse(node, `${what} has ${sizeOf(v.dims)} elements, expected ${count}`);
    }
    if (s.batch % s.batchA !== 0 || s.batch % s.batchB !== 0) refuse(node, 'batch must be a multiple of batchA and batchB');
    if (sizeOf(s.outDims) !== s.batch * s.m * s.n) refuse(node, `outDims ${s.outDims} do not hold ${s.batch}×${s.m}×${s.n}`);
    const biasLen = s.biasMode === 1 ? s.n : s.biasMode === 2 ? s.batchA * s.m : 0;
    if ((biasLen > 0) !== (bias !== undefined)) refuse(node, 'bias input and biasMode disagree');
    if (bias && !sameDims([sizeOf(bias.dims)], [biasLen])) refuse(node, `bias has ${sizeOf(bias.dims)} elements, expected ${biasLen}`);
    const prod = absMax(a.lo, a.hi) * absMax(b.lo, b.hi);
    const acc = BigInt(s.k) * prod + (bias ? absMax(bias.lo, bias.hi) : 0n);
    void big;
    return { outputs: [{ dims: s.outDims, lo: -acc, hi: acc }], bounds: { B_product: prod, B_acc: acc } };
  },
  execute(node, [a, b, bias]) {
    const s = shape(node);
    return [{ dims: s.outDims, data: K.matmul(a.data, b.data, bias?.data, s) }];
  },
};
