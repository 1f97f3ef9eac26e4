// Shared by the classic-ML tests: the ai.onnx.ml cases of ../shared/testdata/models, compiled at
// a given precision and run on every reference set.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../src/onnx/graph.js';
import { proto } from '../../src/onnx/proto.js';
import { compile, runCompiled } from '../../src/quant/compile.js';
import type { IrGraph } from '../../src/ir/types.js';
import { sharedTestdataDir } from '../../src/train/paths.js';

export const MODELS_DIR = join(sharedTestdataDir(), 'models');
export const haveModels = existsSync(MODELS_DIR);

interface JsonTensor { dims: number[]; dtype: string; data: (number | string)[] }
interface CaseSet { inputs: Record<string, JsonTensor>; outputs: Record<string, JsonTensor> }

export function jsonTensor(v: JsonTensor): Tensor {
  if (v.dtype === 'string') return { dtype: 'string', dims: v.dims, data: v.data.map(String) };
  return { dtype: v.dtype as Tensor['dtype'], dims: v.dims, data: Float64Array.from(v.data as number[]) };
}

/**
 * The model bytes; an input dim that has neither a value nor a name (tract's xgboost case
 * declares its batch dim that way, which the loader refuses) is named "N" so that it binds to 1.
 */
export function modelBytes(name: string): Uint8Array {
  const bytes = readFileSync(join(MODELS_DIR, name, 'model.onnx'));
  const model = proto.ModelProto.decode(bytes);
  let patched = false;
  for (const input of model.graph?.input ?? []) {
    for (const d of input.type?.tensorType?.shape?.dim ?? []) {
      const hasValue = d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0;
      if (!hasValue && !d.dimParam) {
        d.dimParam = 'N';
        patched = true;
      }
    }
  }
  return patched ? proto.ModelProto.encode(model).finish() : bytes;
}

/** String class labels of the first ai.onnx.ml classifier in the model (integer outputs index them). */
export function stringLabels(name: string): string[] | undefined {
  const model = proto.ModelProto.decode(readFileSync(join(MODELS_DIR, name, 'model.onnx')));
  for (const node of model.graph?.node ?? []) {
    for (const a of node.attribute ?? []) {
      if (a.name === 'classlabels_strings') return (a.strings ?? []).map((b) => new TextDecoder().decode(b));
    }
  }
  return undefined;
}

export interface OutputComparison {
  readonly output: string;
  readonly kind: 'label' | 'float';
  /** Labels: count of disagreeing sets. Floats: max |integer − reference|. */
  readonly mismatches: number;
  readonly maxAbsErr: number;
  readonly refMax: number;
}

export interface CaseRun {
  readonly graph: IrGraph;
  readonly sets: number;
  readonly outputs: OutputComparison[];
}

export function runCase(name: string, bits?: number): CaseRun {
  const spec = JSON.parse(readFileSync(join(MODELS_DIR, name, 'case.json'), 'utf8')) as { sets: CaseSet[] };
  const inputs = spec.sets.map((s) => Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, jsonTensor(v)])));
  const graph = compile(modelBytes(name), { calibration: inputs, file: name, ...(bits !== undefined ? { bits } : {}) });
  const labels = stringLabels(name);
  const acc = new Map<string, { kind: 'label' | 'float'; mismatches: number; maxAbsErr: number; refMax: number }>();
  spec.sets.forEach((s, i) => {
    const r = runCompiled(graph, inputs[i]!);
    for (const [k, ref] of Object.entries(s.outputs)) {
      const got = r.outputs.get(k);
      if (!got) throw new Error(`${name}: the integer graph has no output ${k}`);
      const isLabel = ref.dtype === 'string' || ref.dtype.startsWith('int');
      const a = acc.get(k) ?? { kind: isLabel ? 'label' : 'float', mismatches: 0, maxAbsErr: 0, refMax: 0 } as const;
      const entry = { ...a };
      if (got.length !== ref.data.length) throw new Error(`${name}: output ${k} has ${got.length} values, reference ${ref.data.length}`);
      if (isLabel) {
        const asRef = Array.from(got, (v) => (ref.dtype === 'string' ? (labels?.[v] ?? `#${v}`) : v));
        if (asRef.some((v, j) => v !== ref.data[j])) entry.mismatches++;
      } else {
        for (let j = 0; j < got.length; j++) {
          const y = ref.data[j] as number;
          entry.maxAbsErr = Math.max(entry.maxAbsErr, Math.abs(got[j]! - y));
          entry.refMax = Math.max(entry.refMax, Math.abs(y));
        }
      }
      acc.set(k, entry);
    }
  });
  return { graph, sets: spec.sets.length, outputs: [...acc.entries()].map(([output, v]) => ({ output, ...v })) };
}
