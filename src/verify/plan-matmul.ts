// A MatMul whose inner dimension k is 1 (an outer product, e.g. a Linear layer on one feature)
// has no sumcheck variable over κ, and a table without variables cannot carry the Z·R mask. The
// plan proves it as k = 2 instead: A is read as [batch, m, 2] and B as [batchB, 2, n] through a
// Gather whose new entries (κ = 1) are the fill 0 — a virtual relayout for a private operand
// (proven against it like any relayout, docs/protocol.md Part 5 §3a), the verifier's own
// zero-padded table for a public one. A′·B′ = A·B exactly, so the layer relation is unchanged.

/**
 * The gather index of a tensor viewed with one unit axis widened to 2: `outer` is the product of
 * the dimensions before that axis, `after` of those after it. Entries with κ = 0 read the tensor
 * (row-major), entries with κ = 1 are the fill (−1).
 */
export function widenUnitAxis(outer: number, after: number): Int32Array {
  const idx = new Int32Array(outer * 2 * after);
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < after; a++) {
      idx[2 * o * after + a] = o * after + a;
      idx[(2 * o + 1) * after + a] = -1;
    }
  }
  return idx;
}
