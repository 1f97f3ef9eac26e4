// Input JSON: `{ "<input name>": [numbers, nested or flat] }` or EZKL's `{ "input_data": [[...], ...] }`
// (one flat list per graph input, in order). Every problem is an InputError with a one-line message.
import { z } from 'zod';
import type { Tensor, ValueInfo } from '../onnx/graph.js';
import { InputError } from '../ir/execute.js';
import { sizeOf } from '../ir/types.js';

type Nested = number | Nested[];
const nested: z.ZodType<Nested> = z.lazy(() => z.union([z.number(), z.array(nested)]));

function flatten(v: Nested, out: number[], name: string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InputError(`input ${name} contains ${v}; values must be finite numbers`);
    out.push(v);
  } else {
    for (const x of v) flatten(x, out, name);
  }
}

/** JSON.parse with NaN/Infinity spelled out as bare words turned into a clear error. */
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (/\b(NaN|-?Infinity)\b/.test(text)) throw new InputError(`${what}: contains NaN or Infinity; values must be finite numbers`);
    throw new InputError(`${what}: not valid JSON (${(e as Error).message})`);
  }
}

function tensorOf(info: ValueInfo, values: unknown, what: string): Tensor {
  const parsed = nested.safeParse(values);
  if (!parsed.success) {
    const bad = JSON.stringify(values)?.match(/null|"[^"]*"|true|false/)?.[0];
    throw new InputError(`${what}: input ${info.name} must be numbers (nested or flat lists)${bad ? `, found ${bad}` : ''}`);
  }
  const flat: number[] = [];
  flatten(parsed.data, flat, info.name);
  const dims = info.dims.map((d) => (d < 0 ? 1 : d));
  const want = sizeOf(dims);
  if (flat.length !== want) throw new InputError(`${what}: input ${info.name} has ${flat.length} values, expected ${want} (dims ${dims.join('×')})`);
  return { dtype: info.dtype, dims, data: Float64Array.from(flat) };
}

/** Parses one input set (object form) or the EZKL form; returns one or more samples. */
export function parseInputs(text: string, inputs: readonly ValueInfo[], what = 'input JSON'): Record<string, Tensor>[] {
  const json = parseJson(text, what);
  if (Array.isArray(json)) return json.flatMap((j, i) => parseInputs(JSON.stringify(j), inputs, `${what}[${i}]`));
  if (json === null || typeof json !== 'object') throw new InputError(`${what}: expected an object mapping input names to numbers`);
  const obj = json as Record<string, unknown>;
  if ('input_data' in obj) {
    const data = obj.input_data;
    if (!Array.isArray(data) || data.length !== inputs.length) {
      throw new InputError(`${what}: input_data must hold ${inputs.length} list(s), one per model input (${inputs.map((i) => i.name).join(', ')})`);
    }
    return [Object.fromEntries(inputs.map((info, i) => [info.name, tensorOf(info, data[i], what)]))];
  }
  const sample: Record<string, Tensor> = {};
  for (const info of inputs) {
    if (!(info.name in obj)) {
      throw new InputError(`${what}: missing input ${info.name} (the model's inputs: ${inputs.map((i) => i.name).join(', ')})`);
    }
    sample[info.name] = tensorOf(info, obj[info.name], what);
  }
  const unknown = Object.keys(obj).filter((k) => !inputs.some((i) => i.name === k));
  if (unknown.length > 0) throw new InputError(`${what}: unknown input ${unknown[0]} (the model's inputs: ${inputs.map((i) => i.name).join(', ')})`);
  return [sample];
}
