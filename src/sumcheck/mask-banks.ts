// Banked masks: a private table revealed more often than one mask R can hide.
//
// R lives on the table's top maskVars variables, so it has at most 2^numVars coefficients and
// hides at most that many reveals; a small table (a 3-element input, a 1-element score) can be
// read by more layers than that. Such a table gets 2^b independent uniform masks
// R_0, …, R_{2^b − 1}, each over the same top variables, committed as ONE pair of vectors
// (c0, c1) of 2^(maskVars + b) entries: the multilinear R(top, bank) with the bank index in
// the high variables, so R_j = R(·, bits(j)). A reveal site j uses f̂_j = f + Z·R_j, which
// equals f on the hypercube (every sum is unchanged) and is revealed as the linear claim
// f(r) + Z(r)·R(r_top, bits(j)) (session.ts maskedClaim with the reference's bank).
// Each bank is its own MaskedPoly, so the count and independence checks hold per bank; the
// banks are independent, so reveals in different banks are jointly uniform.
import type { BaseVec, ExtVec } from '../field/vec.js';
import { MaskedPoly, splitExt } from './mask.js';
import { randomExt } from './random.js';

export class MaskBanks {
  /** The mask R of all banks: 2^(maskVars + bankVars) F_p2 entries, bank j at [j·2^maskVars, (j+1)·2^maskVars). */
  private readonly mask: ExtVec;
  /** One masked table per bank (sharing the values). */
  readonly banks: readonly MaskedPoly[];

  constructor(readonly values: BaseVec, readonly numVars: number, readonly maskVars: number, readonly bankVars: number) {
    const size = 1 << maskVars;
    this.mask = randomExt(size << bankVars);
    this.banks = Array.from({ length: 1 << bankVars }, (_, j) => new MaskedPoly(values, numVars, maskVars, this.mask.slice(2 * j * size, 2 * (j + 1) * size)));
  }

  /** Vectors to commit: f, then R's c0 and c1 (all banks). */
  commitPolys(): BaseVec[] {
    return [this.values, ...splitExt(this.mask)];
  }
}
