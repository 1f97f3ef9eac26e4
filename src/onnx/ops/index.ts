// The op registry: `<domain>:<opType>` -> implementation, one table per op family.
import { BINARY_OPS } from './binary.js';
import { CONV_OPS } from './conv.js';
import { MATMUL_OPS } from './matmul.js';
import { ML_LINEAR_OPS } from './ml-linear.js';
import { ML_TREE_OPS } from './ml-tree.js';
import { NORM_OPS } from './norm.js';
import { POOL_OPS } from './pool.js';
import { QUANT_OPS } from './quant.js';
import { REDUCE_OPS } from './reduce.js';
import { SHAPE_OPS } from './shape.js';
import type { OpEval } from './types.js';
import { UNARY_OPS } from './unary.js';

const DEFAULT_DOMAIN = [UNARY_OPS, BINARY_OPS, MATMUL_OPS, CONV_OPS, POOL_OPS, REDUCE_OPS, NORM_OPS, SHAPE_OPS, QUANT_OPS];
const ML_DOMAIN = [ML_LINEAR_OPS, ML_TREE_OPS];

const REGISTRY = new Map<string, OpEval>();
for (const table of DEFAULT_DOMAIN) for (const [op, fn] of Object.entries(table)) REGISTRY.set(`:${op}`, fn);
for (const table of ML_DOMAIN) for (const [op, fn] of Object.entries(table)) REGISTRY.set(`ai.onnx.ml:${op}`, fn);

export function opEval(domain: string, opType: string): OpEval | undefined {
  return REGISTRY.get(`${domain}:${opType}`);
}

export type { OpEval, OpContext } from './types.js';
