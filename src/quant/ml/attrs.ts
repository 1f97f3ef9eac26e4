// Checked reads of ai.onnx.ml node attributes for the lowerings (a missing or mistyped
// attribute is a CompileError naming the node).
import type { AttrValue, Node as OnnxNode, Tensor } from '../../onnx/graph.js';
import { CompileError } from '../../ir/types.js';

function fail(node: OnnxNode, message: string): never {
  throw new CompileError(`node ${node.name} (${node.opType}): ${message}`);
}

function get(node: OnnxNode, key: string): AttrValue | undefined {
  return node.attrs[key];
}

/** A float list attribute, or its `<key>_as_tensor` double variant; undefined when absent. */
export function floatsAttr(node: OnnxNode, key: string): number[] | undefined {
  const a = get(node, key);
  const t = get(node, `${key}_as_tensor`);
  if (a !== undefined && t !== undefined) fail(node, `both ${key} and ${key}_as_tensor are set`);
  if (a !== undefined) {
    if (a.kind === 'floats') return [...a.value];
    if (a.kind === 'float') return [a.value];
    fail(node, `attribute ${key} must be a list of floats`);
  }
  if (t !== undefined) {
    if (t.kind !== 'tensor') fail(node, `attribute ${key}_as_tensor must be a tensor`);
    return tensorNumbers(node, t.value, `${key}_as_tensor`);
  }
  return undefined;
}

export function tensorNumbers(node: OnnxNode, t: Tensor, what: string): number[] {
  if (Array.isArray(t.data)) fail(node, `${what} must be numeric`);
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export function intsAttr(node: OnnxNode, key: string): number[] | undefined {
  const a = get(node, key);
  if (a === undefined) return undefined;
  if (a.kind === 'ints') return [...a.value];
  if (a.kind === 'int') return [a.value];
  fail(node, `attribute ${key} must be a list of integers`);
}

export function intAttr(node: OnnxNode, key: string, fallback: number): number {
  const a = get(node, key);
  if (a === undefined) return fallback;
  if (a.kind !== 'int') fail(node, `attribute ${key} must be an integer`);
  return a.value;
}

export function stringAttr(node: OnnxNode, key: string, fallback: string): string {
  const a = get(node, key);
  if (a === undefined) return fallback;
  if (a.kind !== 'string') fail(node, `attribute ${key} must be a string`);
  return a.value;
}

export function stringsAttr(node: OnnxNode, key: string): string[] | undefined {
  const a = get(node, key);
  if (a === undefined) return undefined;
  if (a.kind !== 'strings') fail(node, `attribute ${key} must be a list of strings`);
  return [...a.value];
}

/** The class labels of a classifier: integers, or strings (represented by their index). */
export interface ClassLabels {
  readonly count: number;
  /** Integer labels; for string labels the indices 0..count−1. */
  readonly ints: readonly number[];
  readonly strings?: readonly string[];
}

export function classLabels(node: OnnxNode, intKey: string, stringKey: string): ClassLabels {
  const ints = intsAttr(node, intKey);
  const strings = stringsAttr(node, stringKey);
  if ((ints?.length ?? 0) > 0 && (strings?.length ?? 0) > 0) fail(node, `both ${intKey} and ${stringKey} are set`);
  if (strings !== undefined && strings.length > 0) return { count: strings.length, ints: strings.map((_, i) => i), strings };
  if (ints !== undefined && ints.length > 0) return { count: ints.length, ints };
  fail(node, `needs ${intKey} or ${stringKey}`);
}

export { fail as refuseMl };
