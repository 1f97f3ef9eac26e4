// ai.onnx.ml TreeEnsembleClassifier / TreeEnsembleRegressor, following onnxruntime's semantics
// (which the reference outputs come from): every node mode, missing-value tracking, base_values,
// the binary-classifier conventions (one score column -> two), aggregate functions, post_transform.
import type { Node, Tensor } from '../graph.js';
import { f64, stringTensor, tensorFrom } from '../tensor.js';
import { attrFloats, attrInt, attrInts, attrString, attrStrings, attrTensor, need } from './attrs.js';
import { logistic, postTransform, probit, rowsOf } from './ml-common.js';
import type { OpEval, OpTable } from './types.js';

const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ', 'LEAF'] as const;

interface Forest {
  /** Per tree, the index of its root node in the flat node arrays. */
  readonly roots: number[];
  readonly mode: Uint8Array;
  readonly feature: Int32Array;
  readonly value: Float64Array;
  readonly trueNext: Int32Array;
  readonly falseNext: Int32Array;
  readonly missingTrue: Uint8Array;
  /** Per node, the (target/class id, weight) pairs of a leaf. */
  readonly leafWeights: { id: number; w: number }[][];
}

function floatsOrTensor(node: Node, name: string): readonly number[] | undefined {
  const t = attrTensor(node, `${name}_as_tensor`);
  return t !== undefined ? Array.from(f64(t)) : attrFloats(node, name);
}

function buildForest(node: Node, prefix: 'class' | 'target'): Forest {
  const treeIds = attrInts(node, 'nodes_treeids') ?? [];
  const nodeIds = attrInts(node, 'nodes_nodeids') ?? [];
  const n = treeIds.length;
  const modes = attrStrings(node, 'nodes_modes') ?? [];
  const feats = attrInts(node, 'nodes_featureids') ?? [];
  const values = floatsOrTensor(node, 'nodes_values') ?? [];
  const trues = attrInts(node, 'nodes_truenodeids') ?? [];
  const falses = attrInts(node, 'nodes_falsenodeids') ?? [];
  const missing = attrInts(node, 'nodes_missing_value_tracks_true') ?? [];
  for (const [name, arr] of [['nodes_nodeids', nodeIds], ['nodes_modes', modes], ['nodes_featureids', feats], ['nodes_values', values], ['nodes_truenodeids', trues], ['nodes_falsenodeids', falses]] as const) {
    if (arr.length !== n) throw new Error(`attribute '${name}' has ${arr.length} entries, nodes_treeids has ${n}`);
  }
  const index = new Map<string, number>();
  const roots = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    index.set(`${treeIds[i]}:${nodeIds[i]}`, i);
    if (!roots.has(treeIds[i]!)) roots.set(treeIds[i]!, i);
  }
  const mode = new Uint8Array(n);
  const trueNext = new Int32Array(n);
  const falseNext = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const m = MODES.indexOf(modes[i] as (typeof MODES)[number]);
    if (m < 0) throw new Error(`node mode '${modes[i]}' is not supported`);
    mode[i] = m;
    if (modes[i] === 'LEAF') continue;
    const t = index.get(`${treeIds[i]}:${trues[i]}`);
    const f = index.get(`${treeIds[i]}:${falses[i]}`);
    if (t === undefined || f === undefined) throw new Error(`tree ${treeIds[i]} node ${nodeIds[i]} points to a missing child`);
    trueNext[i] = t;
    falseNext[i] = f;
  }
  const wTrees = attrInts(node, `${prefix}_treeids`) ?? [];
  const wNodes = attrInts(node, `${prefix}_nodeids`) ?? [];
  const wIds = attrInts(node, `${prefix}_ids`) ?? [];
  const ws = floatsOrTensor(node, `${prefix}_weights`) ?? [];
  const leafWeights: { id: number; w: number }[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < wTrees.length; i++) {
    const at = index.get(`${wTrees[i]}:${wNodes[i]}`);
    if (at === undefined) throw new Error(`${prefix} weight ${i} refers to a missing node`);
    leafWeights[at]!.push({ id: wIds[i]!, w: ws[i]! });
  }
  return {
    roots: [...roots.values()], mode, feature: Int32Array.from(feats), value: Float64Array.from(values),
    trueNext, falseNext, missingTrue: Uint8Array.from({ length: n }, (_, i) => missing[i] ?? 0), leafWeights,
  };
}

/** Walks one tree for one row of features; returns the leaf's node index. */
function leafOf(forest: Forest, root: number, x: Float64Array, off: number): number {
  let i = root;
  for (let guard = 0; forest.mode[i] !== 6; guard++) {
    if (guard > 1 << 20) throw new Error('tree walk does not terminate (cycle?)');
    const v = x[off + forest.feature[i]!]!;
    const th = forest.value[i]!;
    let go: boolean;
    if (Number.isNaN(v)) go = forest.missingTrue[i] !== 0;
    else {
      switch (forest.mode[i]) {
        case 0: go = v <= th; break;
        case 1: go = v < th; break;
        case 2: go = v >= th; break;
        case 3: go = v > th; break;
        case 4: go = v === th; break;
        default: go = v !== th; break;
      }
    }
    i = go ? forest.trueNext[i]! : forest.falseNext[i]!;
  }
  return i;
}

/** Sums leaf weights per id over all trees; `has` marks ids that received any weight. */
function accumulate(forest: Forest, x: Float64Array, off: number, k: number, agg: string): { s: Float64Array; has: Uint8Array } {
  const s = new Float64Array(k);
  const has = new Uint8Array(k);
  for (const root of forest.roots) {
    for (const { id, w } of forest.leafWeights[leafOf(forest, root, x, off)]!) {
      if (id < 0 || id >= k) throw new Error(`leaf weight id ${id} out of range (${k} outputs)`);
      if (!has[id]) s[id] = w;
      else if (agg === 'MIN') s[id] = Math.min(s[id]!, w);
      else if (agg === 'MAX') s[id] = Math.max(s[id]!, w);
      else s[id] += w;
      has[id] = 1;
    }
  }
  return { s, has };
}

const treeRegressor: OpEval = (inputs, { node }) => {
  const { n, f, data } = rowsOf(need(inputs, 0, 'X'));
  const forest = buildForest(node, 'target');
  const k = attrInt(node, 'n_targets', 1);
  const agg = attrString(node, 'aggregate_function', 'SUM');
  const base = floatsOrTensor(node, 'base_values') ?? [];
  const transform = attrString(node, 'post_transform', 'NONE');
  const out = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const { s } = accumulate(forest, data, r * f, k, agg);
    for (let j = 0; j < k; j++) {
      let v = agg === 'AVERAGE' ? s[j]! / forest.roots.length : s[j]!;
      v += base.length === k ? base[j]! : base.length === 1 ? base[0]! : 0;
      out[r * k + j] = v;
    }
  }
  if (transform === 'PROBIT') for (let i = 0; i < out.length; i++) out[i] = probit(out[i]!);
  else postTransform(out, n, k, transform);
  return [tensorFrom('float32', [n, k], out)];
};

const treeClassifier: OpEval = (inputs, { node }) => {
  const { n, f, data } = rowsOf(need(inputs, 0, 'X'));
  const forest = buildForest(node, 'class');
  const labelsInt = attrInts(node, 'classlabels_int64s');
  const labelsStr = attrStrings(node, 'classlabels_strings');
  const k = Math.max(labelsInt?.length ?? 0, labelsStr?.length ?? 0);
  if (k === 0) throw new Error('needs classlabels_int64s or classlabels_strings');
  const base = floatsOrTensor(node, 'base_values') ?? [];
  const transform = attrString(node, 'post_transform', 'NONE');
  const classIds = attrInts(node, 'class_ids') ?? [];
  const weights = floatsOrTensor(node, 'class_weights') ?? [];
  // onnxruntime's binary case: two labels, all weights on a single class id (its score is the
  // positive class's); "all positive" weights mean probabilities (threshold 0.5) rather than margins.
  const binaryCase = k === 2 && new Set(classIds).size === 1;
  const allPositive = weights.every((w) => w >= 0);
  const scores = new Float64Array(n * Math.max(k, 2));
  const cols = Math.max(k, 2);
  const winners = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    const { s, has } = accumulate(forest, data, r * f, k, 'SUM');
    const row = scores.subarray(r * cols, (r + 1) * cols);
    if (k > 2) {
      for (let j = 0; j < base.length && j < k; j++) { s[j] += base[j]!; has[j] = 1; }
      let best = -1;
      for (let j = 0; j < k; j++) if (has[j] && (best < 0 || s[j]! > s[best]!)) best = j;
      winners[r] = Math.max(best, 0);
      row.set(s);
      postTransform(row, 1, k, transform);
      continue;
    }
    let size = 2;
    let second = -1;
    if (base.length === 2) {
      if (has[1]) { s[1] = base[1]! + s[0]!; s[0] = -s[1]!; }
      else { s[1] += base[1]!; s[0] += base[0]!; }
    } else if (base.length === 1) {
      s[0] += base[0]!;
      if (!has[1]) size = 1;
    } else {
      second = 3;
      if (!has[1]) size = 1;
    }
    const pos = size === 2 && has[1] ? s[1]! : has[0] ? s[0]! : 0;
    let positive: boolean;
    if (binaryCase) {
      positive = allPositive ? pos > 0.5 : pos > 0;
      second = allPositive ? (positive ? 0 : 1) : (positive ? 2 : 3);
    } else positive = pos > 0;
    winners[r] = positive ? 1 : 0;
    if (size === 2) {
      row.set(s);
      postTransform(row, 1, 2, transform);
    } else if (transform === 'PROBIT') {
      row[0] = probit(s[0]!);
    } else if (second === 0 || second === 1) {
      row[0] = 1 - s[0]!;
      row[1] = s[0]!;
    } else if (second === 2 || second === 3) {
      row[0] = transform === 'LOGISTIC' ? logistic(-s[0]!) : -s[0]!;
      row[1] = transform === 'LOGISTIC' ? logistic(s[0]!) : s[0]!;
    } else {
      row[0] = s[0]!;
    }
  }
  const label: Tensor = labelsStr !== undefined && labelsStr.length > 0
    ? stringTensor([n], winners.map((w) => labelsStr[w]!))
    : tensorFrom('int64', [n], winners.map((w) => labelsInt![w]!));
  return [label, tensorFrom('float32', [n, cols], scores)];
};

export const ML_TREE_OPS: OpTable = {
  TreeEnsembleClassifier: treeClassifier,
  TreeEnsembleRegressor: treeRegressor,
};
