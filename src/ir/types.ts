// The integer graph (IR): what the quantizer produces, what the executor runs exactly, and what
// the prover (issue 6) will prove op by op. Every value is a tensor of signed integers held in a
// BigInt64Array; every op is an exact integer function whose static bounds are computed from
// public data when the op is added to the graph, so that every term of every relation the prover
// will check stays below p/2 in the Goldilocks field.
//
// ─── How to add an op ────────────────────────────────────────────────────────────────────────
// 1. The integer op (src/ir/ops/<name>.ts, or src/ir/ml/<name>.ts for ai.onnx.ml): export an
//    `OpDef` whose `infer` validates attributes and input shapes, returns output dims, the
//    inclusive output bounds [lo, hi] and the largest |term| of every relation the prover will
//    check (`bounds`, named like B_acc, B_prod, B_q) — all from the input *bounds*, never from
//    the data of private tensors — and whose `execute` computes the outputs exactly (typed
//    arrays / WASM kernels, no per-element BigInt in hot loops). Add it to the list in
//    src/ir/ops/index.ts (core) or src/ir/ml/index.ts (`mlOps`, classic ML).
// 2. The lowering (src/quant/lower/<name>.ts, or src/quant/ml/<name>.ts): export a `Lowering`
//    for the ONNX (domain, opType). It reads quantized inputs through the `LowerContext`,
//    chooses scales/multipliers, and `emit`s IR nodes (which runs `infer` and the bound check,
//    refusing with a message naming the layer). List it in src/quant/lower/index.ts (core) or
//    `mlLowerings` in src/ir/ml/index.ts.
// 3. Document it in docs/ops.md: attributes, integer semantics, how it will be proven.
// Keep ops small and orthogonal (MatMul → Requant → Lookup), each provable by one sumcheck or
// one lookup argument; data movement is a free index map (Gather with a constant index table).
// ─────────────────────────────────────────────────────────────────────────────────────────────

import { P } from '../field/goldilocks.js';
import type { Node as OnnxNode, Tensor as OnnxTensor, ValueInfo as OnnxValueInfo } from '../onnx/graph.js';

/** An integer tensor: row-major int64 data. */
export interface IrTensor {
  readonly dims: readonly number[];
  readonly data: BigInt64Array;
}

/**
 * What a value is, for the prover: `input` (a graph input, private unless declared public),
 * `activation` (computed by a node), `weight` (a model parameter: private, bound by its declared
 * type), `public` (structural constants the verifier knows: tables, index maps, shapes).
 */
export type ValueKind = 'input' | 'activation' | 'weight' | 'public';

export interface IrValueInfo {
  readonly name: string;
  readonly dims: readonly number[];
  readonly kind: ValueKind;
  /** Inclusive static bounds from public data: every element lies in [lo, hi]. */
  readonly lo: bigint;
  readonly hi: bigint;
  /** Real value ≈ integer × scale. 1 for raw integers (indices, booleans, integer ONNX data). */
  readonly scale: number;
}

/** Attribute values: JSON-like, with bigint for exact integers that may exceed 2^53. */
export type IrAttr = number | string | boolean | bigint | readonly number[] | readonly bigint[] | readonly string[];
export type IrAttrs = Readonly<Record<string, IrAttr>>;

export interface IrNode {
  /** A registered op name (`OpDef.op`). */
  readonly op: string;
  /** Unique within the graph: `<onnx node name>/<step>`. */
  readonly name: string;
  /** Value names: activations, inputs or constants. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: IrAttrs;
  /** The ONNX node this was lowered from (for messages and inspect). */
  readonly source: string;
  /** Largest absolute value of each relation term, as computed by `OpDef.infer`. */
  readonly bounds: Readonly<Record<string, bigint>>;
}

/** A graph input: the ONNX input it quantizes, and how. */
export interface IrInput {
  /** The IR value name (equals the ONNX input name). */
  readonly name: string;
  readonly onnxDtype: string;
  readonly dims: readonly number[];
  /** Float inputs: q = clamp(round_half_up(x / scale), lo, hi). Integer inputs: scale 1, must lie in [lo, hi]. */
  readonly scale: number;
  readonly lo: bigint;
  readonly hi: bigint;
}

/** A graph output: the IR value holding it, and how to read it back. */
export interface IrOutput {
  readonly name: string;
  /** The ONNX output name. */
  readonly onnxName: string;
  readonly onnxDtype: string;
  readonly dims: readonly number[];
  /** Dequantized output = integer × scale (scale 1 for integer outputs such as labels). */
  readonly scale: number;
}

export interface IrGraph {
  readonly name: string;
  /** The precision setting the graph was compiled with. */
  readonly bits: number;
  readonly inputs: readonly IrInput[];
  readonly outputs: readonly IrOutput[];
  /** Topologically sorted. */
  readonly nodes: readonly IrNode[];
  /** Weights, biases, lookup tables, index maps. */
  readonly constants: ReadonlyMap<string, IrTensor>;
  /** Every value: inputs, constants, node outputs. */
  readonly values: ReadonlyMap<string, IrValueInfo>;
}

/** The largest absolute value a relation term may take: below p/2, so field equations imply integer ones. */
export const FIELD_HALF: bigint = (P - 1n) / 2n;

/** A model or setting whose static bounds do not fit the field, or an op used outside its contract. */
export class CompileError extends Error {
  override name = 'CompileError';
}

/** Output of `OpDef.infer`. */
export interface InferResult {
  readonly outputs: readonly { readonly dims: readonly number[]; readonly lo: bigint; readonly hi: bigint }[];
  /**
   * Largest |term| of each relation the prover checks for this op (accumulator, product with a
   * multiplier, quotient, table index …). Every entry must be < FIELD_HALF; `emit` refuses otherwise.
   */
  readonly bounds: Readonly<Record<string, bigint>>;
}

/** Read access to constants (tables, index maps) during inference and execution. */
export interface ConstantLookup {
  constant(name: string): IrTensor | undefined;
}

export interface OpDef {
  readonly op: string;
  /** One line: the exact integer semantics (docs/ops.md, inspect). */
  readonly semantics: string;
  /** One line: how the prover will prove it (sumcheck / lookup of size … / free index map). */
  readonly proof: string;
  /** Validates the node and computes output shapes, bounds and relation-term bounds from public data. */
  infer(node: IrNode, inputs: readonly IrValueInfo[], consts: ConstantLookup): InferResult;
  /** Exact execution. Inputs are in `node.inputs` order; returns one tensor per output. */
  execute(node: IrNode, inputs: readonly IrTensor[], consts: ConstantLookup): IrTensor[];
}

// ─── Lowering: ONNX node → IR nodes ─────────────────────────────────────────────────────────

/** How an ONNX value is represented in the IR: real value ≈ integer × scale. */
export interface QuantValue {
  /** IR value name. */
  readonly ir: string;
  readonly scale: number;
}

/** Float range seen during calibration (over every calibration sample). */
export interface CalibrationRange {
  readonly min: number;
  readonly max: number;
}

export interface EmitOptions {
  /** Output scales, one per output (default: 1, raw integers). */
  readonly scales?: readonly number[];
  /** A suffix for node and value names (`<onnx node>/<step>`). */
  readonly step?: string;
}

/** What a lowering sees: the ONNX node, its quantized inputs, calibration data, and an emitter. */
export interface LowerContext {
  readonly node: OnnxNode;
  /** The precision setting: activations and weights are (bits)-bit signed integers. */
  readonly bits: number;
  /** 2^(bits−1) − 1: the largest magnitude of a quantized activation or weight. */
  readonly qmax: number;
  /** The model's default-domain opset (ops whose semantics changed read it). */
  readonly opset: number;
  /** ONNX value info (dtype, dims) of any value. */
  info(onnxName: string): OnnxValueInfo;
  /** The float constant behind an ONNX input (initializer or folded), or undefined if it is computed. */
  constantOf(onnxName: string): OnnxTensor | undefined;
  /** The quantized IR value of a computed (non-constant) ONNX value; throws if it has none. */
  input(onnxName: string): QuantValue;
  /** Calibration range of an ONNX value (float reference over the calibration inputs). */
  range(onnxName: string): CalibrationRange;
  /** Adds a constant tensor; `kind` 'weight' for model parameters (bounded by [lo, hi]), 'public' otherwise. */
  addConstant(step: string, tensor: IrTensor, kind: 'weight' | 'public', lo?: bigint, hi?: bigint): string;
  /** Adds an IR node: runs the op's `infer`, checks every bound against FIELD_HALF, returns output value names. */
  emit(op: string, inputs: readonly string[], attrs: IrAttrs, options?: EmitOptions): string[];
  /** Declares the IR value of an ONNX output of this node. */
  define(onnxName: string, value: QuantValue): void;
  /** Value info of an IR value added so far. */
  irInfo(irName: string): IrValueInfo;
  /**
   * The float reference on a one-node graph: `node` with the given input tensors (by input name).
   * Data-movement ops use it on index tensors to derive their index maps.
   */
  evaluateNode(node: OnnxNode, inputs: ReadonlyMap<string, OnnxTensor>): Map<string, OnnxTensor>;
}

export interface Lowering {
  /** '' for the default ONNX domain, 'ai.onnx.ml' for classic ML. */
  readonly domain: string;
  readonly opType: string;
  lower(ctx: LowerContext): void;
}

/** Clear error for a value outside what an op supports. */
export function refuse(node: { readonly source: string; readonly name: string } | OnnxNode, message: string): never {
  const where = 'source' in node ? `${node.source} (${node.name})` : `${node.name} (${node.opType})`;
  throw new CompileError(`${where}: ${message}`);
}

/** Size of a tensor with the given dims. */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function absMax(lo: bigint, hi: bigint): bigint {
  const a = lo < 0n ? -lo : lo;
  const b = hi < 0n ? -hi : hi;
  return a > b ? a : b;
}
