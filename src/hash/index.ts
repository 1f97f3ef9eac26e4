// Poseidon2 over Goldilocks: parameters, permutation (scalar and WASM), sponge, packing, digests.
export * from './poseidon2-params.js';
export { permute, permutationTrace, externalLinear, internalLinear, fullRound, partialRound, sbox } from './poseidon2.js';
export { permuteBatch, permuteBatchTrace, TRACE_LAYERS, WIDTH } from './poseidon2-wasm.js';
export * from './sponge.js';
export * from './packing.js';
export * from './digest.js';
export { GrainLfsr, grainSeedBits } from './grain.js';
