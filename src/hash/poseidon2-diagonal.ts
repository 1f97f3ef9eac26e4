// How the Poseidon2 script of the authors chose the internal diagonal, re-implemented from the
// description in ../shared/testdata/poseidon2/README.md (step 7), so the diagonal can be
// regenerated rather than trusted: continue the Grain stream after the round constants, draw
// blocks of t 64-bit values reduced mod p, and accept the first block whose matrix
// M = (J − I) + diag(block) has, for every k = 1 … 2t, a minimal polynomial of M^k that is
// irreducible of degree t — equivalently, an irreducible characteristic polynomial of M^k
// (an irreducible characteristic polynomial is then also the minimal one).
//
// Parameter generation only (tests): BigInt, O(t^4) per matrix power.
import * as F from '../field/goldilocks.js';
import { grainRoundConstants } from './poseidon2-params.js';

type Poly = bigint[]; // coefficients, lowest degree first
type Matrix = bigint[][];

function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  return a.map((row) =>
    Array.from({ length: n }, (_, j) => {
      let acc = 0n;
      for (let k = 0; k < n; k++) acc += row[k] * b[k][j];
      return acc % F.P;
    }),
  );
}

/** Characteristic polynomial det(λI − A) by Faddeev–LeVerrier (monic, degree n). */
export function charPoly(a: Matrix): Poly {
  const n = a.length;
  const c = new Array<bigint>(n + 1).fill(0n);
  c[n] = 1n;
  let m: Matrix = a.map((row) => row.map(() => 0n));
  for (let k = 1; k <= n; k++) {
    m = matMul(a, m);
    for (let i = 0; i < n; i++) m[i][i] = F.add(m[i][i], c[n - k + 1]);
    const am = matMul(a, m);
    let trace = 0n;
    for (let i = 0; i < n; i++) trace = F.add(trace, am[i][i]);
    c[n - k] = F.neg(F.mul(F.inv(BigInt(k)), trace));
  }
  return c;
}

function trim(a: Poly): Poly {
  const r = a.slice();
  while (r.length > 0 && r[r.length - 1] === 0n) r.pop();
  return r;
}

/** a mod f (f monic). */
function polyMod(a: Poly, f: Poly): Poly {
  const r = trim(a);
  const d = f.length - 1;
  for (let i = r.length - 1; i >= d; i--) {
    const q = r[i];
    if (q === 0n) continue;
    for (let j = 0; j <= d; j++) r[i - d + j] = F.sub(r[i - d + j], F.mul(q, f[j]));
  }
  return trim(r.slice(0, Math.min(r.length, d)));
}

function polyMulMod(a: Poly, b: Poly, f: Poly): Poly {
  if (a.length === 0 || b.length === 0) return [];
  const out = new Array<bigint>(a.length + b.length - 1).fill(0n);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  return polyMod(out.map((x) => x % F.P), f);
}

function polyGcd(a: Poly, b: Poly): Poly {
  let x = trim(a);
  let y = trim(b);
  while (y.length > 0) {
    const lead = F.inv(y[y.length - 1]);
    const monic = y.map((c) => F.mul(c, lead));
    const r = polyMod(x, monic);
    x = monic;
    y = r;
  }
  return x;
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let q = 2; q <= n; q++) if (n % q === 0 && out.every((p) => q % p !== 0)) out.push(q);
  return out;
}

/** Rabin's test: f (monic, degree d) is irreducible over F_p iff x^(p^d) ≡ x and gcd(x^(p^(d/q)) − x, f) = 1 for each prime q | d. */
export function isIrreducible(f: Poly): boolean {
  const d = f.length - 1;
  if (d < 1) return false;
  // Frobenius g ↦ g^p is F_p-linear: g(x)^p = Σ g_i·x^(i·p). Rows: x^(i·p) mod f.
  let xp: Poly = [1n];
  let base: Poly = polyMod([0n, 1n], f);
  for (let e = F.P; e > 0n; e >>= 1n) {
    if (e & 1n) xp = polyMulMod(xp, base, f);
    base = polyMulMod(base, base, f);
  }
  const rows: Poly[] = [[1n]];
  for (let i = 1; i < d; i++) rows.push(polyMulMod(rows[i - 1], xp, f));
  const frob = (g: Poly): Poly => {
    const out = new Array<bigint>(d).fill(0n);
    g.forEach((gi, i) => rows[i].forEach((r, j) => (out[j] = F.add(out[j], F.mul(gi, r)))));
    return trim(out);
  };
  const x: Poly = polyMod([0n, 1n], f);
  const powers: Poly[] = [x]; // powers[j] = x^(p^j) mod f
  for (let j = 1; j <= d; j++) powers.push(frob(powers[j - 1]));
  const minusX = (g: Poly): Poly => {
    const r = g.slice();
    while (r.length < 2) r.push(0n);
    r[1] = F.sub(r[1], 1n);
    return trim(r);
  };
  if (minusX(powers[d]).length !== 0) return false;
  return primeFactors(d).every((q) => polyGcd(f, minusX(powers[d / q])).length === 1);
}

/** The script's acceptance test for a diagonal block. */
export function acceptsDiagonal(block: readonly bigint[]): boolean {
  const t = block.length;
  const m: Matrix = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (i === j ? block[i] : 1n)));
  let power = m;
  for (let k = 1; k <= 2 * t; k++) {
    if (k > 1) power = matMul(power, m);
    if (!isIrreducible(charPoly(power))) return false;
  }
  return true;
}

/** Draws blocks from the Grain stream after the round constants until one is accepted. */
export function findInternalDiagonal(t: number, rF: number, rP: number, maxBlocks = 200): { index: number; diag: bigint[] } {
  const { grain } = grainRoundConstants(t, rF, rP);
  for (let index = 0; index < maxBlocks; index++) {
    const block = Array.from({ length: t }, () => grain.nextReducedElement());
    if (acceptsDiagonal(block)) return { index, diag: block };
  }
  throw new Error(`findInternalDiagonal: no block accepted within ${maxBlocks}`);
}
