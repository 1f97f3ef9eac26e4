// The classic-ML integer ops and the exact threshold rounding, against direct float/BigInt
// evaluation on random cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { integerTest } from '../../src/quant/ml/tree-ensemble.js';
import { ceilRatio, floorRatio, ratio, roundRatio } from '../../src/quant/ml/exact.js';
import { treeEnsembleOp, TREE_MODE_EQ } from '../../src/ir/ml/tree-ensemble.js';
import { affineOp } from '../../src/ir/ml/affine.js';
import { tile } from '../../src/ir/ml/tile.js';
import { CompileError, type IrNode, type IrTensor, type IrValueInfo } from '../../src/ir/types.js';
import { Prng } from '../../src/train/prng.js';

// The float test on the real value X·s, decided exactly: sign(X·s − t) = sign(X·den − num)
// for t / s = num / den (den > 0). (X * s in doubles rounds: 18 · 0.333…3 gives 6.)
const realTest: Record<string, (c: number) => boolean> = {
  BRANCH_LEQ: (c) => c <= 0,
  BRANCH_LT: (c) => c < 0,
  BRANCH_GTE: (c) => c >= 0,
  BRANCH_GT: (c) => c > 0,
  BRANCH_EQ: (c) => c === 0,
  BRANCH_NEQ: (c) => c !== 0,
};
function compareReal(X: number, t: number, s: number): number {
  const { num, den } = ratio(t, s);
  const d = BigInt(X) * den - num;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

test('integer thresholds decide like the float test for every representable input', () => {
  const rng = new Prng(7);
  const scales = [1, 0.5, 0.25, 1 / 3, 0.1, 0.007, 3.7];
  for (const s of scales) {
    for (let trial = 0; trial < 200; trial++) {
      // Thresholds on the grid, half-way, and arbitrary, in and beyond the input range.
      const kind = trial % 3;
      const grid = rng.nextInt(81) - 40;
      const t = kind === 0 ? grid * s : kind === 1 ? (grid + 0.5) * s : (rng.nextFloat() * 100 - 50) * s;
      for (const mode of Object.keys(realTest)) {
        const it = integerTest(mode, t, s, -30n, 30n);
        for (let X = -30; X <= 30; X++) {
          const expected = realTest[mode]!(compareReal(X, t, s));
          // With power-of-two scales X·s is exact in doubles: the plain float test must agree too.
          if (Number.isInteger(Math.log2(s))) {
            const c = X * s - t;
            assert.equal(expected, realTest[mode]!(c < 0 ? -1 : c > 0 ? 1 : 0));
          }
          const holds = it.mode === TREE_MODE_EQ ? BigInt(X) === it.threshold : BigInt(X) <= it.threshold;
          assert.equal(it.swap ? !holds : holds, expected, `mode ${mode} t=${t} s=${s} X=${X}`);
        }
        assert.ok(it.threshold >= -31n && it.threshold <= 30n, 'threshold clamped to [lo − 1, hi]');
      }
    }
  }
});

test('exact rational floor/ceil/round of t / s', () => {
  assert.equal(floorRatio(0.3, 0.1), 2n); // 0.3 / 0.1 as doubles is 2.9999999999999996
  assert.equal(ceilRatio(0.3, 0.1), 3n);
  assert.equal(floorRatio(-2.5, 1), -3n);
  assert.equal(ceilRatio(-2.5, 1), -2n);
  assert.equal(roundRatio(2.5, 1), 3n);
  assert.equal(roundRatio(-2.5, 1), -2n);
  const { num, den } = ratio(0.1, 3);
  assert.equal(num * 3n * 10n > den, true); // the double 0.1 is slightly above 1/10
});

function info(name: string, dims: number[], lo: bigint, hi: bigint): IrValueInfo {
  return { name, dims, kind: 'weight', lo, hi, scale: 1 };
}
function tensor(dims: number[], values: number[]): IrTensor {
  return { dims, data: BigInt64Array.from(values.map(BigInt)) };
}
function nodeOf(op: string, attrs: IrNode['attrs']): IrNode {
  return { op, name: 'test', inputs: [], outputs: [], attrs, source: 'test', bounds: {} };
}
const noConsts = { constant: () => undefined };

test('MlTreeEnsemble: walks complete trees and sums leaves exactly (vs a direct walk)', () => {
  const rng = new Prng(11);
  const depth = 3;
  const trees = 5;
  const targets = 2;
  const n = 40;
  const f = 4;
  const internal = 2 ** depth - 1;
  const feats: number[] = [];
  const thr: number[] = [];
  const modes: number[] = [];
  for (let i = 0; i < trees * internal; i++) {
    feats.push(rng.nextInt(f));
    thr.push(rng.nextInt(21) - 10);
    modes.push(rng.nextInt(5) === 0 ? 1 : 0);
  }
  const leaves = Array.from({ length: trees * 2 ** depth * targets }, () => rng.nextInt(2001) - 1000);
  const base = [17, -3];
  const xs = Array.from({ length: n * f }, () => rng.nextInt(25) - 12);
  // the one-hot selector [F, nodes]: column k has its 1 in row feats[k]
  const selector = Array.from({ length: f * trees * internal }, (_, e) => (feats[e % (trees * internal)] === Math.floor(e / (trees * internal)) ? 1 : 0));
  const inputs = [
    tensor([n, f], xs), tensor([f, trees * internal], selector), tensor([trees, internal], thr), tensor([trees, internal], modes),
    tensor([trees, 2 ** depth, targets], leaves), tensor([targets], base),
  ];
  for (const aggregate of ['SUM', 'MIN', 'MAX'] as const) {
    const node = nodeOf('MlTreeEnsemble', { depth, trees, targets, aggregate });
    const inf = treeEnsembleOp.infer(node, [
      info('x', [n, f], -12n, 12n), info('f', [f, trees * internal], 0n, 1n), info('t', [trees, internal], -13n, 12n),
      info('m', [trees, internal], 0n, 1n), info('l', [trees, 2 ** depth, targets], -1000n, 1000n), info('b', [targets], -17n, 17n),
    ], noConsts);
    const [out] = treeEnsembleOp.execute(node, inputs, noConsts);
    for (let r = 0; r < n; r++) {
      for (let t = 0; t < targets; t++) {
        let acc: number | undefined;
        for (let tree = 0; tree < trees; tree++) {
          let i = 0;
          for (let l = 0; l < depth; l++) {
            const k = tree * internal + i;
            const v = xs[r * f + feats[k]!]!;
            i = (modes[k] === 1 ? v === thr[k] : v <= thr[k]!) ? 2 * i + 1 : 2 * i + 2;
          }
          const w = leaves[(tree * 2 ** depth + i - internal) * targets + t]!;
          acc = acc === undefined ? w : aggregate === 'SUM' ? acc + w : aggregate === 'MIN' ? Math.min(acc, w) : Math.max(acc, w);
        }
        const expected = BigInt(acc! + base[t]!);
        const got = out!.data[r * targets + t]!;
        assert.equal(got, expected, `${aggregate} row ${r} target ${t}`);
        assert.ok(got >= inf.outputs[0]!.lo && got <= inf.outputs[0]!.hi, 'output within its static bound');
      }
    }
  }
});

test('MlTreeEnsemble refuses selectors, modes and thresholds outside its contract', () => {
  const node = nodeOf('MlTreeEnsemble', { depth: 1, trees: 1, targets: 1, aggregate: 'SUM' });
  const good = [info('x', [2, 3], -5n, 5n), info('f', [3, 1], 0n, 1n), info('t', [1, 1], -6n, 5n), info('m', [1, 1], 0n, 1n),
    info('l', [1, 2, 1], -9n, 9n), info('b', [1], 0n, 0n)];
  treeEnsembleOp.infer(node, good, noConsts);
  const bad = (i: number, v: IrValueInfo) => good.map((g, j) => (j === i ? v : g));
  assert.throws(() => treeEnsembleOp.infer(node, bad(1, info('f', [3, 1], 0n, 2n)), noConsts), CompileError);
  assert.throws(() => treeEnsembleOp.infer(node, bad(1, info('f', [1, 1], 0n, 1n)), noConsts), CompileError); // not [F, nodes]
  // the tested value is Σ_f X[n, f]·selector[f, j]: X[n, 1] for the one-hot column, X[n, 0] + X[n, 1] for another
  const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  const rest = [tensor([1, 1], [5]), tensor([1, 1], [0]), tensor([1, 2, 1], [1, 2]), tensor([1], [0])];
  const run = (column: number[]): bigint[] => Array.from(treeEnsembleOp.execute(node, [x, tensor([3, 1], column), ...rest], noConsts)[0]!.data);
  assert.deepEqual(run([0, 1, 0]), [1n, 1n]);
  assert.deepEqual(run([1, 1, 0]), [1n, 2n]);
  assert.throws(() => treeEnsembleOp.infer(node, bad(3, info('m', [1, 1], 0n, 2n)), noConsts), CompileError);
  assert.throws(() => treeEnsembleOp.infer(node, bad(2, info('t', [1, 1], -7n, 5n)), noConsts), CompileError);
  assert.throws(() => treeEnsembleOp.infer(node, bad(4, info('l', [1, 3, 1], -9n, 9n)), noConsts), CompileError);
});

test('MlAffine: x·A[c] + C[c] per channel, exact', () => {
  const x = tensor([3, 4], [1, -2, 3, -4, 5, 6, -7, 8, 0, 1, 2, 3]);
  const a = tensor([4], [3, -5, 7, 1 << 20]);
  const c = tensor([4], [10, 0, -10, 5]);
  const node = nodeOf('MlAffine', { inner: 1 });
  const inf = affineOp.infer(node, [info('x', [3, 4], -8n, 8n), info('a', [4], -(1n << 20n), 1n << 20n), info('c', [4], -10n, 10n)], noConsts);
  const [out] = affineOp.execute(node, [x, a, c], noConsts);
  for (let i = 0; i < 12; i++) {
    const ch = i % 4;
    assert.equal(out!.data[i], x.data[i]! * a.data[ch]! + c.data[ch]!);
  }
  assert.equal(inf.bounds.B_product, 8n << 20n);
  assert.deepEqual(Array.from(tile(BigInt64Array.from([1n, 2n]), 3, 10)), [1n, 1n, 1n, 2n, 2n, 2n, 1n, 1n, 1n, 2n]);
});
