// A masked private tensor f̂ = f + Z·R (src/sumcheck/mask.ts) with some of its variables bound
// to challenge coordinates is again a masked table over the free variables:
//     f̂(bound, y) = f(bound, y) + Z(bound)·Z(y)·R(bound ∩ top, y ∩ top)
// so the slice's mask is Z(bound)·R partially evaluated at the bound coordinates, over the top
// free variables that R still has. Layer sumchecks run on such slices (Thaler's matmul binds
// the row and column variables first); the value they reveal at the end is f̂ at the full point,
// which is exactly the masked claim on the committed tensor (`maskedClaim`), never f alone.
import * as E from '../field/ext.js';
import type { Fp2 } from '../field/ext.js';
import type { ExtVec } from '../field/vec.js';
import { extFromElements } from '../field/vec.js';
import { MaskedPoly } from '../sumcheck/mask.js';
import { extElements, zEval } from '../sumcheck/poly.js';
import { partialEvalSmall } from './tensor.js';

/**
 * Mask variables a slice keeps: how many of R's variables (the top `maskVars` of the table's)
 * are free. They are always the top free variables, since R's variables are a top suffix.
 */
export function sliceMaskVars(maskVars: number, free: readonly boolean[]): number {
  return free.slice(free.length - maskVars).filter((x) => x).length;
}

/**
 * The slice of `p` whose free variables are those where `fixed` (length p.numVars) is null, in
 * their order; every other variable is fixed to its coordinate. `values` is f with the fixed
 * variables already bound (an extension table over the free ones, in the same order).
 */
export function maskedSlice(p: MaskedPoly, values: ExtVec, fixed: readonly (Fp2 | null)[]): MaskedPoly {
  if (fixed.length !== p.numVars) throw new RangeError(`maskedSlice: ${fixed.length} coordinates for ${p.numVars} variables`);
  const freeCount = fixed.filter((x) => x === null).length;
  if (freeCount === 0) throw new RangeError('maskedSlice: no free variable');
  if (values.length !== 2 << freeCount) throw new RangeError(`maskedSlice: ${values.length >> 1} values for ${freeCount} free variables`);
  const bound = fixed.filter((x): x is Fp2 => x !== null);
  const zb = zEval(bound);
  const rFixed = fixed.slice(p.numVars - p.maskVars);
  const rest = partialEvalSmall(extElements(p.mask), rFixed).map((x) => E.mul(zb, x));
  const kept = sliceMaskVars(p.maskVars, fixed.map((x) => x === null));
  if (rest.length !== 1 << kept) throw new Error('maskedSlice: mask variables do not form the top of the free range');
  return new MaskedPoly(values, freeCount, kept, extFromElements(rest));
}
