// Data movement as free index maps: Gather (out[i] = concat(sources)[idx[i]] or fill) and Reshape.
import * as K from '../kernels.js';
import { big, ints } from '../attrs.js';
import { refuse, sizeOf, type ConstantLookup, type IrNode, type OpDef } from '../types.js';

function indexTable(node: IrNode, consts: ConstantLookup) {
  const name = node.inputs[node.inputs.length - 1];
  const t = consts.constant(name);
  if (!t) refuse(node, 'Gather needs a constant index table as its last input');
  return t;
}

export const gatherOp: OpDef = {
  op: 'Gather',
  semantics: 'out[i] = S[idx[i]] where S is the concatenation of the sources, or fill where idx[i] = −1 (idx public)',
  proof: 'sumcheck of the sources against the public weight table W_r(j) = Σ_{i: idx[i] = j} eq(r, i) (src/layers/gather.ts); virtual when only sumchecks read it',
  infer(node, inputs, consts) {
    const idx = indexTable(node, consts);
    const outDims = ints(node, 'outDims');
    const fill = big(node, 'fill', 0n);
    const sources = inputs.slice(0, -1);
    if (sources.length === 0) refuse(node, 'Gather needs at least one source');
    if (idx.data.length !== sizeOf(outDims)) refuse(node, `index table has ${idx.data.length} entries, outDims hold ${sizeOf(outDims)}`);
    const total = BigInt(sources.reduce((s, v) => s + sizeOf(v.dims), 0));
    let usesFill = false;
    for (const j of idx.data) {
      if (j < -1n || j >= total) refuse(node, `index ${j} outside [-1, ${total})`);
      if (j === -1n) usesFill = true;
    }
    let lo = sources[0].lo;
    let hi = sources[0].hi;
    for (const s of sources) { if (s.lo < lo) lo = s.lo; if (s.hi > hi) hi = s.hi; }
    if (usesFill) { if (fill < lo) lo = fill; if (fill > hi) hi = fill; }
    return { outputs: [{ dims: outDims, lo, hi }], bounds: {} };
  },
  execute(node, inputs, consts) {
    const idx = indexTable(node, consts);
    const sources = inputs.slice(0, -1);
    let src = sources[0].data;
    if (sources.length > 1) {
      src = new BigInt64Array(sources.reduce((s, t) => s + t.data.length, 0));
      let off = 0;
      for (const s of sources) { src.set(s.data, off); off += s.data.length; }
    }
    return [{ dims: ints(node, 'outDims'), data: K.gather(src, idx.data, big(node, 'fill', 0n)) }];
  },
};

export const reshapeOp: OpDef = {
  op: 'Reshape',
  semantics: 'same data, new dims (row-major order unchanged)',
  proof: 'free: the same multilinear polynomial',
  infer(node, [x]) {
    const outDims = ints(node, 'outDims');
    if (!x || sizeOf(outDims) !== sizeOf(x.dims)) refuse(node, `cannot reshape ${x?.dims} to ${outDims}`);
    return { outputs: [{ dims: outDims, lo: x.lo, hi: x.hi }], bounds: {} };
  },
  execute(node, [x]) {
    return [{ dims: ints(node, 'outDims'), data: x.data }];
  },
};
