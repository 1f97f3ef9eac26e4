export { numVars, padToPow2, padExtToPow2, evaluate, evaluateExt, bindLow, bindHigh, eqEval } from './mle.js';
/** eq(r, ·) tables (little-endian) live with the vector kernels; re-exported for convenience. */
export { eqTable, eqTableBase } from '../field/vec.js';
