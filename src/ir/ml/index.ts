// Classic-ML (ai.onnx.ml) ops and their lowerings. Owned by the classic-ML engineer: add an
// `OpDef` per integer op (src/ir/ml/<name>.ts) to `mlOps` and a `Lowering` per ONNX op
// (src/quant/ml/<name>.ts) to `mlLowerings`. src/ir/registry.ts and src/quant/lower/index.ts
// import these lists; see the "How to add an op" block in src/ir/types.ts.
// Integer semantics and proof notes: docs/ops-ml.md.
import type { Lowering, OpDef } from '../types.js';
import { treeEnsembleOp } from './tree-ensemble.js';
import { affineOp } from './affine.js';
import { scalerLowering } from '../../quant/ml/scaler.js';
import { normalizerLowering } from '../../quant/ml/normalizer.js';
import { linearClassifierLowering, linearRegressorLowering } from '../../quant/ml/linear.js';
import { treeEnsembleClassifierLowering, treeEnsembleRegressorLowering } from '../../quant/ml/tree-ensemble.js';
import { arrayFeatureExtractorLowering, zipMapLowering } from '../../quant/ml/passthrough.js';

export const mlOps: readonly OpDef[] = [treeEnsembleOp, affineOp];

export const mlLowerings: readonly Lowering[] = [
  scalerLowering,
  normalizerLowering,
  linearClassifierLowering,
  linearRegressorLowering,
  treeEnsembleClassifierLowering,
  treeEnsembleRegressorLowering,
  zipMapLowering,
  arrayFeatureExtractorLowering,
];
