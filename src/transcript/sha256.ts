// SHA-256 for the transcript, the Merkle trees and key hashes. node:crypto's one-shot hash when
// the platform has it (the same bytes as @noble/hashes; ≈ 1.7× faster on 65-byte Merkle nodes
// and ≈ 5× on kilobyte leaves), reached through process.getBuiltinModule so that no static Node
// import enters a browser bundle; elsewhere (browsers, bare V8) @noble/hashes.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

type OneShot = (alg: string, data: Uint8Array, encoding: 'buffer') => Uint8Array;

function nodeOneShot(): OneShot | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:crypto') as { hash?: OneShot } | undefined;
  return typeof mod?.hash === 'function' ? mod.hash : undefined;
}

const oneShot = nodeOneShot();

export function sha256(data: Uint8Array): Uint8Array {
  if (oneShot === undefined) return nobleSha256(data);
  // a Buffer may be a view into Node's shared pool: copy its 32 bytes into an array of its own
  return new Uint8Array(oneShot('sha256', data, 'buffer'));
}

/** SHA-256 of data written into out at offset `at` (no intermediate copy with node:crypto). */
export function sha256Into(data: Uint8Array, out: Uint8Array, at: number): void {
  out.set(oneShot === undefined ? nobleSha256(data) : oneShot('sha256', data, 'buffer'), at);
}
