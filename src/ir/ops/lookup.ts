// Lookup: a nonlinearity as a table over a bounded integer input range (the table is public data).
import * as K from '../kernels.js';
import { big, str } from '../attrs.js';
import { refuse, sizeOf, type ConstantLookup, type IrNode, type OpDef } from '../types.js';

function table(node: IrNode, consts: ConstantLookup) {
  const name = node.inputs[1];
  const t = name === undefined ? undefined : consts.constant(name);
  if (!t) refuse(node, 'Lookup needs a constant table as its second input');
  return t;
}

export const lookupOp: OpDef = {
  op: 'Lookup',
  semantics: 'out = T[x − tableLo] for x in [tableLo, tableLo + |T|); T is a public constant (its hash is recorded)',
  proof: 'LogUp lookup of (x, out) into the table {(tableLo + j, T[j])} of size |T|',
  infer(node, [x, t], consts) {
    const tab = table(node, consts);
    const lo = big(node, 'tableLo');
    str(node, 'fn');
    if (!x || !t) refuse(node, 'Lookup takes x and a table');
    const size = BigInt(tab.data.length);
    if (x.lo < lo || x.hi >= lo + size) {
      refuse(node, `input bound [${x.lo}, ${x.hi}] is outside the table domain [${lo}, ${lo + size - 1n}]`);
    }
    let tLo = tab.data[0];
    let tHi = tab.data[0];
    for (const v of tab.data) { if (v < tLo) tLo = v; if (v > tHi) tHi = v; }
    return { outputs: [{ dims: x.dims, lo: tLo, hi: tHi }], bounds: { tableSize: size, B_out: tHi > -tLo ? tHi : -tLo } };
  },
  execute(node, [x], consts) {
    const tab = table(node, consts);
    const out = K.lookup(x.data, tab.data, big(node, 'tableLo'));
    if (typeof out === 'number') refuse(node, `input ${x.data[out]} at index ${out} is outside the table (bounds violated)`);
    void sizeOf;
    return [{ dims: x.dims, data: out }];
  },
};
