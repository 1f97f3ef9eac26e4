// Attested inputs (issue 6; docs/protocol.md (Part 5) §9): an issuer hashes raw integer fields
// under a schema id with a salt and signs the digest; the holder proves the model on those
// fields; the verifier checks the issuer's signature over the statement's digest and the proof
// that the model's input hashes to it. Each check is broken on its own here: another digest,
// a wrong or missing signature, a changed field (with the issued digest claimed: a false digest
// proof), another schema id.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { GraphBuilder } from '../../src/ir/builder.js';
import type { IrGraph, IrTensor } from '../../src/ir/types.js';
import { attestedDigest, issueAttestation } from '../../src/prove/attested.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { attestationMessage } from '../../src/verify/attested.js';
import { UnsupportedModelError, planModel } from '../../src/verify/plan.js';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { verify } from '../../src/verify/verify.js';
import { deserializeVerifyingKey, serializeVerifyingKey } from '../../src/verify/vk.js';
import { tinyGraph } from './fixture.js';
import { writeOnnx } from '../../src/onnx/write.js';
import { compile, runCompiled } from '../../src/quant/compile.js';
import type { Tensor } from '../../src/onnx/graph.js';

const SCHEMA = 7;
const FIELDS = [25, -7, 1000, -1234];

/** x (1×4, int32 fields in [−2^15, 2^15)) · W + b → Requant → y. */
function intModel(): IrGraph {
  const g = new GraphBuilder('attested-tiny', 8);
  g.addInput({ name: 'x', onnxDtype: 'int32', dims: [1, 4], scale: 1, lo: -32768n, hi: 32767n });
  const w = g.addConstant('W', { dims: [4, 3], data: BigInt64Array.from([3n, -7n, 11n, 5n, 13n, -2n, -9n, 4n, 6n, 8n, -1n, 12n]) }, 'weight', 0.01, -127n, 127n);
  const b = g.addConstant('b', { dims: [3], data: BigInt64Array.from([100n, -200n, 300n]) }, 'weight', 0.0005, -(2n ** 31n), 2n ** 31n - 1n);
  const [acc] = g.add('MatMul', ['x', w, b], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 3, biasMode: 1, outDims: [1, 3] }, 'gemm', 'mm');
  const [y] = g.add('Requant', [acc], { mults: [1234n, 2345n, 3456n], shift: 16, inner: 1, lo: -127n, hi: 127n }, 'gemm', 'rq', [0.1]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 3], scale: 0.1 });
  return g.finish();
}

const input = (v: readonly number[] = FIELDS): Map<string, IrTensor> => new Map([['x', { dims: [1, 4], data: BigInt64Array.from(v.map(BigInt)) }]]);

const issuerKey = ed25519.utils.randomSecretKey();
const issuerPublicKey = ed25519.getPublicKey(issuerKey);

const rejected = (check?: string) => (e: unknown): boolean => e instanceof VerificationError && (check === undefined || e.check === check);

test('attested input: onStep reports the attested input\'s sponge, masks and proof, after their model counterparts', () => {
  const { pk } = setup(intModel(), { inputs: { x: 'attested' }, schemas: { x: SCHEMA } });
  const att = issueAttestation(issuerKey, SCHEMA, FIELDS);
  const steps: string[] = [];
  prove(pk, input(), { attestedSalts: { x: att.salt }, onStep: (s) => steps.push(s) });
  const attestedSteps = ['attested sponges', 'attested masks', 'attested proofs'];
  assert.deepEqual(steps.filter((s) => attestedSteps.includes(s)), attestedSteps);
  assert.ok(steps.indexOf('attested masks') < steps.indexOf('commit'));
  assert.ok(steps.indexOf('ranges') < steps.indexOf('attested proofs'));
  assert.ok(steps.indexOf('attested proofs') < steps.indexOf('open commitment 0'));
});

test('attested input: the proof verifies against the issuer\'s signed digest; the key keeps the schema id', () => {
  const { pk, vk } = setup(intModel(), { inputs: { x: 'attested' }, schemas: { x: SCHEMA } });
  assert.equal(deserializeVerifyingKey(serializeVerifyingKey(vk)).inputs[0].schema, SCHEMA);
  const att = issueAttestation(issuerKey, SCHEMA, FIELDS);
  const { proof, statement } = prove(pk, input(), { attestedSalts: { x: att.salt }, context: 'kyc' });
  assert.deepEqual(statement.attested, [att.digest]);
  const res = verify(vk, proof, { context: 'kyc', attestations: { x: { issuerPublicKey, signature: att.signature } } });
  assert.deepEqual(res.statement.attested, [att.digest]);
  assert.equal(res.outputs.get('y')!.length, 3);
  // the prover needs the salt; the verifier needs the issuer's key and signature
  assert.throws(() => prove(pk, input()), FormatError);
  assert.throws(() => verify(vk, proof, { context: 'kyc' }), rejected('statement/attestation'));
});

test('attested input: another digest, a wrong signature, a changed field, another schema id are rejected', () => {
  const { pk, vk } = setup(intModel(), { inputs: { x: 'attested' }, schemas: { x: SCHEMA } });
  const att = issueAttestation(issuerKey, SCHEMA, FIELDS);
  const good = { issuerPublicKey, signature: att.signature };
  const { proof } = prove(pk, input(), { attestedSalts: { x: att.salt } });
  const file = deserializeProofFile(proof);
  const withDigest = (d: readonly [bigint, bigint, bigint, bigint]): Uint8Array => serializeProofFile({ ...file, statement: { ...file.statement, attested: [d] } });

  // another digest in the statement, signed by the issuer too: the signature passes, the proof does not
  const other = issueAttestation(issuerKey, SCHEMA, [25, -7, 1000, -1233], att.salt);
  assert.throws(() => verify(vk, withDigest(other.digest), { attestations: { x: { issuerPublicKey, signature: other.signature } } }), (e: unknown) => rejected()(e) && (e as VerificationError).check !== 'statement/attestation');
  // no digest at all: a malformed statement
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, attested: [] } }), { attestations: { x: good } }), rejected('statement/shape'));

  // a wrong signature: another issuer's key, a signature over another digest, a flipped bit
  const stranger = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
  assert.throws(() => verify(vk, proof, { attestations: { x: { issuerPublicKey: stranger, signature: att.signature } } }), rejected('statement/attestation'));
  assert.throws(() => verify(vk, proof, { attestations: { x: { issuerPublicKey, signature: other.signature } } }), rejected('statement/attestation'));
  const flipped = att.signature.slice();
  flipped[10] ^= 1;
  assert.throws(() => verify(vk, proof, { attestations: { x: { issuerPublicKey, signature: flipped } } }), rejected('statement/attestation'));
  verify(vk, proof, { attestations: { x: good } });

  // a changed field: honestly proven, its digest is not the signed one
  const changed = [25, -7, 1001, -1234];
  const honest = prove(pk, input(changed), { attestedSalts: { x: att.salt } });
  assert.notDeepEqual(honest.statement.attested[0], att.digest);
  assert.throws(() => verify(vk, honest.proof, { attestations: { x: good } }), rejected('statement/attestation'));
  // …and a cheating prover that claims the signed digest for the changed fields fails the digest proof
  const forged = prove(pk, input(changed), { attestedSalts: { x: att.salt }, unsafeTest: { forgeAttested: new Map([['x', att.digest]]) } });
  assert.deepEqual(forged.statement.attested, [att.digest]);
  assert.throws(() => verify(vk, forged.proof, { attestations: { x: good } }), (e: unknown) => rejected()(e) && (e as VerificationError).check !== 'statement/attestation');

  // another schema id: the issuer attested the same fields under schema 8
  const schema8 = issueAttestation(issuerKey, 8, FIELDS, att.salt);
  assert.notDeepEqual(schema8.digest, att.digest, 'the schema id is inside the digest');
  assert.deepEqual(schema8.digest, attestedDigest(8, FIELDS, att.salt));
  // the proof under schema 7 does not carry the schema-8 digest, whose signature therefore fails
  assert.throws(() => verify(vk, proof, { attestations: { x: { issuerPublicKey, signature: schema8.signature } } }), rejected('statement/attestation'));
  // even with a signature that names schema 7 over the schema-8 digest, the digest proof (whose
  // IV holds the key's schema id) rejects it: in the statement, and from a cheating prover
  const mislabelled = { issuerPublicKey, signature: ed25519.sign(attestationMessage(SCHEMA, schema8.digest), issuerKey) };
  assert.throws(() => verify(vk, withDigest(schema8.digest), { attestations: { x: mislabelled } }), (e: unknown) => rejected()(e) && (e as VerificationError).check !== 'statement/attestation');
  const cross = prove(pk, input(), { attestedSalts: { x: att.salt }, unsafeTest: { forgeAttested: new Map([['x', schema8.digest]]) } });
  assert.throws(() => verify(vk, cross.proof, { attestations: { x: mislabelled } }), (e: unknown) => rejected()(e) && (e as VerificationError).check !== 'statement/attestation');
  // and the message the issuer signs names the schema
  assert.notDeepEqual(attestationMessage(7, att.digest), attestationMessage(8, att.digest));
});

test('attested input: a real-valued input, a missing schema id, a key without the input attested are refused', () => {
  assert.throws(() => planModel(setup(tinyGraph(), { inputs: { x: 'attested' }, schemas: { x: 1 } }).vk), UnsupportedModelError);
  assert.throws(() => setup(intModel(), { inputs: { x: 'attested' } }), /schema id/);
  assert.throws(() => setup(intModel(), { schemas: { x: 1 } }), /not attested/);
  // a proof for a private-input key carries no attested digest; one added to its statement is refused
  const { pk, vk } = setup(intModel());
  const file = deserializeProofFile(prove(pk, input()).proof);
  const att = issueAttestation(issuerKey, SCHEMA, FIELDS);
  assert.throws(() => verify(vk, serializeProofFile({ ...file, statement: { ...file.statement, attested: [att.digest] } })), rejected('statement/shape'));
});

test('attested input of a float model: integerInputs reads the signed integer fields exactly (×2^k onto the grid), proves and verifies', () => {
  // a float model as sklearn exports it: y = x·W + b on float features that are really integers
  const W = [0.5, -0.25, 0.125, 1, -0.75, 0.5, 0.25, 0.0625];
  const bias = [3, -2];
  const model = writeOnnx({
    inputs: [{ name: 'x', dtype: 'float32', dims: [1, 4] }],
    outputs: [{ name: 'y', dtype: 'float32', dims: [1, 2] }],
    initializers: { W: { dtype: 'float32', dims: [4, 2], data: Float64Array.from(W) }, b: { dtype: 'float32', dims: [2], data: Float64Array.from(bias) } },
    nodes: [{ opType: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['y'] }],
  });
  const fields = [25, -7, 400, -123];
  const sample = (v: readonly number[]): Record<string, Tensor> => ({ x: { dtype: 'float32', dims: [1, 4], data: Float64Array.from(v) } });
  const calibration = [sample(fields), sample([-500, 500, -500, 500]), sample([500, -500, 500, -500])];
  const graph = compile(model, { calibration, integerInputs: { x: [-500n, 500n] } });
  const x = graph.inputs[0];
  assert.deepEqual([x.scale, x.lo, x.hi], [1, -500n, 500n]);
  assert.ok(graph.nodes.some((n) => n.op === 'WeightedSum' && n.attrs.coeffs?.toString() === '4'), 'the fields go onto the 2^-2 grid (2047 / 500 ≥ 4)');
  const want = [0, 1].map((j) => fields.reduce((a, f, i) => a + f * W[2 * i + j], bias[j]));
  const got = runCompiled(graph, sample(fields)).outputs.get('y')!;
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(got[j] - want[j]) <= 64 * (graph.outputs[0].scale), `y[${j}] = ${got[j]}, float ${want[j]}`);

  const { pk, vk } = setup(graph, { inputs: { x: 'attested' }, schemas: { x: SCHEMA } });
  const att = issueAttestation(issuerKey, SCHEMA, fields);
  const tensors: Map<string, IrTensor> = new Map([['x', { dims: [1, 4], data: BigInt64Array.from(fields.map(BigInt)) }]]);
  const { proof } = prove(pk, tensors, { attestedSalts: { x: att.salt } });
  const res = verify(vk, proof, { attestations: { x: { issuerPublicKey, signature: att.signature } } });
  assert.deepEqual(res.outputs.get('y'), Array.from(got));
  assert.throws(() => compile(model, { calibration, integerInputs: { x: [-5000n, 5000n] } }), /within ±2047/);
  assert.throws(() => compile(model, { calibration, integerInputs: { x: [-5n, 5n] }, inputBits: { x: 16 } }), /both/);
});
