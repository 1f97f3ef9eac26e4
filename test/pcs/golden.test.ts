// Byte-identity of commit and open given the same randomness: with the platform RNG replaced
// by a deterministic stream, the roots and opening proofs must equal the ones the reference
// implementation (one NTT per row, JS transposition, one hash call per leaf and node; commit
// 59777aa) produced. Any change to the encoding, the leaves, the tree, the row combinations
// or the order in which randomness is drawn changes these digests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as E from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { HashPcs } from '../../src/pcs/index.js';
import type { HashPcsParams } from '../../src/pcs/index.js';
import { Rng, claimOf, pointOf, typicalClaims } from './helpers.js';
import * as F from '../../src/field/goldilocks.js';

const FULL = process.env.ZKINFER_FULL !== undefined;

/** Replaces globalThis.crypto.getRandomValues by SHA-256 in counter mode while `f` runs. */
function withDeterministicRng<T>(seed: string, f: () => T): T {
  const c = globalThis.crypto as { getRandomValues: <A extends ArrayBufferView>(a: A) => A };
  const original = c.getRandomValues;
  let counter = 0;
  let pool = new Uint8Array(0);
  let pos = 0;
  c.getRandomValues = <A extends ArrayBufferView>(a: A): A => {
    const out = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < out.length; i++) {
      if (pos === pool.length) {
        const h = createHash('sha256');
        for (let b = 0; b < 64; b++) h.update(`${seed}/${counter++}`);
        pool = new Uint8Array(h.digest());
        pos = 0;
      }
      out[i] = pool[pos++];
    }
    return a;
  };
  try {
    return f();
  } finally {
    c.getRandomValues = original;
  }
}

function vec(rng: Rng, n: number): BigUint64Array {
  const v = new BigUint64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.u64() % F.P;
  return v;
}

function digests(sizes: number[], seed: number, params: Partial<HashPcsParams>): { root: string; proof: string } {
  const pcs = new HashPcs(params);
  const rng = new Rng(seed);
  const polys = sizes.map((s) => vec(rng, s));
  const claims = typicalClaims(rng, polys);
  claims.push(claimOf(polys, [{ poly: polys.length - 1, coeff: E.ONE, point: pointOf(rng, Math.ceil(Math.log2(sizes[sizes.length - 1]))) }]));
  return withDeterministicRng(`golden-${seed}`, () => {
    const { commitment, state } = pcs.commit(polys);
    const proof = pcs.serializeProof(pcs.open(state, claims, new Transcript('golden')));
    return { root: Buffer.from(commitment.root).toString('hex'), proof: createHash('sha256').update(proof).digest('hex') };
  });
}

type Case = { sizes: number[]; seed: number; params: Partial<HashPcsParams>; full?: boolean; root: string; proof: string };
const CASES: Case[] = [
  { sizes: [1, 4], seed: 1, params: {}, root: 'b93db6eae54c8de6c922fe3d677d7828f7aa6ff502495b60cec504d901c7b1bd', proof: '052e93763efade034d7a4f0deee9aa28f0523f3319e6746e1ecbf43e0acd0f48' },
  { sizes: [1000, 4], seed: 2, params: {}, root: '07e1e7d9eb97309cbfa5b5463bc1f7eb198896a7fcec66e21a12a73954259df5', proof: '1d13d079adbfd25ddc2d61f5b33ad886a00c050e703aa35c94d615eee82ad618' },
  { sizes: [(1 << 12) + 3, 100, 8], seed: 3, params: {}, root: '2af93a76d708428886108a7a9ebe0c23dfe3eaba601283c3585fcda31137ba86', proof: '3eda7bf293d785107af16cbeb1b80f0f0c0321a1bad09fe4920d49f91939ea11' },
  { sizes: [1 << 14, 4], seed: 4, params: { rowLog: 2 }, root: 'c7485fdb77a19397b6706f15b2cef9b424094d71d7ff2cab52b689c129bd7d24', proof: '56c82ca636d0157453f476c2b8476fdb37c8f20866ca395b0868be1c100ca8a2' },
  { sizes: [1 << 16, 4], seed: 5, params: {}, root: '30669f74db51f90e0d418da4186a971ae93f8f8bd8690cfe7de2ee8c9821d02c', proof: 'af928cef89da9b386fb9781612800dadfc54b41a0f859e71a6f47a944c05fdf5' },
  { sizes: [1 << 15, 4], seed: 6, params: { blowup: 4 }, root: 'fb46887e4138cc47c728dec737580b04d154ff19a32476a7526758d3f8acd0f2', proof: '00e31530e771b450037fb71642fef96ee82ef981801bfb2ccf72210f9c12b87f' },
  { sizes: [1 << 13, 4], seed: 7, params: { rowLog: 12 }, root: 'd1060c9daf2713498d63b204f46874af8d82a554203e0c8e2232bcc88918f652', proof: '9a05b3d78ffebe17d2befd10fd0960b4aaef5db5b815726d094fe9311af68a87' },
  { sizes: [1 << 18, 4], seed: 8, params: {}, full: true, root: '041fa1a873755214901e6eafa3500f69b6ad4a54a30fd816d13e1483415cf2a9', proof: 'f08f8dfb02e526e8d4a10eb4b2b63a8d5000ecd16628b32abb7080a58fb2a04e' },
  { sizes: [(1 << 20) + 5, 4], seed: 9, params: {}, full: true, root: '0256d90da0750f8e6c098b4c76f8e3d327e9e082724348843fd22c4d4c1ab3a4', proof: '9522df0c7d9f4e686363899b45c97eb298bc6ad4365f66de8b86fffe287968d9' },
];

test('commit and open are byte-identical to the reference implementation (deterministic RNG)', () => {
  if (process.env.ZKINFER_PRINT_GOLDEN !== undefined) {
    for (const c of CASES) console.log(JSON.stringify({ sizes: c.sizes, seed: c.seed, ...digests(c.sizes, c.seed, c.params) }));
    return;
  }
  for (const c of CASES) {
    if (c.full === true && !FULL) continue;
    // twice: the second commitment reuses the first one's buffers (buffers.ts), which hold its data
    for (let run = 0; run < 2; run++) assert.deepEqual(digests(c.sizes, c.seed, c.params), { root: c.root, proof: c.proof }, `sizes ${c.sizes.join(', ')}, run ${run}`);
  }
});
