// ONNX ModelProto bytes -> Graph (graph.ts), before normalization: tensors decoded, symbolic
// input dims bound, Constant nodes turned into initializers, nodes in topological order.
// Everything that zkinfer cannot import is refused here with a one-line OnnxImportError.
import type { AttrValue, Graph, Node, Tensor, ValueInfo } from './graph.js';
import { dtypeFromCode, onnxTypeName, SUPPORTED_DTYPES } from './dtype.js';
import { importError, OnnxImportError, type ImportSite } from './errors.js';
import {
  attrFromProto, int64ToNumber, proto, tensorFromProto,
  type IModelProto, type INodeProto, type IValueInfoProto,
} from './proto.js';
import { canonicalDomain, DEFAULT_OPSET_RANGE, isSupportedOp, SINCE_VERSION_AT_OPSET_9 } from './supported.js';
import { tensorFrom, stringTensor } from './tensor.js';

export interface LoadOptions {
  /** File name used in error messages. */
  readonly file?: string;
  /**
   * Values for symbolic input dims, by dim_param name (anonymous dynamic dims are named
   * '<input>:<axis>'); unlisted ones are bound to 1.
   */
  readonly dims?: Readonly<Record<string, number>>;
  /** Full dims per input name; must agree with the dims the model fixes. Overrides `dims`. */
  readonly inputDims?: Readonly<Record<string, readonly number[]>>;
}

const MODEL_FIRST_BYTES: ReadonlySet<number> = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0xa2, 0xca]);

function decodeModel(bytes: Uint8Array, site: ImportSite): IModelProto {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw importError(site, 'not an ONNX file (empty input)');
  // Every ModelProto field tag, as a first byte (ir_version, 0x08, comes first in practice).
  // Anything else (text, JSON, images) is not an ONNX file, whatever protobuf makes of it.
  if (!MODEL_FIRST_BYTES.has(bytes[0]!)) {
    throw importError(site, `not an ONNX file (starts with byte 0x${bytes[0]!.toString(16).padStart(2, '0')}, not a ModelProto field)`);
  }
  let model: IModelProto;
  try {
    model = proto.ModelProto.decode(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    // protobufjs reports a message cut short as reading past the end of the buffer.
    if (/index out of range/i.test(msg)) {
      throw importError(site, `truncated or corrupt ONNX file (protobuf: ${msg})`);
    }
    throw importError(site, `not an ONNX file (protobuf decoding failed: ${msg})`);
  }
  // Random bytes sometimes decode as a protobuf message; a real model has an IR version, opsets and a graph.
  const ir = int64ToNumber(model.irVersion as number);
  if (ir <= 0) throw importError(site, 'not an ONNX file (no ir_version in the protobuf message)');
  const missing = [model.graph ? '' : 'graph', (model.opsetImport?.length ?? 0) > 0 ? '' : 'opset_import'].filter((x) => x !== '');
  if (missing.length > 0) throw importError(site, `truncated or incomplete ONNX file (no ${missing.join(' and ')})`);
  return model;
}

function readOpsets(model: IModelProto, site: ImportSite): Record<string, number> {
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[canonicalDomain(o.domain)] = int64ToNumber(o.version as number);
  const def = opsets[''];
  if (def !== undefined && def >= 1 && def < DEFAULT_OPSET_RANGE.min) return opsets; // checked per node (olderOpsetAsNine)
  if (def !== undefined && (def < DEFAULT_OPSET_RANGE.min || def > DEFAULT_OPSET_RANGE.max)) {
    throw importError({ ...site, field: 'opset_import' }, `default-domain opset ${def} is not supported (expected ${DEFAULT_OPSET_RANGE.min}–${DEFAULT_OPSET_RANGE.max}; convert the model with onnx.version_converter)`);
  }
  return opsets;
}

/**
 * A model at a default-domain opset below 9 is read as opset 9 when every default-domain node's
 * op has had the same definition since the model's opset (SINCE_VERSION_AT_OPSET_9); otherwise
 * the first op whose definition differs is refused by name.
 */
function olderOpsetAsNine(opsets: Record<string, number>, nodes: readonly INodeProto[], site: ImportSite): Record<string, number> {
  const def = opsets[''];
  if (def === undefined || def >= DEFAULT_OPSET_RANGE.min) return opsets;
  for (const np of nodes) {
    const op = np.opType ?? '';
    if (canonicalDomain(np.domain) !== '' || op === 'Constant') continue;
    const since = SINCE_VERSION_AT_OPSET_9[op];
    if (since === undefined || since > def) {
      throw importError({ ...site, node: np.name ?? op, op, field: 'opset_import' },
        `default-domain opset ${def}: ${op} ${since === undefined ? 'is not read below opset 9' : `changed at opset ${since}`}, so the model is not supported at this opset (expected ${DEFAULT_OPSET_RANGE.min}–${DEFAULT_OPSET_RANGE.max}; convert the model with onnx.version_converter)`);
    }
  }
  return { ...opsets, '': DEFAULT_OPSET_RANGE.min };
}

function valueInfoOf(vi: IValueInfoProto, site: ImportSite, bind: (param: string) => number, mustBeStatic: boolean): ValueInfo | undefined {
  const name = vi.name ?? '';
  const s: ImportSite = { ...site, field: `value '${name}'` };
  const tt = vi.type?.tensorType;
  if (tt === null || tt === undefined) {
    if (!mustBeStatic) return undefined;
    const kind = vi.type?.sequenceType ? 'a sequence' : vi.type?.mapType ? 'a map' : 'of unknown type';
    throw importError(s, `graph input is ${kind}; only tensor inputs are supported`);
  }
  const code = tt.elemType ?? 0;
  const dtype = dtypeFromCode(code);
  if (dtype === undefined) {
    throw importError(s, `unsupported dtype ${onnxTypeName(code)} (supported: ${SUPPORTED_DTYPES.join(', ')})`);
  }
  if (tt.shape === null || tt.shape === undefined) {
    if (!mustBeStatic) return undefined;
    throw importError(s, 'unresolvable dynamic shape: the input declares no shape (not even its rank); re-export the model with input shapes');
  }
  const dims: number[] = [];
  for (const [axis, d] of (tt.shape.dim ?? []).entries()) {
    const value = d.dimValue !== null && d.dimValue !== undefined ? int64ToNumber(d.dimValue as number) : -1;
    if (d.dimParam !== null && d.dimParam !== undefined && d.dimParam !== '') {
      dims.push(bind(d.dimParam));
    } else if (value >= 0 && (d.dimValue !== null && d.dimValue !== undefined)) {
      dims.push(value);
    } else if (mustBeStatic) {
      // An anonymous dynamic dim (unset, or -1 as some exporters write): bound like a named one,
      // under the name '<input>:<axis>'.
      dims.push(bind(`${name}:${axis}`));
    } else {
      return undefined;
    }
  }
  return { name, dtype, dims };
}

/** Applies user-given full dims to an input, checking them against the dims the model fixes. */
function withUserDims(vi: IValueInfoProto, declared: ValueInfo, given: readonly number[] | undefined, site: ImportSite): ValueInfo {
  if (given === undefined) return declared;
  const s: ImportSite = { ...site, field: `input '${declared.name}'` };
  const protoDims = vi.type?.tensorType?.shape?.dim ?? [];
  if (given.length !== protoDims.length) throw importError(s, `given dims [${given.join(',')}] have rank ${given.length}, the model declares rank ${protoDims.length}`);
  given.forEach((g, axis) => {
    const d = protoDims[axis]!;
    const fixed = (d.dimParam === null || d.dimParam === undefined || d.dimParam === '') && d.dimValue !== null && d.dimValue !== undefined && int64ToNumber(d.dimValue as number) >= 0
      ? int64ToNumber(d.dimValue as number) : undefined;
    if (!Number.isInteger(g) || g < 0) throw importError(s, `given dim ${axis} = ${g} is not a non-negative integer`);
    if (fixed !== undefined && fixed !== g) throw importError(s, `given dim ${axis} = ${g} but the model fixes it to ${fixed}`);
  });
  return { ...declared, dims: [...given] };
}

/** A Constant node's value as a tensor (value, value_float(s), value_int(s), value_string(s)). */
function constantValue(node: Node, site: ImportSite): Tensor {
  const entries = Object.entries(node.attrs);
  if (entries.length !== 1) throw importError({ ...site, field: 'attributes' }, `a Constant needs exactly one value attribute, found ${entries.length}`);
  const [key, a] = entries[0]! as [string, AttrValue];
  switch (key) {
    case 'value': if (a.kind === 'tensor') return a.value; break;
    case 'value_float': if (a.kind === 'float') return tensorFrom('float32', [], [a.value]); break;
    case 'value_floats': if (a.kind === 'floats') return tensorFrom('float32', [a.value.length], a.value); break;
    case 'value_int': if (a.kind === 'int') return tensorFrom('int64', [], [a.value]); break;
    case 'value_ints': if (a.kind === 'ints') return tensorFrom('int64', [a.value.length], a.value); break;
    case 'value_string': if (a.kind === 'string') return stringTensor([], [a.value]); break;
    case 'value_strings': if (a.kind === 'strings') return stringTensor([a.value.length], a.value); break;
    case 'sparse_value': throw importError({ ...site, field: key }, 'sparse constants are not supported');
  }
  throw importError({ ...site, field: `attribute '${key}'` }, `unexpected ${a.kind} value for a Constant`);
}

function nodeFromProto(np: INodeProto, index: number, opsets: Record<string, number>, site: ImportSite, othersUnsupported = ''): Node {
  const opType = np.opType ?? '';
  const domain = canonicalDomain(np.domain);
  const name = np.name !== null && np.name !== undefined && np.name !== '' ? np.name : `${opType}_${index}`;
  const s: ImportSite = { ...site, node: name, op: opType };
  if (!isSupportedOp(domain, opType)) {
    throw importError(s, `unsupported op ${opType} in domain '${domain === '' ? 'ai.onnx' : domain}'${othersUnsupported}; the supported ops are listed in docs/ops.md (SUPPORTED_OPS in src/onnx/supported.ts)`);
  }
  if (opsets[domain] === undefined) throw importError(s, `domain '${domain}' is used but not declared in opset_import`);
  const attrs: Record<string, AttrValue> = {};
  for (const a of np.attribute ?? []) {
    if (a.refAttrName) throw importError({ ...s, field: `attribute '${a.name}'` }, 'attribute references (function bodies) are not supported');
    attrs[a.name ?? ''] = attrFromProto(a, s);
  }
  return { name, opType, domain, inputs: [...(np.input ?? [])], outputs: [...(np.output ?? [])], attrs };
}

/** Orders nodes so every input is produced before use; fails on cycles or undefined inputs. */
export function topoSort(nodes: readonly Node[], available: ReadonlySet<string>, site: ImportSite): Node[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => { if (o !== '') producer.set(o, i); }));
  const state = new Uint8Array(nodes.length); // 0 new, 1 visiting, 2 done
  const order: Node[] = [];
  const visit = (root: number): void => {
    // Iterative DFS so deep graphs do not overflow the stack.
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [i, k] = top;
      const n = nodes[i]!;
      if (k === 0) {
        if (state[i] === 2) { stack.pop(); continue; }
        state[i] = 1;
      }
      if (k < n.inputs.length) {
        top[1] = k + 1;
        const inp = n.inputs[k]!;
        if (inp === '' || available.has(inp)) continue;
        const p = producer.get(inp);
        if (p === undefined) throw importError({ ...site, node: n.name, op: n.opType, field: `input '${inp}'` }, 'is neither a graph input, an initializer nor the output of a node');
        if (state[p] === 1) throw importError({ ...site, node: n.name, op: n.opType }, 'the graph has a cycle');
        if (state[p] === 0) stack.push([p, 0]);
        continue;
      }
      state[i] = 2;
      order.push(n);
      stack.pop();
    }
  };
  for (let i = 0; i < nodes.length; i++) if (state[i] === 0) visit(i);
  return order;
}

/**
 * Parses an ONNX model. The result is not yet normalized: call normalizeGraph (normalize.ts) to
 * fold constants, infer every shape and simplify, or use importOnnx for both.
 */
export function loadOnnx(bytes: Uint8Array, opts: LoadOptions = {}): Graph {
  const site: ImportSite = opts.file !== undefined ? { file: opts.file } : {};
  const model = decodeModel(bytes, site);
  const g = model.graph!;
  const opsets = olderOpsetAsNine(readOpsets(model, site), g.node ?? [], site);
  if ((g.sparseInitializer?.length ?? 0) > 0) throw importError({ ...site, field: 'sparse_initializer' }, 'sparse initializers are not supported');

  const initializers = new Map<string, Tensor>();
  for (const tp of g.initializer ?? []) {
    initializers.set(tp.name ?? '', tensorFromProto(tp, { ...site, field: `initializer '${tp.name ?? ''}'` }));
  }

  const userDims = opts.dims ?? {};
  for (const [k, v] of Object.entries(userDims)) {
    if (!Number.isInteger(v) || v < 1) throw importError({ ...site, field: `dims.${k}` }, `expected a positive integer, got ${v}`);
  }
  const bind = (param: string): number => userDims[param] ?? 1;
  const inputs: ValueInfo[] = [];
  for (const vi of g.input ?? []) {
    if (initializers.has(vi.name ?? '')) continue; // an initializer may also be listed as a (defaultable) input
    const declared = valueInfoOf(vi, site, bind, true)!;
    inputs.push(withUserDims(vi, declared, opts.inputDims?.[declared.name], site));
  }
  for (const name of Object.keys(opts.inputDims ?? {})) {
    if (!inputs.some((i) => i.name === name)) throw importError({ ...site, field: `inputDims.${name}` }, `the model has no input '${name}' (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  }

  // Name every unsupported op type in the first error, so one run shows all that is missing.
  const unsupported = [...new Set((g.node ?? []).filter((np) => !isSupportedOp(canonicalDomain(np.domain), np.opType ?? '')).map((np) => np.opType ?? ''))];
  const others = unsupported.length > 1 ? ` (the model also uses unsupported ${unsupported.slice(1).join(', ')})` : '';
  const nodes: Node[] = [];
  // Node names key per-layer data downstream, so they are made unique (ONNX does not require it).
  const usedNames = new Set<string>();
  (g.node ?? []).forEach((np, i) => {
    const parsed = nodeFromProto(np, i, opsets, site, others);
    let name = parsed.name;
    for (let k = 2; usedNames.has(name); k++) name = `${parsed.name}_${k}`;
    usedNames.add(name);
    const node = name === parsed.name ? parsed : { ...parsed, name };
    if (node.opType === 'Constant' && node.domain === '') {
      const out = node.outputs[0];
      if (out === undefined) throw importError({ ...site, node: node.name, op: 'Constant' }, 'has no output');
      initializers.set(out, constantValue(node, { ...site, node: node.name, op: 'Constant' }));
    } else {
      nodes.push(node);
    }
  });

  const available = new Set<string>([...inputs.map((i) => i.name), ...initializers.keys()]);
  const sorted = topoSort(nodes, available, site);

  const valueInfo = new Map<string, ValueInfo>();
  for (const i of inputs) valueInfo.set(i.name, i);
  for (const [name, t] of initializers) valueInfo.set(name, { name, dtype: t.dtype, dims: t.dims });
  const outputs: ValueInfo[] = [];
  for (const vi of g.output ?? []) {
    const name = vi.name ?? '';
    const known = valueInfoOf(vi, site, bind, false);
    // Output dims may be symbolic or absent; normalization fills them in. -1 marks "not known yet".
    outputs.push(known ?? { name, dtype: dtypeFromCode(vi.type?.tensorType?.elemType ?? 1) ?? 'float32', dims: [-1] });
  }
  const produced = new Set<string>(available);
  for (const n of sorted) for (const o of n.outputs) produced.add(o);
  for (const o of outputs) {
    if (!produced.has(o.name)) throw importError({ ...site, field: `output '${o.name}'` }, 'is not produced by any node');
  }
  return { name: g.name ?? '', inputs, outputs, initializers, nodes: sorted, valueInfo, opsets };
}

export { OnnxImportError };
