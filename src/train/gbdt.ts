// Gradient-boosted regression trees for binary classification with the logistic loss
// (Friedman 2001): each round fits a depth-limited least-squares tree to the gradient y − p
// and sets every leaf to one Newton step Σ(y − p) / Σ p(1 − p), shrunk by the learning rate.
// Split thresholds sit halfway between consecutive distinct feature values, so on integer
// features every threshold is a half-integer and no training value lies on one.

export interface TreeNode {
  /** -1 for a leaf. */
  readonly feature: number;
  /** Go to `left` when x[feature] <= threshold (ONNX BRANCH_LEQ), else to `right`. */
  readonly threshold: number;
  readonly left: number;
  readonly right: number;
  /** The leaf's contribution to the log-odds (0 for branches). */
  readonly value: number;
}

/** Nodes in creation order; node 0 is the root. */
export type Tree = readonly TreeNode[];

export interface BoostedTrees {
  /** The initial log-odds, log(p̄ / (1 − p̄)). */
  readonly baseScore: number;
  readonly trees: readonly Tree[];
}

export interface BoostOptions {
  readonly rounds: number;
  readonly maxDepth: number;
  readonly learningRate: number;
  /** A split must leave at least this many samples on each side. */
  readonly minLeaf: number;
}

export function treeScore(tree: Tree, x: ArrayLike<number>, offset = 0): number {
  let n = tree[0]!;
  while (n.feature >= 0) n = tree[x[offset + n.feature]! <= n.threshold ? n.left : n.right]!;
  return n.value;
}

/** The ensemble's log-odds for one row. */
export function boostedScore(model: BoostedTrees, x: ArrayLike<number>, offset = 0): number {
  let s = model.baseScore;
  for (const t of model.trees) s += treeScore(t, x, offset);
  return s;
}

export function fitBoostedTrees(features: Float64Array, labels: Uint8Array, cols: number, opts: BoostOptions): BoostedTrees {
  const rows = labels.length;
  if (features.length !== rows * cols) throw new RangeError('fitBoostedTrees: features is not rows × cols');
  const positives = labels.reduce((a, y) => a + y, 0);
  if (positives === 0 || positives === rows) throw new RangeError('fitBoostedTrees: labels must contain both classes');
  const p0 = positives / rows;
  const baseScore = Math.fround(Math.log(p0 / (1 - p0)));
  // Per-feature sample order, computed once: split search scans samples in feature order.
  const sorted: Int32Array[] = [];
  for (let c = 0; c < cols; c++) {
    const idx = new Int32Array(rows).map((_, i) => i);
    idx.sort((a, b) => features[a * cols + c]! - features[b * cols + c]! || a - b);
    sorted.push(idx);
  }
  const score = new Float64Array(rows).fill(baseScore);
  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const trees: Tree[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-score[i]!));
      grad[i] = labels[i]! - p;
      hess[i] = p * (1 - p);
    }
    const nodes: TreeNode[] = [];
    const member = new Uint8Array(rows).fill(1);
    growNode(nodes, member, 0);
    trees.push(nodes);
    for (let i = 0; i < rows; i++) score[i] = score[i]! + treeScore(nodes, features, i * cols);

    // Appends the node for the samples flagged in `member`, recursively; returns its index.
    function growNode(out: TreeNode[], inNode: Uint8Array, depth: number): number {
      const id = out.length;
      out.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0 });
      let g = 0;
      let h = 0;
      let n = 0;
      for (let i = 0; i < rows; i++) {
        if (inNode[i]) {
          g += grad[i]!;
          h += hess[i]!;
          n++;
        }
      }
      const split = depth < opts.maxDepth ? bestSplit(inNode, g, n) : undefined;
      if (split === undefined) {
        out[id] = { feature: -1, threshold: 0, left: -1, right: -1, value: Math.fround(opts.learningRate * (h > 1e-12 ? g / h : 0)) };
        return id;
      }
      const leftMember = new Uint8Array(rows);
      const rightMember = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) {
        if (!inNode[i]) continue;
        if (features[i * cols + split.feature]! <= split.threshold) leftMember[i] = 1;
        else rightMember[i] = 1;
      }
      const left = growNode(out, leftMember, depth + 1);
      const right = growNode(out, rightMember, depth + 1);
      out[id] = { feature: split.feature, threshold: split.threshold, left, right, value: 0 };
      return id;
    }
  }
  return { baseScore, trees };

  // The split maximising the least-squares gain gL²/nL + gR²/nR on the gradients; ties go to
  // the lowest feature index and then the lowest threshold (scan order), so it is deterministic.
  function bestSplit(inNode: Uint8Array, gTotal: number, nTotal: number): { feature: number; threshold: number } | undefined {
    let best: { feature: number; threshold: number } | undefined;
    let bestGain = (gTotal * gTotal) / nTotal + 1e-12;
    for (let c = 0; c < cols; c++) {
      const idx = sorted[c]!;
      let gL = 0;
      let nL = 0;
      let prev = NaN;
      for (let k = 0; k < rows; k++) {
        const i = idx[k]!;
        if (!inNode[i]) continue;
        const v = features[i * cols + c]!;
        if (nL >= opts.minLeaf && nTotal - nL >= opts.minLeaf && v !== prev) {
          const gR = gTotal - gL;
          const gain = (gL * gL) / nL + (gR * gR) / (nTotal - nL);
          if (gain > bestGain) {
            bestGain = gain;
            best = { feature: c, threshold: Math.fround((prev + v) / 2) };
          }
        }
        gL += grad[i]!;
        nL++;
        prev = v;
      }
    }
    return best;
  }
}
