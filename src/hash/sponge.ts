// The Poseidon2 sponge zkinfer hashes with: width 12, rate 8 (state[0..8)), capacity 4
// (state[8..12)), overwrite mode, a 4-element output.
//
//   state ← [0, 0, 0, 0, 0, 0, 0, 0, iv_0, iv_1, iv_2, iv_3]
//   for each block b of 8 input elements (the last one zero-filled; at least one block):
//       state[0..8) ← b;  state ← Poseidon2(state)
//   output state[0..4)
//
// Overwrite mode (the rate is replaced, not added to) makes the chaining between two
// permutations carry only the 4 capacity words, which is what the digest proof checks.
// Zero-filling the last block is injective only among inputs of one length, so the IV must
// determine the input length: the digest's IV does (src/hash/digest.ts).
import * as F from '../field/goldilocks.js';
import { permute } from './poseidon2.js';

export const RATE = 8;
export const CAPACITY = 4;
export const OUTPUT = 4;

function checkElements(xs: readonly bigint[], where: string): void {
  for (const x of xs) if (typeof x !== 'bigint' || !F.isCanonical(x)) throw new RangeError(`${where}: ${String(x)} is not a canonical field element`);
}

/** Number of permutations the sponge runs on n input elements. */
export function blockCount(n: number): number {
  return Math.max(1, Math.ceil(n / RATE));
}

/** Scalar reference sponge (BigInt); the bulk path is digest()'s WASM kernel. */
export function spongeReference(iv: readonly bigint[], input: readonly bigint[]): bigint[] {
  if (iv.length !== CAPACITY) throw new RangeError(`sponge: the IV has ${iv.length} elements, expected ${CAPACITY}`);
  checkElements(iv, 'sponge IV');
  checkElements(input, 'sponge input');
  let state: bigint[] = [...new Array<bigint>(RATE).fill(0n), ...iv];
  for (let b = 0; b < blockCount(input.length); b++) {
    for (let i = 0; i < RATE; i++) state[i] = input[b * RATE + i] ?? 0n;
    state = permute(state);
  }
  return state.slice(0, OUTPUT);
}
