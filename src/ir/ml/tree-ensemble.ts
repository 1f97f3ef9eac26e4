// MlTreeEnsemble: a forest of complete binary decision trees over integer features, with
// integer thresholds and integer leaf values summed exactly (or their min / max).
//
// Layout (every tree padded by the lowering to the same depth D, nodes in heap order: node i
// has children 2i+1 (taken when the test holds) and 2i+2):
//   inputs[0] X          [N, F]                features (an activation or input)
//   inputs[1] features   [trees, 2^D − 1]      feature index tested at each internal node  (weight)
//   inputs[2] thresholds [trees, 2^D − 1]      integer threshold in X's scale            (weight)
//   inputs[3] modes      [trees, 2^D − 1]      0: X[f] ≤ T,  1: X[f] = T                  (weight)
//   inputs[4] leaves     [trees, 2^D, targets] integer leaf values                        (weight)
//   inputs[5] base       [targets]             integer base values                        (weight)
// Output [N, targets]: base + Σ_trees leaf (aggregate SUM), or base + min/max over trees.
//
// Everything that describes the model (tests, thresholds, leaf values) is a private weight; only
// the shape (trees, depth, features, targets) is public, which is what a prover of "leaf
// selection per tree" wants: D comparisons per tree (range checks of X[f] − T), one selected
// leaf per tree, and a sum.
import { int, str } from '../attrs.js';
import { absMax, refuse, sizeOf, type IrNode, type IrTensor, type IrValueInfo, type OpDef } from '../types.js';

export const TREE_MODE_LEQ = 0;
export const TREE_MODE_EQ = 1;
/** 2^12 leaves per tree: deeper trees are refused (the padded layout would explode). */
export const MAX_TREE_DEPTH = 12;

const AGGREGATES = ['SUM', 'MIN', 'MAX'] as const;
type Aggregate = (typeof AGGREGATES)[number];

interface Shape {
  readonly depth: number;
  readonly trees: number;
  readonly targets: number;
  readonly aggregate: Aggregate;
  readonly internal: number;
  readonly leaves: number;
}

function shape(node: IrNode): Shape {
  const depth = int(node, 'depth');
  const trees = int(node, 'trees');
  const targets = int(node, 'targets');
  const aggregate = str(node, 'aggregate', 'SUM') as Aggregate;
  if (depth < 0 || depth > MAX_TREE_DEPTH) refuse(node, `tree depth ${depth} outside [0, ${MAX_TREE_DEPTH}]`);
  if (trees < 1) refuse(node, 'a tree ensemble needs at least one tree');
  if (targets < 1) refuse(node, 'a tree ensemble needs at least one target');
  if (!(AGGREGATES as readonly string[]).includes(aggregate)) refuse(node, `aggregate ${aggregate} is not one of ${AGGREGATES.join(', ')}`);
  return { depth, trees, targets, aggregate, internal: 2 ** depth - 1, leaves: 2 ** depth };
}

function expectDims(node: IrNode, what: string, v: IrValueInfo | IrTensor, dims: readonly number[]): void {
  if (v.dims.length !== dims.length || v.dims.some((d, i) => d !== dims[i])) {
    refuse(node, `${what} has dims [${v.dims.join(', ')}], expected [${dims.join(', ')}]`);
  }
}

/** Doubles hold every integer below 2^53 exactly; the bounds check keeps all values there. */
const EXACT = 2n ** 52n;

export const treeEnsembleOp: OpDef = {
  op: 'MlTreeEnsemble',
  semantics:
    'per tree: from the root, D times go to child 2i+1 if (mode 0: X[n,f_i] ≤ T_i; mode 1: X[n,f_i] = T_i) else 2i+2; '
    + 'out[n,t] = base[t] + Σ_trees leaf[tree, reached, t] (SUM) or min/max over trees (MIN/MAX)',
  proof:
    'per tree and level: the selected node\'s (f, T, mode) by a one-hot selector, a range check of X[f] − T (and an '
    + 'equality bit for mode 1); the leaf by a one-hot selector of 2^D; the sum linearly (min/max by selector + range checks)',
  infer(node, inputs) {
    const s = shape(node);
    const [x, features, thresholds, modes, leaves, base] = inputs;
    if (!x || !features || !thresholds || !modes || !leaves || !base || inputs.length !== 6) {
      refuse(node, 'MlTreeEnsemble takes X, features, thresholds, modes, leaves, base');
    }
    if (x.dims.length !== 2) refuse(node, `X must be [N, F], got [${x.dims.join(', ')}]`);
    const [n, f] = x.dims as [number, number];
    const inner = Math.max(1, s.internal);
    expectDims(node, 'features', features, [s.trees, inner]);
    expectDims(node, 'thresholds', thresholds, [s.trees, inner]);
    expectDims(node, 'modes', modes, [s.trees, inner]);
    expectDims(node, 'leaves', leaves, [s.trees, s.leaves, s.targets]);
    expectDims(node, 'base', base, [s.targets]);
    if (features.lo < 0n || features.hi >= BigInt(f)) refuse(node, `feature indices may lie in [${features.lo}, ${features.hi}], outside [0, ${f})`);
    if (modes.lo < 0n || modes.hi > 1n) refuse(node, `modes may lie in [${modes.lo}, ${modes.hi}], outside {0, 1}`);
    // A threshold outside [lo_X − 1, hi_X] decides the same for every input as one at that edge;
    // the lowering clamps, so a wider declared bound means the op is used outside its contract.
    if (thresholds.lo < x.lo - 1n || thresholds.hi > x.hi) {
      refuse(node, `thresholds may lie in [${thresholds.lo}, ${thresholds.hi}], outside [${x.lo - 1n}, ${x.hi}]`);
    }
    const bLeaf = absMax(leaves.lo, leaves.hi);
    const bBase = absMax(base.lo, base.hi);
    const count = s.aggregate === 'SUM' ? BigInt(s.trees) : 1n;
    const lo = base.lo + count * leaves.lo;
    const hi = base.hi + count * leaves.hi;
    const bSum = bBase + count * bLeaf;
    if (bSum >= EXACT || absMax(x.lo, x.hi) + 1n >= EXACT) refuse(node, 'tree values exceed 2^52 (the executor compares and sums them exactly in doubles)');
    void n;
    return {
      outputs: [{ dims: [x.dims[0]!, s.targets], lo, hi }],
      bounds: {
        B_cmp: absMax(x.lo, x.hi) + absMax(thresholds.lo, thresholds.hi) + 1n,
        B_leaf: bLeaf,
        B_sum: bSum,
        leavesPerTree: BigInt(s.leaves),
      },
    };
  },
  execute(node, inputs) {
    const s = shape(node);
    const [x, features, thresholds, modes, leaves, base] = inputs as [IrTensor, IrTensor, IrTensor, IrTensor, IrTensor, IrTensor];
    const [n, f] = x.dims as [number, number];
    // Exact in doubles: every magnitude is below 2^52 by the bounds checked in infer.
    const xs = Float64Array.from(x.data, Number);
    const feat = Int32Array.from(features.data, Number);
    const thr = Float64Array.from(thresholds.data, Number);
    const mode = Uint8Array.from(modes.data, Number);
    const leaf = Float64Array.from(leaves.data, Number);
    const out = new Float64Array(n * s.targets);
    const inner = Math.max(1, s.internal);
    for (let r = 0; r < n; r++) {
      const row = r * f;
      for (let t = 0; t < s.targets; t++) out[r * s.targets + t] = s.aggregate === 'SUM' ? 0 : NaN;
      for (let tree = 0; tree < s.trees; tree++) {
        const off = tree * inner;
        let i = 0;
        for (let level = 0; level < s.depth; level++) {
          const v = xs[row + feat[off + i]!]!;
          const th = thr[off + i]!;
          const goLeft = mode[off + i] === TREE_MODE_EQ ? v === th : v <= th;
          i = goLeft ? 2 * i + 1 : 2 * i + 2;
        }
        const leafRow = (tree * s.leaves + (i - s.internal)) * s.targets;
        for (let t = 0; t < s.targets; t++) {
          const o = r * s.targets + t;
          const w = leaf[leafRow + t]!;
          const cur = out[o]!;
          if (s.aggregate === 'SUM') out[o] = cur + w;
          else if (Number.isNaN(cur)) out[o] = w;
          else out[o] = s.aggregate === 'MIN' ? Math.min(cur, w) : Math.max(cur, w);
        }
      }
    }
    const data = new BigInt64Array(n * s.targets);
    for (let i = 0; i < data.length; i++) data[i] = BigInt(out[i]!) + base.data[i % s.targets]!;
    void sizeOf;
    return [{ dims: [n, s.targets], data }];
  },
};
