// LogUp-GKR (src/lookup/logup-gkr.ts): completeness on several shapes (claims checked on the
// committed vectors), reveal counts, and soundness against cheating provers and tampered proofs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { VerificationError, FormatError } from '../../src/encoding/errors.js';
import { ByteReader, ByteWriter } from '../../src/encoding/bytes.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { ProverSession, VerifierSession, maskedLayout, specOf } from '../../src/sumcheck/session.js';
import type { LookupProveOptions } from '../../src/lookup/logup.js';
import { proveLookupsGkr, verifyLookupsGkr, readLookupGkrProof, writeLookupGkrProof, lookupGkrCommitmentSizes, type LookupGkrProof } from '../../src/lookup/logup-gkr.js';
import { HashPcs } from '../../src/pcs/index.js';
import { rangeTable } from '../../src/lookup/table.js';
import { RecordingPort, allClaimsHold } from './port.js';
import { mixedCase, randomBelow, squareTable, type Case } from './cases.js';
import { setSumcheckThreads, sumcheckKernel } from '../../src/sumcheck/kernel.js';

const FULL = process.env.ZKINFER_FULL !== undefined;

interface RunOptions {
  options?: LookupProveOptions;
  tamper?: (p: LookupGkrProof) => LookupGkrProof;
}

/** Proves and verifies; returns whether every claim holds on the committed vectors, and the polys. */
function run(c: Case, o: RunOptions = {}) {
  const polys = c.columns.map((cols, r) => cols.map((comps) => comps.map((v) => MaskedPoly.sample(v, c.shape.relations[r].columns[0].numVars, 1))));
  const extras = c.extras.map((v, i) => MaskedPoly.sample(v, c.shape.extras[i].numVars, c.shape.extras[i].maskVars));
  const all = [...polys.flat(2), ...extras];
  const pt = new Transcript('gkr-test');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(all.flatMap((p) => p.commitPolys()));
  const flatRefs = maskedLayout(c0, all.map(specOf));
  let k = 0;
  const refs = { columns: polys.map((cols) => cols.map((comps) => comps.map(() => flatRefs[k++]))), extras: extras.map(() => flatRefs[k++]) };
  let proof = proveLookupsGkr(c.shape, { columns: polys, extras }, refs, pp, pt, o.options);
  // the proof survives its canonical bytes
  const w = new ByteWriter();
  writeLookupGkrProof(w, proof);
  const r = new ByteReader(w.finish(), 'gkr proof');
  proof = readLookupGkrProof(r, c.shape);
  r.end();
  if (o.tamper) proof = o.tamper(proof);
  const vt = new Transcript('gkr-test');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  verifyLookupsGkr(c.shape, proof, refs, vp, vt);
  if (!allClaimsHold(pp, vp)) throw new VerificationError('test/opening', 'a claim does not hold on the committed vectors');
  return { polys, extras };
}

function rangeCase(n: number, bits: number, columns = 1): Case {
  return {
    shape: { relations: [{ table: rangeTable(bits), columns: Array.from({ length: columns }, () => ({ numVars: n, components: 1, maskVars: 1 })) }], extras: [], checks: [] },
    columns: [Array.from({ length: columns }, () => [randomBelow(1 << n, 1 << bits)])],
    extras: [],
  };
}

function tupleCase(n: number): Case {
  const x = randomBelow(1 << n, 256);
  return {
    shape: { relations: [{ table: squareTable(), columns: [{ numVars: n, components: 2, maskVars: 1 }] }], extras: [], checks: [] },
    columns: [[[x, x.map((v) => (v * v) % 65536n)]]],
    extras: [],
  };
}

const sizes = FULL ? [1, 2, 4, 8, 12, 16, 18, 20] : [1, 2, 4, 8, 12];
for (const n of sizes) {
  test(`logup-gkr: 2^${n} lookups into [0, 2^8)`, () => {
    const { polys } = run(rangeCase(n, 8));
    assert.equal(polys[0][0][0].reveals, 1, 'the looked-up column is revealed once');
  });
}

test('logup-gkr: a 2^16 table, 2^16 lookups and 3 columns of 2^10', () => {
  run(rangeCase(FULL ? 16 : 12, 16));
  run(rangeCase(10, 16, 3));
});

test('logup-gkr: tuples (x, x² mod 2^16) into a function table', () => {
  run(tupleCase(FULL ? 14 : 9));
});

test('logup-gkr: several relations of different sizes with a linear check', () => {
  const { polys, extras } = run(mixedCase());
  assert.equal(extras[0].reveals, 1);
  assert.ok(polys.flat(2).every((p) => p.reveals === 1));
});

// ---- soundness

const rejects = (fn: () => unknown) => assert.throws(fn, VerificationError);

test('logup-gkr sound: a value outside the table (miss by one element) is rejected', () => {
  const c = rangeCase(4, 8);
  c.columns[0][0][0][5] = 256n;
  assert.throws(() => run(c), /not in table/);
  rejects(() => run(c, { options: { unsafeAllowMisses: true } }));
  const t = tupleCase(5);
  t.columns[0][0][1][3] = (t.columns[0][0][1][3] + 1n) % 65536n; // f(x) off by one
  rejects(() => run(t, { options: { unsafeAllowMisses: true } }));
});

test('logup-gkr sound: a wrong multiplicity is rejected', () => {
  const c = rangeCase(4, 8);
  const moved = (_r: number, m: BigUint64Array) => {
    const out = m.slice();
    const j = out.findIndex((x) => x > 0n);
    out[j] -= 1n;
    out[(j + 1) % out.length] += 1n; // same total, one count moved
    return out;
  };
  rejects(() => run(c, { options: { unsafeTamperMultiplicities: moved } }));
  const c2 = mixedCase();
  rejects(() => run(c2, { options: { unsafeTamperMultiplicities: (r, m) => (r === 1 ? moved(r, m) : m) } }));
});

test('logup-gkr sound: a linear check that fails on one row is rejected', () => {
  const c = mixedCase();
  c.extras[0][7] = F.add(c.extras[0][7], 1n);
  assert.throws(() => run(c), /claimed sum/, 'the honest prover refuses');
  rejects(() => run(c, { options: { unsafeAllowMisses: true } }));
});

function bump(x: readonly [bigint, bigint]): [bigint, bigint] {
  return [F.add(x[0], 1n), x[1]];
}

test('logup-gkr sound: a wrong root claim, layer message, layer value or final evaluation is rejected', () => {
  const c = rangeCase(5, 8); // 2^5 + 2^8 leaves → 2^9: root, 8 layers, link
  const edit = (k: number, f: (s: LookupGkrProof['sumchecks'][number]) => LookupGkrProof['sumchecks'][number]) => (p: LookupGkrProof) => ({
    sumchecks: p.sumchecks.map((s, i) => (i === k ? f(s) : s)),
  });
  run(c, { tamper: (p) => (assert.equal(p.sumchecks.length, 10), p) });
  for (const k of [0, 1, 4, 9]) {
    // the mask's sum (changes the claimed sum the sumcheck starts from)
    rejects(() => run(c, { tamper: edit(k, (s) => ({ ...s, maskSum: bump(s.maskSum!) })) }));
    // a round message
    rejects(() => run(c, { tamper: edit(k, (s) => ({ ...s, rounds: s.rounds.map((r, j) => (j === 0 ? [bump(r[0]), ...r.slice(1)] : r)) })) }));
    // a revealed value (a layer value, or a committed column's at the link)
    rejects(() => run(c, { tamper: edit(k, (s) => ({ ...s, values: s.values.map((v, j) => (j === 0 ? bump(v) : v)) })) }));
    // g(r)
    rejects(() => run(c, { tamper: edit(k, (s) => ({ ...s, maskValue: bump(s.maskValue!) })) }));
  }
  // a wrong companion value (the mask term of the previous layer's claims, opened by the PCS)
  rejects(() => run(c, { tamper: edit(3, (s) => ({ ...s, values: s.values.map((v, j) => (j === 5 ? bump(v) : v)) })) }));
});

test(`logup-gkr sound: ${FULL ? 1000 : 100} randomly corrupted serialized proofs are all rejected`, () => {
  const c = rangeCase(3, 4);
  const polys = c.columns.map((cols) => cols.map((comps) => comps.map((v) => MaskedPoly.sample(v, 3, 1))));
  const pt = new Transcript('gkr-corrupt');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(polys.flat(2).flatMap((p) => p.commitPolys()));
  const refs = { columns: [[maskedLayout(c0, [specOf(polys[0][0][0])])]], extras: [] };
  const proof = proveLookupsGkr(c.shape, { columns: polys, extras: [] }, refs, pp, pt);
  const w = new ByteWriter();
  writeLookupGkrProof(w, proof);
  const bytes = w.finish();
  const verify = (b: Uint8Array) => {
    const r = new ByteReader(b, 'gkr proof');
    const p = readLookupGkrProof(r, c.shape);
    r.end();
    const vt = new Transcript('gkr-corrupt');
    const vp = new RecordingPort(vt, pp.digests);
    vp.commit(null);
    verifyLookupsGkr(c.shape, p, refs, vp, vt);
    if (!allClaimsHold(pp, vp)) throw new VerificationError('test/opening', 'a claim does not hold');
  };
  verify(bytes);
  const count = FULL ? 1000 : 100;
  for (let i = 0; i < count; i++) {
    let bad: Uint8Array;
    if (i % 10 === 9) bad = i % 20 === 9 ? bytes.slice(0, Math.floor(Math.random() * bytes.length)) : new Uint8Array([...bytes, 0]);
    else {
      bad = bytes.slice();
      const flips = 1 + Math.floor(Math.random() * 3);
      for (let f = 0; f < flips; f++) bad[Math.floor(Math.random() * bad.length)] ^= 1 << Math.floor(Math.random() * 8);
    }
    assert.throws(() => verify(bad), (e) => e instanceof FormatError || e instanceof VerificationError, `corruption ${i} accepted`);
  }
});

// ---- with the real hiding PCS: one helper commitment of the expected sizes, fresh roots

function pcsRun(c: Case, options: LookupProveOptions = {}) {
  const pcs = new HashPcs({ evalMasks: 8 });
  const n = c.shape.relations[0].columns[0].numVars;
  const col = MaskedPoly.sample(c.columns[0][0][0], n, 1);
  const pt = new Transcript('gkr-pcs');
  const session = new ProverSession(pcs, pt);
  const c0 = session.commit(col.commitPolys());
  const refs = { columns: [[maskedLayout(c0, [specOf(col)])]], extras: [] };
  const proof = proveLookupsGkr(c.shape, { columns: [[[col]]], extras: [] }, refs, session, pt, options);
  const openings = session.finish().map((o) => pcs.serializeProof(o));
  const vt = new Transcript('gkr-pcs');
  const vs = new VerifierSession(pcs, vt, session.commitments);
  vs.receive();
  verifyLookupsGkr(c.shape, proof, refs, vs, vt);
  vs.finish(openings.map((b, i) => pcs.deserializeProof(b, session.commitments[i], vs.claimsOf(i))));
  return session.commitments;
}

test('logup-gkr with the PCS: verifies, one helper commitment of the published sizes, fresh roots', () => {
  const c = rangeCase(10, 16);
  const a = pcsRun(c);
  const b = pcsRun(c);
  assert.equal(a.length, 2);
  assert.deepEqual(a[1].sizes, lookupGkrCommitmentSizes(c.shape));
  assert.notDeepEqual(a[1].root, b[1].root);
  const bad = rangeCase(6, 8);
  bad.columns[0][0][0][3] = 300n;
  rejects(() => pcsRun(bad, { unsafeAllowMisses: true }));
});

/** Runs fn with globalThis.crypto.getRandomValues replaced by a fixed xorshift stream (masks reproducible). */
function withSeededRandom<T>(seed: bigint, fn: () => T): T {
  const c = globalThis.crypto;
  const original = c.getRandomValues;
  let s = seed;
  c.getRandomValues = (<A extends ArrayBufferView | null>(a: A): A => {
    const w = new BigUint64Array(a!.buffer, a!.byteOffset, a!.byteLength / 8);
    for (let i = 0; i < w.length; i++) {
      s ^= (s << 13n) & 0xffffffffffffffffn;
      s ^= s >> 7n;
      s ^= (s << 17n) & 0xffffffffffffffffn;
      w[i] = s;
    }
    return a;
  }) as typeof c.getRandomValues;
  try {
    return fn();
  } finally {
    c.getRandomValues = original;
  }
}

test('logup-gkr: two threads (the pooled kernels, fused folds included) send exactly what one thread sends', () => {
  // 2^17 lookups: layers up to J = 15 fold into ≥ 2^13 pairs, so the pool splits them
  const c = rangeCase(17, 8);
  const bytes = () =>
    withSeededRandom(0x2545f4914f6cdd1dn, () => {
      const polys = c.columns.map((cols, r) => cols.map((comps) => comps.map((v) => MaskedPoly.sample(v, c.shape.relations[r].columns[0].numVars, 1))));
      const pt = new Transcript('gkr-threads-test');
      const pp = new RecordingPort(pt);
      const flatRefs = maskedLayout(pp.commit(polys.flat(2).flatMap((p) => p.commitPolys())), polys.flat(2).map(specOf));
      let k = 0;
      const refs = { columns: polys.map((cols) => cols.map((comps) => comps.map(() => flatRefs[k++]))), extras: [] };
      const w = new ByteWriter();
      writeLookupGkrProof(w, proveLookupsGkr(c.shape, { columns: polys, extras: [] }, refs, pp, pt));
      return w.finish();
    });
  const threads = sumcheckKernel().threads;
  try {
    setSumcheckThreads(1);
    const one = bytes();
    setSumcheckThreads(2);
    const before = sumcheckKernel().pooledRuns;
    const two = bytes();
    assert.ok(sumcheckKernel().pooledRuns > before, 'the pooled path did not run');
    assert.deepEqual(two, one);
  } finally {
    sumcheckKernel().close();
    setSumcheckThreads(threads);
  }
});

test('logup-gkr: the specialised layers (gkr-leaf.ts: D − 1, D − 2 and the fused middle layers) send exactly what the generic sumcheck prover sends', () => {
  const cases: [string, Case][] = [
    ['2^10 lookups into [0, 2^8) (layer D − 1 only)', rangeCase(10, 8)],
    ['2^12 lookups into [0, 2^8) (layers D − 1 and D − 2; layer D − 1 holds only its used nodes)', rangeCase(12, 8)],
    ['2^12 lookups into [0, 2^10) (used right half a power of two)', rangeCase(12, 10)],
    ['2^6 lookups into [0, 2) (one head pair from round 0)', rangeCase(6, 1)],
    ['2 columns of 2^10 into [0, 2^8)', rangeCase(10, 8, 2)],
  ];
  for (const [name, c] of cases) {
    const bytes = (genericLayers: boolean) =>
      withSeededRandom(0x9e3779b97f4a7c15n, () => {
        const polys = c.columns.map((cols, r) => cols.map((comps) => comps.map((v) => MaskedPoly.sample(v, c.shape.relations[r].columns[0].numVars, 1))));
        const pt = new Transcript('gkr-leaf-test');
        const pp = new RecordingPort(pt);
        const flatRefs = maskedLayout(pp.commit(polys.flat(2).flatMap((p) => p.commitPolys())), polys.flat(2).map(specOf));
        let k = 0;
        const refs = { columns: polys.map((cols) => cols.map((comps) => comps.map(() => flatRefs[k++]))), extras: [] };
        const w = new ByteWriter();
        writeLookupGkrProof(w, proveLookupsGkr(c.shape, { columns: polys, extras: [] }, refs, pp, pt, { genericLayers }));
        return { proof: w.finish(), claims: JSON.stringify(pp.claims, (_, x) => (typeof x === 'bigint' ? x.toString() : x)) };
      });
    const generic = bytes(true);
    const special = bytes(false);
    assert.deepEqual(special.proof, generic.proof, name);
    assert.equal(special.claims, generic.claims, name);
    run(c); // and it verifies
  }
});
