/** Bytes that are not a valid encoding: truncated, trailing, out of range, non-canonical. */
export class FormatError extends Error {
  override name = 'FormatError';
}

/** A proof failed a verifier check. `check` names which one, for tests and for users. */
export class VerificationError extends Error {
  override name = 'VerificationError';
  constructor(readonly check: string, message: string) {
    super(`${check}: ${message}`);
  }
}
