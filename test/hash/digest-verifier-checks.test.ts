// One test per check of the Poseidon2 digest verifier (src/hash/digest-verifier.ts), its proof
// decoder (digest-proof.ts) and the standalone bundle (digest-standalone.ts, with the claim
// routing of digest-commitments.ts), and per soundness property of issue 5: an honest proof
// verifies, then exactly one thing is changed and the verifier must reject with THAT check
// (VerificationError.check, or the FormatError's message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { ByteReader, ByteWriter } from '../../src/encoding/bytes.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { Purpose, randomSalt, type Digest } from '../../src/hash/digest.js';
import { INT8 } from '../../src/hash/packing.js';
import { permute } from '../../src/hash/poseidon2.js';
import { permuteBatchTrace } from '../../src/hash/poseidon2-wasm.js';
import { digestWitness, layerColumn, type DigestWitness } from '../../src/hash/digest-witness.js';
import { digestStatement, proveDigest, sampleDigestMasks } from '../../src/hash/digest-prover.js';
import { verifyDigest } from '../../src/hash/digest-verifier.js';
import { DIGEST_PROOF_VERSION, deserializeDigestProof, serializeDigestProof, type DigestProof } from '../../src/hash/digest-proof.js';
import { BATCHES, statementInfo, type DigestStatement } from '../../src/hash/digest-shapes.js';
import { isFullRound } from '../../src/hash/digest-relations.js';
import { proveDigestStandalone, verifyDigestStandalone } from '../../src/hash/digest-standalone.js';
import { HashPcs } from '../../src/pcs/index.js';

const DOMAIN = 'test/p2digest-checks';
const rejectedBy = (check: string) => (e: unknown): boolean => e instanceof VerificationError && e.check === check;
const formatError = (re: RegExp) => (e: unknown): boolean => e instanceof FormatError && re.test(e.message);
const bump = (x: Fp2): Fp2 => E.add(x, [0n, 1n]);

function randomInt8(n: number): number[] {
  return Array.from({ length: n }, () => randomInt(-128, 128));
}

function witness(n = 300): DigestWitness {
  return digestWitness(randomInt8(n), randomSalt(), { format: INT8, purpose: Purpose.modelWeights });
}

/** A plain or zero-knowledge proof of `w` and its statement. */
function proveFor(w: DigestWitness, zk: boolean, cheat = false): { st: DigestStatement; proof: DigestProof } {
  if (!zk) return { st: digestStatement(w), proof: proveDigest(w, new Transcript(DOMAIN), null, { unsafeAllowFalseClaim: cheat }).proof };
  const V = MaskedPoly.sample(w.valueVector, Math.log2(w.valueVector.length), 2);
  const st = digestStatement(w, 2);
  const masks = sampleDigestMasks(w, st);
  return { st, proof: proveDigest(w, new Transcript(DOMAIN), { masks, values: V }, { unsafeAllowFalseClaim: cheat }).proof };
}

const verify = (st: DigestStatement, proof: DigestProof) => verifyDigest(st, proof, new Transcript(DOMAIN));
const withBatch = (p: DigestProof, b: number, f: (s: SumcheckProof) => SumcheckProof): DigestProof => ({ batches: p.batches.map((s, i) => (i === b ? f(s) : s)) });

// batch 0: the output; batch b = 1 … 29 proves round 29 − b (rounds 4 … 25 partial); batch 30: the input, packing and IV
const PROBED = [[0, 'output'], [1, 'full round 28'], [19, 'partial round 10'], [29, 'full round 0'], [30, 'final']] as const;

test('p2digest/shape: one batch too few or too many', () => {
  const { st, proof } = proveFor(witness(), false);
  verify(st, proof);
  assert.equal(proof.batches.length, BATCHES);
  assert.throws(() => verify(st, { batches: proof.batches.slice(1) }), rejectedBy('p2digest/shape'));
  assert.throws(() => verify(st, { batches: [...proof.batches, proof.batches[30]] }), rejectedBy('p2digest/shape'));
});

for (const zk of [false, true]) {
  const label = zk ? 'zk' : 'plain';
  test(`p2digest (${label}) sumcheck/final: in the output, a full round, a partial round, round 0 and the final batch: a round coefficient, each revealed value${zk ? ', G and g(r)' : ''}`, () => {
    const { st, proof } = proveFor(witness(), zk);
    verify(st, proof);
    for (const [b, what] of PROBED) {
      const s = proof.batches[b];
      const parts: [string, (s: SumcheckProof) => SumcheckProof][] = [
        ['round 0', (x) => ({ ...x, rounds: x.rounds.map((r, k) => (k === 0 ? [bump(r[0]), ...r.slice(1)] : r)) })],
        ['last round', (x) => ({ ...x, rounds: x.rounds.map((r, k) => (k === x.rounds.length - 1 ? [...r.slice(0, -1), bump(r[r.length - 1])] : r)) })],
        ...s.values.map((_, j): [string, (s: SumcheckProof) => SumcheckProof] => [`value ${j}`, (x) => ({ ...x, values: x.values.map((v, i) => (i === j ? bump(v) : v)) })]),
      ];
      if (zk) parts.push(['G', (x) => ({ ...x, maskSum: bump(x.maskSum!) })], ['g(r)', (x) => ({ ...x, maskValue: bump(x.maskValue!) })]);
      for (const [part, f] of parts) assert.throws(() => verify(st, withBatch(proof, b, f)), rejectedBy('sumcheck/final'), `batch ${b} (${what}): ${part}`);
    }
  });

  test(`p2digest (${label}) sumcheck/shape: a batch with a value or a round missing`, () => {
    const { st, proof } = proveFor(witness(), zk);
    for (const [b] of PROBED) {
      assert.throws(() => verify(st, withBatch(proof, b, (x) => ({ ...x, values: x.values.slice(1) }))), rejectedBy('sumcheck/shape'), `batch ${b} values`);
      assert.throws(() => verify(st, withBatch(proof, b, (x) => ({ ...x, rounds: x.rounds.slice(0, -1) }))), rejectedBy('sumcheck/shape'), `batch ${b} rounds`);
    }
  });
}

test('p2digest sumcheck/shape: a zero-knowledge proof offered to a plain verifier and back (mask values present iff zero knowledge)', () => {
  const w = witness();
  const zk = proveFor(w, true);
  const plain = proveFor(w, false);
  assert.throws(() => verify(digestStatement(w), zk.proof), rejectedBy('sumcheck/shape'));
  assert.throws(() => verify(zk.st, plain.proof), rejectedBy('sumcheck/shape'));
});

test('p2digest sumcheck/final: each digest word changed; the count and the purpose are bound', () => {
  const w = witness();
  for (const zk of [false, true]) {
    const { st, proof } = proveFor(w, zk);
    for (let o = 0; o < 4; o++) {
      const digest = st.digest.map((d, i) => (i === o ? F.add(d, 1n) : d)) as unknown as Digest;
      assert.throws(() => verify({ ...st, digest }, proof), rejectedBy('sumcheck/final'), `digest word ${o}`);
    }
    // 301 values pack into the same 43 → 64 elements: only the IV's count word differs
    assert.throws(() => verify({ ...st, count: st.count + 1 }, proof), rejectedBy('sumcheck/final'), 'count');
    assert.throws(() => verify({ ...st, options: { ...st.options, purpose: Purpose.attestedInput } }, proof), rejectedBy('sumcheck/final'), 'purpose');
  }
});

test('p2digest sumcheck/final: one changed preimage element, a broken chaining step, a linear slot off, a value in an empty packing slot (cheating provers)', () => {
  const values = randomInt8(300);
  const salt = randomSalt();
  const options = { format: INT8, purpose: Purpose.modelWeights };
  const w = digestWitness(values, salt, options);
  // one preimage element: the prover runs on the changed values and claims the original digest
  const changed = values.slice();
  changed[123] = changed[123] === 127 ? 126 : changed[123] + 1;
  const w2 = digestWitness(changed, salt, options);
  for (const zk of [false, true]) {
    assert.throws(() => proveFor({ ...w2, digest: w.digest }, zk), /claimed sum/, 'the honest prover refuses');
    const cheat = proveFor({ ...w2, digest: w.digest }, zk, true);
    assert.throws(() => verify(proveFor(w, zk).st, cheat.proof), rejectedBy('sumcheck/final'), `${zk ? 'zk' : 'plain'}: changed preimage`);
  }
  // a chaining step: permutation 2 starts from a wrong capacity word
  const P = w.blocks;
  const inputs = new BigUint64Array(12 * P);
  let state = Array.from({ length: 12 }, (_, s) => layerColumn(w, 0, s)[0]);
  for (let i = 0; i < P; i++) {
    for (let s = 0; s < 8; s++) state[s] = layerColumn(w, 0, s)[i];
    if (i === 2) state[9] = F.add(state[9], 1n);
    inputs.set(state, 12 * i);
    state = permute(state);
  }
  const broken: DigestWitness = { ...w, trace: permuteBatchTrace(inputs), digest: [state[0], state[1], state[2], state[3]] };
  assert.throws(() => proveFor(broken, false), /claimed sum/, 'the honest prover refuses');
  assert.throws(() => verify(digestStatement(broken), proveFor(broken, false, true).proof), rejectedBy('sumcheck/final'), 'chaining');
  // one linear slot of a partial round's S-box input off at one permutation
  const honest = new BigUint64Array(12 * P);
  for (let i = 0; i < P; i++) for (let s = 0; s < 12; s++) honest[12 * i + s] = layerColumn(w, 0, s)[i];
  const trace = permuteBatchTrace(honest);
  const column = (1 + 10) * 12 + 5;
  trace[column * P + 3] = F.add(trace[column * P + 3], 1n);
  assert.throws(() => verify(digestStatement(w), proveFor({ ...w, trace }, false, true).proof), rejectedBy('sumcheck/final'), 'linear slot');
  // int8 packs 7 values into 8 slots: slot 7 must stay empty
  const V = w.valueVector.slice();
  V[7 * w.layout.elements + 3] = 5n;
  assert.throws(() => verify(digestStatement(w), proveFor({ ...w, valueVector: V }, false, true).proof), rejectedBy('sumcheck/final'), 'empty slot');
  // sanity: the partial rounds reveal two values, the full rounds twelve
  assert.equal(proveFor(w, false).proof.batches[19].values.length, isFullRound(10) ? 12 : 2);
});

test('p2digest statement: a V mask outside 1 … min(8, nV) variables and a non-canonical digest word are refused (RangeError)', () => {
  const w = witness();
  const { st, proof } = proveFor(w, true);
  for (const m of [0, 9, 1.5]) assert.throws(() => verify({ ...st, valueMaskVars: m }, proof), (e: unknown) => e instanceof RangeError && /V's mask of .* variables is outside/.test(e.message), `mask vars ${m}`);
  const digest = [F.P, st.digest[1], st.digest[2], st.digest[3]] as unknown as Digest;
  assert.throws(() => verify({ ...st, digest }, proof), (e: unknown) => e instanceof RangeError && /digest is not canonical/.test(e.message));
});

test('digest proof decoder: the version byte, truncated and trailing bytes, a non-canonical element', () => {
  const w = witness(50);
  const { st, proof } = proveFor(w, true);
  const bytes = serializeDigestProof(proof);
  verify(st, deserializeDigestProof(bytes, st));
  assert.equal(bytes[0], DIGEST_PROOF_VERSION);
  for (const v of [DIGEST_PROOF_VERSION - 1, DIGEST_PROOF_VERSION + 1, 255]) {
    const bad = bytes.slice();
    bad[0] = v;
    assert.throws(() => deserializeDigestProof(bad, st), formatError(new RegExp(`digest proof: version ${v}, expected ${DIGEST_PROOF_VERSION}`)));
  }
  assert.throws(() => deserializeDigestProof(bytes.subarray(0, bytes.length - 1), st), formatError(/digest proof: truncated while reading sumcheck mask value/));
  assert.throws(() => deserializeDigestProof(Uint8Array.from([...bytes, 0]), st), formatError(/digest proof: 1 trailing bytes/));
  const bad = bytes.slice();
  new DataView(bad.buffer).setBigUint64(1, F.P, true); // batch 0's G, first word
  assert.throws(() => deserializeDigestProof(bad, st), formatError(/sumcheck mask sum is not a canonical field element/));
  // a plain statement reads the zero-knowledge bytes with other counts
  assert.throws(() => deserializeDigestProof(bytes, digestStatement(w)), FormatError);
});

// ---- the standalone bundle

const bundlePcs = new HashPcs({ evalMasks: 64 });

interface Bundle {
  version: number;
  count: number;
  commitments: { root: Uint8Array; sizes: number[] }[];
  range: Uint8Array;
  digest: Uint8Array;
  openings: Uint8Array[];
}

function parseBundle(bytes: Uint8Array): Bundle {
  const r = new ByteReader(bytes, 'test');
  const version = r.u8();
  const count = r.u32();
  const commitments = Array.from({ length: count }, () => ({ root: r.blob(1 << 20), sizes: Array.from({ length: r.u32() }, () => r.u32()) }));
  const range = r.blob(1 << 28);
  const digest = r.blob(1 << 28);
  const openings = commitments.map(() => r.blob(1 << 28));
  r.end();
  return { version, count, commitments, range, digest, openings };
}

function writeBundle(b: Bundle): Uint8Array {
  const w = new ByteWriter().u8(b.version).u32(b.count);
  for (const c of b.commitments) {
    w.blob(c.root).u32(c.sizes.length);
    for (const x of c.sizes) w.u32(x);
  }
  w.blob(b.range).blob(b.digest);
  for (const o of b.openings) w.blob(o);
  return w.finish();
}

let bundleCache: ReturnType<typeof proveDigestStandalone> | null = null;
function bundle() {
  bundleCache ??= proveDigestStandalone(bundlePcs, Int32Array.from(randomInt8(100)), randomSalt(), { format: INT8, purpose: Purpose.attestedInput }, 'ctx');
  return bundleCache;
}

test('digest bundle: every decoder check (version, commitment count, root length, sizes, nested proofs, trailing and truncated bytes)', () => {
  const { statement, bytes } = bundle();
  verifyDigestStandalone(bundlePcs, statement, bytes, 'ctx');
  const b = parseBundle(bytes);
  assert.deepEqual(writeBundle(b), bytes);
  const refuses = (bad: Uint8Array, re: RegExp, what: string) => assert.throws(() => verifyDigestStandalone(bundlePcs, statement, bad, 'ctx'), formatError(re), what);
  const w = (f: (x: Bundle) => Bundle) => writeBundle(f(parseBundle(bytes)));
  refuses(w((x) => ({ ...x, version: 2 })), /digest proof bundle: version 2, expected 1/, 'version');
  refuses(w((x) => ({ ...x, count: 9 })), /commitments is 9, more than the allowed 8/, 'count above the bound');
  refuses(w((x) => ({ ...x, count: x.count - 1, commitments: x.commitments.slice(0, -1), openings: x.openings.slice(0, -1) })), new RegExp(`${b.count - 1} commitments, expected ${b.count}`), 'one commitment fewer');
  refuses(w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 1 ? { ...c, root: new Uint8Array(65) } : c)) })), /root length is 65, more than the allowed 64/, 'a root too long');
  refuses(w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 0 ? { ...c, sizes: c.sizes.map((s, j) => (j === 0 ? s / 2 : s)) } : c)) })), /commitment 0 has unexpected sizes/, 'V\'s size');
  refuses(w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 1 ? { ...c, sizes: [...c.sizes, 2] } : c)) })), /commitment 1 has unexpected sizes/, 'one mask size more');
  refuses(w((x) => ({ ...x, range: Uint8Array.from([...x.range, 0]) })), /range proof: 1 trailing bytes/, 'the nested range proof');
  refuses(w((x) => ({ ...x, digest: x.digest.map((y, i) => (i === 0 ? 7 : y)) })), /digest proof: version 7, expected 2/, 'the nested digest proof\'s version');
  refuses(w((x) => ({ ...x, digest: x.digest.subarray(0, x.digest.length - 1) })), /digest proof: truncated/, 'the nested digest proof truncated');
  refuses(Uint8Array.from([...bytes, 0]), /digest proof bundle: 1 trailing bytes/, 'trailing bytes');
  refuses(bytes.subarray(0, bytes.length - 1), /digest proof bundle: truncated/, 'truncated');
  // length prefixes above their bounds: the sizes count, the nested proofs, an opening
  const set = (at: number, x: number) => {
    const out = bytes.slice();
    new DataView(out.buffer).setUint32(at, x, true);
    return out;
  };
  refuses(set(1 + 4 + 4 + b.commitments[0].root.length, (1 << 16) + 1), /sizes is 65537, more than the allowed 65536/, 'a sizes count');
  const rangeAt = 1 + 4 + b.commitments.reduce((n, c) => n + 8 + c.root.length + 4 * c.sizes.length, 0);
  refuses(set(rangeAt, (1 << 26) + 1), /range proof length is 67108865, more than the allowed 67108864/, 'the range proof\'s length');
  refuses(set(rangeAt + 4 + b.range.length, (1 << 26) + 1), /digest proof length is 67108865, more than the allowed 67108864/, 'the digest proof\'s length');
  refuses(set(rangeAt + 8 + b.range.length + b.digest.length, (1 << 28) + 1), /opening length is 268435457, more than the allowed 268435456/, 'an opening\'s length');
});

test('digest bundle: a changed root, swapped openings, another context, purpose or digest are rejected by the check that guards them', () => {
  const { statement, bytes } = bundle();
  const w = (f: (x: Bundle) => Bundle) => writeBundle(f(parseBundle(bytes)));
  const flipped = w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 1 ? { ...c, root: c.root.map((y, j) => (j === 5 ? y ^ 1 : y)) } : c)) }));
  assert.throws(() => verifyDigestStandalone(bundlePcs, statement, flipped, 'ctx'), rejectedBy('sumcheck/final'), 'root');
  assert.throws(() => verifyDigestStandalone(bundlePcs, statement, bytes, 'other'), rejectedBy('sumcheck/final'), 'context');
  assert.throws(() => verifyDigestStandalone(bundlePcs, { ...statement, options: { ...statement.options, purpose: Purpose.modelWeights } }, bytes, 'ctx'), rejectedBy('sumcheck/final'), 'purpose');
  const digest = statement.digest.map((d, i) => (i === 3 ? F.add(d, 1n) : d)) as unknown as Digest;
  assert.throws(() => verifyDigestStandalone(bundlePcs, { ...statement, digest }, bytes, 'ctx'), rejectedBy('sumcheck/final'), 'digest');
  // the openings of V and of the digest proof's masks swapped: the PCS refuses (or cannot parse) them
  const swapped = w((x) => ({ ...x, openings: [x.openings[1], x.openings[0], ...x.openings.slice(2)] }));
  assert.throws(() => verifyDigestStandalone(bundlePcs, statement, swapped, 'ctx'), (e: unknown) => e instanceof FormatError || (e instanceof VerificationError && !e.check.startsWith('sumcheck/')));
  assert.ok(statementInfo({ ...statement, valueMaskVars: 2 }).zk);
});
