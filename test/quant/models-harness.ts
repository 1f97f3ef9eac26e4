// Shared by the models test and report: compile each ../shared/testdata/models case, run its
// sets, compare the dequantized outputs with onnxruntime's reference outputs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../src/onnx/graph.js';
import { compileGraph, loadModel, runCompiled } from '../../src/quant/compile.js';
import { proto } from '../../src/onnx/proto.js';

export const MODELS_DIR = join(process.cwd(), '..', 'shared', 'testdata', 'models');

export interface CaseResult {
  name: string;
  ok: boolean;
  /** Why it failed (compile error, mismatch). */
  error?: string;
  maxAbsErr: number;
  /** Largest |reference| over the compared outputs. */
  refMax: number;
  tolerance: number;
  argmaxAgree: boolean;
  sets: number;
}

interface CaseSet { inputs: Record<string, { dims: number[]; dtype: string; data: (number | string)[] }>; outputs: Record<string, { dims: number[]; dtype: string; data: (number | string)[] }> }

export function listCases(): string[] {
  return existsSync(MODELS_DIR) ? readdirSync(MODELS_DIR).sort() : [];
}

function toTensor(v: { dims: number[]; dtype: string; data: (number | string)[] }): Tensor {
  return { dtype: v.dtype as Tensor['dtype'], dims: v.dims, data: Float64Array.from(v.data as number[]) };
}

/**
 * Tolerance derived from the precision: an output quantized with b bits has a resolution of
 * range / 2^(b−1); errors of several such steps accumulate through layers and tables, so the
 * case passes when max |err| ≤ TOL_STEPS · 2^−(b−1) · max(1, max |reference|).
 */
export const TOL_STEPS = 64;

/**
 * Binds each symbolic input dim (dim_param) to the size the case's first input set has there;
 * an anonymous dynamic dim (dim_value −1) is fixed in the model bytes the same way.
 */
export function prepareModel(bytes: Uint8Array, sample: Record<string, Tensor>): { bytes: Uint8Array; dims: Record<string, number> } {
  const model = proto.ModelProto.decode(bytes);
  const dims: Record<string, number> = {};
  let patched = false;
  for (const vi of model.graph?.input ?? []) {
    const t = sample[vi.name ?? ''];
    (vi.type?.tensorType?.shape?.dim ?? []).forEach((d, i) => {
      if (!t) return;
      if (d.dimParam) dims[d.dimParam] = t.dims[i];
      else if (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) < 0) { d.dimValue = t.dims[i]; patched = true; }
    });
  }
  return { bytes: patched ? proto.ModelProto.encode(model).finish() : bytes, dims };
}

export function runCase(name: string, bits: number, maxSets = 8): CaseResult {
  const dir = join(MODELS_DIR, name);
  const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { sets: CaseSet[] };
  const sets = spec.sets.slice(0, maxSets);
  const res: CaseResult = { name, ok: false, maxAbsErr: 0, refMax: 0, tolerance: 0, argmaxAgree: true, sets: sets.length };
  try {
    const calibration = sets.map((s) => Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, toTensor(v)])));
    const prepared = prepareModel(readFileSync(join(dir, 'model.onnx')), calibration[0]);
    const onnx = loadModel(prepared.bytes, name, prepared.dims);
    const graph = compileGraph(onnx, { bits, calibration });
    // String labels (classifiers): the integer graph outputs the class index into classlabels_strings.
    const labelsOf = (out: string): readonly string[] | undefined => {
      const node = onnx.nodes.find((n) => n.outputs.includes(out));
      const a = node?.attrs.classlabels_strings;
      return a && a.kind === 'strings' ? a.value : undefined;
    };
    for (const [si, s] of sets.entries()) {
      const r = runCompiled(graph, calibration[si]);
      let compared = 0;
      for (const [k, ref] of Object.entries(s.outputs)) {
        const got = r.outputs.get(k);
        if (ref.dtype === 'string' || ref.data.some((x) => typeof x !== 'number')) {
          const labels = labelsOf(k);
          if (!got || !labels) continue;
          compared++;
          const mapped = Array.from(got, (i) => labels[Math.round(i)]);
          if (mapped.some((l, i) => l !== ref.data[i])) res.argmaxAgree = false;
          continue;
        }
        if (!got) continue;
        compared++;
        const refData = ref.data as number[];
        let bestRef = 0;
        let bestGot = 0;
        for (let i = 0; i < refData.length; i++) {
          res.maxAbsErr = Math.max(res.maxAbsErr, Math.abs(got[i] - refData[i]));
          res.refMax = Math.max(res.refMax, Math.abs(refData[i]));
          if (refData[i] > refData[bestRef]) bestRef = i;
          if (got[i] > got[bestGot]) bestGot = i;
        }
        // Classifier-like outputs (a row of scores): same argmax unless the top two are within tolerance.
        if (refData.length > 1 && bestRef !== bestGot && Math.abs(refData[bestRef] - refData[bestGot]) > 1e-6) res.argmaxAgree = false;
      }
      if (compared === 0) throw new Error('no numeric output to compare');
    }
    res.tolerance = TOL_STEPS * 2 ** -(bits - 1) * Math.max(1, res.refMax);
    res.ok = res.maxAbsErr <= res.tolerance && res.argmaxAgree;
    if (!res.ok) res.error = `max |err| ${res.maxAbsErr.toPrecision(3)} vs tolerance ${res.tolerance.toPrecision(3)}${res.argmaxAgree ? '' : ', argmax differs'}`;
  } catch (e) {
    res.error = (e as Error).message.split('\n')[0];
  }
  return res;
}
