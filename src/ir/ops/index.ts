// Core integer ops (the default ONNX domain lowers onto these).
import type { OpDef } from '../types.js';
import { matmulOp } from './matmul.js';
import { requantOp } from './requant.js';
import { lookupOp } from './lookup.js';
import { gatherOp, reshapeOp } from './gather.js';
import { clipOp, compareOp, maxOp, minOp, mulOp, weightedSumOp, whereOp } from './elementwise.js';
import { reduceOp } from './reduce.js';
import { divOp, sqrtOp } from './divide.js';
import { gatherDynamicOp } from './gather-dynamic.js';
import { topkOp } from './topk.js';

export const coreOps: readonly OpDef[] = [
  matmulOp, requantOp, lookupOp, gatherOp, reshapeOp, weightedSumOp, mulOp, maxOp, minOp, clipOp, compareOp, whereOp,
  reduceOp, divOp, sqrtOp, gatherDynamicOp, topkOp,
];
