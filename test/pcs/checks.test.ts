// One test per verifier check of the hash-based commitment (src/pcs/verifier.ts): each breaks
// exactly one part of an honest opening and asserts that exactly that check (by name) fails.
// Together with corruption.test.ts (random byte flips) and pcs.test.ts (cheating committed
// matrices, padding) this is the review's coverage of the verifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { HashPcs, hashPcs } from '../../src/pcs/index.js';
import type { HashPcsProof } from '../../src/pcs/index.js';
import type { Commitment, LinearClaim } from '../../src/pcs/types.js';
import { absorbStatement, makeLayout, rowCombos } from '../../src/pcs/layout.js';
import { absorbRows, drawChallenges, queryColumns } from '../../src/pcs/protocol.js';
import { openMultiproof } from '../../src/pcs/merkle-build.js';
import type { HashPcsState } from '../../src/pcs/prover.js';
import { Rng, claimOf, pointOf, typicalClaims, vecOf } from './helpers.js';

const P = 0xffffffff00000001n;

interface Fixture {
  commitment: Commitment;
  claims: LinearClaim[];
  proof: HashPcsProof;
  state: HashPcsState;
  /** The leaves, copied before the opening hands the state's buffers on (prover.ts release). */
  leaves: Uint8Array;
  n: number;
  k: number;
}

function fixture(seed: number, pcs: HashPcs = hashPcs, claimsOf = (c: LinearClaim[]) => c): Fixture {
  const rng = new Rng(seed);
  const polys = [vecOf(rng, 1 << 10), vecOf(rng, 4)];
  const claims = claimsOf(typicalClaims(rng, polys));
  const { commitment, state } = pcs.commit(polys);
  const leaves = state.leaves.slice();
  const proof = pcs.open(state, claims, new Transcript('checks'));
  return { commitment, claims, proof, state, leaves, n: state.layout.shape.n, k: state.layout.shape.k };
}

/**
 * A cheating prover's last step: after editing the rows (or μ), replay the transcript to learn
 * the columns the verifier will now query, and open those (valid Merkle paths from the
 * prover's own tree). Without this, an edited row only fails the column count.
 */
function reopen(fx: Fixture, proof: HashPcsProof, claims = fx.claims): HashPcsProof {
  const shape = fx.state.layout.shape;
  const t = new Transcript('checks');
  absorbStatement(t, fx.commitment, claims);
  t.challengeExts('pcs/batch', claims.length);
  drawChallenges(t, shape, proof.maskSum);
  absorbRows(t, proof.rows);
  const queried = queryColumns(t, shape);
  const { leafBytes } = fx.state;
  const leaves = fx.leaves;
  const columns = queried.map((j) => {
    const leaf = leaves.slice(j * leafBytes, (j + 1) * leafBytes);
    return { salt: leaf.slice(0, 16), values: new BigUint64Array(leaf.buffer, 16, shape.rows) };
  });
  return { ...proof, columns, siblings: openMultiproof(fx.state.tree, queried) };
}

function check(fx: Fixture, proof: HashPcsProof, expected: string, claims = fx.claims, pcs: HashPcs = hashPcs): void {
  assert.throws(
    () => pcs.verify(fx.commitment, claims, proof, new Transcript('checks')),
    (e: unknown) => {
      assert.ok(e instanceof VerificationError, `expected a VerificationError, got ${String(e)}`);
      assert.equal(e.check, expected, e.message);
      return true;
    },
  );
}

function withRow(proof: HashPcsProof, r: number, edit: (row: BigUint64Array) => void): HashPcsProof {
  const row = proof.rows[r].slice();
  edit(row);
  return { ...proof, rows: proof.rows.map((x, i) => (i === r ? row : x)) };
}

const fx = fixture(101);

test('checks fixture: the honest opening verifies, also as re-opened by the cheating helper', () => {
  hashPcs.verify(fx.commitment, fx.claims, fx.proof, new Transcript('checks'));
  hashPcs.verify(fx.commitment, fx.claims, reopen(fx, fx.proof), new Transcript('checks'));
});

test("check 'combinations': claims needing more row combinations than the commitment has masks", () => {
  // The verifier, not only the prover, refuses them (a prover could skip its own refusal).
  const pcs = new HashPcs({ evalMasks: 3 }); // typicalClaims use exactly 3 here (n = 128)
  const f = fixture(102, pcs);
  const rng = new Rng(1);
  const extra = claimOf([vecOf(rng, 1 << 10)], [{ poly: 0, coeff: E.ONE, point: pointOf(rng, 10) }]);
  check(f, f.proof, 'combinations', [...f.claims, extra], pcs);
});

test("check 'shape': row count, row length, non-canonical mask sum and row entries", () => {
  check(fx, { ...fx.proof, rows: fx.proof.rows.slice(0, -1) }, 'shape');
  check(fx, { ...fx.proof, rows: [...fx.proof.rows, fx.proof.rows[1]] }, 'shape');
  check(fx, { ...fx.proof, rows: fx.proof.rows.map((r, i) => (i === 1 ? r.subarray(0, r.length - 2) : r)) }, 'shape');
  check(fx, { ...fx.proof, maskSum: [P, 0n] }, 'shape');
  check(fx, { ...fx.proof, maskSum: [0n, P + 5n] }, 'shape');
  // p + x encodes the same residue as x: accepted it would make proofs malleable.
  check(fx, withRow(fx.proof, 1, (row) => (row[0] = P)), 'shape');
});

test("check 'value': a wrong claim value, and a mask sum changed alone", () => {
  for (let c = 0; c < fx.claims.length; c++) {
    const claims = fx.claims.map((cl, i) => (i === c ? { ...cl, value: E.add(cl.value, E.ONE) } : cl));
    check(fx, fx.proof, 'value', claims);
  }
  check(fx, { ...fx.proof, maskSum: E.add(fx.proof.maskSum, E.ONE) }, 'value');
  // A data coefficient of a combined row (position < n) enters the value check.
  check(fx, withRow(fx.proof, 1, (row) => (row[0] = (row[0] + 1n) % P)), 'value');
});

test("check 'value': μ is bound before β (a mask sum solved for the old β is rejected)", () => {
  // Cheating prover: claim value v + δ, then pick μ' so that the value equation holds for the β
  // of the honest transcript: β·μ' = β·μ − λ·δ. Since μ is absorbed before β is drawn, μ'
  // changes β and the equation fails. (If μ were absorbed after β, this would be accepted.)
  const delta: Fp2 = [3n, 4n];
  const claims = fx.claims.map((cl, i) => (i === 0 ? { ...cl, value: E.add(cl.value, delta) } : cl));
  const t = new Transcript('checks');
  absorbStatement(t, fx.commitment, claims);
  const [lambda] = t.challengeExts('pcs/batch', claims.length);
  // β of the honest transcript (the cheater's μ is not yet absorbed when it guesses β)
  const th = new Transcript('checks');
  absorbStatement(th, fx.commitment, fx.claims);
  th.challengeExts('pcs/batch', fx.claims.length);
  th.absorbExt('pcs/mask-sum', fx.proof.maskSum);
  const beta = th.challengeExt('pcs/mask-scale');
  const maskSum = E.sub(fx.proof.maskSum, E.mul(E.mul(lambda, delta), E.inv(beta)));
  check(fx, { ...fx.proof, maskSum }, 'value', claims);
});

test("check 'columns': column count, column size, salt size, non-canonical symbols", () => {
  check(fx, { ...fx.proof, columns: fx.proof.columns.slice(1) }, 'columns');
  check(fx, { ...fx.proof, columns: [...fx.proof.columns, fx.proof.columns[0]] }, 'columns');
  const c0 = fx.proof.columns[0];
  const short = [{ ...c0, values: c0.values.subarray(0, c0.values.length - 1) }, ...fx.proof.columns.slice(1)];
  check(fx, { ...fx.proof, columns: short }, 'columns');
  const salt = [{ ...c0, salt: c0.salt.subarray(0, 15) }, ...fx.proof.columns.slice(1)];
  check(fx, { ...fx.proof, columns: salt }, 'columns');
  const values = c0.values.slice();
  values[1] = P; // the residue 0 in non-canonical form
  check(fx, { ...fx.proof, columns: [{ ...c0, values }, ...fx.proof.columns.slice(1)] }, 'columns');
});

test("check 'merkle': missing or extra siblings, swapped columns, another column's opening", () => {
  check(fx, { ...fx.proof, siblings: fx.proof.siblings.slice(1) }, 'merkle');
  check(fx, { ...fx.proof, siblings: [...fx.proof.siblings, fx.proof.siblings[0]] }, 'merkle');
  // Columns are bound to their queried index by their position: swapping two fails.
  const cols = fx.proof.columns.slice();
  [cols[0], cols[1]] = [cols[1], cols[0]];
  check(fx, { ...fx.proof, columns: cols }, 'merkle');
  // A column opened with its salt but another column's symbols.
  const mixed = fx.proof.columns.map((c, i) => (i === 0 ? { ...c, values: fx.proof.columns[1].values } : c));
  check(fx, { ...fx.proof, columns: mixed }, 'merkle');
});

test("check 'proximity': any change of the proximity row", () => {
  // The proximity row is not in the value equation, so only the code check sees it; a change
  // of one coefficient changes its codeword at every point of the coset.
  for (const pos of [0, 1, 2 * fx.n, 2 * fx.k - 1]) check(fx, reopen(fx, withRow(fx.proof, 0, (row) => (row[pos] = (row[pos] + 1n) % P))), 'proximity');
  // Without re-opening, the edited row moves the queries: the old columns no longer match them.
  assert.throws(
    () => hashPcs.verify(fx.commitment, fx.claims, withRow(fx.proof, 0, (row) => (row[0] = (row[0] + 1n) % P)), new Transcript('checks')),
    (e: unknown) => e instanceof VerificationError && (e.check === 'columns' || e.check === 'merkle'),
  );
});

test("check 'consistency': a combined row changed outside its data coefficients", () => {
  // Coefficients n .. k−1 (the random padding) do not enter the value equation: only the
  // consistency check with the opened columns sees them.
  for (let r = 1; r < fx.proof.rows.length; r++) {
    for (const pos of [2 * fx.n, 2 * fx.k - 1]) check(fx, reopen(fx, withRow(fx.proof, r, (row) => (row[pos] = (row[pos] + 1n) % P))), 'consistency');
  }
});

test("check 'consistency': a combined row that satisfies the value equation but is not the committed combination", () => {
  // Cheating prover for a false claim: shift the data coefficients of combined row 1 so the
  // value equation holds for claim value v + δ (the column weights b are public). Only the
  // comparison with the opened columns can catch it.
  // The prover does not check claims: open the false claim honestly, then fix the value equation.
  const delta: Fp2 = [7n, 0n];
  const lie = (claims: LinearClaim[]) => claims.map((cl, i) => (i === 0 ? { ...cl, value: E.add(cl.value, delta) } : cl));
  const f = fixture(103, hashPcs, lie);
  check(f, f.proof, 'value');
  const t = new Transcript('checks');
  absorbStatement(t, f.commitment, f.claims);
  const lambdas = t.challengeExts('pcs/batch', f.claims.length);
  // Combination 0 (proof row 1) holds claim 0's term; its public column weights b_0 come from
  // the layout. Put all of λ_0·δ on the first column j with b_0[j] ≠ 0.
  const layout = makeLayout(f.commitment.sizes, hashPcs.params);
  const b0 = rowCombos(layout, f.claims, lambdas)[0].colWeights;
  let j = 0;
  while (b0[2 * j] === 0n && b0[2 * j + 1] === 0n) j++;
  const shift = E.mul(E.mul(lambdas[0], delta), E.inv([b0[2 * j], b0[2 * j + 1]]));
  const edited = withRow(f.proof, 1, (row) => {
    const x = E.add([row[2 * j], row[2 * j + 1]], shift);
    row[2 * j] = x[0];
    row[2 * j + 1] = x[1];
  });
  // The value equation now holds (so the failure below is the code check, not the value check).
  check(f, reopen(f, edited), 'consistency');
});

test('every check fires on some tampering in this file', () => {
  // Keeps the list above in step with verifier.ts: these are all the check names it uses.
  const names = ['commitment', 'claims', 'combinations', 'shape', 'value', 'columns', 'merkle', 'proximity', 'consistency'];
  const seen = new Set<string>();
  const record = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof VerificationError) seen.add(e.check);
    }
  };
  const v = (proof: HashPcsProof, claims = fx.claims, commitment = fx.commitment) => () => hashPcs.verify(commitment, claims, proof, new Transcript('checks'));
  record(v(fx.proof, fx.claims, { root: fx.commitment.root.subarray(1), sizes: fx.commitment.sizes }));
  record(v(fx.proof, [{ terms: [{ poly: 9, coeff: E.ONE, point: [] }], value: E.ZERO }]));
  record(v(fx.proof, Array.from({ length: 9 }, (_, i) => ({ terms: [{ poly: 0, coeff: E.ONE, point: pointOf(new Rng(i), 10) }], value: E.ZERO }))));
  record(v({ ...fx.proof, maskSum: [P, 0n] }));
  record(v({ ...fx.proof, maskSum: E.add(fx.proof.maskSum, E.ONE) }));
  record(v({ ...fx.proof, columns: fx.proof.columns.slice(1) }));
  record(v({ ...fx.proof, siblings: fx.proof.siblings.slice(1) }));
  record(v(reopen(fx, withRow(fx.proof, 0, (row) => (row[0] = (row[0] + 1n) % P)))));
  record(v(reopen(fx, withRow(fx.proof, 1, (row) => (row[2 * fx.k - 1] = (row[2 * fx.k - 1] + 1n) % P)))));
  assert.deepEqual([...seen].sort(), [...names].sort());
});
