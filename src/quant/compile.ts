// compile: ONNX bytes (+ calibration samples) → integer graph; runCompiled: float inputs →
// quantized inputs → exact execution → dequantized outputs (+ the witness).
import { loadOnnx } from '../onnx/load.js';
import type { Graph, Tensor } from '../onnx/graph.js';
import { execute, InputError } from '../ir/execute.js';
import type { IrGraph, IrTensor } from '../ir/types.js';
import { calibrate, DEFAULT_BITS, quantize } from './quantize.js';
import { isFloatDtype } from './dtypes.js';
import { roundHalfUp } from './lower/helpers.js';
import { STRING_MAX_BYTES, stringCode } from './string-codes.js';

export interface CompileOptions {
  readonly bits?: number;
  /** Calibration samples; default: deterministic pseudo-random inputs in [−1, 1]. */
  readonly calibration?: readonly Readonly<Record<string, Tensor>>[];
  readonly file?: string;
  /** Values of symbolic input dims (dim_param) by name. */
  readonly dims?: Readonly<Record<string, number>>;
  /**
   * Graph inputs bound to fixed values (model parameters fed as inputs: weights, shapes, axes);
   * they become constants of the model and are no longer runtime inputs.
   */
  readonly constants?: Readonly<Record<string, Tensor>>;
  /**
   * Declared ranges of integer inputs, narrower than their type (inclusive). The prover range-
   * checks inputs to these, and every bound downstream is computed from them.
   */
  readonly inputRanges?: Readonly<Record<string, readonly [bigint, bigint]>>;
  /** Wider precision (bits..24) for named float inputs; the rest of the graph stays at `bits`. */
  readonly inputBits?: Readonly<Record<string, number>>;
  /** Float inputs that take integers in [lo, hi] (raw fields an issuer signs), read exactly. */
  readonly integerInputs?: Readonly<Record<string, readonly [bigint, bigint]>>;
}

/** Turns the named graph inputs into initializers. */
export function bindInputs(graph: Graph, values: Readonly<Record<string, Tensor>>): Graph {
  const names = Object.keys(values);
  for (const n of names) if (!graph.inputs.some((i) => i.name === n)) throw new InputError(`cannot bind ${n}: not an input of the model`);
  const initializers = new Map(graph.initializers);
  for (const n of names) initializers.set(n, values[n]);
  return { ...graph, inputs: graph.inputs.filter((i) => !names.includes(i.name)), initializers };
}

/** Loads an ONNX model; `dims` binds symbolic input dims (dim_param) by name (unlisted ones are 1). */
export function loadModel(bytes: Uint8Array, file?: string, dims?: Readonly<Record<string, number>>): Graph {
  return loadOnnx(bytes, { ...(file !== undefined ? { file } : {}), ...(dims ? { dims } : {}) });
}

/** Deterministic stand-in calibration data (a fixed LCG): used only when none is given. */
export function syntheticSamples(graph: Graph, count = 4): Record<string, Tensor>[] {
  let state = 12345;
  const next = () => { state = (state * 1103515245 + 12345) % 2147483648; return (state / 2147483648) * 2 - 1; };
  return Array.from({ length: count }, () => Object.fromEntries(graph.inputs.map((i) => {
    const dims = i.dims.map((d) => (d < 0 ? 1 : d));
    const n = dims.reduce((a, b) => a * b, 1);
    if (i.dtype === 'string') return [i.name, { dtype: i.dtype, dims, data: Array.from({ length: n }, (_, j) => `s${j % 3}`) }];
    const data = new Float64Array(n);
    for (let j = 0; j < n; j++) data[j] = isFloatDtype(i.dtype) ? next() : Math.abs(Math.round(next() * 3));
    return [i.name, { dtype: i.dtype, dims, data }];
  })));
}

export function compileGraph(graph: Graph, options: CompileOptions = {}): IrGraph {
  if (options.constants) graph = bindInputs(graph, options.constants);
  const samples = options.calibration && options.calibration.length > 0 ? options.calibration : syntheticSamples(graph);
  return quantize(graph, calibrate(graph, samples), {
    bits: options.bits ?? DEFAULT_BITS,
    ...(options.inputRanges ? { inputRanges: options.inputRanges } : {}),
    ...(options.inputBits ? { inputBits: options.inputBits } : {}),
    ...(options.integerInputs ? { integerInputs: options.integerInputs } : {}),
  });
}

export function compile(onnxBytes: Uint8Array, options: CompileOptions = {}): IrGraph {
  return compileGraph(loadModel(onnxBytes, options.file, options.dims), options);
}

/** Float inputs → integer inputs: q = clamp(round_half_up(x / scale), lo, hi); integer inputs must be integers in range. */
export function quantizeInputs(graph: IrGraph, inputs: Readonly<Record<string, Tensor>>): { tensors: Map<string, IrTensor>; clamped: number } {
  const tensors = new Map<string, IrTensor>();
  let clamped = 0;
  for (const inp of graph.inputs) {
    const t = inputs[inp.name];
    if (!t) throw new InputError(`missing input ${inp.name}`);
    if (inp.onnxDtype === 'string') {
      tensors.set(inp.name, { dims: inp.dims, data: stringCodes(inp.name, t) });
      continue;
    }
    if (Array.isArray(t.data)) throw new InputError(`input ${inp.name} must be numeric`);
    const src = t.data as ArrayLike<number | bigint>;
    const n = src.length;
    const out = new BigInt64Array(n);
    const lo = Number(inp.lo);
    const hi = Number(inp.hi);
    const isFloat = isFloatDtype(inp.onnxDtype);
    for (let i = 0; i < n; i++) {
      const x = Number(src[i]);
      if (!Number.isFinite(x)) throw new InputError(`input ${inp.name} contains ${x}`);
      let q = isFloat ? roundHalfUp(x / inp.scale) : x;
      if (!isFloat && !Number.isInteger(q)) throw new InputError(`input ${inp.name} is ${inp.onnxDtype} but holds ${x}`);
      if (q < lo) { q = lo; clamped++; }
      if (q > hi) { q = hi; clamped++; }
      out[i] = BigInt(q);
    }
    tensors.set(inp.name, { dims: inp.dims, data: out });
  }
  return { tensors, clamped };
}

function stringCodes(name: string, t: Tensor): BigInt64Array {
  if (!Array.isArray(t.data)) throw new InputError(`input ${name} is a string tensor: give strings`);
  return BigInt64Array.from(t.data as readonly string[], (s) => {
    const code = typeof s === 'string' ? stringCode(s) : null;
    if (code === null) throw new InputError(`input ${name}: ${JSON.stringify(s)} is not a string of at most ${STRING_MAX_BYTES} UTF-8 bytes (longer strings have no exact integer code)`);
    return code;
  });
}

export interface RunResult {
  /** Dequantized outputs by ONNX output name. */
  readonly outputs: Map<string, Float64Array>;
  /** Integer outputs by ONNX output name. */
  readonly integers: Map<string, IrTensor>;
  /** Every value of the integer graph (the witness). */
  readonly witness: Map<string, IrTensor>;
  /** Input elements that were outside the calibrated range and saturated. */
  readonly clamped: number;
}

export function runCompiled(graph: IrGraph, inputs: Readonly<Record<string, Tensor>>): RunResult {
  const { tensors, clamped } = quantizeInputs(graph, inputs);
  const witness = execute(graph, tensors);
  const outputs = new Map<string, Float64Array>();
  const integers = new Map<string, IrTensor>();
  for (const o of graph.outputs) {
    const t = witness.get(o.name)!;
    integers.set(o.onnxName, t);
    const f = new Float64Array(t.data.length);
    for (let i = 0; i < f.length; i++) f[i] = Number(t.data[i]) * o.scale;
    outputs.set(o.onnxName, f);
  }
  return { outputs, integers, witness, clamped };
}
