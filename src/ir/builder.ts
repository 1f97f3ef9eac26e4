// Builds an IrGraph node by node: every added node is inferred and its bounds checked
// against p/2 at once, so a model whose bounds do not fit is refused at the layer that breaks them.
import { opDef } from './registry.js';
import {
  CompileError, FIELD_HALF, absMax, sizeOf,
  type ConstantLookup, type IrAttrs, type IrGraph, type IrInput, type IrNode, type IrOutput, type IrTensor, type IrValueInfo,
} from './types.js';

export class GraphBuilder implements ConstantLookup {
  readonly nodes: IrNode[] = [];
  readonly constants = new Map<string, IrTensor>();
  readonly values = new Map<string, IrValueInfo>();
  readonly inputs: IrInput[] = [];
  readonly outputs: IrOutput[] = [];

  constructor(readonly name: string, readonly bits: number) {}

  constant(name: string): IrTensor | undefined {
    return this.constants.get(name);
  }

  info(name: string): IrValueInfo {
    const v = this.values.get(name);
    if (!v) throw new CompileError(`ir: unknown value ${name}`);
    return v;
  }

  /** A fresh value name based on `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.values.has(name); i++) name = `${base}#${i}`;
    return name;
  }

  addInput(input: IrInput): void {
    if (this.values.has(input.name)) throw new CompileError(`ir: duplicate value ${input.name}`);
    this.inputs.push(input);
    this.values.set(input.name, { name: input.name, dims: input.dims, kind: 'input', lo: input.lo, hi: input.hi, scale: input.scale });
  }

  /**
   * Adds a constant. For 'public' constants the bounds are the data's; for 'weight' constants the
   * declared bounds (the prover range-checks private weights against them), which the data must respect.
   */
  addConstant(base: string, t: IrTensor, kind: 'weight' | 'public', scale = 1, lo?: bigint, hi?: bigint): string {
    if (t.data.length !== sizeOf(t.dims)) throw new CompileError(`ir: constant ${base} has ${t.data.length} values for dims ${t.dims}`);
    let dLo = t.data.length > 0 ? t.data[0] : 0n;
    let dHi = dLo;
    for (const v of t.data) { if (v < dLo) dLo = v; if (v > dHi) dHi = v; }
    const declLo = lo ?? dLo;
    const declHi = hi ?? dHi;
    if (dLo < declLo || dHi > declHi) throw new CompileError(`ir: constant ${base} has values in [${dLo}, ${dHi}] outside its declared [${declLo}, ${declHi}]`);
    if (absMax(declLo, declHi) >= FIELD_HALF) throw new CompileError(`ir: constant ${base} exceeds p/2`);
    const name = this.fresh(base);
    this.constants.set(name, t);
    this.values.set(name, { name, dims: t.dims, kind, lo: declLo, hi: declHi, scale });
    return name;
  }

  /** Adds a node; infers outputs and refuses (naming `source` and the bound) when a bound reaches p/2. */
  add(op: string, inputs: readonly string[], attrs: IrAttrs, source: string, step: string, scales?: readonly number[]): string[] {
    const def = opDef(op);
    const inInfo = inputs.map((n) => this.info(n));
    const base = `${source}/${step}`;
    let name = base;
    for (let i = 1; this.nodes.some((x) => x.name === name); i++) name = `${base}#${i}`;
    const draft: IrNode = { op, name, inputs, outputs: [], attrs, source, bounds: {} };
    const r = def.infer(draft, inInfo, this);
    for (const [label, b] of Object.entries(r.bounds)) {
      if (b >= FIELD_HALF || b <= -FIELD_HALF) {
        throw new CompileError(`layer ${source} (${op} ${step}): bound ${label} = ${b} (≈ 2^${b.toString(2).length - 1}) reaches p/2 ≈ 2^63; lower the precision (--bits) or the layer size`);
      }
    }
    const outputs = r.outputs.map((o, i) => {
      if (absMax(o.lo, o.hi) >= FIELD_HALF) throw new CompileError(`layer ${source} (${op} ${step}): output bound ${absMax(o.lo, o.hi)} reaches p/2`);
      const out = this.fresh(r.outputs.length === 1 ? name : `${name}:${i}`);
      this.values.set(out, { name: out, dims: o.dims, kind: 'activation', lo: o.lo, hi: o.hi, scale: scales?.[i] ?? 1 });
      return out;
    });
    this.nodes.push({ ...draft, outputs, bounds: r.bounds });
    return outputs;
  }

  addOutput(out: IrOutput): void {
    this.outputs.push(out);
  }

  finish(): IrGraph {
    return {
      name: this.name, bits: this.bits, inputs: this.inputs, outputs: this.outputs,
      nodes: this.nodes, constants: this.constants, values: this.values,
    };
  }
}
