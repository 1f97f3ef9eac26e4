// ai.onnx.ml LinearClassifier and LinearRegressor: scores S = X·Wᵀ + b by the core MatMul.
// Integer semantics: W quantized per tensor to ±qmax_w (24 bits, or fewer when |X|·qmax_w·F
// would pass 2^61), b = round(b / (s_x·s_w)); S is the exact accumulator at scale s_x·s_w —
// it is not rounded, so the label (the sign of S, or its argmax) is decided on the exact
// integer score and only the weight rounding separates it from the float score.
// Classifier outputs, following the project's float reference (src/onnx/ops/ml-linear.ts):
//   one score column and two labels: label = labels[S > 0]; scores = post_transform([−S, S]);
//   one column otherwise: label = S > 0 ? 1 : 0, scores = post_transform(S);
//   C ≥ 2 columns: label = labels[argmax S] (ties → first), scores = post_transform(S).
// (onnxruntime leaves a one-column, two-label score as [1 − S, S] without the transform.)
import { absMax, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { bigInts as bigArray, maxAbs } from './fixed.js';
import { classLabels, floatsAttr, intAttr, intsAttr, stringAttr, stringsAttr } from './attrs.js';
import { aboveIndex, argmaxIndex, asRows, featureQmax, labelsOf, pairColumns, postTransform, refuseMl, reshape } from './emit.js';

interface Scores {
  readonly s: QuantValue;
  readonly n: number;
  readonly targets: number;
}

function linearScores(ctx: LowerContext, targetsHint?: number): Scores {
  const node = ctx.node;
  const rows = asRows(ctx, ctx.input(node.inputs[0]!), 'rows');
  const { n, f } = rows;
  const x = rows.value;
  const coef = floatsAttr(node, 'coefficients');
  if (coef === undefined || coef.length === 0) refuseMl(ctx, 'coefficients are missing');
  if (coef.length % f !== 0) refuseMl(ctx, `${coef.length} coefficients do not split into rows of ${f} features`);
  const targets = coef.length / f;
  if (targetsHint !== undefined && targetsHint !== targets) refuseMl(ctx, `coefficients give ${targets} targets, attribute says ${targetsHint}`);
  const intercepts = floatsAttr(node, 'intercepts') ?? [];
  if (intercepts.length !== 0 && intercepts.length !== targets) refuseMl(ctx, `${intercepts.length} intercepts for ${targets} targets`);
  if (![...coef, ...intercepts].every(Number.isFinite)) refuseMl(ctx, 'coefficients and intercepts must be finite');

  const bX = Number(absMax(ctx.irInfo(x.ir).lo, ctx.irInfo(x.ir).hi));
  const qw = Math.min(featureQmax(ctx), Math.floor(2 ** 61 / (Math.max(1, bX) * f)));
  if (qw < 127) refuseMl(ctx, `inputs bounded by ${bX} leave fewer than 8 bits for ${f} weights below p/2`);
  const wMax = maxAbs(coef);
  const sW = wMax > 0 ? wMax / qw : 1;
  // B = Wᵀ as [F, T] for MatMul(X [N, F], B [F, T]).
  const wt = new Float64Array(f * targets);
  for (let t = 0; t < targets; t++) for (let j = 0; j < f; j++) wt[j * targets + t] = Math.floor(coef[t * f + j]! / sW + 0.5);
  const w = ctx.addConstant('coefficients', { dims: [f, targets], data: bigArray(wt) }, 'weight', BigInt(-qw), BigInt(qw));
  const sAcc = x.scale * sW;
  const bias = new Float64Array(targets);
  for (let t = 0; t < targets; t++) bias[t] = Math.floor((intercepts[t] ?? 0) / sAcc + 0.5);
  if (!bias.every(Number.isSafeInteger)) refuseMl(ctx, 'an intercept does not fit at the accumulator scale');
  const bBound = BigInt(maxAbs(bias, 1));
  const b = ctx.addConstant('intercepts', { dims: [targets], data: bigArray(bias) }, 'weight', -bBound, bBound);
  const [s] = ctx.emit('MatMul', [x.ir, w, b], {
    batch: 1, batchA: 1, batchB: 1, m: n, k: f, n: targets, biasMode: 1, outDims: [n, targets],
  }, { step: 'scores', scales: [sAcc] });
  return { s: { ir: s!, scale: sAcc }, n, targets };
}

export const linearRegressorLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'LinearRegressor',
  lower(ctx) {
    const transform = stringAttr(ctx.node, 'post_transform', 'NONE');
    if (transform !== 'NONE') refuseMl(ctx, `post_transform ${transform} is not supported for LinearRegressor (NONE is)`);
    const { s } = linearScores(ctx, intAttr(ctx.node, 'targets', 1));
    ctx.define(ctx.node.outputs[0]!, s);
  },
};

export const linearClassifierLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'LinearClassifier',
  lower(ctx) {
    const node = ctx.node;
    // multi_class is ignored, as by onnxruntime and the float reference (the scores and the
    // post_transform already say everything).
    const transform = stringAttr(node, 'post_transform', 'NONE');
    const hasLabels = (intsAttr(node, 'classlabels_ints')?.length ?? 0) + (stringsAttr(node, 'classlabels_strings')?.length ?? 0) > 0;
    const { s, n, targets } = linearScores(ctx);
    const [labelOut, scoresOut] = node.outputs;
    if (targets === 1) {
      const positive = aboveIndex(ctx, s, n, 0n, 'positive');
      if (hasLabels && classLabels(node, 'classlabels_ints', 'classlabels_strings').count === 2) {
        const labels = classLabels(node, 'classlabels_ints', 'classlabels_strings');
        if (labelOut) ctx.define(labelOut, labelsOf(ctx, positive, labels, 'label'));
        if (scoresOut) {
          const flat = reshape(ctx, s, [n], 'flat');
          const [neg] = ctx.emit('WeightedSum', [flat.ir], { coeffs: [-1n], offset: 0n }, { step: 'negate', scales: [s.scale] });
          const pair = pairColumns(ctx, neg!, flat.ir, n, s.scale, 'pair');
          ctx.define(scoresOut, postTransform(ctx, { ir: pair, scale: s.scale }, n, 2, transform, 'transform'));
        }
      } else {
        if (labelOut) ctx.define(labelOut, { ir: positive, scale: 1 });
        if (scoresOut) ctx.define(scoresOut, postTransform(ctx, s, n, 1, transform, 'transform'));
      }
      return;
    }
    const labels = classLabels(node, 'classlabels_ints', 'classlabels_strings');
    if (labels.count !== targets) refuseMl(ctx, `${labels.count} class labels for ${targets} score columns`);
    if (labelOut) ctx.define(labelOut, labelsOf(ctx, argmaxIndex(ctx, s, 'argmax'), labels, 'label'));
    if (scoresOut) ctx.define(scoresOut, postTransform(ctx, s, n, targets, transform, 'transform'));
  },
};
