// Elementwise integer ops over inputs of equal shape (broadcasting is a Gather before them).
import * as K from '../kernels.js';
import { absBig, big, bigs, maxBig, minBig, sameDims, str } from '../attrs.js';
import { absMax, refuse, type IrNode, type IrValueInfo, type OpDef } from '../types.js';

function equalShapes(node: IrNode, inputs: readonly IrValueInfo[], count?: number): void {
  if (inputs.length === 0 || (count !== undefined && inputs.length !== count)) refuse(node, `expects ${count ?? 'at least one'} inputs, got ${inputs.length}`);
  for (const v of inputs) {
    if (!sameDims(v.dims, inputs[0].dims)) refuse(node, `inputs have different shapes ${inputs[0].dims} and ${v.dims}`);
  }
}

export const weightedSumOp: OpDef = {
  op: 'WeightedSum',
  semantics: 'out = offset + Σ_j c_j · x_j (integer coefficients)',
  proof: 'linear: the claim on out is the same combination of claims on the inputs (no sumcheck)',
  infer(node, inputs) {
    equalShapes(node, inputs);
    const c = bigs(node, 'coeffs');
    const offset = big(node, 'offset', 0n);
    if (c.length !== inputs.length) refuse(node, `${c.length} coefficients for ${inputs.length} inputs`);
    let lo = offset;
    let hi = offset;
    let bound = absBig(offset);
    inputs.forEach((v, j) => {
      const a = v.lo * c[j];
      const b = v.hi * c[j];
      lo += minBig(a, b);
      hi += maxBig(a, b);
      bound += absMax(v.lo, v.hi) * absBig(c[j]);
    });
    return { outputs: [{ dims: inputs[0].dims, lo, hi }], bounds: { B_sum: bound } };
  },
  execute(node, inputs) {
    const data = K.weightedSum(inputs.map((t) => t.data), bigs(node, 'coeffs'), big(node, 'offset', 0n), inputs[0].data.length);
    return [{ dims: inputs[0].dims, data }];
  },
};

export const mulOp: OpDef = {
  op: 'Mul',
  semantics: 'out = a · b elementwise',
  proof: 'sumcheck of eq(r, x)·a(x)·b(x) (degree 3)',
  infer(node, inputs) {
    equalShapes(node, inputs, 2);
    const [a, b] = inputs;
    const cands = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    // A square (the same value twice) is non-negative.
    const lo = node.inputs[0] === node.inputs[1] && minBig(...cands) < 0n ? 0n : minBig(...cands);
    return { outputs: [{ dims: a.dims, lo, hi: maxBig(...cands) }], bounds: { B_product: absMax(a.lo, a.hi) * absMax(b.lo, b.hi) } };
  },
  execute(_node, [a, b]) {
    return [{ dims: a.dims, data: K.binary(a.data, b.data, 'mul') }];
  },
};

function extremum(op: 'Max' | 'Min'): OpDef {
  return {
    op,
    semantics: `out = ${op.toLowerCase()}(a, b) elementwise`,
    proof: 'selector bit s with out = s·a + (1−s)·b and range checks of out − a, out − b (lookup)',
    infer(node, inputs) {
      equalShapes(node, inputs, 2);
      const [a, b] = inputs;
      const lo = op === 'Max' ? maxBig(a.lo, b.lo) : minBig(a.lo, b.lo);
      const hi = op === 'Max' ? maxBig(a.hi, b.hi) : minBig(a.hi, b.hi);
      return { outputs: [{ dims: a.dims, lo, hi }], bounds: { B_diff: absMax(a.lo, a.hi) + absMax(b.lo, b.hi) } };
    },
    execute(_node, [a, b]) {
      return [{ dims: a.dims, data: K.binary(a.data, b.data, op === 'Max' ? 'max' : 'min') }];
    },
  };
}
export const maxOp = extremum('Max');
export const minOp = extremum('Min');

export const clipOp: OpDef = {
  op: 'Clip',
  semantics: 'out = min(max(x, lo), hi) (ReLU is lo = 0)',
  proof: 'selectors for the two clamps and range checks of the differences (lookup)',
  infer(node, inputs) {
    equalShapes(node, inputs, 1);
    const lo = big(node, 'lo');
    const hi = big(node, 'hi');
    if (lo > hi) refuse(node, `empty clip range [${lo}, ${hi}]`);
    const x = inputs[0];
    const oLo = minBig(maxBig(x.lo, lo), hi);
    const oHi = maxBig(minBig(x.hi, hi), lo);
    return { outputs: [{ dims: x.dims, lo: oLo, hi: oHi }], bounds: { B_diff: absMax(x.lo, x.hi) + absMax(lo, hi) } };
  },
  execute(node, [x]) {
    return [{ dims: x.dims, data: K.clip(x.data, big(node, 'lo'), big(node, 'hi')) }];
  },
};

const COMPARE_MODES = ['less', 'greater', 'equal', 'lessOrEqual', 'greaterOrEqual', 'and', 'or', 'xor'] as const;

export const compareOp: OpDef = {
  op: 'Compare',
  semantics: 'out = 1 if a <mode> b else 0 (modes less, greater, equal, lessOrEqual, greaterOrEqual, and, or, xor)',
  proof: 'bit output with a range check of the signed difference (lookup); equal via an inverse witness; logic ops by degree-2 identities',
  infer(node, inputs) {
    equalShapes(node, inputs, 2);
    const mode = str(node, 'mode');
    if (!(COMPARE_MODES as readonly string[]).includes(mode)) refuse(node, `unknown compare mode ${mode}`);
    return { outputs: [{ dims: inputs[0].dims, lo: 0n, hi: 1n }], bounds: { B_diff: absMax(inputs[0].lo, inputs[0].hi) + absMax(inputs[1].lo, inputs[1].hi) } };
  },
  execute(node, [a, b]) {
    return [{ dims: a.dims, data: K.binary(a.data, b.data, str(node, 'mode') as K.BinaryMode) }];
  },
};

export const whereOp: OpDef = {
  op: 'Where',
  semantics: 'out = c ≠ 0 ? a : b (c a 0/1 tensor)',
  proof: 'sumcheck of eq·(c·a + (1−c)·b); c is a bit (its producer proves it)',
  infer(node, inputs) {
    equalShapes(node, inputs, 3);
    const [c, a, b] = inputs;
    if (c.lo < 0n || c.hi > 1n) refuse(node, `condition bound [${c.lo}, ${c.hi}] is not boolean`);
    return { outputs: [{ dims: a.dims, lo: minBig(a.lo, b.lo), hi: maxBig(a.hi, b.hi) }], bounds: {} };
  },
  execute(_node, [c, a, b]) {
    return [{ dims: a.dims, data: K.where(c.data, a.data, b.data) }];
  },
};
