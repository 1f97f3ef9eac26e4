// A shared test model (../shared/testdata/models/<name>) as the prover tests use it: its first
// input set, the symbolic input dims bound to that set's sizes, compiled at the default precision.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IrGraph } from '../../src/ir/types.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { compile } from '../../src/quant/compile.js';
import { prepareModel } from '../quant/models-harness.js';
import { tensorFromJson, testdataDir } from '../onnx/testdata.js';

export interface SharedCase {
  readonly graph: IrGraph;
  readonly inputs: Record<string, Tensor>;
}

/** null when the case has no model or case.json, or does not compile (compile coverage is the compiler's test). */
export function loadSharedCase(name: string): SharedCase | null {
  const dir = join(testdataDir, 'models', name);
  const file = readdirSync(dir).find((f) => f.endsWith('.onnx'));
  const casePath = join(dir, 'case.json');
  if (!file || !existsSync(casePath)) return null;
  const set = (JSON.parse(readFileSync(casePath, 'utf8')) as { sets: { inputs: Record<string, { dims: number[]; dtype: string; data: number[] }> }[] }).sets[0];
  const inputs: Record<string, Tensor> = Object.fromEntries(Object.entries(set.inputs).map(([k, v]) => [k, tensorFromJson(v)]));
  try {
    const prepared = prepareModel(readFileSync(join(dir, file)), inputs);
    return { graph: compile(prepared.bytes, { file, dims: prepared.dims }), inputs };
  } catch {
    return null;
  }
}

/** Random single-byte corruptions of a proof (100, or 1000 under ZKINFER_FULL), each handed to `check`. */
export function forEachCorruption(proof: Uint8Array, check: (corrupted: Uint8Array, pos: number) => void): void {
  const count = process.env.ZKINFER_FULL ? 1000 : 100;
  for (let i = 0; i < count; i++) {
    const c = proof.slice();
    const pos = Math.floor(Math.random() * c.length);
    c[pos] ^= 1 + Math.floor(Math.random() * 255);
    check(c, pos);
  }
}
