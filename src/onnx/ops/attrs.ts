// Typed attribute access with defaults; a wrong kind is an error that names the attribute.
import type { AttrValue, Node, Tensor } from '../graph.js';

function get(node: Node, name: string, kinds: readonly AttrValue['kind'][]): AttrValue | undefined {
  const a = node.attrs[name];
  if (a === undefined) return undefined;
  if (!kinds.includes(a.kind)) throw new Error(`attribute '${name}' should be ${kinds.join(' or ')}, got ${a.kind}`);
  return a;
}

export function attrInt(node: Node, name: string, dflt: number): number;
export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, dflt?: number): number | undefined {
  const a = get(node, name, ['int']);
  return a === undefined ? dflt : (a.value as number);
}

export function attrFloat(node: Node, name: string, dflt: number): number;
export function attrFloat(node: Node, name: string): number | undefined;
export function attrFloat(node: Node, name: string, dflt?: number): number | undefined {
  const a = get(node, name, ['float', 'int']);
  return a === undefined ? dflt : (a.value as number);
}

export function attrString(node: Node, name: string, dflt: string): string;
export function attrString(node: Node, name: string): string | undefined;
export function attrString(node: Node, name: string, dflt?: string): string | undefined {
  const a = get(node, name, ['string']);
  return a === undefined ? dflt : (a.value as string);
}

export function attrInts(node: Node, name: string): readonly number[] | undefined {
  const a = get(node, name, ['ints']);
  return a === undefined ? undefined : (a.value as readonly number[]);
}

export function attrFloats(node: Node, name: string): readonly number[] | undefined {
  const a = get(node, name, ['floats', 'ints']);
  return a === undefined ? undefined : (a.value as readonly number[]);
}

export function attrStrings(node: Node, name: string): readonly string[] | undefined {
  const a = get(node, name, ['strings']);
  return a === undefined ? undefined : (a.value as readonly string[]);
}

export function attrTensor(node: Node, name: string): Tensor | undefined {
  const a = get(node, name, ['tensor']);
  return a === undefined ? undefined : (a.value as Tensor);
}

/** The input at `i`, failing with a clear message when a required input is missing. */
export function need(inputs: readonly (Tensor | undefined)[], i: number, what: string): Tensor {
  const t = inputs[i];
  if (t === undefined) throw new Error(`missing required input ${i} (${what})`);
  return t;
}
