// The scaffold shared by the zero-knowledge tests of the lookups (zk.test.ts: committed inverses,
// gkr-zk.test.ts: LogUp-GKR): the 4-row column holding one private 8-bit value, the brute-force
// comparison of revealed elements with each candidate's unmasked quantities, and the χ²
// distribution check over many serialized proofs. What each test checks is stated in its file.
import assert from 'node:assert/strict';
import type { Fp2 } from '../../src/field/ext.js';

/** The entries after the private first one of every test column. */
const REST = [17n, 42n, 99n];

/** The 4-row column [s, 17, 42, 99]: every candidate s in [0, 256) gives the same statement. */
export function secretColumn(s: bigint): BigUint64Array {
  return BigUint64Array.from([s, ...REST]);
}

function key(x: Fp2): string {
  return `${x[0]},${x[1]}`;
}

/** The revealed field elements as a set (for the candidate comparisons). */
export function revealedSet(revealed: readonly Fp2[]): ReadonlySet<string> {
  return new Set(revealed.map(key));
}

/** How many of a candidate's quantities equal a revealed element. */
export function matchCount(revealed: ReadonlySet<string>, quantities: readonly Fp2[]): number {
  return quantities.filter((x) => revealed.has(key(x))).length;
}

/** Asserts that no 8-bit candidate has a quantity equal to a revealed element. */
export function assertNoCandidateMatches(revealed: readonly Fp2[], quantitiesOf: (candidate: bigint) => readonly Fp2[], secret: bigint): void {
  const seen = revealedSet(revealed);
  for (let c = 0n; c < 256n; c++) assert.equal(matchCount(seen, quantitiesOf(c)), 0, `candidate ${c} matches a revealed value (secret ${secret})`);
}

function proofWords(bytes: Uint8Array): bigint[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => v.getBigUint64(8 * i, true));
}

function chi2(counts: readonly number[], expected: number): number {
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/**
 * Proves `proofs` times for each of two secrets (same statement) and checks every 64-bit word
 * position of the serialized proofs: uniform top 4 bits for each secret (χ², 15 degrees of
 * freedom, below `limit`) and the two secrets' histograms alike (2×16 homogeneity χ²).
 */
export function assertUniformAndWitnessIndependent(prove: (secret: bigint) => Uint8Array, secrets: readonly [bigint, bigint], proofs: number, limit: number): void {
  const samples = secrets.map((secret) => Array.from({ length: proofs }, () => proofWords(prove(secret))));
  const positions = samples[0][0].length;
  for (let pos = 0; pos < positions; pos++) {
    const hist = samples.map((ws) => {
      const h = new Array<number>(16).fill(0);
      for (const w of ws) h[Number(w[pos] >> 60n)]++;
      return h;
    });
    hist.forEach((h, wi) => assert.ok(chi2(h, proofs / 16) < limit, `position ${pos} witness ${wi} not uniform: ${h}`));
    let x2 = 0;
    for (let b = 0; b < 16; b++) {
      const tot = hist[0][b] + hist[1][b];
      if (tot === 0) continue;
      for (let wi = 0; wi < 2; wi++) x2 += (hist[wi][b] - tot / 2) ** 2 / (tot / 2);
    }
    assert.ok(x2 < limit, `position ${pos} depends on the witness (χ² ${x2.toFixed(1)})`);
  }
}
