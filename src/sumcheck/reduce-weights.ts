// The public weight polynomial W of a claim reduction (reduce.ts): a batch of linear claims
// on the vectors of one commitment, combined with weights λ_c, is one inner product with the
// concatenation L of those vectors (src/pcs/types.ts `Concatenation`):
//     Σ_c λ_c·value_c = Σ_x L(x)·W(x),   W = Σ_c λ_c Σ_terms coeff·w_term,
// where a term on vector p (offset o, size S, ℓ_p = ⌈log2 S⌉ variables) has
//   - MLE at r:      w(x) = eq(r, x_lo)·[x_lo < S]·eq(bits(o/2^ℓ_p), x_hi),
//   - dense weights: w(x) = a_{x_lo}·[x_lo < S]·eq(bits(o/2^ℓ_p), x_hi),
// with x_lo the low ℓ_p variables. The indicator [x_lo < S] makes every claim exactly about
// the zero-padded vector, whatever a prover committed in the padding. The prover builds W as a
// table (`weightTable`, linear in the vectors' sizes); the verifier needs only W(s) at the
// reduction's final point (`weightAt`: O(ℓ) per MLE term, O(|a|) per dense term).
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import * as V from '../field/vec.js';
import type { ExtVec } from '../field/vec.js';
import type { Concatenation, LinearClaim } from '../pcs/types.js';

/** ⌈log2 size⌉. */
export function varsOf(size: number): number {
  let k = 0;
  while (2 ** k < size) k++;
  return k;
}

/** Checks every claim against the vector sizes (RangeError with the reason). */
export function checkReducibleClaims(sizes: readonly number[], claims: readonly LinearClaim[]): void {
  claims.forEach((c, ci) => {
    if (!E.isCanonical(c.value)) throw new RangeError(`claim ${ci}: value is not canonical`);
    c.terms.forEach((t, ti) => {
      const where = `claim ${ci} term ${ti}`;
      if ('layoutPoint' in t) throw new RangeError(`${where}: a layout term is what a reduction ends in, not what it takes`);
      if (!Number.isInteger(t.poly) || t.poly < 0 || t.poly >= sizes.length) throw new RangeError(`${where}: no committed vector ${t.poly}`);
      if (!E.isCanonical(t.coeff)) throw new RangeError(`${where}: coefficient is not canonical`);
      const vars = varsOf(sizes[t.poly]);
      if ('point' in t) {
        if (t.point.length !== vars) throw new RangeError(`${where}: vector ${t.poly} has ${vars} variables, the point ${t.point.length}`);
        for (const x of t.point) if (!E.isCanonical(x)) throw new RangeError(`${where}: point coordinate is not canonical`);
      } else {
        const len = t.weights.length;
        if (len % 2 !== 0 || len / 2 > 2 ** vars) throw new RangeError(`${where}: ${len / 2} weights for a vector of padded size ${2 ** vars}`);
        for (const w of t.weights) if (w >= 0xffffffff00000001n) throw new RangeError(`${where}: weight is not canonical`);
      }
    });
  });
}

function isBit(x: Fp2): boolean {
  return x[1] === 0n && (x[0] === 0n || x[0] === 1n);
}

/** W as a table of 2^concat.numVars F_p2 entries (prover side), built in kernel memory. */
export function weightTable(concat: Concatenation, sizes: readonly number[], claims: readonly LinearClaim[], lambdas: readonly Fp2[]): ExtVec {
  const pieces: V.EqPiece[] = [];
  claims.forEach((c, ci) => {
    for (const t of c.terms) {
      if ('layoutPoint' in t) throw new RangeError('weightTable: layout term');
      const coeff = E.mul(lambdas[ci], t.coeff);
      const placed = { offset: concat.offsets[t.poly], size: sizes[t.poly], coeff };
      if (!('point' in t)) {
        pieces.push({ ...placed, weights: t.weights });
        continue;
      }
      // boolean top coordinates (a view of one block of a vector) select one aligned block of
      // it: eq over the free low coordinates there, zero elsewhere — no full-size eq table
      let k = t.point.length;
      let block = 0;
      while (k > 0 && isBit(t.point[k - 1])) {
        k--;
        block = 2 * block + (t.point[k][0] === 1n ? 1 : 0);
      }
      const start = block * 2 ** k;
      const size = Math.min(2 ** k, placed.size - start);
      if (size <= 0) continue;
      if (k === 0) pieces.push({ offset: placed.offset + start, size, coeff, weights: BigUint64Array.from([1n, 0n]) });
      else pieces.push({ offset: placed.offset + start, size, coeff, point: t.point.slice(0, k) });
    }
  });
  return V.extEqCombination(concat.numVars, pieces);
}

/**
 * eq(bits(m), s[k..]) for many (k, m) at one point s — the share of an aligned block
 * [m·2^k, (m+1)·2^k) of a concatenation. Memoized over shared high bits: blocks of one
 * concatenation mostly differ in a few low bits of m, so a verifier with hundreds of committed
 * vectors pays a few multiplications per vector instead of one per variable.
 */
export class HighBitsEq {
  private readonly oneMinus: readonly Fp2[];
  // key m·64 + k (m < 2^46 keeps it a safe integer)
  private readonly memo = new Map<number, Fp2>();

  constructor(private readonly s: readonly Fp2[]) {
    this.oneMinus = s.map((x) => E.sub(E.ONE, x));
  }

  at(k: number, m: number): Fp2 {
    const pending: number[] = [];
    let acc: Fp2 = E.ONE;
    for (; k < this.s.length; k++, m = Math.floor(m / 2)) {
      const hit = this.memo.get(m * 64 + k);
      if (hit !== undefined) {
        acc = hit;
        break;
      }
      pending.push(k, m);
    }
    for (let i = pending.length - 2; i >= 0; i -= 2) {
      const [pk, pm] = [pending[i], pending[i + 1]];
      acc = E.mul(acc, pm % 2 === 1 ? this.s[pk] : this.oneMinus[pk]);
      this.memo.set(pm * 64 + pk, acc);
    }
    return acc;
  }
}

/**
 * Σ_{i < S} eq(r, i)·eq(s, i) over the first S indices of the cube of r.length variables, in
 * O(ℓ): walk S's bits from the top; each 1-bit at position k adds every index that agrees with
 * S above k and has 0 at k (their low bits are free: Π_{j<k}(a_j + c_j)).
 */
export function eqPrefixInner(r: readonly Fp2[], s: readonly Fp2[], S: number): Fp2 {
  const n = r.length;
  const a = r.map((x, k) => E.mul(x, s[k])); // bit 1
  const c = r.map((x, k) => E.mul(E.sub(E.ONE, x), E.sub(E.ONE, s[k]))); // bit 0
  const low: Fp2[] = [E.ONE];
  for (let k = 0; k < n; k++) low.push(E.mul(low[k], E.add(a[k], c[k])));
  if (S >= 2 ** n) return low[n];
  let acc: Fp2 = E.ZERO;
  let prefix: Fp2 = E.ONE;
  for (let k = n - 1; k >= 0; k--) {
    if (Math.floor(S / 2 ** k) % 2 === 1) {
      acc = E.add(acc, E.mul(prefix, E.mul(c[k], low[k])));
      prefix = E.mul(prefix, a[k]);
    } else prefix = E.mul(prefix, c[k]);
  }
  return acc;
}

/** Σ_{i < len} a_i·eq(i, s) for dense weights a on the cube of s.length variables. */
function denseAt(a: ExtVec, s: readonly Fp2[]): Fp2 {
  const len = a.length >> 1;
  if (len === 0) return E.ZERO;
  const j = varsOf(len);
  const eq = V.eqTable(s.slice(0, j));
  let acc = V.extInner(a, eq.subarray(0, a.length));
  for (let k = j; k < s.length; k++) acc = E.mul(acc, E.sub(E.ONE, s[k]));
  return acc;
}

/** W(s) at a point of concat.numVars coordinates (verifier side). */
export function weightAt(concat: Concatenation, sizes: readonly number[], claims: readonly LinearClaim[], lambdas: readonly Fp2[], s: readonly Fp2[]): Fp2 {
  if (s.length !== concat.numVars) throw new RangeError(`weightAt: point of ${s.length} coordinates for ${concat.numVars} variables`);
  const high = new HighBitsEq(s);
  // many terms share a point and a size (a layer's tables end at one point; f's mask R's c0 and c1)
  // (keyed by the point array's identity and the size: stringifying field elements costs more than it saves)
  const innerCache = new Map<readonly Fp2[], Map<number, Fp2>>();
  let total: Fp2 = E.ZERO;
  claims.forEach((c, ci) => {
    for (const t of c.terms) {
      if ('layoutPoint' in t) throw new RangeError('weightAt: layout term');
      const size = sizes[t.poly];
      const vars = varsOf(size);
      const hi = high.at(vars, concat.offsets[t.poly] / 2 ** vars);
      const lo = s.slice(0, vars);
      let inner: Fp2;
      if ('point' in t) {
        let bySize = innerCache.get(t.point);
        if (bySize === undefined) innerCache.set(t.point, (bySize = new Map()));
        const known = bySize.get(size);
        inner = known ?? eqPrefixInner(t.point, lo, size);
        if (known === undefined) bySize.set(size, inner);
      } else inner = denseAt(t.weights.subarray(0, 2 * Math.min(size, t.weights.length >> 1)), lo);
      total = E.add(total, E.mul(E.mul(lambdas[ci], t.coeff), E.mul(hi, inner)));
    }
  });
  return total;
}
