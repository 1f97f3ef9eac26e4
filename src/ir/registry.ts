// The op registry: every integer op the executor and the compiler know, core and classic ML.
import { coreOps } from './ops/index.js';
import { mlOps } from './ml/index.js';
import type { OpDef } from './types.js';

const registry = new Map<string, OpDef>();
for (const def of [...coreOps, ...mlOps]) {
  if (registry.has(def.op)) throw new Error(`ir registry: op ${def.op} is registered twice`);
  registry.set(def.op, def);
}

export function opDef(op: string): OpDef {
  const def = registry.get(op);
  if (!def) throw new Error(`ir: unknown op ${op}`);
  return def;
}

export function hasOp(op: string): boolean {
  return registry.has(op);
}

export function allOps(): readonly OpDef[] {
  return [...registry.values()];
}
