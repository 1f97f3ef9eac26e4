export type { ClaimTerm, LinearClaim, Commitment, CommitmentScheme } from './types.js';
export { HashPcs, hashPcs } from './scheme.js';
export type { HashPcsState } from './prover.js';
export type { HashPcsProof, OpenedColumn } from './proof.js';
export { DEFAULT_PARAMS, chooseShape, codeFor, type HashPcsParams, type Shape } from './params.js';
export { releaseProverBuffers } from './buffers.js';
export { closeTreePool } from './commit-kernels.js';
