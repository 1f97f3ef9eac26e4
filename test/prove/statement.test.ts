import test from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/encoding/errors.js';
import { setup } from '../../src/prove/setup.js';
import { FORMAT_VERSION, SECTION } from '../../src/verify/container.js';
import { deserializeProofFile, serializeProofFile, type ProofFile } from '../../src/verify/proof-file.js';
import { checkStatement, predicateHolds, statementTranscript, thresholdToInteger, type Statement } from '../../src/verify/statement.js';
import { verifyingKeyHash } from '../../src/verify/vk.js';
import { tinyGraph } from './fixture.js';

function statementFor(context: string, outputs: Statement['outputs']): { s: Statement; vk: ReturnType<typeof setup>['vk'] } {
  const { vk } = setup(tinyGraph(), { outputs: outputs[0].kind === 'predicate' ? { [tinyGraph().outputs[0].name]: 'private' } : {} });
  return {
    vk,
    s: { vkHash: verifyingKeyHash(vk), context, fingerprint: vk.fingerprint.map((g) => g.digest), publicInputs: [null], outputs, attested: [] },
  };
}

const PUBLIC_OUT: Statement['outputs'] = [{ kind: 'public', values: BigInt64Array.from([3n, -4n, 127n]) }];

test('the statement fixes the first challenge: context, outputs and predicate all matter', () => {
  const { s } = statementFor('verifier A', PUBLIC_OUT);
  const c = (st: Statement) => statementTranscript(st).challengeExt('first');
  const base = c(s);
  assert.deepEqual(c({ ...s }), base);
  assert.notDeepEqual(c({ ...s, context: 'verifier B' }), base);
  assert.notDeepEqual(c({ ...s, outputs: [{ kind: 'public', values: BigInt64Array.from([3n, -4n, 126n]) }] }), base);
  const p1: Statement = { ...s, outputs: [{ kind: 'predicate', predicate: { kind: 'atLeast', index: 0, threshold: 5n } }] };
  const p2: Statement = { ...s, outputs: [{ kind: 'predicate', predicate: { kind: 'atLeast', index: 0, threshold: 6n } }] };
  assert.notDeepEqual(c(p1), c(p2));
  const vk2 = new Uint8Array(s.vkHash);
  vk2[0] ^= 1;
  assert.notDeepEqual(c({ ...s, vkHash: vk2 }), base);
});

test('checkStatement binds the statement to the verifying key', () => {
  const { s, vk } = statementFor('', PUBLIC_OUT);
  checkStatement(s, vk);
  assert.throws(() => checkStatement({ ...s, fingerprint: [s.fingerprint[1], s.fingerprint[0]] }, vk), /fingerprint/);
  assert.throws(() => checkStatement({ ...s, publicInputs: [BigInt64Array.from([1n, 2n, 3n, 4n])] }, vk), /private/);
  assert.throws(() => checkStatement({ ...s, outputs: [{ kind: 'public', values: BigInt64Array.from([1n]) }] }, vk), /3 values|1 values/);
  assert.throws(() => checkStatement({ ...s, outputs: [{ kind: 'predicate', predicate: { kind: 'argmax', label: 1 } }] }, vk), /public/);
  const priv = statementFor('', [{ kind: 'predicate', predicate: { kind: 'argmax', label: 2 } }]);
  checkStatement(priv.s, priv.vk);
  assert.throws(() => checkStatement({ ...priv.s, outputs: [{ kind: 'predicate', predicate: { kind: 'argmax', label: 3 } }] }, priv.vk), /outside/);
});

test('thresholds round so that no false statement is accepted; predicates evaluate as ONNX does', () => {
  // score ≈ q·0.1 ≥ 0.25  ⇔  q ≥ 3 (q = 2 is 0.2 < 0.25)
  assert.equal(thresholdToInteger(0.25, 0.1), 3n);
  assert.equal(thresholdToInteger(0.3, 0.1), 3n); // 3·0.1 = 0.30000000000000004 ≥ 0.3
  assert.equal(thresholdToInteger(-0.25, 0.1), -2n);
  for (let i = 0; i < 200; i++) {
    const t = (Math.random() - 0.5) * 100;
    const scale = Math.random() * 0.5 + 1e-3;
    const q = thresholdToInteger(t, scale);
    assert.ok(Number(q) * scale >= t && Number(q - 1n) * scale < t, `${t} / ${scale} → ${q}`);
  }
  const out = BigInt64Array.from([5n, 9n, 9n, 1n]);
  assert.equal(predicateHolds({ kind: 'argmax', label: 1 }, out), true);
  assert.equal(predicateHolds({ kind: 'argmax', label: 2 }, out), false); // ties: first index
  assert.equal(predicateHolds({ kind: 'atLeast', index: 0, threshold: 5n }, out), true);
  assert.equal(predicateHolds({ kind: 'atLeast', index: 0, threshold: 6n }, out), false);
  assert.equal(predicateHolds({ kind: 'labelIn', index: 3, labels: [0n, 1n] }, out), true);
});

test('proof files round-trip and refuse malformed bytes', () => {
  const { s } = statementFor('ctx', [{ kind: 'predicate', predicate: { kind: 'labelIn', index: 1, labels: [-1n, 7n] } }]);
  const file: ProofFile = { statement: s, sections: new Map([[SECTION.commitments, Uint8Array.of(1, 2, 3)], [SECTION.openings, new Uint8Array(10)]]) };
  const bytes = serializeProofFile(file);
  const back = deserializeProofFile(bytes);
  assert.deepEqual(serializeProofFile(back), bytes);
  assert.deepEqual(back.statement.outputs, s.outputs);
  assert.equal(back.statement.context, 'ctx');
  for (let n = 0; n < bytes.length; n++) assert.throws(() => deserializeProofFile(bytes.subarray(0, n)), FormatError);
  assert.throws(() => deserializeProofFile(Uint8Array.from([...bytes, 7])), /trailing/);
  const v = bytes.slice();
  new DataView(v.buffer).setUint32(4, FORMAT_VERSION + 5, true);
  assert.throws(() => deserializeProofFile(v), /format version/);
  // sections out of order: swap the two tags (1 … 4 → 4 … 1)
  const swapped: ProofFile = { statement: s, sections: new Map([[SECTION.openings, new Uint8Array(0)]]) };
  const sb = serializeProofFile(swapped);
  const dup = Uint8Array.from([...sb.subarray(0, sb.length - 9), 2, 0, 0, 0, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0]);
  assert.throws(() => deserializeProofFile(dup), /strictly increasing/);
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const c = bytes.slice();
    c[Math.floor(Math.random() * c.length)] ^= 1 + Math.floor(Math.random() * 255);
    try {
      deserializeProofFile(c);
    } catch (e) {
      assert.ok(e instanceof FormatError, String(e));
      refused++;
    }
  }
  assert.ok(refused > 0);
});
