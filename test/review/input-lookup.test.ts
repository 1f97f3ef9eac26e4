// Review finding (completeness): a private input that feeds a Lookup directly cannot be proven.
// The merged LogUp batch (src/layers/ranges.ts mergedRangeShape, used by src/prove/prove.ts)
// holds the input twice — as the extra column of its range check and as the key column of the
// table lookup — so the same MaskedPoly is revealed twice at the same point, and
// MaskedPoly.noteReveal refuses ("reveal point dependent on earlier reveals"). The refusal is
// the right ZK behaviour; the bug was the duplicate table, fixed in the merged shape: this test
// keeps it fixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/ir/builder.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { verify } from '../../src/verify/verify.js';

test('review: input → Lookup (ReLU table) proves and verifies', () => {
  const g = new GraphBuilder('input-lookup', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 4], scale: 1, lo: -8n, hi: 7n });
  const t = g.addConstant('t', { dims: [16], data: BigInt64Array.from({ length: 16 }, (_, j) => BigInt(Math.max(0, j - 8))) }, 'public');
  const [y] = g.add('Lookup', ['x', t], { tableLo: -8n, fn: 'Relu' }, 'relu', 'lookup', [1]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 4], scale: 1 });
  const { pk, vk } = setup(g.finish(), { weights: 'public' });
  const { proof } = prove(pk, new Map([['x', { dims: [1, 4], data: BigInt64Array.from([-3n, 5n, 0n, 7n]) }]]));
  assert.deepEqual(verify(vk, proof).outputs.get('y'), [0, 5, 0, 7]);
});
