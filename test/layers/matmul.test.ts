import test from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter } from '../../src/encoding/bytes.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { matmul as irMatmul } from '../../src/ir/kernels.js';
import { hashPcs } from '../../src/pcs/index.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { readSumcheckProof, writeSumcheckProof, type SumcheckProof } from '../../src/sumcheck/proof.js';
import { ProverSession, VerifierSession, maskedLayout, specOf, type GMaskRef } from '../../src/sumcheck/session.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { matmulDegrees, matmulProofShape, matmulTensorDims, proveMatmul, verifyMatmul, type MatmulDims, type MatmulPublics, type MatmulRefs } from '../../src/layers/matmul.js';
import { paddedTable, totalVars } from '../../src/layers/tensor.js';

const MASK_VARS = 2;

function randInts(n: number, lo: number, hi: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => BigInt(lo + Math.floor(Math.random() * (hi - lo + 1))));
}

interface Case {
  d: MatmulDims;
  a: BigInt64Array;
  b: BigInt64Array;
  bias: BigInt64Array | null;
  c: BigInt64Array;
}

function makeCase(d: MatmulDims): Case {
  const a = randInts(d.batch * d.m * d.k, -127, 127);
  const b = randInts(d.batchB * d.k * d.n, -127, 127);
  const bias = d.biasMode === 1 ? randInts(d.n, -100000, 100000) : d.biasMode === 2 ? randInts(d.batch * d.m, -100000, 100000) : null;
  // The IR executor's kernel is the specification of what is proven.
  const c = irMatmul(a, b, bias ?? undefined, { batch: d.batch, batchA: d.batch, batchB: d.batchB, m: d.m, k: d.k, n: d.n, biasMode: d.biasMode });
  return { d, a, b, bias, c };
}

interface Proven {
  refs: MatmulRefs;
  gRef: GMaskRef;
  commitments: ReturnType<ProverSession<unknown, unknown>['commitments']['slice']>;
  proofBytes: Uint8Array;
  openings: Uint8Array[];
  publics: MatmulPublics;
  witness: { a: MaskedPoly; b: MaskedPoly };
}

/**
 * Commits A, B, [C], [bias] and the round mask in one commitment and proves the layer.
 * `commitB` lets a cheating prover commit other weights than the ones it proves with.
 */
function prove(cs: Case, privateC: boolean, commitB?: BigInt64Array, commitC?: BigInt64Array, publicWeights = false): Proven {
  const td = matmulTensorDims(cs.d);
  const a = MaskedPoly.sample(paddedTable(cs.a, td.a), totalVars(td.a), MASK_VARS);
  const bTable = paddedTable(cs.b, td.b);
  const b = MaskedPoly.sample(bTable, totalVars(td.b), MASK_VARS);
  const cTable = paddedTable(cs.c, td.c);
  const c = privateC ? MaskedPoly.sample(cTable, totalVars(td.c), MASK_VARS) : null;
  const biasTable = cs.bias ? paddedTable(cs.bias, td.bias!) : null;
  const bias = biasTable && !publicWeights ? MaskedPoly.sample(biasTable, totalVars(td.bias!), MASK_VARS) : null;
  const masked = [a, ...(publicWeights ? [] : [b]), ...(c ? [c] : []), ...(bias ? [bias] : [])];
  const layout = maskedLayout(0, masked.map(specOf));
  const at = (p: MaskedPoly | null) => (p ? layout[masked.indexOf(p)] : null);
  const refs: MatmulRefs = { a: layout[0], b: publicWeights ? null : layout[1], c: at(c), bias: at(bias) };
  const degrees = matmulDegrees(cs.d, refs);
  const g = SumcheckMask.sample(degrees);
  const gStart = layout[layout.length - 1].r[1] + 1;
  const gRef: GMaskRef = { commitment: 0, g: [gStart, gStart + 1], degrees };

  const t = new Transcript('test/layers/matmul');
  const session = new ProverSession(hashPcs, t);
  const committedB = commitB ? MaskedPoly.sample(paddedTable(commitB, td.b), totalVars(td.b), MASK_VARS) : b;
  const committedC = commitC && c ? [MaskedPoly.sample(paddedTable(commitC, td.c), totalVars(td.c), MASK_VARS)] : c ? [c] : [];
  const polys = [a, ...(publicWeights ? [] : [committedB]), ...committedC, ...(bias ? [bias] : [])].flatMap((p) => p.commitPolys());
  session.commit([...polys, ...g.polys()]);
  const proof = proveMatmul(cs.d, refs, { a, b: publicWeights ? bTable : b, c: c ?? cTable, bias: bias ?? biasTable }, g, gRef, session, t);
  const openings = session.finish().map((o) => hashPcs.serializeProof(o));
  const w = new ByteWriter();
  writeSumcheckProof(w, proof);
  const publics = { ...(c ? {} : { c: cTable }), ...(publicWeights ? { b: bTable, ...(biasTable ? { bias: biasTable } : {}) } : {}) };
  return { refs, gRef, commitments: session.commitments.slice(), proofBytes: w.finish(), openings, publics, witness: { a, b } };
}

/** The verifier from bytes: parses the layer proof and the openings, checks everything. */
function verify(d: MatmulDims, p: Proven, publics: MatmulPublics = p.publics, proofBytes = p.proofBytes): void {
  const r = new ByteReader(proofBytes, 'matmul proof');
  const proof: SumcheckProof = readSumcheckProof(r, matmulProofShape(d, p.refs));
  r.end();
  const t = new Transcript('test/layers/matmul');
  const session = new VerifierSession(hashPcs, t, p.commitments);
  session.receive();
  verifyMatmul(d, p.refs, publics, p.gRef, proof, session, t);
  const openings = p.openings.map((o, i) => hashPcs.deserializeProof(o, p.commitments[i], session.claimsOf(i)));
  session.finish(openings);
}

const DIMS: MatmulDims[] = [
  { batch: 1, batchB: 1, m: 1, k: 16, n: 8, biasMode: 1 }, // an MLP layer on one sample (Gemm)
  { batch: 1, batchB: 1, m: 5, k: 7, n: 3, biasMode: 1 }, // nothing a power of two
  { batch: 3, batchB: 1, m: 2, k: 4, n: 6, biasMode: 2 }, // batched, shared weights, bias per row
  { batch: 2, batchB: 2, m: 3, k: 5, n: 2, biasMode: 0 }, // batched both sides, no bias
  { batch: 1, batchB: 1, m: 1, k: 8, n: 1, biasMode: 1 }, // a single output (linear regression): phantom variable
];

test('matmul layer: completeness with private and public C, through bytes and the hash PCS', () => {
  for (const d of DIMS) {
    const cs = makeCase(d);
    for (const privateC of [true, false]) {
      const p = prove(cs, privateC);
      verify(d, p);
      // each committed tensor was revealed exactly once (masked), within its mask's capacity
      assert.equal(p.witness.a.reveals, 1);
      assert.equal(p.witness.b.reveals, 1);
    }
  }
});

test('matmul layer: public weights (B and bias known to the verifier), private A', () => {
  for (const d of DIMS) {
    const cs = makeCase(d);
    for (const privateC of [true, false]) verify(d, prove(cs, privateC, undefined, undefined, true));
    // the verifier with other public weights rejects
    const p = prove(cs, false, undefined, undefined, true);
    const other = cs.b.slice();
    other[0] += 1n;
    assert.throws(() => verify(d, p, { ...p.publics, b: paddedTable(other, matmulTensorDims(d).b) }), VerificationError);
  }
});

test('matmul layer: a tampered public output is rejected', () => {
  for (const d of DIMS) {
    const cs = makeCase(d);
    const p = prove(cs, false);
    const wrong = cs.c.slice();
    wrong[Math.floor(Math.random() * wrong.length)] += 1n;
    assert.throws(() => verify(d, p, { c: paddedTable(wrong, matmulTensorDims(d).c) }), (e: unknown) => e instanceof VerificationError && /sumcheck\/final/.test(e.message));
  }
});

test('matmul layer: the honest prover refuses a false product (private C)', () => {
  const cs = makeCase(DIMS[1]);
  const bad = { ...cs, c: cs.c.slice() };
  bad.c[4] -= 1n;
  assert.throws(() => prove(bad, true), /claimed sum is not the sum/);
});

test('matmul layer: committing one changed weight and proving with the old one is rejected by the opening', () => {
  for (const d of DIMS.slice(0, 2)) {
    const cs = makeCase(d);
    const changed = cs.b.slice();
    changed[3] += 1n;
    const p = prove(cs, false, changed);
    assert.throws(() => verify(d, p), VerificationError);
  }
});

test('matmul layer: committing a wrong private output and proving with the right one is rejected by the opening', () => {
  const cs = makeCase(DIMS[2]);
  const wrong = cs.c.slice();
  wrong[1] += 1n;
  const p = prove(cs, true, undefined, wrong);
  assert.throws(() => verify(DIMS[2], p), VerificationError);
});

test('matmul layer: corrupted proofs are rejected, never crash', () => {
  const d = DIMS[1];
  const p = prove(makeCase(d), true);
  verify(d, p);
  let rejected = 0;
  for (let i = 0; i < 40; i++) {
    const bytes = p.proofBytes.slice();
    bytes[Math.floor(Math.random() * bytes.length)] ^= 1 + Math.floor(Math.random() * 255);
    try {
      verify(d, p, p.publics, bytes);
      assert.fail('a corrupted proof was accepted');
    } catch (e) {
      assert.ok(e instanceof VerificationError || e instanceof FormatError, String(e));
      rejected++;
    }
  }
  assert.equal(rejected, 40);
  // a wrong verifier transcript (another context) is rejected too
  assert.throws(() => {
    const r = new ByteReader(p.proofBytes);
    const proof = readSumcheckProof(r, matmulProofShape(d, p.refs));
    const t = new Transcript('test/layers/matmul');
    t.absorbString('context', 'another verifier');
    const session = new VerifierSession(hashPcs, t, p.commitments);
    session.receive();
    verifyMatmul(d, p.refs, {}, p.gRef, proof, session, t);
    session.finish(p.openings.map((o, i) => hashPcs.deserializeProof(o, p.commitments[i], session.claimsOf(i))));
  }, VerificationError);
});

test('matmul layer: refuses shapes it cannot mask', () => {
  assert.throws(() => matmulDegrees({ batch: 1, batchB: 1, m: 2, k: 1, n: 2, biasMode: 0 }, null as unknown as MatmulRefs), /k = 1/);
  assert.throws(() => matmulTensorDims({ batch: 2, batchB: 3, m: 2, k: 2, n: 2, biasMode: 0 }) && matmulDegrees({ batch: 2, batchB: 3, m: 2, k: 2, n: 2, biasMode: 0 }, null as unknown as MatmulRefs), /batchB/);
});
