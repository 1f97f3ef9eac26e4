// Reductions, pooling, Softmax and normalizations, built from Reduce / Gather / Requant / Div /
// Sqrt / Lookup: each step is one provable relation.
import type { Tensor } from '../../onnx/graph.js';
import { sizeOf, type LowerContext, type Lowering, type QuantValue } from '../../ir/types.js';
import { bigArray, broadcastTo, gather, integers, numbers, operand, outScale, quantizeAt, refuseNode, requantTo, roundHalfUp, tableOf } from './helpers.js';
import { attrFloat, attrInt, windowIndex, windowSpec } from './windows.js';
import { paddedCounts, resolveWindow } from '../../onnx/ops/window.js';

function reshape(ctx: LowerContext, v: QuantValue, dims: readonly number[], step: string): QuantValue {
  const [r] = ctx.emit('Reshape', [v.ir], { outDims: [...dims] }, { step, scales: [v.scale] });
  return { ir: r, scale: v.scale };
}

/** Axes of a Reduce* node (attribute or second input), normalized and sorted. */
function reduceAxes(ctx: LowerContext, rank: number): number[] {
  const n = ctx.node;
  let axes: number[] | undefined;
  if (n.attrs.axes?.kind === 'ints') axes = [...n.attrs.axes.value];
  else if (n.inputs[1]) {
    const c = ctx.constantOf(n.inputs[1]);
    if (!c) refuseNode(ctx, 'computed axes are not supported');
    axes = integers(c);
  }
  if (!axes || axes.length === 0) {
    if (attrInt(n, 'noop_with_empty_axes', 0) === 1) return [];
    axes = Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** Reduces `axes` one at a time (highest first) with `mode`; returns the value with those axes removed. */
function reduceOver(ctx: LowerContext, v: QuantValue, axes: readonly number[], mode: string): QuantValue {
  let cur = v;
  for (const a of [...axes].sort((x, y) => y - x)) {
    const [r] = ctx.emit('Reduce', [cur.ir], { axis: a, mode }, { step: `${mode}${a}`, scales: [v.scale] });
    cur = { ir: r, scale: v.scale };
  }
  return cur;
}

/** The lowest / highest value of an ONNX integer type (the identity of max / min over an empty set). */
const TYPE_EXTREMES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  bool: [0n, 1n], int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], uint16: [0n, 65535n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n], uint32: [0n, 2n ** 32n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
};

/**
 * A reduction over an empty set is ONNX's identity value, whatever the (empty) data: 0 for a sum,
 * the type's lowest value for a max and its highest for a min. It is a public constant, emitted
 * as a Gather whose every index is −1 (fill = the identity).
 */
function emptyReduction(ctx: LowerContext, x: QuantValue, mode: 'sum' | 'max' | 'min', mean: boolean, out: string): void {
  if (mean) refuseNode(ctx, 'the mean of an empty set is NaN in ONNX, which no fixed-point value represents');
  const dtype = ctx.info(out).dtype;
  let fill = 0n;
  if (mode !== 'sum') {
    const ext = TYPE_EXTREMES[dtype];
    if (!ext) refuseNode(ctx, `the ${mode} of an empty set is ${mode === 'max' ? '−∞' : '+∞'} for ${dtype} in ONNX, which no fixed-point value represents`);
    fill = mode === 'max' ? ext[0] : ext[1];
  }
  const dims = ctx.info(out).dims;
  const scale = mode === 'sum' ? outScale(ctx, out) : 1;
  ctx.define(out, { ir: gather(ctx, [x.ir], new Int32Array(sizeOf(dims)).fill(-1), dims, 'empty-set', scale, fill), scale });
}

function reduceLowering(opType: string, mode: 'sum' | 'max' | 'min', mean: boolean): Lowering {
  return {
    domain: '', opType,
    lower(ctx) {
      const x = ctx.input(ctx.node.inputs[0]);
      const dims = ctx.irInfo(x.ir).dims;
      const axes = reduceAxes(ctx, dims.length);
      const out = ctx.node.outputs[0];
      if (axes.some((a) => dims[a] === 0)) return emptyReduction(ctx, x, mode, mean, out);
      let r = reduceOver(ctx, x, axes, mode);
      if (mode === 'sum') {
        const count = axes.reduce((p, a) => p * dims[a], 1);
        r = requantTo(ctx, r.ir, [x.scale / (mean ? count : 1)], outScale(ctx, out), 'requant');
      }
      ctx.define(out, reshape(ctx, r, ctx.info(out).dims, 'keepdims'));
    },
  };
}

function argLowering(opType: 'ArgMax' | 'ArgMin'): Lowering {
  return {
    domain: '', opType,
    lower(ctx) {
      let x = ctx.input(ctx.node.inputs[0]);
      const dims = ctx.irInfo(x.ir).dims;
      let axis = attrInt(ctx.node, 'axis', 0);
      if (axis < 0) axis += dims.length;
      const last = attrInt(ctx.node, 'select_last_index', 0) === 1;
      const len = dims[axis];
      if (last) {
        // The last extremum is the first one of the reversed axis: index = len − 1 − first(reversed).
        const st = dims.map((_, i) => sizeOf(dims.slice(i + 1)));
        const n = sizeOf(dims);
        const idx = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const c = Math.floor(i / st[axis]) % len;
          idx[i] = i + (len - 1 - 2 * c) * st[axis];
        }
        x = { ir: gather(ctx, [x.ir], idx, dims, 'reverse', x.scale), scale: x.scale };
      }
      let [r] = ctx.emit('Reduce', [x.ir], { axis, mode: opType.toLowerCase() }, { step: 'arg', scales: [1] });
      if (last) [r] = ctx.emit('WeightedSum', [r], { coeffs: [-1n], offset: BigInt(len - 1) }, { step: 'unreverse', scales: [1] });
      const out = ctx.node.outputs[0];
      ctx.define(out, reshape(ctx, { ir: r, scale: 1 }, ctx.info(out).dims, 'keepdims'));
    },
  };
}

/** [N, C, ...S] → windows [N, C, ∏O, ∏K] by a Gather (fill for padding), reduced over the window axis. */
function pool(ctx: LowerContext, mode: 'max' | 'avg'): void {
  const node = ctx.node;
  const x = ctx.input(node.inputs[0]);
  const dims = ctx.irInfo(x.ir).dims;
  const out = node.outputs[0];
  const outDims = ctx.info(out).dims;
  const kernel = node.attrs.kernel_shape?.kind === 'ints' ? [...node.attrs.kernel_shape.value] : refuseNode(ctx, 'kernel_shape is required');
  const spec = windowSpec(node, dims.slice(2), outDims.slice(2), kernel);
  const win = windowIndex(spec);
  const [n, c] = dims;
  const nS = sizeOf(dims.slice(2));
  const nO = sizeOf(outDims.slice(2));
  const nK = sizeOf(kernel);
  const idx = new Int32Array(n * c * nO * nK);
  for (let b = 0; b < n * c; b++) for (let j = 0; j < nO * nK; j++) idx[b * nO * nK + j] = win[j] < 0 ? -1 : b * nS + win[j];
  const info = ctx.irInfo(x.ir);
  const indicesOut = mode === 'max' ? node.outputs[1] : undefined;
  // Padding reads as the lowest value (max) or 0 (sum); with an Indices output, one below the
  // lowest, so that the argmax never selects a padding slot (every window holds an element).
  const fill = mode === 'max' ? (indicesOut ? info.lo - 1n : info.lo) : 0n;
  const cols = gather(ctx, [x.ir], idx, [n, c, nO, nK], 'windows', x.scale, fill);
  const [r] = ctx.emit('Reduce', [cols], { axis: 3, mode: mode === 'max' ? 'max' : 'sum' }, { step: mode, scales: [x.scale] });
  if (indicesOut) ctx.define(indicesOut, maxPoolIndices(ctx, cols, win, dims, nO, nK, ctx.info(indicesOut).dims));
  let v: QuantValue = { ir: r, scale: x.scale };
  if (mode === 'avg') {
    // count_include_pad counts the window's positions inside the padded input: with ceil_mode a
    // window may reach past the end padding, and those positions do not count.
    const padded = attrInt(node, 'count_include_pad', 0) === 1
      ? paddedCounts(dims.slice(2), resolveWindow(node, dims.slice(2), kernel, attrInt(node, 'ceil_mode', 0) !== 0))
      : undefined;
    const counts = Array.from({ length: nO }, (_, o) => {
      let k = 0;
      for (let j = 0; j < nK; j++) if (win[o * nK + j] >= 0) k++;
      return padded ? padded[o] : Math.max(1, k);
    });
    const s = outScale(ctx, out);
    v = requantTo(ctx, r, counts.map((k) => x.scale / k), s, 'requant');
  }
  ctx.define(out, reshape(ctx, v, outDims, 'reshape'));
}

/**
 * MaxPool's Indices output: the argmax slot of each window (first on ties, as ONNX scans the
 * window) mapped to the flat input index n·C·S + c·S + spatial index (row-major, or column-major
 * with storage_order = 1) by a public table, read with GatherDynamic (an indexed lookup).
 */
function maxPoolIndices(ctx: LowerContext, cols: string, win: Int32Array, dims: readonly number[], nO: number, nK: number,
  outDims: readonly number[]): QuantValue {
  const [n, c] = dims;
  const spatial = dims.slice(2);
  const nS = sizeOf(spatial);
  const columnMajor = attrInt(ctx.node, 'storage_order', 0) === 1;
  const rowStrides = spatial.map((_, d) => sizeOf(spatial.slice(d + 1)));
  const colStrides = spatial.map((_, d) => sizeOf(spatial.slice(0, d)));
  const flat = (s: number): number => {
    if (!columnMajor) return s;
    let f = 0;
    for (let d = 0; d < spatial.length; d++) f += (Math.floor(s / rowStrides[d]) % spatial[d]) * colStrides[d];
    return f;
  };
  const table = new Int32Array(n * c * nO * nK);
  for (let b = 0; b < n * c; b++) {
    // Padding slots are never selected; −1 marks them.
    for (let j = 0; j < nO * nK; j++) table[b * nO * nK + j] = win[j] < 0 ? -1 : b * nS + flat(win[j]);
  }
  const [arg] = ctx.emit('Reduce', [cols], { axis: 3, mode: 'argmax' }, { step: 'argmax', scales: [1] });
  const argCol = reshape(ctx, { ir: arg, scale: 1 }, [n * c * nO, 1], 'argmax-col');
  const t = ctx.addConstant('index-map', { dims: [n * c * nO, nK], data: bigArray(table) }, 'public');
  const [ix] = ctx.emit('GatherDynamic', [t, argCol.ir], { axis: 1, elements: 1 }, { step: 'indices', scales: [1] });
  return reshape(ctx, { ir: ix, scale: 1 }, outDims, 'indices-shape');
}

function globalPool(ctx: LowerContext, mode: 'max' | 'avg'): void {
  const x = ctx.input(ctx.node.inputs[0]);
  const dims = ctx.irInfo(x.ir).dims;
  const out = ctx.node.outputs[0];
  const flat = reshape(ctx, x, [dims[0], dims[1], sizeOf(dims.slice(2))], 'flatten');
  const [r] = ctx.emit('Reduce', [flat.ir], { axis: 2, mode: mode === 'max' ? 'max' : 'sum' }, { step: mode, scales: [x.scale] });
  let v: QuantValue = { ir: r, scale: x.scale };
  if (mode === 'avg') v = requantTo(ctx, r, [x.scale / sizeOf(dims.slice(2))], outScale(ctx, out), 'requant');
  ctx.define(out, reshape(ctx, v, ctx.info(out).dims, 'reshape'));
}

/**
 * Softmax along `axis`: e = exp-table(x − max) over the one-sided domain [−span, 0] (so exp(0)
 * maps to qmax), out = round(e·2^k / (Σe + 1)), scale 2^−k. LogSoftmax: (x − max) − log-table(Σe),
 * both requantized to the output scale (Σ exp(x − max) ∈ [1, n], so its log lies in [0, log n]).
 * Opsets before 13 coerce the input to 2-D at `axis` and normalize over every axis from `axis` on.
 */
function softmax(ctx: LowerContext, log: boolean): void {
  const node = ctx.node;
  const x0 = ctx.input(node.inputs[0]);
  const dims0 = ctx.irInfo(x0.ir).dims;
  const coerce = ctx.opset < 13;
  let axis = attrInt(node, 'axis', coerce ? 1 : -1);
  if (axis < 0) axis += dims0.length;
  const x = coerce ? reshape(ctx, x0, [sizeOf(dims0.slice(0, axis)), sizeOf(dims0.slice(axis))], 'coerce-2d') : x0;
  if (coerce) axis = 1;
  const dims = ctx.irInfo(x.ir).dims;
  const reducedDims = dims.map((d, i) => (i === axis ? 1 : d));
  const [m] = ctx.emit('Reduce', [x.ir], { axis, mode: 'max' }, { step: 'max', scales: [x.scale] });
  const mb = broadcastTo(ctx, reshape(ctx, { ir: m, scale: x.scale }, reducedDims, 'max-keep'), dims, 'max-bcast');
  const [d] = ctx.emit('WeightedSum', [x.ir, mb.ir], { coeffs: [1n, -1n], offset: 0n }, { step: 'shift', scales: [x.scale] });
  const r = ctx.range(node.inputs[0]);
  // exp(−20)·2^23 < 0.02: beyond a span of 20 every table entry rounds to 0 at any precision.
  const span = Math.min(Math.max(1e-6, r.max - r.min), 20);
  const e = tableOf(ctx, { ir: d, scale: x.scale }, Math.exp, 'exp', -span, 0, 'exp');
  const [s] = ctx.emit('Reduce', [e.ir], { axis, mode: 'sum' }, { step: 'sum', scales: [e.scale] });
  // + 1 keeps the denominator ≥ 1 by its static bound (the maximum's term is exp(0) anyway).
  const [s1] = ctx.emit('WeightedSum', [s], { coeffs: [1n], offset: 1n }, { step: 'sum+1', scales: [e.scale] });
  const out = node.outputs[0];
  let y: QuantValue;
  if (log) {
    // Σe·s_e ∈ [1, n]; the table clamps below at 1 (its domain starts at 0).
    const lse = tableOf(ctx, { ir: s, scale: e.scale }, (v) => Math.log(Math.max(v, 1)), 'log', 0, dims[axis], 'log');
    const ys = outScale(ctx, out);
    const dq = requantTo(ctx, d, [x.scale], ys, 'shift-out', 1, -ctx.qmax, 0);
    const lq = requantTo(ctx, lse.ir, [lse.scale], ys, 'log-out', 1, 0, ctx.qmax);
    const lb = broadcastTo(ctx, reshape(ctx, lq, reducedDims, 'log-keep'), dims, 'log-bcast');
    const [r] = ctx.emit('WeightedSum', [dq.ir, lb.ir], { coeffs: [1n, -1n], offset: 0n }, { step: 'log-softmax', scales: [ys] });
    y = { ir: r, scale: ys };
  } else {
    const sb = broadcastTo(ctx, reshape(ctx, { ir: s1, scale: e.scale }, reducedDims, 'sum-keep'), dims, 'sum-bcast');
    const k = ctx.bits - 1;
    const [q] = ctx.emit('Div', [e.ir, sb.ir], { shift: k, inner: 1 }, { step: 'div', scales: [2 ** -k] });
    y = { ir: q, scale: 2 ** -k };
  }
  ctx.define(out, coerce ? reshape(ctx, y, dims0, 'uncoerce') : y);
}

/** y = x·a_c + b_c per channel (axis 1), a and b constants: BatchNormalization in inference mode. */
function affine(ctx: LowerContext, x: QuantValue, a: Float64Array, b: Float64Array, out: string, channelAxis: number): void {
  const dims = ctx.irInfo(x.ir).dims;
  const shape = dims.map((d, i) => (i === channelAxis ? d : 1));
  const aT: Tensor = { dtype: 'float64', dims: shape, data: a };
  let am = 0;
  for (const v of a) am = Math.max(am, Math.abs(v));
  const sa = am > 0 ? am / ctx.qmax : 1;
  const aq = ctx.addConstant('scale', { dims: shape, data: bigArray(a.map((v) => roundHalfUp(v / sa))) }, 'weight', BigInt(-ctx.qmax), BigInt(ctx.qmax));
  void aT;
  const accScale = x.scale * sa;
  const bq = b.map((v) => roundHalfUp(v / accScale));
  const bm = bq.reduce((p, v) => Math.max(p, Math.abs(v)), 0);
  const bound = 2 ** Math.ceil(Math.log2(bm + 1)) - 1;
  const bc = ctx.addConstant('shift', { dims: shape, data: bigArray(bq) }, 'weight', BigInt(-bound), BigInt(bound));
  const ea = broadcastTo(ctx, { ir: aq, scale: sa }, dims, 'bcast-scale');
  const eb = broadcastTo(ctx, { ir: bc, scale: accScale }, dims, 'bcast-shift');
  const [p] = ctx.emit('Mul', [x.ir, ea.ir], {}, { step: 'mul', scales: [accScale] });
  const [s] = ctx.emit('WeightedSum', [p, eb.ir], { coeffs: [1n, 1n], offset: 0n }, { step: 'add', scales: [accScale] });
  ctx.define(out, requantTo(ctx, s, [accScale], outScale(ctx, out), 'requant'));
}

/**
 * BatchNormalization in training mode: normalized by the batch statistics of each channel (the
 * channel axis moved first, then the LayerNormalization steps over N·S elements per channel), and
 * the running statistics momentum·input + (1 − momentum)·batch as optional outputs.
 */
function batchNormTraining(ctx: LowerContext, g: Float64Array, b: Float64Array, m: Float64Array, v: Float64Array): void {
  const node = ctx.node;
  const x = ctx.input(node.inputs[0]);
  const dims = ctx.irInfo(x.ir).dims;
  const [nb, c] = dims;
  const s = sizeOf(dims.slice(2));
  const n = nb * s;
  // [N, C, S] → [C, N·S] and back: inverse index maps.
  const toChannels = new Int32Array(c * n);
  const fromChannels = new Int32Array(c * n);
  for (let ci = 0; ci < c; ci++) for (let bi = 0; bi < nb; bi++) for (let si = 0; si < s; si++) {
    toChannels[ci * n + bi * s + si] = (bi * c + ci) * s + si;
    fromChannels[(bi * c + ci) * s + si] = ci * n + bi * s + si;
  }
  const xc: QuantValue = { ir: gather(ctx, [x.ir], toChannels, [c, n], 'channels-first', x.scale), scale: x.scale };
  const st = normalize(ctx, xc, c, n, attrFloat(node, 'epsilon', 1e-5), g, b, c, n);
  const [y, meanOut, varOut] = node.outputs;
  const yq = outScale(ctx, y);
  const yc = affineFull(ctx, st.z, st.gamma, st.beta, yq);
  ctx.define(y, { ir: gather(ctx, [yc.ir], fromChannels, dims, 'channels-back', yq), scale: yq });
  const momentum = attrFloat(node, 'momentum', 0.9);
  // Batch mean = Σx / n at scale s_x; population variance = Σd² / n³ at scale s_x² (d = n·x − Σx).
  const running = (stat: string, statScale: number, input: Float64Array, out: string, step: string): void => {
    const os = outScale(ctx, out);
    const part = requantTo(ctx, stat, [statScale * (1 - momentum)], os, `${step}-batch`);
    const keep = quantizeAt(ctx, input.map((u) => u * momentum), `${step}-input`, [os]);
    const [r] = ctx.emit('WeightedSum', [part.ir, keep], { coeffs: [1n, 1n], offset: 0n }, { step, scales: [os] });
    ctx.define(out, { ir: r, scale: os });
  };
  if (meanOut) running(st.sum, x.scale / n, m, meanOut, 'running-mean');
  if (varOut) running(st.sumSquares, (x.scale * x.scale) / n ** 3, v, varOut, 'running-var');
}

const batchNorm: Lowering = {
  domain: '', opType: 'BatchNormalization',
  lower(ctx) {
    const [xn, gn, bn, mn, vn] = ctx.node.inputs;
    const [g, b, m, v] = [gn, bn, mn, vn].map((n) => {
      const c = ctx.constantOf(n);
      if (!c) refuseNode(ctx, `input ${n} must be a constant`);
      return numbers(c);
    });
    if (attrInt(ctx.node, 'training_mode', 0) === 1) return batchNormTraining(ctx, g, b, m, v);
    const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
    const a = g.map((gi, i) => gi / Math.sqrt(v[i] + eps));
    const shift = b.map((bi, i) => bi - m[i] * a[i]);
    affine(ctx, ctx.input(xn), a, shift, ctx.node.outputs[0], 1);
  },
};

/** What `normalize` computes: z = d·2^k / s, the per-group Σx, Σd² and s, and γ, β laid out over z. */
interface Normalized {
  readonly z: QuantValue;
  /** Σx per group, at scale s_x. */
  readonly sum: string;
  /** Σd² per group (d = n·x − Σx), at scale s_x² / n². */
  readonly sumSquares: string;
  /** round(sqrt(Σd² + E)) per group. */
  readonly s: string;
  readonly gamma: Float64Array;
  readonly beta: Float64Array;
}

/**
 * Normalization over contiguous groups of n elements: d = n·x − Σx, s = round(sqrt(Σd² + E)),
 * z = d·2^k / s (scale √n / 2^k, dims of x); γ, β are laid out over the elements by index
 * (i / paramInner) mod paramPeriod for y = z·γ + β (affineFull).
 */
function normalize(ctx: LowerContext, x: QuantValue, groups: number, n: number, eps: number, gamma: Float64Array, beta: Float64Array | undefined,
  paramPeriod: number, paramInner: number): Normalized {
  const flat = reshape(ctx, x, [groups, n], 'groups');
  const [sum] = ctx.emit('Reduce', [flat.ir], { axis: 1, mode: 'sum' }, { step: 'sum', scales: [x.scale] });
  const sumB = broadcastTo(ctx, reshape(ctx, { ir: sum, scale: x.scale }, [groups, 1], 'sum-keep'), [groups, n], 'sum-bcast');
  const [d] = ctx.emit('WeightedSum', [flat.ir, sumB.ir], { coeffs: [BigInt(n), -1n], offset: 0n }, { step: 'center', scales: [x.scale / n] });
  const [sq] = ctx.emit('Mul', [d, d], {}, { step: 'square' });
  const [v] = ctx.emit('Reduce', [sq], { axis: 1, mode: 'sum' }, { step: 'var' });
  const e = Math.max(1, roundHalfUp((n ** 3 * eps) / (x.scale * x.scale)));
  const [ve] = ctx.emit('WeightedSum', [v], { coeffs: [1n], offset: BigInt(e) }, { step: 'eps' });
  const [s] = ctx.emit('Sqrt', [ve], {}, { step: 'sqrt' });
  const k = ctx.bits + 2;
  const zScale = Math.sqrt(n) / 2 ** k;
  // the divisor per group, broadcast over its n elements (the Div layer reads it entry by entry)
  const sB = broadcastTo(ctx, reshape(ctx, { ir: s, scale: 1 }, [groups, 1], 'sqrt-keep'), [groups, n], 'sqrt-bcast');
  const [z] = ctx.emit('Div', [d, sB.ir], { shift: k, inner: 1 }, { step: 'div', scales: [zScale] });
  const total = groups * n;
  const gFull = new Float64Array(total);
  const bFull = new Float64Array(total);
  for (let i = 0; i < total; i++) {
    const j = Math.floor(i / paramInner) % paramPeriod;
    gFull[i] = gamma[j];
    bFull[i] = beta ? beta[j] : 0;
  }
  const zr = reshape(ctx, { ir: z, scale: zScale }, ctx.irInfo(x.ir).dims, 'unflatten');
  return { z: zr, sum, sumSquares: v, s, gamma: gFull, beta: bFull };
}

/** LayerNormalization / InstanceNormalization: y = normalize(x)·γ + β, and LayerNormalization's optional outputs. */
function normalizeOut(ctx: LowerContext, x: QuantValue, groups: number, n: number, eps: number, gamma: Float64Array, beta: Float64Array | undefined,
  paramPeriod: number, paramInner: number): void {
  const st = normalize(ctx, x, groups, n, eps, gamma, beta, paramPeriod, paramInner);
  const [out, meanOut, invOut] = ctx.node.outputs;
  ctx.define(out, affineFull(ctx, st.z, st.gamma, st.beta, outScale(ctx, out)));
  // LayerNormalization's optional outputs: Mean = Σx / n, InvStdDev = n^1.5 / (s·s_x).
  if (meanOut) {
    const m = requantTo(ctx, st.sum, [x.scale / n], outScale(ctx, meanOut), 'mean');
    ctx.define(meanOut, reshape(ctx, m, ctx.info(meanOut).dims, 'mean-shape'));
  }
  if (invOut) {
    const kInv = 2 * ctx.bits + Math.ceil(1.5 * Math.log2(n)) + 2;
    const one = ctx.addConstant('one', { dims: [groups], data: new BigInt64Array(groups).fill(1n) }, 'public');
    const invScale = n ** 1.5 / (2 ** kInv * x.scale);
    const [inv] = ctx.emit('Div', [one, st.s], { shift: kInv, inner: 1 }, { step: 'inv-std', scales: [invScale] });
    const r = requantTo(ctx, inv, [invScale], outScale(ctx, invOut), 'inv-std-requant');
    ctx.define(invOut, reshape(ctx, r, ctx.info(invOut).dims, 'inv-std-shape'));
  }
}

/** y = x·a + b elementwise with full-size constants a, b, requantized to `yScale`. */
function affineFull(ctx: LowerContext, x: QuantValue, a: Float64Array, b: Float64Array, yScale: number): QuantValue {
  const dims = ctx.irInfo(x.ir).dims;
  let am = 0;
  for (const v of a) am = Math.max(am, Math.abs(v));
  const sa = am > 0 ? am / ctx.qmax : 1;
  const aq = ctx.addConstant('gamma', { dims, data: bigArray(a.map((v) => roundHalfUp(v / sa))) }, 'weight', BigInt(-ctx.qmax), BigInt(ctx.qmax));
  const accScale = x.scale * sa;
  const bq = b.map((v) => roundHalfUp(v / accScale));
  const bm = bq.reduce((p, v) => Math.max(p, Math.abs(v)), 0);
  const bound = 2 ** Math.ceil(Math.log2(bm + 1)) - 1;
  const bc = ctx.addConstant('beta', { dims, data: bigArray(bq) }, 'weight', BigInt(-bound), BigInt(bound));
  const [p] = ctx.emit('Mul', [x.ir, aq], {}, { step: 'mul-gamma', scales: [accScale] });
  const [s] = ctx.emit('WeightedSum', [p, bc], { coeffs: [1n, 1n], offset: 0n }, { step: 'add-beta', scales: [accScale] });
  return requantTo(ctx, s, [accScale], yScale, 'requant');
}

const layerNorm: Lowering = {
  domain: '', opType: 'LayerNormalization',
  lower(ctx) {
    const [xn, gn, bn] = ctx.node.inputs;
    const x = ctx.input(xn);
    const dims = ctx.irInfo(x.ir).dims;
    let axis = attrInt(ctx.node, 'axis', -1);
    if (axis < 0) axis += dims.length;
    const n = sizeOf(dims.slice(axis));
    const g = ctx.constantOf(gn);
    const b = bn ? ctx.constantOf(bn) : undefined;
    if (!g || (bn && !b)) refuseNode(ctx, 'scale and bias must be constants');
    const gv = numbers(g);
    if (gv.length !== n) {
      // γ broadcast over the normalized shape.
      const full = new Float64Array(n);
      const bv = b ? numbers(b) : undefined;
      const bf = new Float64Array(n);
      for (let i = 0; i < n; i++) { full[i] = gv[i % gv.length]; bf[i] = bv ? bv[i % bv.length] : 0; }
      return normalizeOut(ctx, x, sizeOf(dims) / n, n, attrFloat(ctx.node, 'epsilon', 1e-5), full, bf, n, 1);
    }
    normalizeOut(ctx, x, sizeOf(dims) / n, n, attrFloat(ctx.node, 'epsilon', 1e-5), gv, b ? numbers(b) : undefined, n, 1);
  },
};

const instanceNorm: Lowering = {
  domain: '', opType: 'InstanceNormalization',
  lower(ctx) {
    const [xn, gn, bn] = ctx.node.inputs;
    const x = ctx.input(xn);
    const dims = ctx.irInfo(x.ir).dims;
    const g = ctx.constantOf(gn);
    const b = ctx.constantOf(bn);
    if (!g || !b) refuseNode(ctx, 'scale and bias must be constants');
    const hw = sizeOf(dims.slice(2));
    normalizeOut(ctx, x, dims[0] * dims[1], hw, attrFloat(ctx.node, 'epsilon', 1e-5), numbers(g), numbers(b), dims[1], hw);
  },
};

void operand;

const topk: Lowering = {
  domain: '', opType: 'TopK',
  lower(ctx) {
    const node = ctx.node;
    const x = ctx.input(node.inputs[0]);
    const dims = ctx.irInfo(x.ir).dims;
    let axis = attrInt(node, 'axis', -1);
    if (axis < 0) axis += dims.length;
    let k: number;
    if (node.inputs[1]) {
      const c = ctx.constantOf(node.inputs[1]);
      if (!c) refuseNode(ctx, 'k must be a constant');
      k = integers(c)[0];
    } else k = attrInt(node, 'k', 1);
    const largest = attrInt(node, 'largest', 1);
    const [vals, idxs] = ctx.emit('TopK', [x.ir], { axis, k, largest }, { step: 'topk', scales: [x.scale, 1] });
    const [vo, io] = node.outputs;
    if (vo) ctx.define(vo, { ir: vals, scale: x.scale });
    if (io) ctx.define(io, { ir: idxs, scale: 1 });
  },
};

export const reduceLowerings: readonly Lowering[] = [
  topk,
  reduceLowering('ReduceSum', 'sum', false), reduceLowering('ReduceMean', 'sum', true),
  reduceLowering('ReduceMax', 'max', false), reduceLowering('ReduceMin', 'min', false),
  argLowering('ArgMax'), argLowering('ArgMin'),
  { domain: '', opType: 'MaxPool', lower: (ctx) => pool(ctx, 'max') },
  { domain: '', opType: 'AveragePool', lower: (ctx) => pool(ctx, 'avg') },
  { domain: '', opType: 'GlobalAveragePool', lower: (ctx) => globalPool(ctx, 'avg') },
  { domain: '', opType: 'GlobalMaxPool', lower: (ctx) => globalPool(ctx, 'max') },
  { domain: '', opType: 'Softmax', lower: (ctx) => softmax(ctx, false) },
  { domain: '', opType: 'LogSoftmax', lower: (ctx) => softmax(ctx, true) },
  batchNorm, layerNorm, instanceNorm,
];
