// The contract between the float evaluator and the per-family op implementations.
import type { Node, Tensor } from '../graph.js';

/** What an op sees: its node (attributes), the opset of its domain. */
export interface OpContext {
  readonly node: Node;
  readonly opset: number;
}

/**
 * Computes a node's outputs from its inputs (undefined for omitted optional inputs), in float64
 * for float tensors and exactly for integer ones. Returns one tensor per node output (it may
 * return fewer when trailing optional outputs are not requested).
 */
export type OpEval = (inputs: readonly (Tensor | undefined)[], ctx: OpContext) => Tensor[];

export type OpTable = Readonly<Record<string, OpEval>>;
