// Normalization of a loaded Graph into what the quantizer consumes:
//  1. constant folding: every node whose inputs are all constant is evaluated (float-eval) and
//     becomes an initializer; Shape/Size of a value with known dims fold too, so shape
//     arithmetic subgraphs (Shape -> Gather -> Concat -> Reshape) disappear;
//  2. shape inference: every remaining node is run once on zero-filled stand-ins of the bound
//     input dims. After folding, no supported op's output shape depends on runtime data (the
//     inputs that determine shapes must be constant, checked below), so this gives the exact
//     dims and dtype of every value, with the evaluator as the single source of op semantics;
//  3. simplification: Identity, Dropout and no-op Cast are removed, BatchNormalization is
//     folded into a preceding Conv/Gemm whose output feeds only it, dead nodes are dropped;
//  4. the result is topologically sorted and valueInfo holds every value.
import type { Graph, Node, Tensor, ValueInfo } from './graph.js';
import { importError, OnnxImportError, type ImportSite } from './errors.js';
import { evaluateNode } from './float-eval.js';
import { isFloatType, dtypeFromCode } from './dtype.js';
import { topoSort } from './load.js';
import { allocData, f64, sizeOf, stringTensor, tensorFrom } from './tensor.js';
import { foldBatchNorms } from './fold-batchnorm.js';

export interface NormalizeOptions {
  readonly file?: string;
  /**
   * Keep QuantizeLinear/DequantizeLinear of constant tensors (pre-quantized weights) instead of
   * folding them to floats, so the quantizer sees the model's own integer weights. Default true.
   */
  readonly keepQuantized?: boolean;
}

/**
 * Inputs (by position) that determine output shapes, per op: they must be constant after
 * folding or the model has a shape that depends on runtime data.
 */
const SHAPE_INPUTS: Readonly<Record<string, readonly number[]>> = {
  Reshape: [1], Expand: [1], Tile: [1], Slice: [1, 2, 3, 4], Pad: [1, 3], Split: [1], Squeeze: [1],
  Unsqueeze: [1], ReduceSum: [1], ReduceMean: [1], ReduceMax: [1], ReduceMin: [1], ConstantOfShape: [0],
  OneHot: [1], TopK: [1], Resize: [1, 2, 3], Upsample: [1],
};

const QUANT_OPS = new Set(['QuantizeLinear', 'DequantizeLinear']);

/** A zero-filled tensor standing in for a runtime value during shape inference. */
function standIn(vi: ValueInfo): Tensor {
  if (vi.dtype === 'string') return stringTensor(vi.dims, new Array<string>(sizeOf(vi.dims)).fill(''));
  return { dtype: vi.dtype, dims: [...vi.dims], data: allocData(vi.dtype, sizeOf(vi.dims)) };
}

function isNoOp(node: Node, info: ReadonlyMap<string, ValueInfo>): boolean {
  if (node.domain !== '') return false;
  if (node.opType === 'Identity' || node.opType === 'Dropout') return node.outputs.slice(1).every((o) => o === '');
  if (node.opType === 'Cast') {
    const from = info.get(node.inputs[0]!)?.dtype;
    const a = node.attrs['to'];
    const to = a?.kind === 'int' ? dtypeFromCode(a.value) : undefined;
    // Float-to-float casts only change precision, which the float64 evaluator ignores anyway.
    return from !== undefined && to !== undefined && (from === to || (isFloatType(from) && isFloatType(to)));
  }
  return false;
}

export function normalizeGraph(graph: Graph, opts: NormalizeOptions = {}): Graph {
  const site: ImportSite = opts.file !== undefined ? { file: opts.file } : {};
  const keepQuantized = opts.keepQuantized ?? true;
  const consts = new Map<string, Tensor>(graph.initializers);
  const info = new Map<string, ValueInfo>();
  const sample = new Map<string, Tensor>();
  for (const vi of graph.inputs) {
    if (vi.dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw importError({ ...site, field: `input '${vi.name}'` }, `unresolvable dynamic shape [${vi.dims.join(',')}]`);
    }
    info.set(vi.name, vi);
    sample.set(vi.name, standIn(vi));
  }
  for (const [name, t] of consts) info.set(name, { name, dtype: t.dtype, dims: t.dims });

  // 1 + 2: fold constants and infer shapes in one pass over the topologically sorted nodes.
  const kept: Node[] = [];
  for (const node of graph.nodes) {
    const nsite: ImportSite = { ...site, node: node.name, op: node.opType };
    const isConst = (name: string): boolean => name === '' || consts.has(name);
    const foldable = node.inputs.every(isConst) && !(keepQuantized && QUANT_OPS.has(node.opType));
    let outs: Tensor[];
    if (foldable || (node.domain === '' && (node.opType === 'Shape' || node.opType === 'Size'))) {
      // Shape and Size need only the dims, which are known for every value by now.
      const ins = node.inputs.map((n) => (n === '' ? undefined : consts.get(n) ?? sample.get(n)));
      outs = run(node, ins, graph, nsite);
      node.outputs.forEach((o, i) => { if (o !== '' && outs[i] !== undefined) consts.set(o, outs[i]!); });
      node.outputs.forEach((o, i) => { if (o !== '' && outs[i] !== undefined) info.set(o, { name: o, dtype: outs[i]!.dtype, dims: outs[i]!.dims }); });
      continue;
    }
    for (const i of node.domain === '' ? SHAPE_INPUTS[node.opType] ?? [] : []) {
      const name = node.inputs[i];
      if (name !== undefined && name !== '' && !consts.has(name)) {
        throw importError({ ...nsite, field: `input ${i} ('${name}')` }, 'unresolvable dynamic shape: this input sets the output shape but depends on runtime data; zkinfer needs static shapes (export the model with fixed shapes)');
      }
    }
    const ins = node.inputs.map((n) => (n === '' ? undefined : consts.get(n) ?? sample.get(n)));
    outs = run(node, ins, graph, nsite);
    node.outputs.forEach((o, i) => {
      if (o === '' || outs[i] === undefined) return;
      sample.set(o, outs[i]!);
      info.set(o, { name: o, dtype: outs[i]!.dtype, dims: outs[i]!.dims });
    });
    kept.push(node.opType === 'Reshape' && node.domain === '' ? staticReshape(node, outs[0]!, consts, info) : node);
  }

  // 3a: drop Identity / Dropout / no-op Cast by renaming.
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  let nodes = kept;
  const rename = new Map<string, string>();
  const resolve = (n: string): string => { let r = n; while (rename.has(r)) r = rename.get(r)!; return r; };
  const survivors: Node[] = [];
  for (const node of nodes) {
    const n = { ...node, inputs: node.inputs.map((i) => (i === '' ? '' : resolve(i))) };
    if (isNoOp(n, info)) {
      const src = n.inputs[0]!;
      const dst = n.outputs[0]!;
      if (!outputNames.has(dst)) { rename.set(dst, src); continue; }
      // The output name must survive: rename the producer's output instead, when that is safe.
      const producer = survivors.find((p) => p.outputs.includes(src));
      if (producer !== undefined && !outputNames.has(src) && !inputNames.has(src) && !consts.has(src)) {
        const idx = survivors.indexOf(producer);
        survivors[idx] = { ...producer, outputs: producer.outputs.map((o) => (o === src ? dst : o)) };
        rename.set(src, dst);
        // Earlier consumers of src (between producer and here) must follow the rename.
        for (let k = idx + 1; k < survivors.length; k++) {
          const s = survivors[k]!;
          survivors[k] = { ...s, inputs: s.inputs.map((i) => (i === src ? dst : i)) };
        }
        const vi = info.get(src)!;
        info.set(dst, { ...vi, name: dst });
        continue;
      }
    }
    survivors.push(n);
  }
  nodes = survivors.map((n) => ({ ...n, inputs: n.inputs.map((i) => (i === '' ? '' : resolve(i))) }));

  // 3b: BatchNormalization into Conv / Gemm.
  nodes = foldBatchNorms(nodes, consts, info, outputNames);

  // 3c: keep only what the outputs need.
  const needed = new Set<string>(graph.outputs.map((o) => o.name));
  const live: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    live.push(n);
    for (const x of n.inputs) if (x !== '') needed.add(x);
  }
  live.reverse();

  const initializers = new Map<string, Tensor>();
  for (const [name, t] of consts) {
    if (!needed.has(name)) continue;
    initializers.set(name, t);
    if (!info.has(name)) info.set(name, { name, dtype: t.dtype, dims: t.dims });
  }
  const available = new Set<string>([...graph.inputs.map((i) => i.name), ...initializers.keys()]);
  const sorted = topoSort(live, available, site);

  const valueInfo = new Map<string, ValueInfo>();
  const addInfo = (name: string): void => {
    const vi = info.get(name);
    if (vi === undefined) throw importError({ ...site, field: `value '${name}'` }, 'no shape was inferred (internal error)');
    valueInfo.set(name, { name, dtype: vi.dtype, dims: vi.dims });
  };
  for (const i of graph.inputs) addInfo(i.name);
  for (const name of initializers.keys()) addInfo(name);
  for (const n of sorted) for (const o of n.outputs) if (o !== '') addInfo(o);
  for (const o of graph.outputs) addInfo(o.name);
  const outputs = graph.outputs.map((o) => valueInfo.get(o.name)!);
  return { name: graph.name, inputs: graph.inputs, outputs, initializers, nodes: sorted, valueInfo, opsets: graph.opsets };
}

/** Rewrites a Reshape whose shape uses 0 or -1 to the concrete output dims, so consumers need not resolve them. */
function staticReshape(node: Node, out: Tensor, consts: Map<string, Tensor>, info: ReadonlyMap<string, ValueInfo>): Node {
  const shapeName = node.inputs[1]!;
  const shape = consts.get(shapeName)!;
  const given = Array.from(f64(shape));
  if (given.length === out.dims.length && given.every((d, i) => d === out.dims[i])) return node;
  let name = `${shapeName}_static`;
  for (let k = 2; consts.has(name) || info.has(name); k++) name = `${shapeName}_static_${k}`;
  consts.set(name, tensorFrom('int64', [out.dims.length], out.dims));
  return { ...node, inputs: [node.inputs[0]!, name], attrs: {} };
}

function run(node: Node, ins: (Tensor | undefined)[], graph: Graph, site: ImportSite): Tensor[] {
  try {
    return evaluateNode(node, ins, graph.opsets);
  } catch (e) {
    if (e instanceof OnnxImportError) throw e;
    const msg = (e as Error).message.replace(/^node '[^']*' \([^)]*\): /, '');
    throw importError(site, msg);
  }
}

/** normalizeGraph's result checked for consistency (used by tests): every value has info, dims concrete. */
export function checkNormalized(g: Graph): void {
  for (const [name, vi] of g.valueInfo) {
    if (vi.dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`value '${name}' has dims [${vi.dims.join(',')}]`);
  }
  for (const n of g.nodes) for (const o of [...n.inputs, ...n.outputs]) if (o !== '' && !g.valueInfo.has(o)) throw new Error(`value '${o}' has no info`);
}
