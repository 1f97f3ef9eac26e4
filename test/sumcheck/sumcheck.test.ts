// Completeness and soundness of the plain and zero-knowledge batched sumcheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/field/ext.js';
import type { Fp2 } from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { VerificationError } from '../../src/encoding/errors.js';
import { proveSumcheck, type ProverTable } from '../../src/sumcheck/prover.js';
import { verifySumcheck } from '../../src/sumcheck/verifier.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { roundDegrees, type BatchShape, type InstanceShape, type TableShape } from '../../src/sumcheck/types.js';
import { serializeSumcheckProof, deserializeSumcheckProof, type SumcheckProof } from '../../src/sumcheck/proof.js';
import { bruteClaim, mle, mleVec, randomExtElement, randomPoint, randomTable, rawValues, vecClaim } from './helpers.js';

const FULL = process.env.ZKINFER_FULL !== undefined;

interface Case {
  shape: BatchShape;
  tables: ProverTable[];
}

/** One instance: `terms` products of `factors` fresh tables each, optionally times eq(p, ·). */
function makeCase(sizes: readonly number[], factors: number, withEq: boolean, zk: boolean, ext = false): Case {
  const tables: ProverTable[] = [];
  const tshapes: TableShape[] = [];
  const instances: InstanceShape[] = sizes.map((nv) => {
    const terms = [0, 1].map(() => {
      const fs = Array.from({ length: factors }, () => {
        const values = randomTable(nv, ext && tables.length % 2 === 1);
        tables.push(zk ? MaskedPoly.sample(values, nv, 1) : values);
        tshapes.push({ numVars: nv, kind: 'committed', maskVars: zk ? Math.min(1, nv) : null });
        return { table: tables.length - 1 };
      });
      return { coeff: randomExtElement(), factors: withEq ? [...fs, { eq: randomPoint(nv) }] : fs };
    });
    return { numVars: nv, weight: randomExtElement(), terms };
  });
  const partial = { tables: tshapes, instances, zk };
  // small: the BigInt reference; large: the field's own vector kernels (independent of ours)
  const big = Math.max(...sizes) > 10;
  return { shape: { ...partial, claimedSum: big ? vecClaim(partial, tables) : bruteClaim(partial, tables) }, tables };
}

function run(c: Case): { proof: SumcheckProof; claims: ReturnType<typeof proveSumcheck>['claims'] } {
  const mask = c.shape.zk ? SumcheckMask.sample(roundDegrees(c.shape)) : null;
  const out = proveSumcheck(c.shape, c.tables, mask, new Transcript('test'));
  return { proof: out.proof, claims: out.claims };
}

function verify(c: Case, proof: SumcheckProof) {
  return verifySumcheck(c.shape, proof, new Transcript('test'));
}

/** The verifier's claims must be the true (masked) evaluations of the tables. */
function checkClaims(c: Case, claims: ReturnType<typeof verify>['claims']) {
  for (const cl of claims) {
    const t = c.tables[cl.table];
    const nv = c.shape.tables[cl.table].numVars;
    const f = nv > 10 ? mleVec(rawValues(t), nv, cl.point) : mle(rawValues(t), nv, cl.point);
    const expected = t instanceof MaskedPoly ? t.masked(f, cl.point) : f;
    assert.deepEqual(cl.value, expected, `table ${cl.table} claim`);
  }
}

// Default suite: every shape up to 2^12 and the common product of two up to 2^16. Full suite:
// the same plus 2^14 … 2^22. References: BigInt up to 2^10, the field's vector kernels above.
const sizes = FULL ? [0, 1, 2, 3, 5, 8, 12, 14, 16, 18, 20, 22] : [0, 1, 2, 3, 5, 8, 12, 16];
for (const zk of [false, true]) {
  for (const nv of sizes) {
    for (const factors of [1, 2, 3, 4]) {
      for (const withEq of [false, true]) {
        if (nv > 12 && (factors > 2 || withEq) && !(FULL && nv <= 16)) continue; // big sizes: the common shapes
        if (nv > 16 && zk !== (factors === 2)) continue;
        if (zk && nv === 0) continue; // a one-entry private table cannot be masked (types.ts)
        test(`complete: ${zk ? 'zk' : 'plain'} 2^${nv}, ${factors} factors${withEq ? ' × eq' : ''}`, () => {
          const c = makeCase([nv], factors, withEq, zk, true);
          const { proof } = run(c);
          const v = verify(c, deserializeSumcheckProof(serializeSumcheckProof(proof), c.shape));
          checkClaims(c, v.claims);
        });
      }
    }
  }
  test(`complete: ${zk ? 'zk' : 'plain'} batch of mixed sizes`, () => {
    const c = makeCase(zk ? [6, 3, 6, 1, 4] : [6, 0, 3, 6, 1, 4], 2, true, zk, true);
    const { proof } = run(c);
    checkClaims(c, verify(c, proof).claims);
  });
}

function rejects(fn: () => unknown, check?: string) {
  assert.throws(fn, (e: unknown) => e instanceof VerificationError && (check === undefined || e.check === check));
}

for (const zk of [false, true]) {
  const label = zk ? 'zk' : 'plain';
  test(`sound: ${label} wrong claimed sum`, () => {
    const c = makeCase([5], 2, true, zk);
    const { proof } = run(c);
    const bad = { ...c, shape: { ...c.shape, claimedSum: E.add(c.shape.claimedSum, E.ONE) } };
    rejects(() => verify(bad, proof));
  });
  test(`sound: ${label} wrong round polynomial (every round, every coefficient)`, () => {
    const c = makeCase([4, 2], 3, true, zk);
    const { proof } = run(c);
    proof.rounds.forEach((r, k) =>
      r.forEach((_, j) => {
        const rounds = proof.rounds.map((x) => x.slice());
        rounds[k][j] = E.add(rounds[k][j], [0n, 1n]);
        rejects(() => verify(c, { ...proof, rounds }));
      }),
    );
  });
  test(`sound: ${label} wrong final evaluation`, () => {
    const c = makeCase([4], 2, false, zk);
    const { proof } = run(c);
    for (let j = 0; j < proof.values.length; j++) {
      const values = proof.values.slice();
      values[j] = E.add(values[j], E.ONE);
      rejects(() => verify(c, { ...proof, values }), 'sumcheck/final');
    }
    if (zk) rejects(() => verify(c, { ...proof, maskValue: E.add(proof.maskValue!, E.ONE) }), 'sumcheck/final');
  });
}

test('zk: the honest prover refuses a false claim', () => {
  const c = makeCase([3], 2, false, true);
  const bad = { ...c.shape, claimedSum: E.add(c.shape.claimedSum, E.ONE) };
  assert.throws(() => proveSumcheck(bad, c.tables, SumcheckMask.sample(roundDegrees(bad)), new Transcript('test')), /claimed sum/);
});

test('zk: a masked table refuses a reveal beyond its capacity', () => {
  const c = makeCase([3], 1, false, true);
  run(c);
  run(c); // capacity 2 (mask over one variable)
  assert.throws(() => run(c), /capacity/);
});

const degreesOf = (c: Case) => roundDegrees(c.shape);
test('zk: a table with no variables cannot be masked', () => {
  assert.throws(() => run(makeCase([0], 1, false, true)), /cannot be masked/);
});

test('zk: round degrees include the masks in the last round', () => {
  const c = makeCase([3], 2, true, true);
  assert.deepEqual(degreesOf(c), [3, 3, 7]);
});

void ({} as Fp2);
