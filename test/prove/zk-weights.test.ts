// Model-level zero knowledge of PRIVATE WEIGHTS by brute force (ZK-NOTES.md "Tests that catch
// leaks"; the private-input counterpart is test/prove/zk-model.test.ts, whose scaffold
// test/prove/zk-scaffold.ts this shares).
//
// The model: x (1×4, known to the attacker) · W (4×3, private, int8) + b (private) → Requant
// (private multipliers, clamp) → y (public). The bias is so large that every output clamps to
// 127, so the public outputs are the same for all 256 candidates of the secret weight W[0][0];
// the other weights are fixed and treated as known. For each candidate c we recompute
//   • every claim the verifier adds on commitment 0 (x, the accumulator, the requant columns,
//     the weights vector V and every private tensor's view of it) as its UNMASKED value: the
//     claim's terms on data vectors evaluated on the candidate's witness, mask terms dropped;
//   • every layer of the fingerprint proof's Poseidon2 trace (32 layers × 12 slots) at every
//     sumcheck point the verifier draws from the fingerprint proof on (the points at which the
//     proof reveals the layers' masked values),
// and assert that none equals a revealed claim value or appears anywhere in the proof bytes.
// The candidates are hashed with the setup's salt, i.e. the attacker is given the salt: with it
// the public fingerprint alone identifies W[0][0] (that is what a salt prevents, and it is not
// compared here), so the test asks only whether the proof adds anything to it.
// Control: a prover whose randomness is all zero (masks zero; verification still passes) is
// caught by each of the two parts alone: the commitment-0 claims and the fingerprint proof's
// values each single out the secret.
// NOT checked by brute force: round polynomials (rerunning the sumchecks per candidate), the
// range-check commitments' claims; the distribution tests cover them.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { layerColumn } from '../../src/hash/digest-witness.js';
import { TRACE_LAYERS } from '../../src/hash/poseidon2-wasm.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import { execute } from '../../src/ir/execute.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import { REQUANT_COLUMNS, requantColumns } from '../../src/layers/requant.js';
import { paddedTable } from '../../src/layers/tensor.js';
import { evaluate } from '../../src/poly/mle.js';
import { baseInnerExt, eqTable } from '../../src/field/vec.js';
import { privateWitness } from '../../src/prove/fingerprint.js';
import { graphOf, type ProvingKey } from '../../src/prove/keys.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { planModel, WEIGHTS_VECTOR, type ModelPlan } from '../../src/verify/plan.js';
import { verify } from '../../src/verify/verify.js';
import type { VerifyingKey } from '../../src/verify/vk.js';
import { candidateHits, fp2Hex, verifyRecording, windows16, withZeroRandomness } from './zk-scaffold.js';

const W_REST = [-7n, 11n, 5n, 13n, -2n, -9n, 4n, 6n, 8n, -1n, 12n]; // W[0][1] … W[3][2], known
const X: IrTensor = { dims: [1, 4], data: BigInt64Array.from([17n, -42n, 99n, -3n]) };

function model(): IrGraph {
  const g = new GraphBuilder('zk-weights', 8);
  g.addInput({ name: 'x', onnxDtype: 'int8', dims: [1, 4], scale: 1, lo: -128n, hi: 127n });
  const w = g.addConstant('W', { dims: [4, 3], data: BigInt64Array.from([3n, ...W_REST]) }, 'weight', 0.01, -128n, 127n);
  const b = g.addConstant('b', { dims: [3], data: BigInt64Array.from([100000n, 120000n, 90000n]) }, 'weight', 0.0005, -(2n ** 20n), 2n ** 20n - 1n);
  const [acc] = g.add('MatMul', ['x', w, b], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 3, biasMode: 1, outDims: [1, 3] }, 'gemm', 'mm');
  const [y] = g.add('Requant', [acc], { mults: [1234n, 2345n, 3456n], shift: 12, inner: 1, lo: -127n, hi: 127n }, 'gemm', 'rq', [0.1]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 3], scale: 0.1 });
  return g.finish();
}

/** The proving key with W[0][0] = c (the same salt and everything else). */
function withWeight(pk: ProvingKey, c: bigint): ProvingKey {
  const w = pk.weights.get('W')!;
  const data = w.data.slice();
  data[0] = c;
  return { ...pk, weights: new Map([...pk.weights, ['W', { dims: w.dims, data }]]) };
}

/** Every data vector of commitment 0 (by vector index) as the prover builds it for `pk`. */
function dataVectors(pk: ProvingKey, plan: ModelPlan): { vectors: Map<number, BigUint64Array>; trace: ReturnType<typeof privateWitness> } {
  const pw = privateWitness(pk, plan, { forgeFingerprint: true })!;
  const values = new Map(execute(graphOf(pk), new Map([['x', X]])));
  for (const l of plan.layers) {
    if (l.kind !== 'requant') continue;
    const real = pw.mults.get(l.node.name);
    const cols = requantColumns(real ? { ...l.params, mults: real } : l.params, values.get(l.tensors.x)!.data);
    for (const c of REQUANT_COLUMNS) values.set(l.tensors.cols[c], { dims: l.params.dims, data: cols[c] });
  }
  const vectors = new Map<number, BigUint64Array>();
  for (const t of plan.committed) {
    const ref = plan.refs.get(t.name)!;
    vectors.set(ref.f[0], t.name === WEIGHTS_VECTOR ? pw.witness.valueVector : paddedTable(values.get(t.name)!.data, t.dims));
  }
  return { vectors, trace: pw };
}

/** The points of every sumcheck the verifier runs from the fingerprint proof on. */
function fingerprintPoints(vk: VerifyingKey, proof: Uint8Array): { claims: ReturnType<typeof verifyRecording>['claims']; points: Fp2[][] } {
  const points: Fp2[][] = [];
  let inDigest = false;
  const proto = Transcript.prototype;
  const { absorbBases, challengeExt } = proto;
  proto.absorbBases = function (this: Transcript, label: string, xs: BigUint64Array | readonly bigint[]): void {
    if (label === 'p2digest/statement') inDigest = true;
    if (inDigest && label === 'sumcheck/degrees') points.push([]);
    absorbBases.call(this, label, xs);
  };
  proto.challengeExt = function (this: Transcript, label: string): Fp2 {
    const r = challengeExt.call(this, label);
    if (inDigest && label === 'sumcheck/r') points[points.length - 1].push(r);
    return r;
  };
  try {
    const { claims } = verifyRecording(vk, proof);
    return { claims, points };
  } finally {
    proto.absorbBases = absorbBases;
    proto.challengeExt = challengeExt;
  }
}

/** Candidates singled out by the commitment-0 claims and by the fingerprint proof, separately. */
function singledOut(pk: ProvingKey, vk: VerifyingKey, proof: Uint8Array) {
  const plan = planModel(vk);
  const { claims, points } = fingerprintPoints(vk, proof);
  const dataIndex = new Set(plan.committed.map((t) => plan.refs.get(t.name)!.f[0]));
  // claims on commitment 0 with at least one term on a data vector (not only masks)
  const reveals = claims.filter(({ commitment, claim }) => commitment === 0 && claim.terms.some((t) => 'point' in t && dataIndex.has(t.poly))).map(({ claim }) => claim);
  assert.ok(reveals.some((c) => c.terms.some((t) => 'point' in t && t.poly === plan.refs.get(WEIGHTS_VECTOR)!.f[0])), 'V is revealed (masked)');
  const revealed = new Set(claims.map(({ claim }) => fp2Hex(claim.value)));
  const bytes = windows16(proof);
  const logBlocks = privateWitness(pk, plan)!.witness.logBlocks;
  const layerPoints = points.filter((p) => p.length >= logBlocks).map((p) => p.slice(0, logBlocks));
  const layerEqs = layerPoints.map((p) => eqTable(p)); // once per point, shared by every column and candidate
  assert.ok(layerPoints.length >= 30, `the fingerprint proof's sumchecks were recorded (${layerPoints.length})`);
  const claimValues: string[][] = [];
  const traceValues: string[][] = [];
  for (let c = -128n; c <= 127n; c++) {
    const { vectors, trace } = dataVectors(withWeight(pk, c), plan);
    claimValues.push(reveals.map((claim) => {
      let v: Fp2 = E.ZERO;
      for (const t of claim.terms) if ('point' in t && dataIndex.has(t.poly)) v = E.add(v, E.mul(t.coeff, evaluate(vectors.get(t.poly)!, t.point)));
      return fp2Hex(v);
    }));
    const tv: string[] = [];
    for (const eq of layerEqs) for (let layer = 0; layer < TRACE_LAYERS; layer++) for (let slot = 0; slot < 12; slot++) tv.push(fp2Hex(baseInnerExt(layerColumn(trace!.witness, layer, slot), eq)));
    traceValues.push(tv);
  }
  const toCandidate = (i: number): bigint => BigInt(i) - 128n;
  const a = candidateHits(claimValues, revealed, bytes);
  const b = candidateHits(traceValues, revealed, bytes);
  return { claims: { ...a, hits: a.hits.map(toCandidate) }, trace: { ...b, hits: b.hits.map(toCandidate) }, reveals: reveals.length, points: layerPoints.length };
}

test('zk weights: brute force over 256 values of a private weight singles out none; an unmasked prover is caught', () => {
  const secret = -77n;
  const keys = setup(model());
  const pk = withWeight(keys.pk, secret);
  // the fingerprint of the secret weight (setup ran with W[0][0] = 3: set up again with the secret)
  const { pk: pkS, vk } = setup(graphOf(pk), { salts: pk.salts });
  const plan = planModel(vk);
  const outs = new Set(Array.from({ length: 256 }, (_, i) => execute(graphOf(withWeight(pkS, BigInt(i) - 128n)), new Map([['x', X]])).get(vk.outputs[0].name)!.data.join(',')));
  assert.equal(outs.size, 1, 'the public output does not depend on W[0][0]');
  assert.ok(plan.weights !== null, 'the weights are private');

  const { proof } = prove(pkS, new Map([['x', X]]));
  const masked = singledOut(pkS, vk, proof);
  console.log(`# brute force (weights): ${masked.reveals} commitment-0 reveals and ${masked.points} fingerprint-proof points × 384 trace columns, × 256 candidates = ${masked.claims.compared + masked.trace.compared} unmasked values, none revealed`);
  assert.deepEqual(masked.claims.hits, [], `commitment-0 claims single out ${masked.claims.hits.join(', ')}`);
  assert.deepEqual(masked.trace.hits, [], `the fingerprint proof singles out ${masked.trace.hits.join(', ')}`);
  assert.equal(masked.claims.constantHits + masked.trace.constantHits, 0, 'no weight-independent unmasked value appears');

  // control: without randomness each part singles out the secret
  const { proof: unmasked } = withZeroRandomness(() => prove(pkS, new Map([['x', X]])));
  verify(vk, unmasked);
  const control = singledOut(pkS, vk, unmasked);
  assert.ok(control.claims.hits.includes(secret) && control.claims.hits.length <= 4, `unmasked commitment-0 claims narrow W[0][0] to [${control.claims.hits.join(', ')}]`);
  assert.deepEqual(control.trace.hits, [secret], 'the unmasked fingerprint proof names W[0][0]');
});
