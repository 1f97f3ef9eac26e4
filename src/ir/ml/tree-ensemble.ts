// MlTreeEnsemble: a forest of complete binary decision trees over integer features, with
// integer thresholds and integer leaf values summed exactly (or their min / max).
//
// Layout (every tree padded by the lowering to the same depth D, nodes in heap order: node i
// has children 2i+1 (taken when the test holds) and 2i+2):
//   inputs[0] X          [N, F]                features (an activation or input)
//   inputs[1] selector   [F, trees·(2^D − 1)]  one-hot: selector[i, j] = 1 iff internal node j (tree
//                                              t = j div (2^D − 1), heap node j mod (2^D − 1)) tests
//                                              feature i (the lowering builds one 1 per column;
//                                              the tested value is Σ_i X[n, i]·selector[i, j], which
//                                              is X[n, f(j)] there, and the proof proves every
//                                              column one-hot)                               (weight)
//   inputs[2] thresholds [trees, 2^D − 1]      integer threshold in X's scale            (weight)
//   inputs[3] modes      [trees, 2^D − 1]      0: X[f] ≤ T,  1: X[f] = T                  (weight)
//   inputs[4] leaves     [trees, 2^D, targets] integer leaf values                        (weight)
//   inputs[5] base       [targets]             integer base values                        (weight)
// Output [N, targets]: base + Σ_trees leaf (aggregate SUM), or base + min/max over trees.
//
// Everything that describes the model (tests, thresholds, leaf values) is a private weight; only
// the shape (trees, depth, features, targets) is public, which is what a prover of "leaf
// selection per tree" wants: D comparisons per tree (range checks of X[f] − T), one selected
// leaf per tree, and a sum. The feature tested at a node is a one-hot column rather than an
// index so that the gathered feature X[n, f(j)] = Σ_i X[n, i]·selector[i, j] is a matrix
// product, which the prover proves with a private right operand (docs/protocol.md, "Tree
// ensembles").
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

/**
 * The feature index of every node from a one-hot selector [F, nodes] (the lowering's, and what
 * the proof accepts); a column that is not one-hot (one 1, zeros elsewhere) is a RangeError.
 */
export function selectedFeatures(selector: BigInt64Array, features: number, nodes: number): Int32Array {
  const out = new Int32Array(nodes).fill(-1);
  for (let i = 0; i < features; i++) {
    for (let j = 0; j < nodes; j++) {
      const v = selector[i * nodes + j]!;
      if (v === 0n) continue;
      if (v !== 1n || out[j] !== -1) throw new RangeError(`MlTreeEnsemble: selector column ${j} is not one-hot`);
      out[j] = i;
    }
  }
  const missing = out.indexOf(-1);
  if (missing >= 0) throw new RangeError(`MlTreeEnsemble: selector column ${missing} selects no feature`);
  return out;
}

/** The nonzero entries of every selector column: (feature, weight) pairs per node. */
function selectorColumns(selector: BigInt64Array, features: number, nodes: number): { feature: number; weight: number }[][] {
  const cols: { feature: number; weight: number }[][] = Array.from({ length: nodes }, () => []);
  for (let i = 0; i < features; i++) {
    for (let j = 0; j < nodes; j++) {
      const v = selector[i * nodes + j]!;
      if (v !== 0n) cols[j]!.push({ feature: i, weight: Number(v) });
    }
  }
  return cols;
}

export const treeEnsembleOp: OpDef = {
  op: 'MlTreeEnsemble',
  semantics:
    'per tree: from the root, D times go to child 2i+1 if (mode 0: G ≤ T_i; mode 1: G = T_i) else 2i+2, '
    + 'G = Σ_f X[n,f]·selector[f,i] (X[n,f_i] for a one-hot column); '
    + 'out[n,t] = base[t] + Σ_trees leaf[tree, reached, t] (SUM) or min/max over trees (MIN/MAX)',
  proof:
    'per (row, tree, leaf) and level: a bit S (the decision agrees with the leaf\'s path) forced by a range-checked slack of '
    + 'T − G; G gathered by the public ancestor map (K = X·selector, a MatMul, and a one-hot check when private); the leaf by '
    + 'e = Π S; the sum as e·leaves + base (docs/protocol.md, "Tree ensembles"; modes "≤" only, SUM only)',
  infer(node, inputs) {
    const s = shape(node);
    const [x, selector, thresholds, modes, leaves, base] = inputs;
    if (!x || !selector || !thresholds || !modes || !leaves || !base || inputs.length !== 6) {
      refuse(node, 'MlTreeEnsemble takes X, selector, thresholds, modes, leaves, base');
    }
    if (x.dims.length !== 2) refuse(node, `X must be [N, F], got [${x.dims.join(', ')}]`);
    const [n, f] = x.dims as [number, number];
    const inner = Math.max(1, s.internal);
    expectDims(node, 'selector', selector, [f, s.trees * inner]);
    expectDims(node, 'thresholds', thresholds, [s.trees, inner]);
    expectDims(node, 'modes', modes, [s.trees, inner]);
    expectDims(node, 'leaves', leaves, [s.trees, s.leaves, s.targets]);
    expectDims(node, 'base', base, [s.targets]);
    if (selector.lo < 0n || selector.hi > 1n) refuse(node, `selector entries may lie in [${selector.lo}, ${selector.hi}], outside {0, 1}`);
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
    // the tested value Σ_i X[n, i]·selector[i, j] is at most F·max|X| (X[n, f] for one-hot columns)
    if (bSum >= EXACT || BigInt(f) * absMax(x.lo, x.hi) + 1n >= EXACT) refuse(node, 'tree values exceed 2^52 (the executor compares and sums them exactly in doubles)');
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
    const [x, selector, thresholds, modes, leaves, base] = inputs as [IrTensor, IrTensor, IrTensor, IrTensor, IrTensor, IrTensor];
    const [n, f] = x.dims as [number, number];
    // Exact in doubles: every magnitude is below 2^52 by the bounds checked in infer.
    const xs = Float64Array.from(x.data, Number);
    const cols = selectorColumns(selector.data, f, s.trees * Math.max(1, s.internal));
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
          let v = 0;
          for (const c of cols[off + i]!) v += c.weight * xs[row + c.feature]!;
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
