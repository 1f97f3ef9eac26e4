// One test per check the lookup verifiers make — LogUp with committed inverses (logup.ts),
// LogUp-GKR (logup-gkr.ts; gkr-leaf.ts is prover-only and must send what this verifier checks),
// range checks (range.ts) and the standalone range bundle (standalone.ts) — and per soundness
// property of issue 4: an honest proof verifies, then exactly one thing is changed and the
// verifier must reject with THAT check (VerificationError.check, or the FormatError's message).
// 'test/opening' is the RecordingPort's stand-in for the PCS opening (port.ts): the claim the
// verifier handed on does not hold on the committed vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import * as F from '../../src/field/goldilocks.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { ByteReader, ByteWriter } from '../../src/encoding/bytes.js';
import { MaskedPoly } from '../../src/sumcheck/mask.js';
import { maskedLayout, specOf } from '../../src/sumcheck/session.js';
import type { SumcheckProof } from '../../src/sumcheck/proof.js';
import { proveLookups, readLookupProof, verifyLookups, writeLookupProof, type LookupProveOptions, type LookupShape } from '../../src/lookup/logup.js';
import { proveLookupsGkr, readLookupGkrProof, verifyLookupsGkr, writeLookupGkrProof } from '../../src/lookup/logup-gkr.js';
import { deserializeRangeProof, proveRange, serializeRangeProof, verifyRange, type RangeShape } from '../../src/lookup/range.js';
import { proveRangeStandalone, RANGE_BUNDLE_VERSION, verifyRangeStandalone } from '../../src/lookup/standalone.js';
import { explicitTable, rangeTable } from '../../src/lookup/table.js';
import { HashPcs } from '../../src/pcs/index.js';
import { RecordingPort, allClaimsHold } from './port.js';
import { mixedCase, randomBelow, type Case } from './cases.js';

const rejectedBy = (check: string) => (e: unknown): boolean => e instanceof VerificationError && e.check === check;
const formatError = (re: RegExp) => (e: unknown): boolean => e instanceof FormatError && re.test(e.message);
const bump = (x: Fp2): Fp2 => E.add(x, [0n, 1n]);

type Protocol = 'logup' | 'gkr';
/** Both protocols' proofs as their list of sumcheck proofs (LogUp: one). */
type Sumchecks = readonly SumcheckProof[];

interface RunOptions {
  options?: LookupProveOptions;
  tamper?: (p: Sumchecks) => Sumchecks;
  /** The committed vectors differ from the proven ones: (relation, column, component) or extra index. */
  commitOther?: { lookup?: [number, number, number]; extra?: number; change: (v: BigUint64Array) => void };
  /** The verifier's shape (default: the prover's). */
  verifierShape?: LookupShape;
}

/**
 * Proves (through canonical bytes) and verifies one case; throws what the verifier throws, or
 * 'test/opening' if a claim handed to the port does not hold on the committed vectors.
 */
function run(protocol: Protocol, c: Case, o: RunOptions = {}): void {
  const polys = c.columns.map((cols, r) => cols.map((comps) => comps.map((v) => MaskedPoly.sample(v, c.shape.relations[r].columns[0].numVars, 1))));
  const extras = c.extras.map((v, i) => MaskedPoly.sample(v, c.shape.extras[i].numVars, c.shape.extras[i].maskVars));
  const proven = [...polys.flat(2), ...extras];
  // what is committed: the proven polynomials, or one of them changed (same mask)
  let committed = proven;
  if (o.commitOther) {
    const { lookup, extra, change } = o.commitOther;
    const target = lookup ? polys[lookup[0]][lookup[1]][lookup[2]] : extras[extra!];
    const values = target.values.slice();
    change(values);
    committed = proven.map((p) => (p === target ? new MaskedPoly(values, p.numVars, p.maskVars, p.mask) : p));
  }
  const pt = new Transcript('lookup-checks');
  const pp = new RecordingPort(pt);
  const c0 = pp.commit(committed.flatMap((p) => p.commitPolys()));
  const flat = maskedLayout(c0, proven.map(specOf));
  let k = 0;
  const refs = { columns: polys.map((cols) => cols.map((comps) => comps.map(() => flat[k++]))), extras: extras.map(() => flat[k++]) };
  const witness = { columns: polys, extras };
  const vShape = o.verifierShape ?? c.shape;
  const w = new ByteWriter();
  if (protocol === 'logup') writeLookupProof(w, proveLookups(c.shape, witness, refs, pp, pt, o.options));
  else writeLookupGkrProof(w, proveLookupsGkr(c.shape, witness, refs, pp, pt, o.options));
  const r = new ByteReader(w.finish(), 'lookup proof');
  let sumchecks: Sumchecks = protocol === 'logup' ? [readLookupProof(r, vShape).sumcheck] : readLookupGkrProof(r, vShape).sumchecks;
  r.end();
  if (o.tamper) sumchecks = o.tamper(sumchecks);
  const vt = new Transcript('lookup-checks');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  if (protocol === 'logup') verifyLookups(vShape, { sumcheck: sumchecks[0] }, refs, vp, vt);
  else verifyLookupsGkr(vShape, { sumchecks }, refs, vp, vt);
  if (!allClaimsHold(pp, vp)) throw new VerificationError('test/opening', 'a claim does not hold on the committed vectors');
}

/** Lookups of 2^4 rows into [0, 2^8) where only the rows marked by a public 0/1 indicator count. */
function rowsCase(): { c: Case; indicator: BigUint64Array } {
  const indicator = BigUint64Array.from({ length: 16 }, (_, i) => (i < 11 ? 1n : 0n));
  const v = randomBelow(16, 256);
  for (let i = 11; i < 16; i++) v[i] = 1000n + BigInt(i); // padding rows: not in the table, not looked up
  const c: Case = {
    shape: { relations: [{ table: rangeTable(8), rows: explicitTable('rows', [indicator]), columns: [{ numVars: 4, components: 1, maskVars: 1 }] }], extras: [], checks: [] },
    columns: [[[v]]],
    extras: [],
  };
  return { c, indicator };
}

const moved = (m: BigUint64Array): BigUint64Array => {
  const out = m.slice();
  const j = out.findIndex((x) => x > 0n);
  out[j] -= 1n;
  out[(j + 1) % out.length] += 1n; // same total, one count moved
  return out;
};

const withSumcheck = (k: number, f: (s: SumcheckProof) => SumcheckProof) => (p: Sumchecks): Sumchecks => p.map((s, i) => (i === k ? f(s) : s));

for (const protocol of ['logup', 'gkr'] as const) {
  const name = protocol === 'logup' ? 'logup' : 'logup-gkr';

  test(`${name}: the honest proofs verify and every claim holds (mixed relations, tuple table, linear check, row indicator)`, () => {
    run(protocol, mixedCase());
    run(protocol, rowsCase().c);
  });

  test(`${name} sumcheck/final: a table miss by one element (range and tuple), rejected by the final check`, () => {
    const c = mixedCase();
    c.columns[0][1][0][4] = 256n; // one past [0, 2^8)
    assert.throws(() => run(protocol, c), /not in table/, 'the honest prover refuses');
    assert.throws(() => run(protocol, c, { options: { unsafeAllowMisses: true } }), rejectedBy('sumcheck/final'));
    const t = mixedCase();
    t.columns[2][0][1][3] = (t.columns[2][0][1][3] + 1n) % 65536n; // f(x) off by one
    assert.throws(() => run(protocol, t, { options: { unsafeAllowMisses: true } }), rejectedBy('sumcheck/final'));
    // a looked-up row the indicator marks, outside the table
    const { c: r } = rowsCase();
    r.columns[0][0][0][2] = 256n;
    assert.throws(() => run(protocol, r, { options: { unsafeAllowMisses: true } }), rejectedBy('sumcheck/final'));
  });

  test(`${name} sumcheck/final: a wrong multiplicity (one count moved, same total) in each relation`, () => {
    for (const rel of [0, 1, 2]) {
      assert.throws(() => run(protocol, mixedCase(), { options: { unsafeTamperMultiplicities: (r, m) => (r === rel ? moved(m) : m) } }), rejectedBy('sumcheck/final'), `relation ${rel}`);
    }
  });

  test(`${name} sumcheck/final: a linear check that fails on one row`, () => {
    const c = mixedCase();
    c.extras[0][7] = F.add(c.extras[0][7], 1n);
    assert.throws(() => run(protocol, c), /claimed sum/, 'the honest prover refuses');
    assert.throws(() => run(protocol, c, { options: { unsafeAllowMisses: true } }), rejectedBy('sumcheck/final'));
  });

  test(`${name} sumcheck/final: the verifier's row indicator differs from the prover's in one row`, () => {
    const { c, indicator } = rowsCase();
    const other = indicator.slice();
    other[3] = 0n;
    const rel = c.shape.relations[0];
    const verifierShape: LookupShape = { ...c.shape, relations: [{ ...rel, rows: explicitTable('rows', [other]) }] };
    assert.throws(() => run(protocol, c, { verifierShape }), rejectedBy('sumcheck/final'));
  });

  test(`${name} test/opening: a proof about other values than the committed ones (a looked-up column, an extra) fails at the opening`, () => {
    // the committed column holds 256 where the proof used an in-table value: only the opening sees it
    assert.throws(() => run(protocol, mixedCase(), { commitOther: { lookup: [0, 1, 0], change: (v) => void (v[4] = 256n) } }), rejectedBy('test/opening'));
    assert.throws(() => run(protocol, mixedCase(), { commitOther: { lookup: [2, 0, 1], change: (v) => void (v[1] = v[1] + 1n) } }), rejectedBy('test/opening'));
    assert.throws(() => run(protocol, mixedCase(), { commitOther: { extra: 0, change: (v) => void (v[9] = F.add(v[9], 1n)) } }), rejectedBy('test/opening'));
  });
}

test('lookup shapes the verifier is given are validated (RangeError): nothing to prove, no columns, mixed sizes, one-row columns, a misfit indicator, a component count', () => {
  const col = { numVars: 3, components: 1, maskVars: 1 };
  const rel = { table: rangeTable(4), columns: [col] };
  const refuses = (shape: LookupShape, re: RegExp) => {
    for (const protocol of ['logup', 'gkr'] as const) {
      const port = new RecordingPort(new Transcript('x'), []);
      const go = () => (protocol === 'logup' ? verifyLookups(shape, { sumcheck: { maskSum: null, rounds: [], values: [], maskValue: null } }, { columns: [], extras: [] }, port, new Transcript('x')) : verifyLookupsGkr(shape, { sumchecks: [] }, { columns: [], extras: [] }, port, new Transcript('x')));
      assert.throws(go, (e: unknown) => e instanceof RangeError && re.test(e.message), `${protocol}: ${re}`);
    }
  };
  refuses({ relations: [], extras: [], checks: [] }, /nothing to prove/);
  refuses({ relations: [{ ...rel, columns: [] }], extras: [], checks: [] }, /relation 0 has no columns/);
  refuses({ relations: [{ ...rel, columns: [col, { ...col, numVars: 4 }] }], extras: [], checks: [] }, /mixes column sizes/);
  refuses({ relations: [{ ...rel, columns: [{ ...col, numVars: 0 }] }], extras: [], checks: [] }, /at least 2 rows/);
  refuses({ relations: [{ ...rel, rows: rangeTable(4) }], extras: [], checks: [] }, /row indicator does not fit/);
  refuses({ relations: [{ ...rel, columns: [{ ...col, components: 2 }] }], extras: [], checks: [] }, /column has 2 components, table 1/);
});

// ---- LogUp (committed inverses): its one sumcheck, part by part

test('logup sumcheck/final: G, a coefficient of the first and last rounds, each revealed value (columns, extra, m, h, q) and g(r)', () => {
  const c = mixedCase();
  let values = 0;
  run('logup', c, { tamper: (p) => ((values = p[0].values.length), p) });
  // witness components 5, extra 1, m 3, h 4, q 3
  assert.equal(values, 16);
  const cases: [string, (s: SumcheckProof) => SumcheckProof][] = [
    ['G', (s) => ({ ...s, maskSum: bump(s.maskSum!) })],
    ['g(r)', (s) => ({ ...s, maskValue: bump(s.maskValue!) })],
    ['round 0', (s) => ({ ...s, rounds: s.rounds.map((r, k) => (k === 0 ? [r[0], bump(r[1]), ...r.slice(2)] : r)) })],
    ['last round', (s) => ({ ...s, rounds: s.rounds.map((r, k) => (k === s.rounds.length - 1 ? [bump(r[0]), ...r.slice(1)] : r)) })],
    ...Array.from({ length: values }, (_, j): [string, (s: SumcheckProof) => SumcheckProof] => [`value ${j}`, (s) => ({ ...s, values: s.values.map((v, i) => (i === j ? bump(v) : v)) })]),
  ];
  for (const [what, f] of cases) assert.throws(() => run('logup', c, { tamper: withSumcheck(0, f) }), rejectedBy('sumcheck/final'), what);
});

test('logup sumcheck/shape: a value or a round missing from the proof object', () => {
  const c = mixedCase();
  assert.throws(() => run('logup', c, { tamper: withSumcheck(0, (s) => ({ ...s, values: s.values.slice(1) })) }), rejectedBy('sumcheck/shape'));
  assert.throws(() => run('logup', c, { tamper: withSumcheck(0, (s) => ({ ...s, rounds: s.rounds.slice(1) })) }), rejectedBy('sumcheck/shape'));
});

test('logup decoder (readLookupProof): truncated and trailing bytes', () => {
  const c = mixedCase();
  let bytes: Uint8Array = new Uint8Array();
  run('logup', c, { tamper: (p) => ((bytes = serializeRangeLike(p[0])), p) });
  const read = (b: Uint8Array) => {
    const r = new ByteReader(b, 'lookup proof');
    readLookupProof(r, c.shape);
    r.end();
  };
  read(bytes);
  assert.throws(() => read(bytes.subarray(0, bytes.length - 8)), formatError(/lookup proof: truncated while reading sumcheck mask value/));
  assert.throws(() => read(Uint8Array.from([...bytes, 0])), formatError(/lookup proof: 1 trailing bytes/));
});

function serializeRangeLike(s: SumcheckProof): Uint8Array {
  const w = new ByteWriter();
  writeLookupProof(w, { sumcheck: s });
  return w.finish();
}

// ---- LogUp-GKR: the D + 1 sumchecks, each part of each

test('logup-gkr/shape: one sumcheck too few or too many', () => {
  const c = mixedCase();
  assert.throws(() => run('gkr', c, { tamper: (p) => p.slice(1) }), rejectedBy('logup-gkr/shape'));
  assert.throws(() => run('gkr', c, { tamper: (p) => [...p, p[p.length - 1]] }), rejectedBy('logup-gkr/shape'));
});

test('logup-gkr sumcheck/final: in the root, layer 1, a middle layer, the leaf layer and the link: G, a round coefficient, each revealed value, g(r)', () => {
  const c = mixedCase(); // 2·2^8 + 2^5·3 + 2^4 + 2^3 leaves → D = 10
  let D = 0;
  let valueCounts: number[] = [];
  run('gkr', c, { tamper: (p) => ((D = p.length - 1), (valueCounts = p.map((s) => s.values.length)), p) });
  assert.equal(D, 10);
  for (const k of [0, 1, 5, D - 1, D]) {
    const parts: [string, (s: SumcheckProof) => SumcheckProof][] = [
      ['G', (s) => ({ ...s, maskSum: bump(s.maskSum!) })],
      ['g(r)', (s) => ({ ...s, maskValue: bump(s.maskValue!) })],
      ['round 0 coefficient 0', (s) => ({ ...s, rounds: s.rounds.map((r, j) => (j === 0 ? [bump(r[0]), ...r.slice(1)] : r)) })],
      ['last round, last coefficient', (s) => ({ ...s, rounds: s.rounds.map((r, j) => (j === s.rounds.length - 1 ? [...r.slice(0, -1), bump(r[r.length - 1])] : r)) })],
      ...Array.from({ length: valueCounts[k] }, (_, j): [string, (s: SumcheckProof) => SumcheckProof] => [`value ${j}`, (s) => ({ ...s, values: s.values.map((v, i) => (i === j ? bump(v) : v)) })]),
    ];
    for (const [what, f] of parts) assert.throws(() => run('gkr', c, { tamper: withSumcheck(k, f) }), rejectedBy('sumcheck/final'), `sumcheck ${k}: ${what}`);
  }
});

test('logup-gkr sumcheck/shape: a layer proof with a value or a round missing', () => {
  const c = mixedCase();
  assert.throws(() => run('gkr', c, { tamper: withSumcheck(3, (s) => ({ ...s, values: s.values.slice(1) })) }), rejectedBy('sumcheck/shape'));
  assert.throws(() => run('gkr', c, { tamper: withSumcheck(3, (s) => ({ ...s, rounds: s.rounds.slice(1) })) }), rejectedBy('sumcheck/shape'));
});

test('logup-gkr decoder (readLookupGkrProof): truncated and trailing bytes', () => {
  const c = mixedCase();
  let bytes: Uint8Array = new Uint8Array();
  run('gkr', c, {
    tamper: (p) => {
      const w = new ByteWriter();
      writeLookupGkrProof(w, { sumchecks: p });
      bytes = w.finish();
      return p;
    },
  });
  const read = (b: Uint8Array) => {
    const r = new ByteReader(b, 'gkr proof');
    readLookupGkrProof(r, c.shape);
    r.end();
  };
  read(bytes);
  assert.throws(() => read(bytes.subarray(0, bytes.length - 1)), formatError(/gkr proof: truncated while reading sumcheck mask value/));
  assert.throws(() => read(Uint8Array.from([...bytes, 0])), formatError(/gkr proof: 1 trailing bytes/));
});

// ---- range checks

function rangeValues(n: number, bits: number, signed: boolean): BigUint64Array {
  return BigUint64Array.from({ length: 1 << n }, () => {
    const x = BigInt(Math.floor(Math.random() * 2 ** Math.min(bits, 30)));
    return signed ? F.fromBigInt(x - (1n << BigInt(Math.min(bits, 30) - 1))) : x;
  });
}

/** A range check end to end through the recording port. */
function rangeRun(s: RangeShape, values: BigUint64Array, options: LookupProveOptions = {}, verifierShape: RangeShape = s): void {
  const v = MaskedPoly.sample(values, s.numVars, s.valueMaskVars);
  const pt = new Transcript('range-checks');
  const pp = new RecordingPort(pt);
  const refs = maskedLayout(pp.commit(v.commitPolys()), [specOf(v)]);
  const bytes = serializeRangeProof(proveRange(s, [v], refs, pp, pt, options));
  const vt = new Transcript('range-checks');
  const vp = new RecordingPort(vt, pp.digests);
  vp.commit(null);
  verifyRange(verifierShape, deserializeRangeProof(bytes, verifierShape), refs, vp, vt);
  if (!allClaimsHold(pp, vp)) throw new VerificationError('test/opening', 'a claim does not hold on the committed vectors');
}

test('range sumcheck/final: a value at 2^k or below 0 (unsigned), at 2^(k−1) or below −2^(k−1) (signed), with a top limb of its own range', () => {
  for (const [bits, signed] of [[20, false], [20, true], [33, false], [62, true]] as const) {
    const s: RangeShape = { numVars: 3, columns: 1, bits, signed, limbBits: 16, valueMaskVars: 1 };
    const top = signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits);
    const bottom = signed ? F.fromBigInt(-(1n << BigInt(bits - 1)) - 1n) : F.P - 1n;
    const ok = rangeValues(3, bits, signed);
    ok[0] = top - 1n;
    ok[1] = signed ? F.fromBigInt(-(1n << BigInt(bits - 1))) : 0n;
    rangeRun(s, ok); // the extremes are in range
    for (const [what, x] of [['top', top], ['bottom', bottom]] as const) {
      const v = ok.slice();
      v[5] = x;
      assert.throws(() => rangeRun(s, v), /outside/, `${bits}-bit ${what}: the honest prover refuses`);
      assert.throws(() => rangeRun(s, v, { unsafeAllowMisses: true }), rejectedBy('sumcheck/final'), `${signed ? 'signed ' : ''}${bits}-bit ${what}`);
    }
  }
});

test('range sumcheck/final: limbs that are each in range but do not add up to the value (the decomposition check)', () => {
  // the lookup shape of a 20-bit range check with 16-bit limbs, proven with a wrong low limb
  const s: RangeShape = { numVars: 3, columns: 1, bits: 20, signed: false, limbBits: 16, valueMaskVars: 1 };
  const values = rangeValues(3, 20, false);
  const lo = values.map((x) => x & 0xffffn);
  const hi = values.map((x) => x >> 16n);
  lo[2] = (lo[2] + 1n) & 0xffffn;
  const c: Case = {
    shape: {
      relations: [
        { table: rangeTable(16), columns: [{ numVars: 3, components: 1, maskVars: 1 }] },
        { table: rangeTable(4), columns: [{ numVars: 3, components: 1, maskVars: 1 }] },
      ],
      extras: [{ numVars: 3, maskVars: s.valueMaskVars, ext: false }],
      checks: [{ numVars: 3, constant: E.ZERO, terms: [{ source: { extra: 0 }, coeff: E.ONE }, { source: { lookup: [0, 0, 0] }, coeff: E.neg(E.ONE) }, { source: { lookup: [1, 0, 0] }, coeff: E.neg(E.fromBase(1n << 16n)) }] }],
    },
    columns: [[[lo]], [[hi]]],
    extras: [values],
  };
  assert.throws(() => run('logup', c), /claimed sum/, 'the honest prover refuses');
  assert.throws(() => run('logup', c, { options: { unsafeAllowMisses: true } }), rejectedBy('sumcheck/final'));
});

test('range: shape parameters outside their bounds are refused (RangeError), and a direct shape is not a standalone range proof', () => {
  const s: RangeShape = { numVars: 3, columns: 1, bits: 20, signed: false, limbBits: 16, valueMaskVars: 1 };
  const refuses = (bad: Partial<RangeShape>, re: RegExp) => assert.throws(() => verifyRange({ ...s, ...bad }, { lookup: { sumcheck: { maskSum: null, rounds: [], values: [], maskValue: null } } }, [], new RecordingPort(new Transcript('x'), []), new Transcript('x')), (e: unknown) => e instanceof RangeError && re.test(e.message), JSON.stringify(bad));
  refuses({ bits: 0 }, /0 bits \(1\.\.62\)/);
  refuses({ bits: 63 }, /63 bits \(1\.\.62\)/);
  refuses({ limbBits: 0 }, /limbs of 0 bits/);
  refuses({ limbBits: 21 }, /limbs of 21 bits/);
  refuses({ numVars: 0 }, /at least 2 rows/);
  refuses({ columns: 0 }, /no columns/);
  refuses({ direct: true, bits: 17 }, /direct lookup of 17 bits/);
  refuses({ direct: true, bits: 8 }, /merged model check only/);
});

test('range decoder (deserializeRangeProof): truncated and trailing bytes', () => {
  const s: RangeShape = { numVars: 3, columns: 1, bits: 12, signed: false, limbBits: 8, valueMaskVars: 1 };
  const v = MaskedPoly.sample(rangeValues(3, 12, false), 3, 1);
  const pt = new Transcript('x');
  const pp = new RecordingPort(pt);
  const bytes = serializeRangeProof(proveRange(s, [v], maskedLayout(pp.commit(v.commitPolys()), [specOf(v)]), pp, pt));
  deserializeRangeProof(bytes, s);
  assert.throws(() => deserializeRangeProof(bytes.subarray(0, bytes.length - 1), s), formatError(/range proof: truncated/));
  assert.throws(() => deserializeRangeProof(Uint8Array.from([...bytes, 0]), s), formatError(/range proof: 1 trailing bytes/));
  // another shape reads other counts
  assert.throws(() => deserializeRangeProof(bytes, { ...s, bits: 20 }), FormatError);
});

// ---- the standalone range bundle: every decoder check, and the binding of shape and context

const bundlePcs = new HashPcs({ evalMasks: 8 });
const BUNDLE: RangeShape = { numVars: 3, columns: 1, bits: 12, signed: false, limbBits: 8, valueMaskVars: 1 };

interface Bundle {
  version: number;
  count: number;
  commitments: { root: Uint8Array; sizes: number[] }[];
  proof: Uint8Array;
  openings: Uint8Array[];
}

function parseBundle(bytes: Uint8Array): Bundle {
  const r = new ByteReader(bytes, 'test');
  const version = r.u8();
  const count = r.u32();
  const commitments = Array.from({ length: count }, () => ({ root: r.blob(1 << 20), sizes: Array.from({ length: r.u32() }, () => r.u32()) }));
  const proof = r.blob(1 << 28);
  const openings = commitments.map(() => r.blob(1 << 28));
  r.end();
  return { version, count, commitments, proof, openings };
}

function writeBundle(b: Bundle): Uint8Array {
  const w = new ByteWriter().u8(b.version).u32(b.count);
  for (const c of b.commitments) {
    w.blob(c.root).u32(c.sizes.length);
    for (const x of c.sizes) w.u32(x);
  }
  w.blob(b.proof);
  for (const o of b.openings) w.blob(o);
  return w.finish();
}

test('range bundle: every decoder check (version, commitment count, root length, sizes, nested proof, openings, trailing bytes)', () => {
  const bytes = proveRangeStandalone(bundlePcs, BUNDLE, [rangeValues(3, 12, false)], 'ctx');
  const b = parseBundle(bytes);
  assert.deepEqual(writeBundle(b), bytes);
  verifyRangeStandalone(bundlePcs, BUNDLE, bytes, 'ctx');
  const refuses = (bad: Uint8Array, re: RegExp, what: string) => assert.throws(() => verifyRangeStandalone(bundlePcs, BUNDLE, bad, 'ctx'), formatError(re), what);
  const w = (f: (x: Bundle) => Bundle) => writeBundle(f(parseBundle(bytes)));
  refuses(w((x) => ({ ...x, version: RANGE_BUNDLE_VERSION + 1 })), new RegExp(`range proof bundle: version ${RANGE_BUNDLE_VERSION + 1}, expected ${RANGE_BUNDLE_VERSION}`), 'another version');
  refuses(w((x) => ({ ...x, count: 9 })), /commitments is 9, more than the allowed 8/, 'count above the bound');
  refuses(w((x) => ({ ...x, count: 3, commitments: x.commitments.slice(0, 3), openings: x.openings.slice(0, 3) })), /range proof bundle: 3 commitments, expected 4/, 'one commitment fewer');
  refuses(w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 1 ? { ...c, root: new Uint8Array(65) } : c)) })), /root length is 65, more than the allowed 64/, 'a root too long');
  refuses(w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 2 ? { ...c, sizes: c.sizes.map((s, j) => (j === 0 ? s * 2 : s)) } : c)) })), /commitment 2 has unexpected sizes/, 'a size');
  refuses(w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 3 ? { ...c, sizes: c.sizes.slice(1) } : c)) })), /commitment 3 has unexpected sizes/, 'one size fewer');
  refuses(w((x) => ({ ...x, proof: Uint8Array.from([...x.proof, 0]) })), /range proof: 1 trailing bytes/, 'the nested range proof');
  refuses(Uint8Array.from([...bytes, 0]), /range proof bundle: 1 trailing bytes/, 'trailing bytes');
  refuses(bytes.subarray(0, bytes.length - 1), /range proof bundle: truncated/, 'truncated');
  const sizesAt = 1 + 4 + 4 + b.commitments[0].root.length; // the sizes count of commitment 0
  const many = bytes.slice();
  new DataView(many.buffer).setUint32(sizesAt, (1 << 16) + 1, true);
  refuses(many, /sizes is 65537, more than the allowed 65536/, 'a sizes count above the bound');
  // the nested proof's and an opening's length prefixes above their bounds
  const proofAt = 1 + 4 + b.commitments.reduce((n, c) => n + 8 + c.root.length + 4 * c.sizes.length, 0);
  const long = bytes.slice();
  new DataView(long.buffer).setUint32(proofAt, (1 << 26) + 1, true);
  refuses(long, /range proof length is 67108865, more than the allowed 67108864/, 'the nested proof\'s length');
  const longOpening = bytes.slice();
  new DataView(longOpening.buffer).setUint32(proofAt + 4 + b.proof.length, (1 << 28) + 1, true);
  refuses(longOpening, /opening length is 268435457, more than the allowed 268435456/, 'an opening\'s length');
});

test('range bundle: a changed root, swapped openings, another context or another shape are rejected by the check that guards them', () => {
  const bytes = proveRangeStandalone(bundlePcs, BUNDLE, [rangeValues(3, 12, false)], 'ctx');
  const w = (f: (x: Bundle) => Bundle) => writeBundle(f(parseBundle(bytes)));
  // a root is absorbed before any challenge: every challenge moves, the sumcheck's final check fails
  const flipped = w((x) => ({ ...x, commitments: x.commitments.map((c, i) => (i === 0 ? { ...c, root: c.root.map((y, j) => (j === 0 ? y ^ 1 : y)) } : c)) }));
  assert.throws(() => verifyRangeStandalone(bundlePcs, BUNDLE, flipped, 'ctx'), rejectedBy('sumcheck/final'));
  assert.throws(() => verifyRangeStandalone(bundlePcs, BUNDLE, bytes, 'other'), rejectedBy('sumcheck/final'));
  assert.throws(() => verifyRangeStandalone(bundlePcs, { ...BUNDLE, signed: true }, bytes, 'ctx'), rejectedBy('sumcheck/final'));
  // openings 2 and 3 swapped: the PCS refuses the opening it gets for commitment 2 (or its bytes)
  const swapped = w((x) => ({ ...x, openings: [x.openings[0], x.openings[1], x.openings[3], x.openings[2]] }));
  assert.throws(() => verifyRangeStandalone(bundlePcs, BUNDLE, swapped, 'ctx'), (e: unknown) => e instanceof FormatError || (e instanceof VerificationError && !e.check.startsWith('sumcheck/')));
});
