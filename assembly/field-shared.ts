// The same kernels as ./field.ts, built against an imported shared memory (see
// shared-memory.txt) so that a worker pool can run them on one memory.
export * from './field';
