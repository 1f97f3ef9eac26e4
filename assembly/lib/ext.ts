// F_p2 = F_p[X]/(X^2 - 7) scalar products shared by the kernels in assembly/. AssemblyScript has
// no tuples: a product leaves its two coordinates in the globals r0, r1 (registers after
// inlining); kernels that produce a pair some other way set them with setExt.

import { add, sub, mul, mul7 } from './goldilocks';

export let r0: u64 = 0;
export let r1: u64 = 0;

/** r0, r1 ← (a0 + a1 X)(b0 + b1 X), X^2 = 7, with three base products (Karatsuba). */
// @ts-ignore: decorator
@inline export function extMul(a0: u64, a1: u64, b0: u64, b1: u64): void {
  const m0 = mul(a0, b0);
  const m1 = mul(a1, b1);
  const m2 = mul(add(a0, a1), add(b0, b1));
  r0 = add(m0, mul7(m1));
  r1 = sub(sub(m2, m0), m1);
}

/** r0, r1 ← (c0, c1). */
// @ts-ignore: decorator
@inline export function setExt(c0: u64, c1: u64): void {
  r0 = c0;
  r1 = c1;
}
