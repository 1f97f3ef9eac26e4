// Classic-ML (ai.onnx.ml) ops and their lowerings. Owned by the classic-ML engineer: add an
// `OpDef` per integer op (src/ir/ml/<name>.ts) to `mlOps` and a `Lowering` per ONNX op
// (src/quant/ml/<name>.ts) to `mlLowerings`. src/ir/registry.ts and src/quant/lower/index.ts
// import these lists; see the "How to add an op" block in src/ir/types.ts.
import type { Lowering, OpDef } from '../types.js';

export const mlOps: readonly OpDef[] = [];

export const mlLowerings: readonly Lowering[] = [];
