// Float graph → integer graph. Calibration runs the float reference on sample inputs and
// records each value's range; scales follow from those ranges and the precision setting; each
// ONNX node is lowered by its `Lowering` onto IR ops whose bounds the builder checks.
import type { Graph, Tensor, ValueInfo } from '../onnx/graph.js';
import { evaluateFloat, evaluateNode } from '../onnx/float-eval.js';
import { DEFAULT_OPSET_RANGE } from '../onnx/supported.js';
import { quantizeLinearGrid } from './input-grid.js';
import { STRING_CODE_HI, STRING_CODE_LO } from './string-codes.js';
import { GraphBuilder } from '../ir/builder.js';
import { mlLowerings } from '../ir/ml/index.js';
import {
  CompileError, type CalibrationRange, type IrGraph, type LowerContext, type Lowering, type QuantValue,
} from '../ir/types.js';
import { coreLowerings } from './lower/index.js';
import { isFloatDtype, integerBounds } from './dtypes.js';


export interface QuantizeOptions {
  /** Precision: activations and weights are `bits`-bit signed integers (4..24). */
  readonly bits: number;
  /** Narrower declared ranges of integer inputs (inclusive), e.g. features known to fit 16 bits. */
  readonly inputRanges?: Readonly<Record<string, readonly [bigint, bigint]>>;
  /**
   * Wider precision for named float inputs (bits..24): an input whose calibrated range is much
   * larger than the differences that decide the result (softmax over [10000, 10003]) keeps them.
   */
  readonly inputBits?: Readonly<Record<string, number>>;
  /**
   * Float inputs that receive integers in [lo, hi] (raw fields an issuer signs: amounts, dates,
   * counts). The IR input holds those integers (scale 1); one exact WeightedSum by 2^k puts them on
   * the largest power-of-two grid that fits `bits`, so no rounding happens between the signed
   * fields and the model.
   */
  readonly integerInputs?: Readonly<Record<string, readonly [bigint, bigint]>>;
}

export const DEFAULT_BITS = 12;

// Built on first use: lowering modules import helpers from this module (an import cycle).
let lowerings: Map<string, Lowering> | undefined;

export function findLowering(domain: string, opType: string): Lowering | undefined {
  if (!lowerings) {
    lowerings = new Map();
    for (const l of [...coreLowerings, ...mlLowerings]) lowerings.set(`${l.domain}::${l.opType}`, l);
  }
  return lowerings.get(`${domain}::${opType}`);
}

/** Float range of every value over the calibration samples. */
export interface Calibration {
  readonly ranges: ReadonlyMap<string, CalibrationRange>;
  /** dtype and dims of every value, as the reference computed them. */
  readonly valueInfo: ReadonlyMap<string, ValueInfo>;
}

/** Float range of every value over the calibration samples (and each value's dtype and dims). */
export function calibrate(graph: Graph, samples: readonly Readonly<Record<string, Tensor>>[]): Calibration {
  if (samples.length === 0) throw new CompileError('calibration needs at least one input sample');
  const ranges = new Map<string, { min: number; max: number }>();
  const valueInfo = new Map<string, ValueInfo>(graph.valueInfo);
  for (const sample of samples) {
    for (const [name, t] of evaluateFloat(graph, sample)) {
      if (!valueInfo.has(name) || valueInfo.get(name)!.dims.includes(-1)) valueInfo.set(name, { name, dtype: t.dtype, dims: t.dims });
      if (Array.isArray(t.data)) continue; // strings
      const data = t.data as ArrayLike<number | bigint>;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < data.length; i++) {
        const v = Number(data[i]);
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const r = ranges.get(name);
      if (!r) ranges.set(name, { min, max });
      else { r.min = Math.min(r.min, min); r.max = Math.max(r.max, max); }
    }
  }
  return { ranges, valueInfo };
}

/** A per-tensor symmetric scale that maps the calibrated range onto [−qmax, qmax]. */
export function scaleFor(range: CalibrationRange, qmax: number): number {
  const m = Math.max(Math.abs(range.min), Math.abs(range.max));
  return Number.isFinite(m) && m > 0 ? m / qmax : 1 / qmax;
}

export function quantize(graph: Graph, calibration: Calibration, options: QuantizeOptions): IrGraph {
  const { ranges, valueInfo } = calibration;
  const bits = options.bits;
  for (const name of Object.keys(options.inputRanges ?? {})) {
    const inp = graph.inputs.find((i) => i.name === name);
    if (!inp || isFloatDtype(inp.dtype)) throw new CompileError(`input range for ${name}: not an integer input of the model`);
  }
  if (!Number.isInteger(bits) || bits < 4 || bits > 24) throw new CompileError(`--bits must be an integer in [4, 24], got ${bits}`);
  for (const [name, ib] of Object.entries(options.inputBits ?? {})) {
    const inp = graph.inputs.find((i) => i.name === name);
    if (!inp || !isFloatDtype(inp.dtype)) throw new CompileError(`input bits for ${name}: not a float input of the model`);
    if (!Number.isInteger(ib) || ib < bits || ib > 24) throw new CompileError(`input bits for ${name} must be an integer in [${bits}, 24] (at least --bits), got ${ib}`);
  }
  const qmax = 2 ** (bits - 1) - 1;
  for (const [name, [lo, hi]] of Object.entries(options.integerInputs ?? {})) {
    const inp = graph.inputs.find((i) => i.name === name);
    if (!inp || !isFloatDtype(inp.dtype)) throw new CompileError(`integer input ${name}: not a float input of the model (an integer input takes --input-range)`);
    if (options.inputBits?.[name] !== undefined) throw new CompileError(`input ${name}: both integer values and input bits given`);
    const m = lo < 0n ? -lo : lo > hi ? lo : hi;
    if (lo > hi || m > BigInt(qmax)) throw new CompileError(`integer input ${name}: range [${lo}, ${hi}] must be ordered and within ±${qmax} at ${bits} bits`);
  }
  const b = new GraphBuilder(graph.name || 'model', bits);
  const quant = new Map<string, QuantValue>();

  for (const inp of graph.inputs) {
    if (inp.dtype === 'string') {
      // strings of up to 7 UTF-8 bytes as their injective integer codes (string-codes.ts)
      b.addInput({ name: inp.name, onnxDtype: inp.dtype, dims: inp.dims, scale: 1, lo: STRING_CODE_LO, hi: STRING_CODE_HI });
      quant.set(inp.name, { ir: inp.name, scale: 1 });
      continue;
    }
    const integerRange = options.integerInputs?.[inp.name];
    if (integerRange) {
      const [lo, hi] = integerRange;
      b.addInput({ name: inp.name, onnxDtype: inp.dtype, dims: inp.dims, scale: 1, lo, hi });
      const m = Number(lo < 0n ? -lo : lo > hi ? lo : hi);
      const k = m === 0 ? 0 : Math.floor(Math.log2(qmax / m));
      if (k === 0) {
        quant.set(inp.name, { ir: inp.name, scale: 1 });
      } else {
        const [q] = b.add('WeightedSum', [inp.name], { coeffs: [1n << BigInt(k)], offset: 0n }, inp.name, 'to-grid', [2 ** -k]);
        quant.set(inp.name, { ir: q, scale: 2 ** -k });
      }
      continue;
    }
    if (isFloatDtype(inp.dtype)) {
      const grid = quantizeLinearGrid(graph, inp.name, valueInfo);
      if (grid) {
        b.addInput({ name: inp.name, onnxDtype: inp.dtype, dims: inp.dims, scale: grid.scale, lo: grid.lo, hi: grid.hi });
        quant.set(inp.name, { ir: inp.name, scale: grid.scale });
        continue;
      }
      const r = ranges.get(inp.name);
      if (!r) throw new CompileError(`no calibration range for input ${inp.name}`);
      const inputQmax = 2 ** ((options.inputBits?.[inp.name] ?? bits) - 1) - 1;
      const scale = scaleFor(r, inputQmax);
      b.addInput({ name: inp.name, onnxDtype: inp.dtype, dims: inp.dims, scale, lo: BigInt(-inputQmax), hi: BigInt(inputQmax) });
      quant.set(inp.name, { ir: inp.name, scale });
    } else {
      const [tlo, thi] = integerBounds(inp.dtype, inp.name);
      const [lo, hi] = options.inputRanges?.[inp.name] ?? [tlo, thi];
      if (lo > hi || lo < tlo || hi > thi) throw new CompileError(`input ${inp.name}: range [${lo}, ${hi}] is not within its type's [${tlo}, ${thi}]`);
      b.addInput({ name: inp.name, onnxDtype: inp.dtype, dims: inp.dims, scale: 1, lo, hi });
      quant.set(inp.name, { ir: inp.name, scale: 1 });
    }
  }

  // Constants: initializers plus everything folded from them (Shape of a static shape, Reshape
  // of a constant, ConstantOfShape …). A node whose inputs are all constant is evaluated by the
  // float reference once at compile time and produces no integer op.
  const folded = new Map<string, Tensor>(graph.initializers);
  for (const node of graph.nodes) {
    if (node.opType === 'Shape' && node.domain === '' && node.inputs[0] && !folded.has(node.inputs[0])) {
      const info = valueInfo.get(node.inputs[0]);
      if (!info || info.dims.includes(-1)) throw new CompileError(`node ${node.name} (Shape): the shape of ${node.inputs[0]} is not known`);
      const start = node.attrs.start?.kind === 'int' ? node.attrs.start.value : 0;
      const end = node.attrs.end?.kind === 'int' ? node.attrs.end.value : info.dims.length;
      const dims = info.dims.slice(start < 0 ? start + info.dims.length : start, end < 0 ? end + info.dims.length : end);
      folded.set(node.outputs[0], { dtype: 'int64', dims: [dims.length], data: BigInt64Array.from(dims.map(BigInt)) });
      continue;
    }
    // CastLike of a constant to a computed value's type only needs that value's dtype.
    if (node.opType === 'CastLike' && node.domain === '' && folded.has(node.inputs[0]) && !folded.has(node.inputs[1])) {
      const like = valueInfo.get(node.inputs[1]);
      if (like) {
        const dummy: Tensor = { dtype: like.dtype, dims: [0], data: like.dtype === 'int64' ? new BigInt64Array(0) : new Float64Array(0) };
        const [o] = evaluateNode(node, [folded.get(node.inputs[0]), dummy], graph.opsets);
        if (o) { folded.set(node.outputs[0], o); continue; }
      }
    }
    const present = node.inputs.filter((n) => n !== '');
    if (present.length > 0 && present.every((n) => folded.has(n)) && node.domain === '') {
      const outs = evaluateNode(node, node.inputs.map((n) => (n === '' ? undefined : folded.get(n))), graph.opsets);
      node.outputs.forEach((o, i) => { if (o !== '' && outs[i]) folded.set(o, outs[i]); });
      continue;
    }
    const lowering = findLowering(node.domain, node.opType);
    if (!lowering) {
      throw new CompileError(`node ${node.name}: op ${node.domain ? node.domain + '.' : ''}${node.opType} is not supported by the quantizer (see docs/ops.md)`);
    }
    const ctx: LowerContext = {
      node, bits, qmax, opset: graph.opsets[''] ?? DEFAULT_OPSET_RANGE.max,
      info(name) {
        const v = valueInfo.get(name);
        if (!v) throw new CompileError(`node ${node.name}: no value info for ${name}`);
        return v;
      },
      constantOf: (name) => folded.get(name),
      input(name) {
        const q = quant.get(name);
        if (!q) throw new CompileError(`node ${node.name} (${node.opType}): input ${name || '(omitted)'} has no quantized value`);
        return q;
      },
      range(name) {
        const r = ranges.get(name);
        if (!r) throw new CompileError(`node ${node.name}: no calibration range for ${name}`);
        return r;
      },
      addConstant: (step, t, kind, lo, hi) => b.addConstant(`${node.name}/${step}`, t, kind, 1, lo, hi),
      emit: (op, inputs, attrs, o) => b.add(op, inputs, attrs, node.name, o?.step ?? op, o?.scales),
      define(name, value) {
        quant.set(name, value);
      },
      irInfo: (name) => b.info(name),
      evaluateNode(n, inputs) {
        const outs = evaluateNode(n, n.inputs.map((name) => (name === '' ? undefined : inputs.get(name))), graph.opsets);
        const m = new Map<string, Tensor>();
        n.outputs.forEach((o, i) => { if (o !== '' && outs[i]) m.set(o, outs[i]); });
        return m;
      },
    };
    lowering.lower(ctx);
    for (const out of node.outputs) {
      if (out !== '' && !quant.has(out) && graph.outputs.some((o) => o.name === out)) {
        throw new CompileError(`node ${node.name} (${node.opType}): lowering did not define output ${out}`);
      }
    }
  }

  for (const out of graph.outputs) {
    let q = quant.get(out.name);
    if (!q) {
      const c = folded.get(out.name);
      if (!c) throw new CompileError(`output ${out.name} has no quantized value`);
      throw new CompileError(`output ${out.name} is a constant; constant outputs are not supported`);
    }
    const info = b.info(q.ir);
    b.addOutput({ name: q.ir, onnxName: out.name, onnxDtype: out.dtype, dims: info.dims, scale: q.scale });
  }
  return b.finish();
}

