export { numVars, padToPow2, padExtToPow2, evaluate, evaluateExt, bindLow, bindHigh, eqEval } from './mle.js';
