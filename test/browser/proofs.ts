// Real proofs for the browser test, made in Node: a PCS opening, a standalone range proof
// (zero-knowledge sumcheck + LogUp), a standalone Poseidon2 digest proof, and a whole-model proof
// of a small Gemm + Requant network (public weights: private ones are not provable yet). Each valid
// proof comes with a tampered copy (one flipped bit) that every verifier must reject.
import * as F from '../../src/field/goldilocks.js';
import { Purpose, randomSalt } from '../../src/hash/digest.js';
import { proveDigestStandalone } from '../../src/hash/digest-standalone.js';
import { INT8 } from '../../src/hash/packing.js';
import { proveRangeStandalone } from '../../src/lookup/standalone.js';
import type { RangeShape } from '../../src/lookup/range.js';
import { HashPcs } from '../../src/pcs/index.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { serializeVerifyingKey } from '../../src/verify/vk.js';
import { Rng, typicalClaims, vecOf } from '../pcs/helpers.js';
import { tinyGraph } from '../prove/fixture.js';
import type { BrowserCase, CaseData } from './cases.js';

export interface ProvedCase extends BrowserCase {
  readonly proof: Uint8Array;
}

export interface Proofs {
  readonly cases: ProvedCase[];
  /** The model's outputs as the prover computed them (integer × scale), to check verifiers against. */
  readonly modelOutputs: [string, number[]][];
}

/** A copy with one bit flipped at a fraction of the length (inside the proof body, not its header). */
export function tamper(bytes: Uint8Array, at = 0.5): Uint8Array {
  const bad = bytes.slice();
  bad[Math.floor(bad.length * at)] ^= 0x10;
  return bad;
}

function pair(name: string, data: CaseData, proof: Uint8Array): ProvedCase[] {
  return [
    { name, data, expect: 'accept', proof },
    { name: `${name} (tampered)`, data, expect: 'reject', proof: tamper(proof) },
  ];
}

function pcsCase(): ProvedCase[] {
  const rng = new Rng(9);
  const params = { evalMasks: 4 };
  const pcs = new HashPcs(params);
  const polys = [vecOf(rng, 1 << 14), vecOf(rng, 5)];
  const claims = typicalClaims(rng, polys);
  const domain = 'zkinfer/test/browser-pcs';
  const { commitment, state } = pcs.commit(polys);
  const proof = pcs.serializeProof(pcs.open(state, claims, new Transcript(domain)));
  return pair('pcs opening (2^14 + 5 entries, 3 claims)', { kind: 'pcs', params, domain, commitment, claims }, proof);
}

function rangeCase(): ProvedCase[] {
  const shape: RangeShape = { numVars: 8, columns: 1, bits: 20, signed: true, limbBits: 16, valueMaskVars: 1 };
  const rng = new Rng(10);
  const values = BigUint64Array.from({ length: 1 << shape.numVars }, () => F.fromBigInt((rng.u64() % (1n << 20n)) - (1n << 19n)));
  const params = {};
  const proof = proveRangeStandalone(new HashPcs(params), shape, [values], 'browser');
  return pair('range proof (256 int20 values: sumcheck + LogUp)', { kind: 'range', params, shape, context: 'browser' }, proof);
}

function digestCase(): ProvedCase[] {
  const rng = new Rng(11);
  const values = Int8Array.from({ length: 200 }, () => Number(rng.u64() % 256n) - 128);
  // The digest proof's mask commitment is opened at many row combinations (see its tests).
  const params = { evalMasks: 64 };
  const options = { format: INT8, purpose: Purpose.attestedInput };
  const { statement, bytes } = proveDigestStandalone(new HashPcs(params), values, randomSalt(), options, 'browser');
  const data: CaseData = { kind: 'digest', params, statement: { digest: statement.digest, options: statement.options, count: statement.count }, context: 'browser' };
  return pair('Poseidon2 digest proof (200 int8 values)', data, bytes);
}

function modelCase(): { cases: ProvedCase[]; outputs: [string, number[]][] } {
  const graph = tinyGraph();
  const { pk, vk } = setup(graph, { weights: 'public' });
  const x = { dims: [1, 4], data: BigInt64Array.from([3n, -1n, 10n, 127n]) };
  const { proof, outputs } = prove(pk, new Map([['x', x]]), { context: 'browser' });
  const out = graph.outputs.map((o): [string, number[]] => [o.onnxName, Array.from(outputs.get(o.name)!.data, (v) => Number(v) * o.scale)]);
  const data: CaseData = { kind: 'model', vk: serializeVerifyingKey(vk), context: 'browser' };
  // A proof made for one verifier's context must not verify for another.
  const replayed: ProvedCase = { name: 'model proof (replayed to another context)', data: { ...data, context: 'another verifier' }, expect: 'reject', proof };
  return { cases: [...pair('model proof (Gemm 1×4·4×3 + bias + Requant)', data, proof), replayed], outputs: out };
}

export function makeProofs(): Proofs {
  const model = modelCase();
  return { cases: [...pcsCase(), ...rangeCase(), ...digestCase(), ...model.cases], modelOutputs: model.outputs };
}
