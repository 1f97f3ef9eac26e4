// Checked access to IR node attributes: a wrong or missing attribute is a CompileError naming the node.
import { refuse, type IrNode } from './types.js';

export function int(node: IrNode, key: string, fallback?: number): number {
  const v = node.attrs[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) refuse(node, `attribute ${key} must be an integer, got ${String(v)}`);
  return v;
}

export function big(node: IrNode, key: string, fallback?: bigint): bigint {
  const v = node.attrs[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  refuse(node, `attribute ${key} must be an integer, got ${String(v)}`);
}

export function ints(node: IrNode, key: string): number[] {
  const v = node.attrs[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) {
    refuse(node, `attribute ${key} must be a list of integers`);
  }
  return v as number[];
}

export function bigs(node: IrNode, key: string): bigint[] {
  const v = node.attrs[key];
  if (!Array.isArray(v)) refuse(node, `attribute ${key} must be a list of integers`);
  return (v as unknown[]).map((x) => {
    if (typeof x === 'bigint') return x;
    if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt(x);
    refuse(node, `attribute ${key} must be a list of integers`);
  });
}

export function str(node: IrNode, key: string, fallback?: string): string {
  const v = node.attrs[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') refuse(node, `attribute ${key} must be a string`);
  return v;
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function maxBig(...xs: bigint[]): bigint {
  return xs.reduce((m, x) => (x > m ? x : m));
}

export function minBig(...xs: bigint[]): bigint {
  return xs.reduce((m, x) => (x < m ? x : m));
}

export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}
