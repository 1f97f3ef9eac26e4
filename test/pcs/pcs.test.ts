// Completeness and soundness checks of the hash-based commitment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import * as V from '../../src/field/vec.js';
import { FormatError, VerificationError } from '../../src/encoding/errors.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { HashPcs, hashPcs } from '../../src/pcs/index.js';
import type { HashPcsProof } from '../../src/pcs/index.js';
import type { LinearClaim } from '../../src/pcs/types.js';
import { absorbStatement, rowCombos, makeLayout } from '../../src/pcs/layout.js';
import { evaluate, numVars } from '../../src/poly/mle.js';
import { buildTree } from '../../src/pcs/merkle-build.js';
import { Rng, claimOf, extOf, pointOf, typicalClaims, vecOf } from './helpers.js';

const FULL = process.env.ZKINFER_FULL !== undefined;

function roundTrip(sizes: number[], seed: number, pcs = hashPcs): void {
  const rng = new Rng(seed);
  const polys = sizes.map((s) => vecOf(rng, s));
  const claims = typicalClaims(rng, polys);
  const { commitment, state } = pcs.commit(polys);
  const proof = pcs.open(state, claims, new Transcript('pcs-test'));
  const bytes = pcs.serializeProof(proof);
  const parsed = pcs.deserializeProof(bytes, commitment, claims);
  assert.deepEqual(pcs.serializeProof(parsed), bytes, 'canonical re-encoding');
  pcs.verify(commitment, claims, parsed, new Transcript('pcs-test'));
}

test('completeness: sizes 2^0 … 2^16 and non-powers of two, with a small mask vector', () => {
  const sizes = [1, 2, 3, 5, 7, 16, 33, 100, 1000, 1 << 10, (1 << 12) + 3, 1 << 14, 50000, 1 << 16];
  for (const s of sizes) roundTrip([s, 4], s);
  for (let k = 0; k <= 16; k += 4) roundTrip([2 ** k], 1000 + k);
});

test('completeness: sizes 2^17 … 2^22 (full suite)', { skip: !FULL }, () => {
  for (let k = 17; k <= 22; k++) roundTrip([2 ** k, 8], 2000 + k);
  roundTrip([(1 << 20) + 12345, 3], 3000);
});

test('completeness: many vectors of mixed sizes, dense weights across rows', () => {
  const rng = new Rng(7);
  const pcs = new HashPcs({ evalMasks: 12, rowLog: 4 });
  const polys = [vecOf(rng, 100), vecOf(rng, 3), vecOf(rng, 16), vecOf(rng, 1), vecOf(rng, 40)];
  const w = V.extFromElements(Array.from({ length: 50 }, () => extOf(rng))); // spans 4 rows of 16
  const claims: LinearClaim[] = [
    claimOf(polys, [{ poly: 0, coeff: extOf(rng), weights: w }, { poly: 3, coeff: E.ONE, point: [] }]),
    claimOf(polys, polys.map((p, i) => ({ poly: i, coeff: extOf(rng), point: pointOf(rng, numVars(p.length)) }))),
    claimOf(polys, []),
  ];
  const { commitment, state } = pcs.commit(polys);
  const proof = pcs.open(state, claims, new Transcript('mixed'));
  pcs.verify(commitment, claims, pcs.deserializeProof(pcs.serializeProof(proof), commitment, claims), new Transcript('mixed'));
});

test('claims are about the zero-padded vector, whatever the committed padding holds', () => {
  // A cheater commits a whole last row (garbage after the first `size` entries) but announces
  // size `size`: the same matrix, since the data rows end with that row. Rows of n = 2^rowLog.
  const rng = new Rng(8);
  for (const [rowLog, size] of [[2, 11], [2, 9], [4, 11], [3, 13]] as const) {
    const pcs = new HashPcs({ rowLog });
    const stored = Math.ceil(size / 2 ** rowLog) * 2 ** rowLog;
    const full = vecOf(rng, 16);
    full.fill(0n, stored);
    const padded = full.slice();
    padded.fill(0n, size);
    const r = pointOf(rng, 4);
    const honest = evaluate(padded, r);
    const withGarbage = evaluate(full, r);
    assert.ok(!E.eq(honest, withGarbage));
    const w = V.extFromElements(Array.from({ length: 16 }, () => extOf(rng)));
    const dense = claimOf([padded], [{ poly: 0, coeff: E.ONE, weights: w }]).value;
    const denseGarbage = claimOf([full], [{ poly: 0, coeff: E.ONE, weights: w }]).value;
    for (const [value, denseValue, ok] of [[honest, dense, true], [withGarbage, dense, false], [honest, denseGarbage, false]] as const) {
      const { commitment, state } = pcs.commit([full.slice(0, stored)]);
      const fake = { root: commitment.root, sizes: [size] };
      Object.assign(state, { commitment: fake, layout: makeLayout([size], pcs.params) });
      const claims: LinearClaim[] = [
        { terms: [{ poly: 0, coeff: E.ONE, point: r }], value },
        { terms: [{ poly: 0, coeff: E.ONE, weights: w }], value: denseValue },
      ];
      const proof = pcs.open(state, claims, new Transcript('pad'));
      if (ok) pcs.verify(fake, claims, proof, new Transcript('pad'));
      else rejects(() => pcs.verify(fake, claims, proof, new Transcript('pad')), 'value');
    }
  }
});

test('layout: smaller vectors sit in the unused end of a larger one\'s slot; a claim reads only its own vector there', () => {
  const sizes = [600, 128, 64, 3];
  const layout = makeLayout(sizes, hashPcs.params);
  assert.deepEqual(layout.placements.map((p) => p.offset), [0, 640, 768, 832]); // was 0, 1024, 1152, 1216
  assert.equal(layout.total, 835); // the data's end (was 1220)
  assert.equal(makeLayout([600], hashPcs.params).total, 600);
  assert.equal(makeLayout([1024, 128], hashPcs.params).placements[1].offset, 1024, 'powers of two: one after another as before');
  const rng = new Rng(9);
  for (const rowLog of [2, 5, 7, 10]) {
    const pcs = new HashPcs({ rowLog, evalMasks: 12 });
    const polys = sizes.map((n) => vecOf(rng, n));
    const r = pointOf(rng, 10);
    // what vector 0's slot holds: its data, then the others' (a claim must not read them)
    const slot = new BigUint64Array(1024);
    polys.forEach((p, i) => slot.set(p, layout.placements[i].offset));
    const claims = (value: ReturnType<typeof evaluate>): LinearClaim[] => [
      { terms: [{ poly: 0, coeff: E.ONE, point: r }], value },
      ...polys.slice(1).map((p, i) => claimOf(polys, [{ poly: i + 1, coeff: extOf(rng), point: pointOf(rng, numVars(p.length)) }])),
    ];
    const honest = claims(claimOf(polys, [{ poly: 0, coeff: E.ONE, point: r }]).value);
    const { commitment, state } = pcs.commit(polys);
    pcs.verify(commitment, honest, pcs.open(state, honest, new Transcript('tail')), new Transcript('tail'));
    const reads = claims(evaluate(slot, r));
    const second = pcs.commit(polys);
    rejects(() => pcs.verify(second.commitment, reads, pcs.open(second.state, reads, new Transcript('tail')), new Transcript('tail')), 'value');
  }
});

interface Fixture {
  polys: BigUint64Array[];
  claims: LinearClaim[];
  commitment: ReturnType<typeof hashPcs.commit>['commitment'];
  proof: HashPcsProof;
  bytes: Uint8Array;
}

function fixture(seed: number, size = 1 << 12): Fixture {
  const rng = new Rng(seed);
  const polys = [vecOf(rng, size), vecOf(rng, 8)];
  const claims = typicalClaims(rng, polys);
  const { commitment, state } = hashPcs.commit(polys);
  const proof = hashPcs.open(state, claims, new Transcript('fx'));
  return { polys, claims, commitment, proof, bytes: hashPcs.serializeProof(proof) };
}

function rejects(f: () => void, check?: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof VerificationError, `expected a VerificationError, got ${String(e)}`);
    if (check !== undefined) assert.equal(e.check, check);
    return true;
  });
}

test('the honest fixture verifies (so the rejections below are meaningful)', () => {
  const fx = fixture(11);
  hashPcs.verify(fx.commitment, fx.claims, fx.proof, new Transcript('fx'));
});

test('rejects a wrong value', () => {
  const fx = fixture(12);
  for (let c = 0; c < fx.claims.length; c++) {
    const claims = fx.claims.map((cl, i) => (i === c ? { ...cl, value: E.add(cl.value, E.ONE) } : cl));
    rejects(() => hashPcs.verify(fx.commitment, claims, fx.proof, new Transcript('fx')));
  }
});

test('rejects a wrong point (claims with the value of another point)', () => {
  const fx = fixture(13);
  const t = fx.claims[0].terms[0];
  assert.ok('point' in t);
  const point = t.point.slice();
  point[0] = E.add(point[0], E.ONE);
  const claims = [{ terms: [{ ...t, point }], value: fx.claims[0].value }, ...fx.claims.slice(1)];
  rejects(() => hashPcs.verify(fx.commitment, claims, fx.proof, new Transcript('fx')));
});

test('rejects a swapped commitment', () => {
  const a = fixture(14);
  const b = fixture(15);
  rejects(() => hashPcs.verify(b.commitment, a.claims, a.proof, new Transcript('fx')));
  // Same data committed twice: fresh randomness, different roots, and the proofs do not mix.
  const again = hashPcs.commit(a.polys).commitment;
  assert.notDeepEqual(again.root, a.commitment.root);
  rejects(() => hashPcs.verify(again, a.claims, a.proof, new Transcript('fx')));
});

test('rejects another transcript', () => {
  const fx = fixture(16);
  rejects(() => hashPcs.verify(fx.commitment, fx.claims, fx.proof, new Transcript('other')));
});

test('rejects a corrupted Merkle path', () => {
  const fx = fixture(17);
  const siblings = fx.proof.siblings.map((s, i) => (i === 3 ? s.map((x, j) => (j === 0 ? x ^ 1 : x)) : s));
  rejects(() => hashPcs.verify(fx.commitment, fx.claims, { ...fx.proof, siblings }, new Transcript('fx')), 'merkle');
  const salt = fx.proof.columns[0].salt.slice();
  salt[5] ^= 0x80;
  const columns = [{ ...fx.proof.columns[0], salt }, ...fx.proof.columns.slice(1)];
  rejects(() => hashPcs.verify(fx.commitment, fx.claims, { ...fx.proof, columns }, new Transcript('fx')), 'merkle');
});

test('rejects a corrupted codeword column (an opened value changed)', () => {
  const fx = fixture(18);
  const values = fx.proof.columns[2].values.slice();
  values[0] = (values[0] + 1n) % 0xffffffff00000001n;
  const columns = fx.proof.columns.map((c, i) => (i === 2 ? { ...c, values } : c));
  rejects(() => hashPcs.verify(fx.commitment, fx.claims, { ...fx.proof, columns }, new Transcript('fx')), 'merkle');
});

test('rejects a committed matrix that is not a codeword (cheating prover)', () => {
  // Commit honestly, then overwrite a quarter of the symbols of data row 0 in the leaves and
  // rebuild the tree: the root is then a commitment to a matrix far from the code.
  const rng = new Rng(19);
  const polys = [vecOf(rng, 1 << 12), vecOf(rng, 8)];
  const claims = typicalClaims(rng, polys);
  const { state } = hashPcs.commit(polys);
  const { N, logN } = state.layout.shape;
  const leaves = state.leaves;
  const w = new DataView(leaves.buffer);
  for (let j = 0; j < N; j += 4) w.setBigUint64(j * state.leafBytes + 16, BigInt(j + 1), true);
  const tree = buildTree(leaves, state.leafBytes, logN);
  state.tree.splice(0, state.tree.length, ...tree);
  const commitment = { root: tree[logN].slice(), sizes: state.commitment.sizes };
  Object.assign(state, { commitment });
  const proof = hashPcs.open(state, claims, new Transcript('cheat'));
  // The Merkle paths are valid (the tree is the cheater's own); the code checks catch it.
  assert.throws(() => hashPcs.verify(commitment, claims, proof, new Transcript('cheat')), (e: unknown) => {
    assert.ok(e instanceof VerificationError);
    assert.ok(e.check === 'proximity' || e.check === 'consistency', `failed check: ${e.check}`);
    return true;
  });
});

test('rejects a changed combined row or mask sum', () => {
  const fx = fixture(20);
  for (let r = 0; r < fx.proof.rows.length; r++) {
    for (const pos of [0, fx.proof.rows[r].length - 1]) {
      const row = fx.proof.rows[r].slice();
      row[pos] = (row[pos] + 1n) % 0xffffffff00000001n;
      const rows = fx.proof.rows.map((x, i) => (i === r ? row : x));
      rejects(() => hashPcs.verify(fx.commitment, fx.claims, { ...fx.proof, rows }, new Transcript('fx')));
    }
  }
  rejects(() => hashPcs.verify(fx.commitment, fx.claims, { ...fx.proof, maskSum: E.add(fx.proof.maskSum, E.ONE) }, new Transcript('fx')));
});

test('rejects truncated, extended and non-canonical proofs with a FormatError', () => {
  const fx = fixture(21);
  for (const cut of [0, 1, 17, fx.bytes.length >> 1, fx.bytes.length - 1]) {
    assert.throws(() => hashPcs.deserializeProof(fx.bytes.slice(0, cut), fx.commitment, fx.claims), FormatError, `cut at ${cut}`);
  }
  const longer = new Uint8Array(fx.bytes.length + 1);
  longer.set(fx.bytes);
  assert.throws(() => hashPcs.deserializeProof(longer, fx.commitment, fx.claims), FormatError);
  const nonCanonical = fx.bytes.slice();
  new DataView(nonCanonical.buffer).setBigUint64(1, 0xffffffff00000001n, true); // the mask sum's c0 = p
  assert.throws(() => hashPcs.deserializeProof(nonCanonical, fx.commitment, fx.claims), FormatError);
  const version = fx.bytes.slice();
  version[0] = 2;
  assert.throws(() => hashPcs.deserializeProof(version, fx.commitment, fx.claims), FormatError);
});

test('a second opening of one commitment is refused', () => {
  const rng = new Rng(22);
  const polys = [vecOf(rng, 256)];
  const claims = [claimOf(polys, [{ poly: 0, coeff: E.ONE, point: pointOf(rng, 8) }])];
  const { state } = hashPcs.commit(polys);
  hashPcs.open(state, claims, new Transcript('once'));
  assert.throws(() => hashPcs.open(state, claims, new Transcript('once')), /already opened/);
});

test('too many row combinations is refused before anything is revealed', () => {
  const rng = new Rng(23);
  const pcs = new HashPcs({ evalMasks: 1 });
  const polys = [vecOf(rng, 1 << 12)];
  const claims = [0, 1].map(() => claimOf(polys, [{ poly: 0, coeff: E.ONE, point: pointOf(rng, 12) }]));
  const { commitment, state } = pcs.commit(polys);
  assert.throws(() => pcs.open(state, claims, new Transcript('x')), /row combinations/);
  // The state is not consumed: one claim still opens.
  const proof = pcs.open(state, claims.slice(0, 1), new Transcript('x'));
  pcs.verify(commitment, claims.slice(0, 1), proof, new Transcript('x'));
});

test('malformed claims are rejected clearly', () => {
  const rng = new Rng(24);
  const polys = [vecOf(rng, 8)];
  const { state } = hashPcs.commit(polys);
  const bad: LinearClaim[][] = [
    [{ terms: [{ poly: 1, coeff: E.ONE, point: pointOf(rng, 3) }], value: E.ZERO }],
    [{ terms: [{ poly: 0, coeff: E.ONE, point: pointOf(rng, 2) }], value: E.ZERO }],
    [{ terms: [{ poly: 0, coeff: E.ONE, weights: new BigUint64Array(18) }], value: E.ZERO }],
    [{ terms: [{ poly: 0, coeff: [0xffffffff00000001n, 0n], point: pointOf(rng, 3) }], value: E.ZERO }],
  ];
  for (const claims of bad) assert.throws(() => hashPcs.open(state, claims, new Transcript('x')), RangeError);
  assert.throws(() => hashPcs.commit([BigUint64Array.of(1n, 0xffffffff00000001n)]), /canonical/);
  assert.throws(() => hashPcs.commit([]), RangeError);
  assert.throws(() => hashPcs.commit([new BigUint64Array(0)]), RangeError);
  // The verifier turns malformed public inputs into VerificationErrors.
  const fx = fixture(26, 64);
  rejects(() => hashPcs.verify({ root: fx.commitment.root, sizes: [0] }, fx.claims, fx.proof, new Transcript('fx')), 'commitment');
  rejects(() => hashPcs.verify({ root: fx.commitment.root.slice(1), sizes: fx.commitment.sizes }, fx.claims, fx.proof, new Transcript('fx')), 'commitment');
  rejects(() => hashPcs.verify(fx.commitment, [{ terms: [{ poly: 5, coeff: E.ONE, point: [] }], value: E.ZERO }], fx.proof, new Transcript('fx')), 'claims');
});

test('proofs stay within maxProofBytes', () => {
  const fx = fixture(27);
  const bound = hashPcs.maxProofBytes(fx.commitment.sizes, 3); // typicalClaims: two points of f, one row for the small vector
  assert.ok(fx.bytes.length <= bound && fx.bytes.length > bound / 2, `${fx.bytes.length} vs ${bound}`);
});

test('the opening reveals claim values, not the value of a single term', () => {
  // Claim f(r) + z·R(s): two row combinations. Neither combined row's contribution equals
  // f(r) (or z·R(s)) alone: each is masked by its evaluation mask.
  const rng = new Rng(25);
  const polys = [vecOf(rng, 1 << 12), vecOf(rng, 4)];
  const r = pointOf(rng, 12);
  const s = pointOf(rng, 2);
  const z = extOf(rng);
  const claims = [claimOf(polys, [{ poly: 0, coeff: E.ONE, point: r }, { poly: 1, coeff: z, point: s }])];
  const { commitment, state } = hashPcs.commit(polys);
  const proof = hashPcs.open(state, claims, new Transcript('zk'));
  hashPcs.verify(commitment, claims, proof, new Transcript('zk'));
  const layout = makeLayout(commitment.sizes, hashPcs.params);
  // Recompute λ the way both sides do, to get each combination's column weights.
  const t = new Transcript('zk');
  absorbStatement(t, commitment, claims);
  const [lambda] = t.challengeExts('pcs/batch', 1);
  const combos = rowCombos(layout, claims, [lambda]);
  assert.equal(combos.length, 2);
  // Unmasked, combination 0 would contribute λ·f(r) and combination 1 λ·z·R(s).
  const secrets = [E.mul(lambda, evaluate(polys[0], r)), E.mul(lambda, E.mul(z, evaluate(polys[1], s)))];
  const parts = combos.map((c, i) => V.extInner(proof.rows[i + 1].subarray(0, 2 * layout.shape.n), c.colWeights));
  for (const x of parts) for (const secret of secrets) assert.ok(!E.eq(x, secret), 'a single term value is revealed');
  // Their sum is the batched value plus β·μ, not the batched value itself.
  assert.ok(!E.eq(E.add(parts[0], parts[1]), E.mul(lambda, claims[0].value)));
  // And the data symbols themselves never appear in the opened columns' data rows.
  const data = new Set(Array.from(polys[0].subarray(0, 64), String));
  for (const c of proof.columns) for (let i = 0; i < layout.shape.m; i++) assert.ok(!data.has(String(c.values[i])));
});

test('openings of the zero vector look uniform (padding and masks at work)', () => {
  // Without random padding and mask rows every revealed symbol below would be 0.
  const polys = [new BigUint64Array(1 << 12)];
  const rng = new Rng(30);
  const claims = [claimOf(polys, [{ poly: 0, coeff: E.ONE, point: pointOf(rng, 12) }])];
  const { commitment, state } = hashPcs.commit(polys);
  const proof = hashPcs.open(state, claims, new Transcript('zero'));
  hashPcs.verify(commitment, claims, proof, new Transcript('zero'));
  const m = state.layout.shape.m;
  const revealed: bigint[] = [];
  for (const c of proof.columns) for (let i = 0; i < m; i++) revealed.push(c.values[i]);
  for (const r of proof.rows) revealed.push(...r);
  // The top bit of a uniform element is 1 with probability ≈ 1/2 (p ≈ 2^64); allow 6 sigma.
  const ones = revealed.filter((x) => x >> 63n === 1n).length;
  const sigma = Math.sqrt(revealed.length) / 2;
  assert.ok(Math.abs(ones - revealed.length / 2) < 6 * sigma, `${ones} of ${revealed.length}`);
  assert.ok(revealed.filter((x) => x === 0n).length < 3);
});
