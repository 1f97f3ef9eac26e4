// Error bounds of the classic-ML tables at a precision (see docs/ops-ml.md). Tables take the
// score requantized to step 16/qmax, qmax = 2^(bits−1) − 1, and hold 2^16-scaled entries.

function step(bits: number): number {
  return 16 / (2 ** (bits - 1) - 1);
}

/** |σ(x') − σ(x)| ≤ max σ' · step/2 = step/8, plus the table entry's rounding 2^−17 (doubled for safety). */
export function sigmoidTolerance(bits: number): number {
  return step(bits) / 8 + 2 ** -16;
}

/**
 * Each exp(d) is off by a factor within e^(±step/2) (and its 2^−17 rounding), so a probability
 * p = e_c / Σ e moves by at most a factor e^(±step); |Δp| ≤ e^step − 1, plus the output rounding.
 */
export function softmaxTolerance(bits: number): number {
  return Math.exp(step(bits)) - 1 + 2 ** -16;
}
