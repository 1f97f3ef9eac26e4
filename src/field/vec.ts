// The vector kernels every prover uses. Same signatures as ./vec-reference.ts; this module
// is where the WebAssembly implementations live (see issue "Proof core I").
export * from './vec-reference.js';
