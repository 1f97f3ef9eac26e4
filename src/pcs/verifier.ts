// Verifier of the hash-based commitment. Portable: @noble/hashes and the WASM field kernels,
// no Node-only API, so it bundles for browsers.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { ExtVec } from '../field/vec.js';
import { VerificationError } from '../encoding/errors.js';
import type { Transcript } from '../transcript/transcript.js';
import type { Commitment, LinearClaim } from './types.js';
import type { HashPcsParams } from './params.js';
import { PROX_MASK_ROWS } from './params.js';
import { absorbStatement, checkClaims, makeLayout, rowCombos, type Layout } from './layout.js';
import { encodeExt } from './encode.js';
import { bytesEqual, hashLeaf, rootFromMultiproof, DIGEST_BYTES } from './merkle.js';
import { SALT_BYTES, type HashPcsProof } from './proof.js';
import { absorbRows, drawChallenges, queryColumns } from './protocol.js';

const X: Fp2 = [0n, 1n];

function fail(check: string, message: string): never {
  throw new VerificationError(check, message);
}

/** Coefficients over all rows (ExtVec of `rows` elements) of one checked combination. */
function rowVector(rows: number): ExtVec {
  return new BigUint64Array(2 * rows);
}

function put(v: ExtVec, i: number, x: Fp2): void {
  v[2 * i] = x[0];
  v[2 * i + 1] = x[1];
}

export function layoutFor(commitment: Commitment, params: HashPcsParams): Layout {
  if (!(commitment.root instanceof Uint8Array) || commitment.root.length !== DIGEST_BYTES) fail('commitment', 'root must be 32 bytes');
  return makeLayout(commitment.sizes, params);
}

export function verify(params: HashPcsParams, commitment: Commitment, claims: readonly LinearClaim[], proof: HashPcsProof, transcript: Transcript): void {
  // Malformed public inputs are failed checks too: verify throws nothing but VerificationError.
  let layout: Layout;
  try {
    layout = layoutFor(commitment, params);
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    fail('commitment', (e as Error).message);
  }
  const shape = layout.shape;
  const { n, k, m, N, logN, rows: R } = shape;
  try {
    checkClaims(layout, claims);
  } catch (e) {
    fail('claims', (e as Error).message);
  }
  absorbStatement(transcript, commitment, claims);
  const lambdas = transcript.challengeExts('pcs/batch', claims.length);
  const combos = rowCombos(layout, claims, lambdas);
  if (combos.length > shape.evalMasks) fail('combinations', `the claims need ${combos.length} row combinations, the commitment has ${shape.evalMasks} masks`);

  // Shape of the proof (a deserialized proof already has it; a hand-built one may not).
  if (proof.rows.length !== combos.length + 1) fail('shape', `${proof.rows.length} rows, expected ${combos.length + 1}`);
  for (const r of proof.rows) if (r.length !== 2 * k) fail('shape', 'a combined row has the wrong length');
  if (!E.isCanonical(proof.maskSum)) fail('shape', 'mask sum is not canonical');
  for (const r of proof.rows) for (const x of r) if (x >= 0xffffffff00000001n) fail('shape', 'a combined row holds a non-canonical element');

  const { beta, gamma } = drawChallenges(transcript, shape, proof.maskSum);
  absorbRows(transcript, proof.rows);
  const queried = queryColumns(transcript, shape);

  // 1. The claimed values: Σ_k ⟨u_k[0..n), b_k⟩ = Σ_c λ_c·v_c + β·μ.
  let lhs: Fp2 = E.ZERO;
  combos.forEach((c, ci) => (lhs = E.add(lhs, V.extInner(proof.rows[ci + 1].subarray(0, 2 * n), c.colWeights))));
  let rhs: Fp2 = E.mul(beta, proof.maskSum);
  claims.forEach((c, ci) => (rhs = E.add(rhs, E.mul(lambdas[ci], c.value))));
  if (!E.eq(lhs, rhs)) fail('value', 'the combined rows do not give the claimed values');

  // 2. The opened columns belong to the committed tree.
  if (proof.columns.length !== queried.length) fail('columns', `${proof.columns.length} opened columns, expected ${queried.length}`);
  const leafHashes = proof.columns.map((c) => {
    if (c.salt.length !== SALT_BYTES || c.values.length !== R) fail('columns', 'an opened column has the wrong size');
    for (const x of c.values) if (x >= 0xffffffff00000001n) fail('columns', 'an opened column holds a non-canonical element');
    const leaf = new Uint8Array(SALT_BYTES + 8 * R);
    leaf.set(c.salt);
    leaf.set(new Uint8Array(c.values.buffer, c.values.byteOffset, 8 * R), SALT_BYTES);
    return hashLeaf(leaf);
  });
  let root: Uint8Array;
  try {
    root = rootFromMultiproof(logN, queried, leafHashes, proof.siblings);
  } catch (e) {
    fail('merkle', (e as Error).message);
  }
  if (!bytesEqual(root, commitment.root)) fail('merkle', 'opened columns do not hash to the commitment root');

  // 3. Each revealed row, encoded, agrees with the same combination of the opened columns.
  const checks: ExtVec[] = [];
  const prox = rowVector(R);
  for (let i = 0; i < m; i++) put(prox, i, [gamma[2 * i], gamma[2 * i + 1]]);
  put(prox, m, E.ONE);
  put(prox, m + 1, X);
  for (let i = m + PROX_MASK_ROWS; i < R; i++) put(prox, i, [gamma[2 * (i - PROX_MASK_ROWS)], gamma[2 * (i - PROX_MASK_ROWS) + 1]]);
  checks.push(prox);
  const betaX = E.mul(beta, X);
  combos.forEach((c, ci) => {
    const v = rowVector(R);
    v.set(c.rowWeights, 2 * c.rowStart);
    const maskAt = m + PROX_MASK_ROWS + 2 * ci;
    put(v, maskAt, beta);
    put(v, maskAt + 1, betaX);
    checks.push(v);
  });
  checks.forEach((coeffs, ri) => {
    const cw = encodeExt(proof.rows[ri], N);
    queried.forEach((j, qi) => {
      const got = V.baseInnerExt(proof.columns[qi].values, coeffs);
      if (got[0] !== cw.c0[j] || got[1] !== cw.c1[j]) {
        fail(ri === 0 ? 'proximity' : 'consistency', `row ${ri} disagrees with opened column ${j}`);
      }
    });
  });
}
