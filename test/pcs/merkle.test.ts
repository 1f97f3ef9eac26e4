// Merkle multiproofs: every subset opens and verifies; a sibling or leaf change is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree, openMultiproof } from '../../src/pcs/merkle-build.js';
import { bytesEqual, hashLeaf, hashNode, rootFromMultiproof } from '../../src/pcs/merkle.js';
import { Rng } from './helpers.js';
import { kernels } from '../../src/field/kernel.js';

function tree(logN: number, leafBytes: number, seed: number): { leaves: Uint8Array; levels: Uint8Array[] } {
  const rng = new Rng(seed);
  const leaves = Uint8Array.from({ length: (2 ** logN) * leafBytes }, () => Number(rng.u64() & 0xffn));
  return { leaves, levels: buildTree(leaves, leafBytes, logN) };
}

test('the prover tree (node:crypto when present) equals the portable hashes', () => {
  const { leaves, levels } = tree(3, 24, 1);
  const lh = Array.from({ length: 8 }, (_, j) => hashLeaf(leaves.subarray(24 * j, 24 * (j + 1))));
  let level = lh;
  while (level.length > 1) level = Array.from({ length: level.length / 2 }, (_, i) => hashNode(level[2 * i], level[2 * i + 1]));
  assert.ok(bytesEqual(level[0], levels[3]));
});

test('the merkleNodes kernel (WebAssembly SHA-256 of 0x01 ‖ left ‖ right) equals hashNode', () => {
  const rng = new Rng(7);
  const count = 37;
  const e = kernels();
  e.reset();
  const below = e.alloc(8 * count);
  const out = e.alloc(4 * count);
  const mem = new Uint8Array(e.memory.buffer);
  for (let i = 0; i < 64 * count; i++) mem[below + i] = Number(rng.u64() & 0xffn);
  e.k.merkleNodes(below, out, count);
  for (let i = 0; i < count; i++) {
    const expected = hashNode(mem.slice(below + 64 * i, below + 64 * i + 32), mem.slice(below + 64 * i + 32, below + 64 * i + 64));
    assert.ok(bytesEqual(mem.slice(out + 32 * i, out + 32 * i + 32), expected), `node ${i}`);
  }
});

test('multiproofs of every subset of a small tree verify, and tampering fails', () => {
  const logN = 4;
  const { leaves, levels } = tree(logN, 8, 2);
  const root = levels[logN];
  const rng = new Rng(3);
  for (let mask = 1; mask < 1 << 16; mask += 1 + Number(rng.u64() % 997n)) {
    const idx = Array.from({ length: 16 }, (_, i) => i).filter((i) => (mask >> i) & 1);
    const hashes = idx.map((j) => hashLeaf(leaves.subarray(8 * j, 8 * j + 8)));
    const sib = openMultiproof(levels, idx);
    assert.ok(bytesEqual(rootFromMultiproof(logN, idx, hashes, sib), root), `subset ${mask}`);
    if (sib.length > 0) {
      const bad = sib.map((s, i) => (i === sib.length - 1 ? s.map((x, k) => (k === 31 ? x ^ 4 : x)) : s));
      assert.ok(!bytesEqual(rootFromMultiproof(logN, idx, hashes, bad), root));
      assert.throws(() => rootFromMultiproof(logN, idx, hashes, sib.slice(1)), RangeError);
    }
    assert.throws(() => rootFromMultiproof(logN, idx, hashes, [...sib, root]), RangeError);
  }
  assert.throws(() => openMultiproof(levels, [3, 2]), RangeError);
  assert.throws(() => openMultiproof(levels, [16]), RangeError);
});
