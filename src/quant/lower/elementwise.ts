// Elementwise ops: exact integer ops where the op is piecewise linear with integer breakpoints
// (Relu, Clip, Add/Sub/Sum through WeightedSum, Mul, Max/Min, comparisons, Where), and lookup
// tables for everything else (Sigmoid, Tanh, Exp, Erf, Gelu …). A table's entries are produced
// at compile time by the float reference of the very same ONNX node evaluated on the table's
// input domain, then rounded to integers: from then on they are fixed data.
import type { Tensor } from '../../onnx/graph.js';
import { absMax, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import {
  bigArray, broadcastShape, broadcastTo, numbers, operand, outScale, refuseNode, requantTo, roundHalfUp,
} from './helpers.js';
import { attrFloat } from './windows.js';
import { integerTypeRange, productFromLimbs, wrapToType } from './integer-wrap.js';

/** Bits of extra precision of the common scale of a sum. */
const SUM_GUARD_BITS = 10;

/** The output dims of this node (shape inference of the reference). */
function outDims(ctx: LowerContext, k = 0): readonly number[] {
  return ctx.info(ctx.node.outputs[k]).dims;
}

/** Σ coeffs[i]·v_i, exactly at a common scale, then requantized to the output's scale. */
function linearCombination(ctx: LowerContext, values: readonly QuantValue[], coeffs: readonly number[], out: string, target?: number): QuantValue {
  const dims = outDims(ctx);
  const vs = values.map((v, i) => broadcastTo(ctx, v, dims, `bcast${i}`));
  const accScale = Math.min(...vs.map((v) => v.scale)) / 2 ** SUM_GUARD_BITS;
  const ks = vs.map((v, i) => BigInt(roundHalfUp((v.scale * coeffs[i]) / accScale)));
  const [acc] = ctx.emit('WeightedSum', vs.map((v) => v.ir), { coeffs: ks, offset: 0n }, { step: 'sum', scales: [accScale] });
  return requantTo(ctx, acc, [accScale], target ?? outScale(ctx, out), 'requant');
}

/** Values at one exact common scale (for comparisons): integers a·k_a, b·k_b. */
function commonScale(ctx: LowerContext, values: readonly QuantValue[], dims: readonly number[]): string[] {
  const vs = values.map((v, i) => broadcastTo(ctx, v, dims, `bcast${i}`));
  const maxScale = Math.max(...vs.map((v) => v.scale));
  const minScale = Math.min(...vs.map((v) => v.scale));
  if (maxScale === minScale) return vs.map((v) => v.ir);
  const accScale = minScale / 2 ** SUM_GUARD_BITS;
  return vs.map((v, i) => {
    const k = BigInt(roundHalfUp(v.scale / accScale));
    return ctx.emit('WeightedSum', [v.ir], { coeffs: [k], offset: 0n }, { step: `scale${i}` })[0];
  });
}

const add: Lowering = {
  domain: '', opType: 'Add',
  lower(ctx) {
    const [a, b] = ctx.node.inputs;
    ctx.define(ctx.node.outputs[0], asOutputType(ctx, linearCombination(ctx, [operand(ctx, a, 'a'), operand(ctx, b, 'b')], [1, 1], ctx.node.outputs[0]), ctx.node.outputs[0]));
  },
};

const sub: Lowering = {
  domain: '', opType: 'Sub',
  lower(ctx) {
    const [a, b] = ctx.node.inputs;
    ctx.define(ctx.node.outputs[0], asOutputType(ctx, linearCombination(ctx, [operand(ctx, a, 'a'), operand(ctx, b, 'b')], [1, -1], ctx.node.outputs[0]), ctx.node.outputs[0]));
  },
};

function naryLinear(opType: 'Sum' | 'Mean'): Lowering {
  return {
    domain: '', opType,
    lower(ctx) {
      const ins = ctx.node.inputs.filter((n) => n !== '');
      const c = opType === 'Mean' ? 1 / ins.length : 1;
      ctx.define(ctx.node.outputs[0], asOutputType(ctx, linearCombination(ctx, ins.map((n, i) => operand(ctx, n, `x${i}`)), ins.map(() => c), ctx.node.outputs[0]), ctx.node.outputs[0]));
    },
  };
}

/** An exact integer result as the ONNX integer type of `out` (wrapping around), or unchanged. */
function asOutputType(ctx: LowerContext, v: QuantValue, out: string): QuantValue {
  if (v.scale !== 1 || !integerTypeRange(ctx.info(out).dtype)) return v;
  return { ir: wrapToType(ctx, v.ir, ctx.info(out).dtype, 'type'), scale: 1 };
}

/**
 * a·b then requantization of the product (scale s_a·s_b) to the output scale. Integer operands
 * and output: the exact product modulo the type; for 32-bit types from 16-bit limbs, since
 * (2^32 − 1)² reaches p/2 and a 2^62 product leaves no room to reduce it.
 */
function product(ctx: LowerContext, a: QuantValue, b: QuantValue, out: string): QuantValue {
  const dims = outDims(ctx);
  const ea = broadcastTo(ctx, a, dims, 'bcast-a');
  const eb = broadcastTo(ctx, b, dims, 'bcast-b');
  const dtype = ctx.info(out).dtype;
  const typeRange = integerTypeRange(dtype);
  if (typeRange && a.scale === 1 && b.scale === 1) {
    const ia = ctx.irInfo(ea.ir);
    const ib = ctx.irInfo(eb.ir);
    const bound = absMax(ia.lo, ia.hi) * absMax(ib.lo, ib.hi);
    const width = typeRange[1] - typeRange[0] + 1n;
    let p: string;
    if ((bound <= typeRange[1] && -bound >= typeRange[0]) || width <= 1n << 16n) {
      // No wrap-around, or one whose terms stay below 2^32.
      [p] = ctx.emit('Mul', [ea.ir, eb.ir], {}, { step: 'mul', scales: [1] });
    } else if (width === 1n << 32n) {
      // 32-bit types: the product of the operands' uint32 representatives, modulo 2^32, from limbs.
      p = productFromLimbs(ctx, wrapToType(ctx, ea.ir, 'uint32', 'a-unsigned'), wrapToType(ctx, eb.ir, 'uint32', 'b-unsigned'));
    } else {
      refuseNode(ctx, `the exact ${dtype} product of operands in [${ia.lo}, ${ia.hi}] and [${ib.lo}, ${ib.hi}] may reach 2^64 (64-bit inputs are range-checked to 32 bits); ONNX keeps it modulo 2^64, beyond p/2, which no IR value holds`);
    }
    return asOutputType(ctx, { ir: p, scale: 1 }, out);
  }
  const [p] = ctx.emit('Mul', [ea.ir, eb.ir], {}, { step: 'mul', scales: [a.scale * b.scale] });
  return requantTo(ctx, p, [a.scale * b.scale], outScale(ctx, out), 'requant');
}

const mul: Lowering = {
  domain: '', opType: 'Mul',
  lower(ctx) {
    const [a, b] = ctx.node.inputs;
    ctx.define(ctx.node.outputs[0], product(ctx, operand(ctx, a, 'a'), operand(ctx, b, 'b'), ctx.node.outputs[0]));
  },
};

const div: Lowering = {
  domain: '', opType: 'Div',
  lower(ctx) {
    const [an, bn] = ctx.node.inputs;
    const out = ctx.node.outputs[0];
    const c = ctx.constantOf(bn);
    const a = operand(ctx, an, 'a');
    if (c && (c.dtype === 'float32' || c.dtype === 'float64' || c.dtype === 'float16')) {
      // Division by a constant is a product with its reciprocal (a constant of the model).
      const inv = numbers(c).map((v) => 1 / v);
      if (!inv.every(Number.isFinite)) refuseNode(ctx, 'division by a constant zero');
      const recip: Tensor = { dtype: 'float64', dims: c.dims, data: inv };
      const prev = ctx.constantOf;
      void prev;
      let m = 0;
      for (const v of inv) m = Math.max(m, Math.abs(v));
      const scale = m > 0 ? m / ctx.qmax : 1;
      const q = new Float64Array(inv.length);
      for (let i = 0; i < inv.length; i++) q[i] = roundHalfUp(inv[i] / scale);
      const ir = ctx.addConstant('reciprocal', { dims: recip.dims, data: bigArray(q) }, 'weight', BigInt(-ctx.qmax), BigInt(ctx.qmax));
      ctx.define(out, product(ctx, a, { ir, scale }, out));
      return;
    }
    // Division by a computed value b: q = sign(b)·round(a·2^k / max(|b|, 1)). |b| and its sign are
    // exact integer ops; a denominator that rounds to 0 is treated as one unit (float: ±inf).
    const b = operand(ctx, bn, 'b');
    const dims = outDims(ctx);
    const ea = broadcastTo(ctx, a, dims, 'bcast-a');
    const eb = broadcastTo(ctx, b, dims, 'bcast-b');
    const bInfo = ctx.irInfo(eb.ir);
    let den = eb.ir;
    let negative: string | undefined;
    if (bInfo.lo < 0n) {
      const [nb] = ctx.emit('WeightedSum', [eb.ir], { coeffs: [-1n], offset: 0n }, { step: 'neg-b' });
      [den] = ctx.emit('Max', [eb.ir, nb], {}, { step: 'abs-b' });
      [negative] = ctx.emit('Compare', [eb.ir, nb], { mode: 'less' }, { step: 'sign-b', scales: [1] });
    }
    const hi = ctx.irInfo(den).hi;
    if (ctx.irInfo(den).lo < 1n) [den] = ctx.emit('Clip', [den], { lo: 1n, hi: hi < 1n ? 1n : hi }, { step: 'den>=1' });
    // Integer Div (both operands and the output integers) truncates toward zero, exactly.
    const integer = a.scale === 1 && b.scale === 1 && outScale(ctx, out) === 1;
    const shift = integer ? 0 : ctx.bits + 4;
    const qScale = a.scale / (b.scale * 2 ** shift);
    let [q] = ctx.emit('Div', [ea.ir, den], { shift, inner: 1, rounding: integer ? 'trunc' : 'half-up' }, { step: 'div', scales: [qScale] });
    if (negative) {
      const [nq] = ctx.emit('WeightedSum', [q], { coeffs: [-1n], offset: 0n }, { step: 'neg-q', scales: [qScale] });
      [q] = ctx.emit('Where', [negative, nq, q], {}, { step: 'signed', scales: [qScale] });
    }
    ctx.define(out, requantTo(ctx, q, [qScale], outScale(ctx, out), 'requant'));
  },
};

function extremum(opType: 'Max' | 'Min'): Lowering {
  return {
    domain: '', opType,
    lower(ctx) {
      const out = ctx.node.outputs[0];
      const s = outScale(ctx, out);
      const dims = outDims(ctx);
      const vs = ctx.node.inputs.filter((n) => n !== '').map((n, i) => {
        const v = operand(ctx, n, `x${i}`);
        const r = v.scale === s ? v : requantTo(ctx, v.ir, [v.scale], s, `rescale${i}`);
        return broadcastTo(ctx, r, dims, `bcast${i}`);
      });
      let acc = vs[0].ir;
      for (let i = 1; i < vs.length; i++) acc = ctx.emit(opType, [acc, vs[i].ir], {}, { step: `${opType.toLowerCase()}${i}`, scales: [s] })[0];
      ctx.define(out, { ir: acc, scale: s });
    },
  };
}

const relu: Lowering = {
  domain: '', opType: 'Relu',
  lower(ctx) {
    const x = ctx.input(ctx.node.inputs[0]);
    const hi = ctx.irInfo(x.ir).hi;
    const [r] = ctx.emit('Clip', [x.ir], { lo: 0n, hi: hi > 0n ? hi : 0n }, { step: 'relu', scales: [x.scale] });
    ctx.define(ctx.node.outputs[0], { ir: r, scale: x.scale });
  },
};

const clip: Lowering = {
  domain: '', opType: 'Clip',
  lower(ctx) {
    const x = ctx.input(ctx.node.inputs[0]);
    const info = ctx.irInfo(x.ir);
    let lo = -Infinity;
    let hi = Infinity;
    if (ctx.node.attrs.min || ctx.node.attrs.max) {
      lo = attrFloat(ctx.node, 'min', -Infinity);
      hi = attrFloat(ctx.node, 'max', Infinity);
    }
    const [, mn, mx] = ctx.node.inputs;
    for (const [name, which] of [[mn, 'min'], [mx, 'max']] as const) {
      if (!name) continue;
      const c = ctx.constantOf(name);
      if (!c) refuseNode(ctx, `a computed ${which} is not supported`);
      if (which === 'min') lo = numbers(c)[0]; else hi = numbers(c)[0];
    }
    // Integer clamp bounds: round inward so the clamp never exceeds the float one.
    const qlo = Number.isFinite(lo) ? BigInt(Math.ceil(lo / x.scale)) : info.lo;
    const qhi = Number.isFinite(hi) ? BigInt(Math.floor(hi / x.scale)) : info.hi;
    // ONNX: when min > max every output is max.
    const [r] = ctx.emit('Clip', [x.ir], { lo: qhi < qlo ? qhi : qlo, hi: qhi }, { step: 'clip', scales: [x.scale] });
    ctx.define(ctx.node.outputs[0], { ir: r, scale: x.scale });
  },
};

const neg: Lowering = {
  domain: '', opType: 'Neg',
  lower(ctx) {
    const x = ctx.input(ctx.node.inputs[0]);
    const [r] = ctx.emit('WeightedSum', [x.ir], { coeffs: [-1n], offset: 0n }, { step: 'neg', scales: [x.scale] });
    ctx.define(ctx.node.outputs[0], asOutputType(ctx, { ir: r, scale: x.scale }, ctx.node.outputs[0]));
  },
};

/** Where the function saturates, so its table needs no wider input domain. */
const SATURATION: Record<string, number> = { Sigmoid: 12, Tanh: 6, Erf: 4, HardSigmoid: 8, Softsign: 1e6 };

/** Entries of f over the table domain (non-finite entries take the nearest finite neighbour's value). */
function tableValues(ctx: LowerContext, domain: Float64Array, extra: ReadonlyMap<string, Tensor>): Float64Array {
  const node = ctx.node;
  const inputs = new Map<string, Tensor>([[node.inputs[0], { dtype: 'float64', dims: [domain.length], data: domain }], ...extra]);
  const res = ctx.evaluateNode(node, inputs).get(node.outputs[0]);
  if (!res) refuseNode(ctx, 'the reference produced no table');
  const ys = numbers(res);
  if (ys.length !== domain.length) refuseNode(ctx, 'a table op must be elementwise in its first input');
  for (let i = 0; i < ys.length; i++) if (!Number.isFinite(ys[i])) ys[i] = NaN;
  for (let i = 0; i < ys.length; i++) {
    if (Number.isNaN(ys[i])) {
      let j = 1;
      while (j < ys.length && !Number.isFinite(ys[i + j]) && !Number.isFinite(ys[i - j])) j++;
      ys[i] = Number.isFinite(ys[i + j]) ? ys[i + j] : Number.isFinite(ys[i - j]) ? ys[i - j] : 0;
    }
  }
  return ys;
}

/** Up to this many distinct values of a per-element constant (Pow's exponent) get a table each, selected by masks. */
const MAX_VARIANTS = 16;
/** Beyond that, the tables are stacked into one indexed table of at most this many entries. */
const MAX_STACKED_ENTRIES = 1 << 22;

/**
 * A nonlinearity of one computed input as a lookup table derived from the reference op. Extra
 * inputs must be constants; a non-uniform one (a per-element exponent) with few distinct values
 * gets one table per value, and constant 0/1 masks select each element's table.
 */
function table(ctx: LowerContext): void {
  const node = ctx.node;
  const x = ctx.input(node.inputs[0]);
  const out = node.outputs[0];
  const r = ctx.range(node.inputs[0]);
  // The table covers the calibrated input interval [min, max] (capped where f saturates).
  const cap = SATURATION[node.opType] ?? Infinity;
  let dMin = Math.max(-cap, r.min);
  let dMax = Math.min(cap, r.max);
  if (!(dMax > dMin)) { const w = 1e-3 * Math.max(1, Math.abs(dMin)); dMin -= w; dMax += w; }
  let range = Math.max(Math.abs(dMin), Math.abs(dMax));
  if (!(range > 0)) range = 1;
  const q = ctx.qmax;
  // Integer in, integer out (e.g. Pow on int32): an exact table over the input's bound, clamped
  // (explicitly) to the calibrated interval when the declared type is wider than 2^20 values.
  const xb = ctx.irInfo(x.ir);
  const cLo = BigInt(Math.floor(r.min)) > xb.lo ? BigInt(Math.floor(r.min)) : xb.lo;
  const cHi = BigInt(Math.ceil(r.max)) < xb.hi ? BigInt(Math.ceil(r.max)) : xb.hi;
  const exact = x.scale === 1 && outScale(ctx, out) === 1 && cHi - cLo < 1n << 20n;
  const sIn = exact ? 1 : range / q;
  let xin: QuantValue;
  if (!exact) xin = requantTo(ctx, x.ir, [x.scale], sIn, 'table-in', 1, Math.floor(dMin / sIn), Math.ceil(dMax / sIn));
  else if (cLo === xb.lo && cHi === xb.hi) xin = x;
  else xin = { ir: ctx.emit('Clip', [x.ir], { lo: cLo, hi: cHi }, { step: 'table-in', scales: [1] })[0], scale: 1 };
  const info = ctx.irInfo(xin.ir);
  const lo = Number(info.lo);
  const hi = Number(info.hi);
  const domain = new Float64Array(hi - lo + 1);
  for (let j = lo; j <= hi; j++) domain[j - lo] = j * sIn;
  // Variants: one per distinct value of the (at most one) non-uniform constant input.
  const fixed = new Map<string, Tensor>();
  let varying: { name: string; tensor: Tensor; values: number[] } | undefined;
  node.inputs.forEach((n, i) => {
    if (i === 0 || n === '') return;
    const c = ctx.constantOf(n);
    if (!c) refuseNode(ctx, `input ${i} must be a constant for a table`);
    const v = numbers(c);
    if (v.every((e) => e === v[0])) { fixed.set(n, { dtype: c.dtype, dims: [], data: c.data.slice(0, 1) as typeof c.data }); return; }
    const values = [...new Set(v)];
    if (varying) refuseNode(ctx, `inputs ${node.inputs.indexOf(varying.name)} and ${i} both vary per element; a table op takes at most one such constant`);
    if (values.length * (hi - lo + 1) > MAX_STACKED_ENTRIES) {
      refuseNode(ctx, `input ${i} has ${values.length} different values; their tables over ${hi - lo + 1} inputs would hold more than ${MAX_STACKED_ENTRIES} entries`);
    }
    varying = { name: n, tensor: c, values };
  });
  const variants = varying ? varying.values : [NaN];
  const tables = variants.map((val) => {
    const extra = new Map(fixed);
    if (varying) extra.set(varying.name, { dtype: 'float64', dims: [], data: Float64Array.of(val) });
    return tableValues(ctx, domain, extra);
  });
  let yMax = 0;
  for (const ys of tables) for (const y of ys) yMax = Math.max(yMax, Math.abs(y));
  // The output scale covers the tables' range (calibration may show less, but tables are public data).
  const calib = ctx.range(out);
  const want = Math.max(Math.abs(calib.min), Math.abs(calib.max));
  const cover = Math.min(yMax, Math.max(want, yMax / 2 ** 8));
  const sOut = exact ? 1 : cover > 0 ? cover / q : 1;
  const tMax = exact ? Number.MAX_SAFE_INTEGER : q;
  const dims = outDims(ctx);
  if (varying) xin = broadcastTo(ctx, xin, dims, 'table-in-bcast');
  if (varying && varying.values.length > MAX_VARIANTS) {
    const v = varying;
    // One indexed lookup into the stacked tables: out = T[k·D + (x − lo)], k = the element's value index.
    const size = hi - lo + 1;
    const stacked = new Float64Array(v.values.length * size);
    tables.forEach((ys, k) => { for (let i = 0; i < size; i++) stacked[k * size + i] = Math.max(-tMax, Math.min(tMax, roundHalfUp(ys[i] / sOut))); });
    const data = ctx.addConstant('tables', { dims: [stacked.length], data: bigArray(stacked) }, 'public');
    const offsets = numbers(v.tensor).map((e) => v.values.indexOf(e) * size - lo);
    const oc = ctx.addConstant('table-offsets', { dims: v.tensor.dims, data: bigArray(offsets) }, 'public');
    const ob = broadcastTo(ctx, { ir: oc, scale: 1 }, dims, 'table-offsets-bcast');
    const [idx] = ctx.emit('WeightedSum', [xin.ir, ob.ir], { coeffs: [1n, 1n], offset: 0n }, { step: 'table-index' });
    const [y] = ctx.emit('GatherDynamic', [data, idx], { axis: 0, elements: 0 }, { step: 'lookup', scales: [sOut] });
    return ctx.define(out, { ir: y, scale: sOut });
  }
  const looked = tables.map((ys, k) => {
    const t = new Float64Array(ys.length);
    for (let i = 0; i < ys.length; i++) t[i] = Math.max(-tMax, Math.min(tMax, roundHalfUp(ys[i] / sOut)));
    const tab = ctx.addConstant(`table${k}`, { dims: [t.length], data: bigArray(t) }, 'public');
    return ctx.emit('Lookup', [xin.ir, tab], { tableLo: BigInt(lo), fn: node.opType, inScale: sIn, outScale: sOut }, { step: `lookup${k}`, scales: [sOut] })[0];
  });
  if (!varying) return ctx.define(out, { ir: looked[0], scale: sOut });
  const v = varying;
  // out = Σ_k mask_k · table_k(x), mask_k = [the element's constant equals value k], broadcast to the output.
  const parts = looked.map((y, k) => {
    const mask = numbers(v.tensor).map((e) => (e === v.values[k] ? 1 : 0));
    const m = ctx.addConstant(`mask${k}`, { dims: v.tensor.dims, data: bigArray(mask) }, 'weight', 0n, 1n);
    const mb = broadcastTo(ctx, { ir: m, scale: 1 }, dims, `mask${k}-bcast`);
    return ctx.emit('Mul', [y, mb.ir], {}, { step: `select${k}`, scales: [sOut] })[0];
  });
  const [sum] = ctx.emit('WeightedSum', parts, { coeffs: parts.map(() => 1n), offset: 0n }, { step: 'combine', scales: [sOut] });
  ctx.define(out, { ir: sum, scale: sOut });
}

const TABLE_OPS = [
  'Sigmoid', 'Tanh', 'Exp', 'Log', 'Erf', 'Gelu', 'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Celu',
  'LeakyRelu', 'ThresholdedRelu', 'Sqrt', 'Reciprocal', 'Abs', 'Sin', 'Cos', 'Mish', 'Pow', 'Floor', 'Ceil', 'Round', 'Sign',
  'Atan', 'Asinh', 'Sinh', 'Cosh', 'Tan', 'Asin', 'Acos', 'Acosh', 'Atanh', 'Shrink',
];

const prelu: Lowering = {
  domain: '', opType: 'PRelu',
  lower(ctx) {
    const [xn, sn] = ctx.node.inputs;
    const x = ctx.input(xn);
    const info = ctx.irInfo(x.ir);
    const out = ctx.node.outputs[0];
    const [pos] = ctx.emit('Clip', [x.ir], { lo: 0n, hi: info.hi > 0n ? info.hi : 0n }, { step: 'pos', scales: [x.scale] });
    const [negPart] = ctx.emit('Clip', [x.ir], { lo: info.lo < 0n ? info.lo : 0n, hi: 0n }, { step: 'neg', scales: [x.scale] });
    const slope = operand(ctx, sn, 'slope');
    const dims = outDims(ctx);
    const es = broadcastTo(ctx, slope, dims, 'bcast-slope');
    const en = broadcastTo(ctx, { ir: negPart, scale: x.scale }, dims, 'bcast-neg');
    const ep = broadcastTo(ctx, { ir: pos, scale: x.scale }, dims, 'bcast-pos');
    const [p] = ctx.emit('Mul', [en.ir, es.ir], {}, { step: 'mul', scales: [x.scale * slope.scale] });
    ctx.define(out, linearCombination(ctx, [ep, { ir: p, scale: x.scale * slope.scale }], [1, 1], out));
  },
};

const COMPARE: Record<string, string> = {
  Less: 'less', Greater: 'greater', Equal: 'equal', LessOrEqual: 'lessOrEqual', GreaterOrEqual: 'greaterOrEqual',
  And: 'and', Or: 'or', Xor: 'xor',
};

const compareLowerings: Lowering[] = Object.entries(COMPARE).map(([opType, mode]) => ({
  domain: '', opType,
  lower(ctx: LowerContext) {
    const [an, bn] = ctx.node.inputs;
    const dims = outDims(ctx);
    const vals = [operand(ctx, an, 'a'), operand(ctx, bn, 'b')];
    const [a, b] = mode === 'and' || mode === 'or' || mode === 'xor' ? vals.map((v, i) => broadcastTo(ctx, v, dims, `bcast${i}`).ir) : commonScale(ctx, vals, dims);
    const [r] = ctx.emit('Compare', [a, b], { mode }, { step: mode, scales: [1] });
    ctx.define(ctx.node.outputs[0], { ir: r, scale: 1 });
  },
}));

const not: Lowering = {
  domain: '', opType: 'Not',
  lower(ctx) {
    const x = ctx.input(ctx.node.inputs[0]);
    const [r] = ctx.emit('WeightedSum', [x.ir], { coeffs: [-1n], offset: 1n }, { step: 'not', scales: [1] });
    ctx.define(ctx.node.outputs[0], { ir: r, scale: 1 });
  },
};

const where: Lowering = {
  domain: '', opType: 'Where',
  lower(ctx) {
    const [cn, an, bn] = ctx.node.inputs;
    const out = ctx.node.outputs[0];
    const dims = outDims(ctx);
    const c = broadcastTo(ctx, operandBool(ctx, cn), dims, 'bcast-c');
    const s = outScale(ctx, out);
    const [a, b] = [operand(ctx, an, 'a'), operand(ctx, bn, 'b')].map((v, i) => {
      const r = v.scale === s ? v : requantTo(ctx, v.ir, [v.scale], s, `rescale${i}`);
      return broadcastTo(ctx, r, dims, `bcast${i}`);
    });
    const [r] = ctx.emit('Where', [c.ir, a.ir, b.ir], {}, { step: 'where', scales: [s] });
    ctx.define(out, { ir: r, scale: s });
  },
};

/** A boolean input: computed (0/1) or a constant mask. */
function operandBool(ctx: LowerContext, name: string): QuantValue {
  const c = ctx.constantOf(name);
  if (!c) return ctx.input(name);
  const v = numbers(c).map((x) => (x !== 0 ? 1 : 0));
  return { ir: ctx.addConstant('mask', { dims: c.dims, data: bigArray(v) }, 'public'), scale: 1 };
}

void absMax;
void broadcastShape;

export const elementwiseLowerings: readonly Lowering[] = [
  add, sub, naryLinear('Sum'), naryLinear('Mean'), mul, div, extremum('Max'), extremum('Min'), relu, clip, neg, prelu, not, where,
  ...compareLowerings,
  ...TABLE_OPS.map((opType) => ({ domain: '', opType, lower: table })),
];

/**
 * Cast: float ↔ float and integer → wider type keep the value (same integer, same scale);
 * integer values (scale 1) cast to float stay exact; a scaled value cast to an integer type or
 * bool goes through an exact table (truncation toward zero / nonzero test).
 */
const cast: Lowering = {
  domain: '', opType: 'Cast',
  lower(ctx) {
    const x = operand(ctx, ctx.node.inputs[0], 'x');
    const out = ctx.node.outputs[0];
    const to = ctx.info(out).dtype;
    const toFloat = to === 'float32' || to === 'float64' || to === 'float16';
    if (toFloat || x.scale === 1) {
      if (to === 'bool') {
        const zero = ctx.addConstant('zero', { dims: [1], data: new BigInt64Array(1) }, 'public');
        const z = broadcastTo(ctx, { ir: zero, scale: 1 }, ctx.irInfo(x.ir).dims, 'zeros');
        const [eq] = ctx.emit('Compare', [x.ir, z.ir], { mode: 'equal' }, { step: 'eq0', scales: [1] });
        const [r] = ctx.emit('WeightedSum', [eq], { coeffs: [-1n], offset: 1n }, { step: 'nonzero', scales: [1] });
        return ctx.define(out, { ir: r, scale: 1 });
      }
      return ctx.define(out, x);
    }
    // Scaled value → integer: an exact table over the value's own (bounded) integer range.
    const info = ctx.irInfo(x.ir);
    const lo = Number(info.lo);
    const hi = Number(info.hi);
    if (hi - lo + 1 > 1 << 20) refuseNode(ctx, `cast of a value with range [${lo}, ${hi}] needs a table larger than 2^20`);
    const t = new Float64Array(hi - lo + 1);
    for (let j = lo; j <= hi; j++) t[j - lo] = to === 'bool' ? (j !== 0 ? 1 : 0) : Math.trunc(j * x.scale);
    const tab = ctx.addConstant('table', { dims: [t.length], data: bigArray(t) }, 'public');
    const [r] = ctx.emit('Lookup', [x.ir, tab], { tableLo: BigInt(lo), fn: `Cast(${to})`, inScale: x.scale, outScale: 1 }, { step: 'cast', scales: [1] });
    ctx.define(out, { ir: r, scale: 1 });
  },
};

export const castLowerings: readonly Lowering[] = [cast, { domain: '', opType: 'CastLike', lower: cast.lower }];
