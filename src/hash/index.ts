// Poseidon2 over Goldilocks: parameters, permutation (scalar and WASM), sponge, packing,
// digests, and the zero-knowledge proof that a committed vector hashes to a digest.
export * from './poseidon2-params.js';
export { permute, permutationTrace, externalLinear, internalLinear, fullRound, partialRound, sbox } from './poseidon2.js';
export { permuteBatch, permuteBatchTrace, TRACE_LAYERS, WIDTH } from './poseidon2-wasm.js';
export * from './sponge.js';
export * from './packing.js';
export * from './digest.js';
export { GrainLfsr, grainSeedBits } from './grain.js';
export { digestWitness, layerColumn, type DigestWitness } from './digest-witness.js';
export { statementInfo, type DigestStatement } from './digest-shapes.js';
export { serializeDigestProof, deserializeDigestProof, type DigestProof, type DigestClaims, type DigestEvalClaim } from './digest-proof.js';
export { proveDigest, digestStatement, sampleDigestMasks, digestCommitPolys, type DigestMasks, type DigestZkInput } from './digest-prover.js';
export { verifyDigest } from './digest-verifier.js';
export { proveDigestStandalone, verifyDigestStandalone, VALUE_MASK_VARS } from './digest-standalone.js';
