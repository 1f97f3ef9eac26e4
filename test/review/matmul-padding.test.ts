// Review exploit (soundness): the padding of committed tensors is not constrained to zero, and
// the MatMul sumcheck sums A·B over the PADDED inner dimension (src/layers/matmul.ts
// batchShape: the product instance has no indicator of κ < k). When both operands are
// committed (an activation × activation product) and k is not a power of two, a cheating
// prover puts in-range values into the padding column of A and the padding row of B and adds
// Σ_{κ ≥ k} A[i,κ]·B[κ,j] to every output. Private inputs are the source: their range check
// covers the padding entries but only bounds them, it does not force them to 0.
//
// Model: X (1×3) · Y (3×2), both private inputs in [−2, 1], public output. Every honest output
// entry is at most 3·4 = 12. The cheater proves output [16, 0].
//
// The test asserts the CORRECT behaviour (rejection). Fixed (F1): when B is committed and
// k < 2^kv, matmul.ts multiplies the product term by the public indicator I_k(κ) of κ < k, so
// padding entries no longer reach the output; the forged proof fails the layer's sumcheck.
// The cheater's sumcheck prover is told to go on with the false claim (the tests-only option
// unsafeAllowFalseClaim, which proveMatmul does not pass, is injected through
// Object.prototype), so the rejection below is the VERIFIER's, not the honest prover's refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrTensor } from '../../src/ir/types.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { verify } from '../../src/verify/verify.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { VerificationError } from '../../src/encoding/errors.js';
import type { BaseVec, ExtVec } from '../../src/field/vec.js';

const P = 0xffffffff00000001n;
const MINUS2 = P - 2n;

function graph() {
  const g = new GraphBuilder('xy', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 3], scale: 1, lo: -2n, hi: 1n });
  g.addInput({ name: 'y', onnxDtype: 'float32', dims: [3, 2], scale: 1, lo: -2n, hi: 1n });
  const [out] = g.add('MatMul', ['x', 'y'], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 3, n: 2, biasMode: 0, outDims: [1, 2] }, 'mm', 'mm');
  g.addOutput({ name: out, onnxName: 'out', onnxDtype: 'float32', dims: [1, 2], scale: 1 });
  return { graph: g.finish(), out };
}

/** Runs `f` with the cheater's hooks: forged output values and non-zero input padding. */
function cheating<T>(outName: string, forged: readonly bigint[], f: () => T, padding = true): T {
  const origGet = Map.prototype.get;
  const origSample = MaskedPoly.sample;
  let samples = 0;
  // The executor's output tensor, edited in place the first time the prover reads it (for the
  // statement): the statement, the public C table and the transcript all see the forged values.
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    const v = origGet.call(this, key) as IrTensor | undefined;
    if (key === outName && v !== undefined && v.data instanceof BigInt64Array && v.data.length === forged.length) forged.forEach((x, i) => (v.data[i] = x));
    return v;
  };
  // The first two masked tensors are the inputs X (padded 1×4) and Y (padded 4×2): put −2 in
  // X's padding column κ = 3 and in Y's padding row κ = 3, column 0 (both within [−2, 1]).
  MaskedPoly.sample = function (values: BaseVec | ExtVec, numVars: number, maskVars?: number): MaskedPoly {
    samples++;
    if (!padding) return origSample.call(MaskedPoly, values, numVars, maskVars);
    if (samples === 1 && values.length === 4) values[3] = MINUS2;
    if (samples === 2 && values.length === 8) values[6] = MINUS2;
    return origSample.call(MaskedPoly, values, numVars, maskVars);
  };
  // proveSumcheck reads options.unsafeAllowFalseClaim from its default `{}`: inherited here.
  Object.defineProperty(Object.prototype, 'unsafeAllowFalseClaim', { value: true, configurable: true, writable: true });
  try {
    return f();
  } finally {
    Map.prototype.get = origGet;
    MaskedPoly.sample = origSample;
    delete (Object.prototype as { unsafeAllowFalseClaim?: boolean }).unsafeAllowFalseClaim;
  }
}

test('review: an output no in-range input reaches (16 > 3·2·2) is rejected', () => {
  const { graph: gr, out } = graph();
  const { pk, vk } = setup(gr, { weights: 'public' });
  const inputs = new Map<string, IrTensor>([
    ['x', { dims: [1, 3], data: BigInt64Array.from([-2n, -2n, -2n]) }],
    ['y', { dims: [3, 2], data: BigInt64Array.from([-2n, 0n, -2n, 0n, -2n, 0n]) }],
  ]);
  // Control: the honest proof of [12, 0] verifies.
  const honest = prove(pk, inputs);
  assert.deepEqual(verify(vk, honest.proof).outputs.get('out'), [12, 0]);
  // Control: forging the output without the padding trick is rejected by the verifier.
  const plain = cheating(out, [16n, 0n], () => prove(pk, inputs), false);
  assert.throws(() => verify(vk, plain.proof), VerificationError);
  // The cheater's proof claims [16, 0] (accepted with outputs [16, 0] before the F1 fix).
  const forged = cheating(out, [16n, 0n], () => prove(pk, inputs));
  let accepted: number[] | undefined;
  let error: unknown;
  try {
    accepted = verify(vk, forged.proof).outputs.get('out');
  } catch (e) {
    error = e;
  }
  assert.equal(accepted, undefined, `a proof of the unreachable output ${JSON.stringify(accepted)} was accepted`);
  assert.ok(error instanceof VerificationError, `rejected, but not as a VerificationError: ${String(error)}`);
});
