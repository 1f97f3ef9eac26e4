import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/train/prng.js';

test('Prng: same seed → same stream, different seeds differ, bounded draws in range', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const sa = Array.from({ length: 100 }, () => a.nextU32());
  const sb = Array.from({ length: 100 }, () => b.nextU32());
  const sc = Array.from({ length: 100 }, () => c.nextU32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32));
  const r = new Prng(1);
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 7000; i++) counts[r.nextInt(7)]!++;
  assert.ok(counts.every((k) => k > 850 && k < 1150), `nextInt(7) counts ${counts}`);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < 20000; i++) { const z = r.nextNormal(); sum += z; sq += z * z; }
  assert.ok(Math.abs(sum / 20000) < 0.05 && Math.abs(sq / 20000 - 1) < 0.05, 'normal deviates have mean 0, variance 1');
  const perm = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  r.shuffle(perm);
  assert.deepEqual([...perm].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
