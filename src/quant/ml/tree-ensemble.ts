// ai.onnx.ml TreeEnsembleClassifier / TreeEnsembleRegressor → MlTreeEnsemble (+ labels and
// post_transform from core ops).
//
// Thresholds. A node compares the real input x = X·s_x (X the integer feature) with a float
// threshold t. Every mode becomes "X ≤ T" (or "X = T") on integers, with T chosen so that the
// integer test and the float test agree for every representable x (exact rationals, no
// rounding error):  LEQ: X ≤ floor(t/s)   LT: X ≤ ceil(t/s) − 1   GTE: ¬(X ≤ ceil(t/s) − 1)
// GT: ¬(X ≤ floor(t/s))   EQ: X = t/s (never, when t/s is not an integer)   NEQ: ¬EQ.
// A negated test swaps the children. T is clamped to [lo_X − 1, hi_X], where every input
// decides as at the edge. NaN cannot reach the integer graph (inputs are quantized numbers), so
// nodes_missing_value_tracks_true has no effect; documented in docs/ops-ml.md.
//
// Layout. Each tree is padded to a complete tree of depth D (the deepest leaf): a leaf above
// depth D becomes a test that always holds (X[0] ≤ hi_X) whose subtree repeats the leaf.
//
// Leaf values. One power-of-two scale s_l for the ensemble, the finest with which the largest
// possible |score| (Σ over trees of the largest |leaf| + |base|) stays ≤ 2^31 − 1; leaves are
// round(w / s_l) and the sum is exact. The per-leaf rounding error is s_l/2, so |score − float score| ≤ (trees+1)·s_l/2.
// AVERAGE is SUM at output scale s_l / trees (exact), MIN/MAX select a leaf.
//
// Classifier semantics follow onnxruntime (the float references of the test models):
//  * binary case (2 labels, one class id used, that id 0): s = base + Σ leaves;
//    label = labels[s > 0.5] when every weight is ≥ 0 (probability leaves), else labels[s > 0];
//    scores = [1 − s, s] (all weights ≥ 0, no transform), or [σ(−s), σ(s)] (LOGISTIC), or
//    [−s, s] (other transforms, which onnxruntime does not apply to one score column);
//  * C ≥ 3 classes: S[c] = base[c] + Σ leaves of class c; label = labels[argmax S] (ties → first)
//    over the classes that have a score for the row (see maskUnscored); scores = post_transform(S).
import type { Node as OnnxNode } from '../../onnx/graph.js';
import { type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { MAX_TREE_DEPTH, TREE_MODE_EQ, TREE_MODE_LEQ } from '../../ir/ml/tree-ensemble.js';
import { bigInts as bigArray, maxAbs } from './fixed.js';
import { classLabels, floatsAttr, intAttr, intsAttr, stringAttr, stringsAttr } from './attrs.js';
import { ceilRatio, exactRatio, floorRatio, roundRatio } from './exact.js';
import { aboveIndex, argmaxIndex, asRows, labelsOf, pairColumns, postTransform, refuseMl, reshape, sigmoidOf } from './emit.js';

/** The leaf-score width: Σ|leaves| + |base| fits 2^31 − 1. */
export const LEAF_BITS = 32;

interface OnnxTreeNode {
  readonly id: number;
  readonly feature: number;
  readonly mode: string;
  readonly value: number;
  readonly trueId: number;
  readonly falseId: number;
  /** (target, weight) pairs of a leaf. */
  readonly weights: { target: number; weight: number }[];
}

interface ParsedTree {
  readonly nodes: Map<number, OnnxTreeNode>;
  readonly root: number;
}

interface Forest {
  readonly trees: ParsedTree[];
  readonly targets: number;
  readonly depth: number;
  readonly allWeightsNonNegative: boolean;
  readonly distinctTargets: Set<number>;
  /** Every leaf has a weight for every target. */
  readonly dense: boolean;
}

const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ', 'LEAF'];

function parseForest(ctx: LowerContext, prefix: 'class' | 'target', targets: number): Forest {
  const node: OnnxNode = ctx.node;
  const need = (v: number[] | undefined, what: string): number[] => {
    if (v === undefined) refuseMl(ctx, `attribute ${what} is missing`);
    return v;
  };
  const treeIds = need(intsAttr(node, 'nodes_treeids'), 'nodes_treeids');
  const nodeIds = need(intsAttr(node, 'nodes_nodeids'), 'nodes_nodeids');
  const featureIds = need(intsAttr(node, 'nodes_featureids'), 'nodes_featureids');
  const modes = stringsAttr(node, 'nodes_modes');
  if (modes === undefined) refuseMl(ctx, 'attribute nodes_modes is missing');
  const values = floatsAttr(node, 'nodes_values') ?? new Array<number>(treeIds.length).fill(0);
  const trueIds = need(intsAttr(node, 'nodes_truenodeids'), 'nodes_truenodeids');
  const falseIds = need(intsAttr(node, 'nodes_falsenodeids'), 'nodes_falsenodeids');
  const count = treeIds.length;
  for (const [what, list] of [['nodes_nodeids', nodeIds], ['nodes_featureids', featureIds], ['nodes_modes', modes],
    ['nodes_values', values], ['nodes_truenodeids', trueIds], ['nodes_falsenodeids', falseIds]] as const) {
    if (list.length !== count) refuseMl(ctx, `${what} has ${list.length} entries, nodes_treeids ${count}`);
  }
  const byTree = new Map<number, Map<number, OnnxTreeNode>>();
  for (let i = 0; i < count; i++) {
    const mode = modes[i]!;
    if (!MODES.includes(mode)) refuseMl(ctx, `unknown node mode ${mode}`);
    if (mode !== 'LEAF' && !Number.isFinite(values[i]!)) refuseMl(ctx, `node ${nodeIds[i]} of tree ${treeIds[i]} has threshold ${values[i]}`);
    let tree = byTree.get(treeIds[i]!);
    if (!tree) byTree.set(treeIds[i]!, (tree = new Map()));
    if (tree.has(nodeIds[i]!)) refuseMl(ctx, `node id ${nodeIds[i]} appears twice in tree ${treeIds[i]}`);
    tree.set(nodeIds[i]!, {
      id: nodeIds[i]!, feature: featureIds[i]!, mode, value: values[i]!, trueId: trueIds[i]!, falseId: falseIds[i]!, weights: [],
    });
  }
  const wTree = need(intsAttr(node, `${prefix}_treeids`), `${prefix}_treeids`);
  const wNode = need(intsAttr(node, `${prefix}_nodeids`), `${prefix}_nodeids`);
  const wTarget = need(intsAttr(node, `${prefix}_ids`), `${prefix}_ids`);
  const wWeight = floatsAttr(node, `${prefix}_weights`);
  if (wWeight === undefined) refuseMl(ctx, `attribute ${prefix}_weights is missing`);
  if (wNode.length !== wTree.length || wTarget.length !== wTree.length || wWeight.length !== wTree.length) {
    refuseMl(ctx, `the ${prefix}_* attributes have different lengths`);
  }
  const distinctTargets = new Set<number>();
  let allWeightsNonNegative = true;
  for (let i = 0; i < wTree.length; i++) {
    const leaf = byTree.get(wTree[i]!)?.get(wNode[i]!);
    if (!leaf) refuseMl(ctx, `${prefix} weight for unknown node ${wNode[i]} of tree ${wTree[i]}`);
    if (leaf.mode !== 'LEAF') refuseMl(ctx, `${prefix} weight on node ${wNode[i]} of tree ${wTree[i]}, which is not a leaf`);
    if (wTarget[i]! < 0 || wTarget[i]! >= targets) refuseMl(ctx, `${prefix} id ${wTarget[i]} outside [0, ${targets})`);
    if (!Number.isFinite(wWeight[i]!)) refuseMl(ctx, `${prefix} weight ${wWeight[i]} is not finite`);
    leaf.weights.push({ target: wTarget[i]!, weight: wWeight[i]! });
    distinctTargets.add(wTarget[i]!);
    if (wWeight[i]! < 0) allWeightsNonNegative = false;
  }
  // Roots: the node of each tree that no other node points to; depth by walking from it.
  const trees: ParsedTree[] = [];
  let depth = 0;
  let dense = true;
  for (const [treeId, nodes] of [...byTree.entries()].sort((a, b) => a[0] - b[0])) {
    const children = new Set<number>();
    for (const nd of nodes.values()) if (nd.mode !== 'LEAF') { children.add(nd.trueId); children.add(nd.falseId); }
    const roots = [...nodes.keys()].filter((id) => !children.has(id));
    if (roots.length !== 1) refuseMl(ctx, `tree ${treeId} has ${roots.length} roots`);
    const walk = (id: number, level: number, seen: Set<number>): void => {
      const nd = nodes.get(id);
      if (!nd) refuseMl(ctx, `tree ${treeId} refers to missing node ${id}`);
      if (seen.has(id)) refuseMl(ctx, `tree ${treeId} has a cycle at node ${id}`);
      if (nd.mode === 'LEAF') {
        depth = Math.max(depth, level);
        const seenTargets = new Set(nd.weights.map((w) => w.target));
        if (seenTargets.size !== targets) dense = false;
        return;
      }
      if (level >= MAX_TREE_DEPTH) refuseMl(ctx, `tree ${treeId} is deeper than ${MAX_TREE_DEPTH}`);
      const next = new Set(seen).add(id);
      walk(nd.trueId, level + 1, next);
      walk(nd.falseId, level + 1, next);
    };
    walk(roots[0]!, 0, new Set());
    trees.push({ nodes, root: roots[0]! });
  }
  if (trees.length === 0) refuseMl(ctx, 'the ensemble has no trees');
  return { trees, targets, depth, allWeightsNonNegative, distinctTargets, dense };
}

interface IntegerTest {
  readonly mode: number;
  readonly threshold: bigint;
  /** The ONNX true child goes right instead of left. */
  readonly swap: boolean;
}

/** The integer test equivalent to the float test for every X in [lo, hi] at scale s. */
export function integerTest(mode: string, t: number, s: number, lo: bigint, hi: bigint): IntegerTest {
  const clamp = (v: bigint): bigint => (v < lo - 1n ? lo - 1n : v > hi ? hi : v);
  switch (mode) {
    case 'BRANCH_LEQ': return { mode: TREE_MODE_LEQ, threshold: clamp(floorRatio(t, s)), swap: false };
    case 'BRANCH_LT': return { mode: TREE_MODE_LEQ, threshold: clamp(ceilRatio(t, s) - 1n), swap: false };
    case 'BRANCH_GTE': return { mode: TREE_MODE_LEQ, threshold: clamp(ceilRatio(t, s) - 1n), swap: true };
    case 'BRANCH_GT': return { mode: TREE_MODE_LEQ, threshold: clamp(floorRatio(t, s)), swap: true };
    case 'BRANCH_EQ':
    case 'BRANCH_NEQ': {
      const e = exactRatio(t, s);
      const swap = mode === 'BRANCH_NEQ';
      // Not a representable value (or outside the bounds): "X = t" never holds; X ≤ lo − 1 never holds either.
      if (e === undefined || e < lo || e > hi) return { mode: TREE_MODE_LEQ, threshold: lo - 1n, swap };
      return { mode: TREE_MODE_EQ, threshold: e, swap };
    }
    default: throw new RangeError(`integerTest: mode ${mode}`);
  }
}

interface Emitted {
  readonly scores: QuantValue;
  readonly n: number;
}

/** Builds the complete-tree tensors and emits MlTreeEnsemble; `targetMap` maps ONNX target ids to output columns. */
function emitForest(ctx: LowerContext, forest: Forest, outTargets: number, targetMap: (t: number) => number,
  aggregate: 'SUM' | 'AVERAGE' | 'MIN' | 'MAX', base: readonly number[], presence = false, step = 'trees'): Emitted {
  const rows = asRows(ctx, ctx.input(ctx.node.inputs[0]!), 'rows');
  const { n, f } = rows;
  const x = rows.value;
  const info = ctx.irInfo(x.ir);
  const D = forest.depth;
  const internal = 2 ** D - 1;
  const inner = Math.max(1, internal);
  const leavesPer = 2 ** D;
  const T = forest.trees.length;
  const feats = new Float64Array(T * inner);
  // Padding nodes keep these defaults: feature 0, "X ≤ hi_X", which always holds.
  const thr: bigint[] = new Array<bigint>(T * inner).fill(info.hi);
  const modes = new Float64Array(T * inner);
  const leafReal = new Float64Array(T * leavesPer * outTargets);

  forest.trees.forEach((tree, ti) => {
    const place = (id: number, heap: number, level: number): void => {
      const nd = tree.nodes.get(id)!;
      if (nd.mode === 'LEAF') {
        if (level === D) {
          const base0 = (ti * leavesPer + (heap - internal)) * outTargets;
          // presence: 1 where the leaf weighs the target (onnxruntime's has_score), else the weights.
          for (const w of nd.weights) {
            if (presence) leafReal[base0 + targetMap(w.target)] = 1;
            else leafReal[base0 + targetMap(w.target)] += w.weight;
          }
          return;
        }
        // Padding test (always true, the defaults above); both subtrees repeat the leaf.
        place(id, 2 * heap + 1, level + 1);
        place(id, 2 * heap + 2, level + 1);
        return;
      }
      if (nd.feature < 0 || nd.feature >= f) refuseMl(ctx, `a node tests feature ${nd.feature}, the input has ${f}`);
      const test = integerTest(nd.mode, nd.value, x.scale, info.lo, info.hi);
      feats[ti * inner + heap] = nd.feature;
      thr[ti * inner + heap] = test.threshold;
      modes[ti * inner + heap] = test.mode;
      place(test.swap ? nd.falseId : nd.trueId, 2 * heap + 1, level + 1);
      place(test.swap ? nd.trueId : nd.falseId, 2 * heap + 2, level + 1);
    };
    place(tree.root, 0, 0);
  });

  // One leaf scale for the ensemble: the worst-case |score| maps to 2^31 − 1.
  let worst = 0;
  for (let ti = 0; ti < T; ti++) {
    let m = 0;
    for (let j = 0; j < leavesPer * outTargets; j++) m = Math.max(m, Math.abs(leafReal[ti * leavesPer * outTargets + j]!));
    worst = aggregate === 'MIN' || aggregate === 'MAX' ? Math.max(worst, m) : worst + m;
  }
  const baseMax = maxAbs(base);
  // A power of two, so that dyadic leaf values (0.5, 0.25 …), the binary threshold 0.5 and the
  // constant 1 are exact integers: a leaf of exactly 0.5 then decides "s > 0.5" as in float.
  const leafScale = 2 ** -Math.floor(Math.log2((2 ** (LEAF_BITS - 1) - 1) / (worst + baseMax > 0 ? worst + baseMax : 1)));
  const outScale = aggregate === 'AVERAGE' ? leafScale / T : leafScale;
  const leafInts = leafReal.map((w) => Math.floor(w / leafScale + 0.5));
  const baseInts = new Float64Array(outTargets);
  for (let t = 0; t < outTargets; t++) baseInts[t] = Math.floor((base[t] ?? 0) / outScale + 0.5);
  const bound = (v: Float64Array): bigint => BigInt(maxAbs(v, 1));

  // one-hot selector [F, trees·inner]: column j has its 1 in the row of node j's feature
  const selector = new BigInt64Array(f * T * inner);
  feats.forEach((feature, j) => void (selector[feature * T * inner + j] = 1n));
  const featIr = ctx.addConstant('selector', { dims: [f, T * inner], data: selector }, 'weight', 0n, 1n);
  const thrIr = ctx.addConstant('thresholds', { dims: [T, inner], data: BigInt64Array.from(thr) }, 'weight', info.lo - 1n, info.hi);
  const modeIr = ctx.addConstant('modes', { dims: [T, inner], data: bigArray(modes) }, 'weight', 0n, 1n);
  const leafIr = ctx.addConstant('leaves', { dims: [T, leavesPer, outTargets], data: bigArray(leafInts) }, 'weight', -bound(leafInts), bound(leafInts));
  const baseIr = ctx.addConstant('base', { dims: [outTargets], data: bigArray(baseInts) }, 'weight', -bound(baseInts), bound(baseInts));
  const [s] = ctx.emit('MlTreeEnsemble', [x.ir, featIr, thrIr, modeIr, leafIr, baseIr], {
    depth: D, trees: T, targets: outTargets, aggregate: aggregate === 'AVERAGE' ? 'SUM' : aggregate,
  }, { step, scales: [outScale] });
  return { scores: { ir: s!, scale: outScale }, n };
}

export const treeEnsembleRegressorLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'TreeEnsembleRegressor',
  lower(ctx) {
    const node = ctx.node;
    const transform = stringAttr(node, 'post_transform', 'NONE');
    if (transform !== 'NONE') refuseMl(ctx, `post_transform ${transform} is not supported for TreeEnsembleRegressor (NONE is)`);
    const targets = intAttr(node, 'n_targets', 1);
    const aggregate = stringAttr(node, 'aggregate_function', 'SUM');
    if (aggregate !== 'SUM' && aggregate !== 'AVERAGE' && aggregate !== 'MIN' && aggregate !== 'MAX') refuseMl(ctx, `unknown aggregate_function ${aggregate}`);
    const forest = parseForest(ctx, 'target', targets);
    if ((aggregate === 'MIN' || aggregate === 'MAX') && !forest.dense) {
      refuseMl(ctx, `aggregate ${aggregate} needs a weight for every target in every leaf (onnxruntime skips missing ones)`);
    }
    const baseAttr = floatsAttr(node, 'base_values') ?? [];
    if (baseAttr.length !== 0 && baseAttr.length !== targets) refuseMl(ctx, `${baseAttr.length} base_values for ${targets} targets`);
    const { scores } = emitForest(ctx, forest, targets, (t) => t, aggregate, baseAttr);
    ctx.define(node.outputs[0]!, scores);
  },
};

export const treeEnsembleClassifierLowering: Lowering = {
  domain: 'ai.onnx.ml',
  opType: 'TreeEnsembleClassifier',
  lower(ctx) {
    const node = ctx.node;
    const transform = stringAttr(node, 'post_transform', 'NONE');
    const labels = classLabels(node, 'classlabels_int64s', 'classlabels_strings');
    const forest = parseForest(ctx, 'class', labels.count);
    const baseAttr = floatsAttr(node, 'base_values') ?? [];
    const [labelOut, scoresOut] = node.outputs;
    const binary = labels.count === 2 && forest.distinctTargets.size === 1;
    if (binary) {
      const classId = [...forest.distinctTargets][0]!;
      if (classId !== 0 && baseAttr.length > 0) refuseMl(ctx, 'binary case with class id 1 and base_values: onnxruntime ignores the trees there; not supported');
      if (baseAttr.length > 1) refuseMl(ctx, 'binary case with two base_values is ambiguous in ONNX; not supported');
      if (transform === 'PROBIT') refuseMl(ctx, 'post_transform PROBIT is not supported');
      const { scores, n } = emitForest(ctx, forest, 1, () => 0, 'SUM', baseAttr.length === 1 ? [baseAttr[0]!] : []);
      const flat = reshape(ctx, scores, [n], 'flat');
      // s > 0.5 on integers: S·σ > 1/2 ⟺ S > floor(1 / (2σ)), exactly.
      const threshold = forest.allWeightsNonNegative ? floorRatio(0.5, scores.scale) : 0n;
      const positive = aboveIndex(ctx, flat, n, threshold, 'positive');
      if (labelOut) ctx.define(labelOut, labelsOf(ctx, positive, labels, 'label'));
      if (!scoresOut) return;
      if (forest.allWeightsNonNegative) {
        const one = roundRatio(1, scores.scale);
        const [rest] = ctx.emit('WeightedSum', [flat.ir], { coeffs: [-1n], offset: one }, { step: 'complement', scales: [scores.scale] });
        ctx.define(scoresOut, { ir: pairColumns(ctx, rest!, flat.ir, n, scores.scale, 'pair'), scale: scores.scale });
        return;
      }
      const [neg] = ctx.emit('WeightedSum', [flat.ir], { coeffs: [-1n], offset: 0n }, { step: 'negate', scales: [scores.scale] });
      const pair = pairColumns(ctx, neg!, flat.ir, n, scores.scale, 'pair');
      ctx.define(scoresOut, transform === 'LOGISTIC' ? sigmoidOf(ctx, { ir: pair, scale: scores.scale }, 'transform') : { ir: pair, scale: scores.scale });
      return;
    }
    if (labels.count < 3) refuseMl(ctx, 'two classes with weights on both: onnxruntime answers labels 0/1 regardless of classlabels there; not supported');
    if (baseAttr.length !== 0 && baseAttr.length !== labels.count) refuseMl(ctx, `${baseAttr.length} base_values for ${labels.count} classes`);
    const { scores, n } = emitForest(ctx, forest, labels.count, (t) => t, 'SUM', baseAttr);
    if (labelOut) {
      // onnxruntime takes the argmax over the classes that have a score: a class is scored when
      // it has a base value or a weight in some reached leaf. Where that is not guaranteed for
      // every input, a second ensemble (aggregate MAX over 0/1 "has a weight" leaves) gives the
      // per-row presence, and unscored classes are masked below every score before the argmax.
      const unsure = Array.from({ length: labels.count }, (_, c) => c).filter((c) => !alwaysScored(forest, c, baseAttr.length));
      let ranked = scores;
      if (unsure.length > 0) ranked = maskUnscored(ctx, forest, scores, n, labels.count);
      ctx.define(labelOut, labelsOf(ctx, argmaxIndex(ctx, ranked, 'argmax'), labels, 'label'));
    }
    if (scoresOut) ctx.define(scoresOut, postTransform(ctx, scores, n, labels.count, transform, 'transform'));
  },
};

/** True when class c has a score for every input: it has a base value, or some tree weighs it in every leaf. */
function alwaysScored(forest: Forest, c: number, baseCount: number): boolean {
  if (c < baseCount) return true;
  return forest.trees.some((tree) => [...tree.nodes.values()].every((nd) => nd.mode !== 'LEAF' || nd.weights.some((w) => w.target === c)));
}

/** Scores with classes that have no weight in any reached leaf replaced by (lowest score − 1). */
function maskUnscored(ctx: LowerContext, forest: Forest, scores: QuantValue, n: number, classes: number): QuantValue {
  const present = emitForest(ctx, forest, classes, (t) => t, 'MAX', [], true, 'presence');
  const zeros = ctx.addConstant('presence-zero', { dims: [n, classes], data: new BigInt64Array(n * classes) }, 'public');
  const [bit] = ctx.emit('Compare', [present.scores.ir, zeros], { mode: 'greater' }, { step: 'presence-bit', scales: [1] });
  const low = ctx.irInfo(scores.ir).lo - 1n;
  const floor = ctx.addConstant('unscored', { dims: [n, classes], data: new BigInt64Array(n * classes).fill(low) }, 'public');
  const [masked] = ctx.emit('Where', [bit!, scores.ir, floor], {}, { step: 'mask-unscored', scales: [scores.scale] });
  return { ir: masked!, scale: scores.scale };
}
