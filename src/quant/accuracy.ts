// Accuracy report: float reference vs dequantized integer outputs.
export interface AccuracyReport {
  output: string;
  maxAbsError: number;
  meanAbsError: number;
  /** max |error| / max |reference| (0 when the reference is all zeros and so is the error). */
  relativeError: number;
  /** For outputs with more than one element: whether the argmax (first on ties) agrees. */
  argmaxAgrees?: boolean;
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

export function accuracy(output: string, reference: ArrayLike<number>, got: ArrayLike<number>): AccuracyReport {
  if (reference.length !== got.length) throw new Error(`output ${output}: ${got.length} values vs ${reference.length} in the reference`);
  let max = 0;
  let sum = 0;
  let refMax = 0;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - reference[i]);
    max = Math.max(max, e);
    sum += e;
    refMax = Math.max(refMax, Math.abs(reference[i]));
  }
  const r: AccuracyReport = {
    output, maxAbsError: max, meanAbsError: got.length ? sum / got.length : 0,
    relativeError: refMax > 0 ? max / refMax : max > 0 ? Infinity : 0,
  };
  if (got.length > 1) r.argmaxAgrees = argmax(got) === argmax(reference);
  return r;
}
