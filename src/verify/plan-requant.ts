// A Requant (or Clip) whose input is public (a constant of the key, or a tensor the plan derives
// from constants only) is public too: the verifier computes it with the relation's own integer
// arithmetic (layers/requant.ts `requantColumns`, which the prover checks against the executor
// for every proven requant), so it needs no layer, commitment or range check. Its consumers
// read it as a public table; a public model output computed this way is compared with the
// statement by the verifier (verify.ts).
import { requantColumns, type RequantParams } from '../layers/requant.js';

/** q = clamp(floor((x·M + 2^(s−1)) / 2^s)) of public x, and its exact range. */
export function publicRequant(p: RequantParams, x: BigInt64Array): { data: BigInt64Array; lo: bigint; hi: bigint } {
  const data = requantColumns(p, x).q;
  let lo = data.length > 0 ? data[0] : 0n;
  let hi = lo;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { data, lo, hi };
}
