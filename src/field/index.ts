export * as Fp from './goldilocks.js';
export * as Fp2 from './ext.js';
export * as vec from './vec.js';
// Thread configuration of the vector kernels (ZKINFER_THREADS sets the default in Node).
export { fieldThreads, setFieldThreads, releaseFieldKernels, setPoolFactory } from './kernel.js';
export type { KernelCall, KernelPool, PoolFactory } from './pool.js';
