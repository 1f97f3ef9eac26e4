// The same kernels as ./sumcheck.ts, built against an imported shared memory (see
// shared-memory.txt) so that a worker pool can run them on one memory.
export * from './sumcheck';
