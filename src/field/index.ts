export * as Fp from './goldilocks.js';
export * as Fp2 from './ext.js';
export * as vec from './vec.js';
