// SHA-256 of the commitment's Merkle nodes (0x01 ‖ left ‖ right: 65 bytes, two blocks) in
// WebAssembly, for src/pcs/tree-chunks.ts. node:crypto hashes leaves faster (SHA-NI), but a
// 65-byte node costs it ~1.6 µs of call overhead, several times this code's compression of two
// blocks. The compression is unrolled (64 rounds with the state's roles rotating through eight
// locals, the message schedule in sixteen), FIPS 180-4 §6.2.2; the chaining value lives in
// module globals, which are per instance and so per thread.

let h0: u32 = 0;
let h1: u32 = 0;
let h2: u32 = 0;
let h3: u32 = 0;
let h4: u32 = 0;
let h5: u32 = 0;
let h6: u32 = 0;
let h7: u32 = 0;

// @ts-ignore: decorator
@inline function bigSig0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}

// @ts-ignore: decorator
@inline function bigSig1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}

// @ts-ignore: decorator
@inline function sig0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}

// @ts-ignore: decorator
@inline function sig1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}

// @ts-ignore: decorator
@inline function ch(e: u32, f: u32, g: u32): u32 {
  return (e & f) ^ (~e & g);
}

// @ts-ignore: decorator
@inline function maj(a: u32, b: u32, c: u32): u32 {
  return (a & b) ^ (a & c) ^ (b & c);
}

/** One compression of the block w0 … w15 (big-endian words) into h0 … h7. */
function compress(w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32, w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32): void {
  let a = h0;
  let b = h1;
  let c = h2;
  let d = h3;
  let e = h4;
  let f = h5;
  let g = h6;
  let h = h7;
  let t: u32;
  t = h + bigSig1(e) + ch(e, f, g) + 0x428a2f98 + w0; d += t; h = t + bigSig0(a) + maj(a, b, c);
  t = g + bigSig1(d) + ch(d, e, f) + 0x71374491 + w1; c += t; g = t + bigSig0(h) + maj(h, a, b);
  t = f + bigSig1(c) + ch(c, d, e) + 0xb5c0fbcf + w2; b += t; f = t + bigSig0(g) + maj(g, h, a);
  t = e + bigSig1(b) + ch(b, c, d) + 0xe9b5dba5 + w3; a += t; e = t + bigSig0(f) + maj(f, g, h);
  t = d + bigSig1(a) + ch(a, b, c) + 0x3956c25b + w4; h += t; d = t + bigSig0(e) + maj(e, f, g);
  t = c + bigSig1(h) + ch(h, a, b) + 0x59f111f1 + w5; g += t; c = t + bigSig0(d) + maj(d, e, f);
  t = b + bigSig1(g) + ch(g, h, a) + 0x923f82a4 + w6; f += t; b = t + bigSig0(c) + maj(c, d, e);
  t = a + bigSig1(f) + ch(f, g, h) + 0xab1c5ed5 + w7; e += t; a = t + bigSig0(b) + maj(b, c, d);
  t = h + bigSig1(e) + ch(e, f, g) + 0xd807aa98 + w8; d += t; h = t + bigSig0(a) + maj(a, b, c);
  t = g + bigSig1(d) + ch(d, e, f) + 0x12835b01 + w9; c += t; g = t + bigSig0(h) + maj(h, a, b);
  t = f + bigSig1(c) + ch(c, d, e) + 0x243185be + w10; b += t; f = t + bigSig0(g) + maj(g, h, a);
  t = e + bigSig1(b) + ch(b, c, d) + 0x550c7dc3 + w11; a += t; e = t + bigSig0(f) + maj(f, g, h);
  t = d + bigSig1(a) + ch(a, b, c) + 0x72be5d74 + w12; h += t; d = t + bigSig0(e) + maj(e, f, g);
  t = c + bigSig1(h) + ch(h, a, b) + 0x80deb1fe + w13; g += t; c = t + bigSig0(d) + maj(d, e, f);
  t = b + bigSig1(g) + ch(g, h, a) + 0x9bdc06a7 + w14; f += t; b = t + bigSig0(c) + maj(c, d, e);
  t = a + bigSig1(f) + ch(f, g, h) + 0xc19bf174 + w15; e += t; a = t + bigSig0(b) + maj(b, c, d);
  w0 += sig1(w14) + w9 + sig0(w1);
  t = h + bigSig1(e) + ch(e, f, g) + 0xe49b69c1 + w0; d += t; h = t + bigSig0(a) + maj(a, b, c);
  w1 += sig1(w15) + w10 + sig0(w2);
  t = g + bigSig1(d) + ch(d, e, f) + 0xefbe4786 + w1; c += t; g = t + bigSig0(h) + maj(h, a, b);
  w2 += sig1(w0) + w11 + sig0(w3);
  t = f + bigSig1(c) + ch(c, d, e) + 0x0fc19dc6 + w2; b += t; f = t + bigSig0(g) + maj(g, h, a);
  w3 += sig1(w1) + w12 + sig0(w4);
  t = e + bigSig1(b) + ch(b, c, d) + 0x240ca1cc + w3; a += t; e = t + bigSig0(f) + maj(f, g, h);
  w4 += sig1(w2) + w13 + sig0(w5);
  t = d + bigSig1(a) + ch(a, b, c) + 0x2de92c6f + w4; h += t; d = t + bigSig0(e) + maj(e, f, g);
  w5 += sig1(w3) + w14 + sig0(w6);
  t = c + bigSig1(h) + ch(h, a, b) + 0x4a7484aa + w5; g += t; c = t + bigSig0(d) + maj(d, e, f);
  w6 += sig1(w4) + w15 + sig0(w7);
  t = b + bigSig1(g) + ch(g, h, a) + 0x5cb0a9dc + w6; f += t; b = t + bigSig0(c) + maj(c, d, e);
  w7 += sig1(w5) + w0 + sig0(w8);
  t = a + bigSig1(f) + ch(f, g, h) + 0x76f988da + w7; e += t; a = t + bigSig0(b) + maj(b, c, d);
  w8 += sig1(w6) + w1 + sig0(w9);
  t = h + bigSig1(e) + ch(e, f, g) + 0x983e5152 + w8; d += t; h = t + bigSig0(a) + maj(a, b, c);
  w9 += sig1(w7) + w2 + sig0(w10);
  t = g + bigSig1(d) + ch(d, e, f) + 0xa831c66d + w9; c += t; g = t + bigSig0(h) + maj(h, a, b);
  w10 += sig1(w8) + w3 + sig0(w11);
  t = f + bigSig1(c) + ch(c, d, e) + 0xb00327c8 + w10; b += t; f = t + bigSig0(g) + maj(g, h, a);
  w11 += sig1(w9) + w4 + sig0(w12);
  t = e + bigSig1(b) + ch(b, c, d) + 0xbf597fc7 + w11; a += t; e = t + bigSig0(f) + maj(f, g, h);
  w12 += sig1(w10) + w5 + sig0(w13);
  t = d + bigSig1(a) + ch(a, b, c) + 0xc6e00bf3 + w12; h += t; d = t + bigSig0(e) + maj(e, f, g);
  w13 += sig1(w11) + w6 + sig0(w14);
  t = c + bigSig1(h) + ch(h, a, b) + 0xd5a79147 + w13; g += t; c = t + bigSig0(d) + maj(d, e, f);
  w14 += sig1(w12) + w7 + sig0(w15);
  t = b + bigSig1(g) + ch(g, h, a) + 0x06ca6351 + w14; f += t; b = t + bigSig0(c) + maj(c, d, e);
  w15 += sig1(w13) + w8 + sig0(w0);
  t = a + bigSig1(f) + ch(f, g, h) + 0x14292967 + w15; e += t; a = t + bigSig0(b) + maj(b, c, d);
  w0 += sig1(w14) + w9 + sig0(w1);
  t = h + bigSig1(e) + ch(e, f, g) + 0x27b70a85 + w0; d += t; h = t + bigSig0(a) + maj(a, b, c);
  w1 += sig1(w15) + w10 + sig0(w2);
  t = g + bigSig1(d) + ch(d, e, f) + 0x2e1b2138 + w1; c += t; g = t + bigSig0(h) + maj(h, a, b);
  w2 += sig1(w0) + w11 + sig0(w3);
  t = f + bigSig1(c) + ch(c, d, e) + 0x4d2c6dfc + w2; b += t; f = t + bigSig0(g) + maj(g, h, a);
  w3 += sig1(w1) + w12 + sig0(w4);
  t = e + bigSig1(b) + ch(b, c, d) + 0x53380d13 + w3; a += t; e = t + bigSig0(f) + maj(f, g, h);
  w4 += sig1(w2) + w13 + sig0(w5);
  t = d + bigSig1(a) + ch(a, b, c) + 0x650a7354 + w4; h += t; d = t + bigSig0(e) + maj(e, f, g);
  w5 += sig1(w3) + w14 + sig0(w6);
  t = c + bigSig1(h) + ch(h, a, b) + 0x766a0abb + w5; g += t; c = t + bigSig0(d) + maj(d, e, f);
  w6 += sig1(w4) + w15 + sig0(w7);
  t = b + bigSig1(g) + ch(g, h, a) + 0x81c2c92e + w6; f += t; b = t + bigSig0(c) + maj(c, d, e);
  w7 += sig1(w5) + w0 + sig0(w8);
  t = a + bigSig1(f) + ch(f, g, h) + 0x92722c85 + w7; e += t; a = t + bigSig0(b) + maj(b, c, d);
  w8 += sig1(w6) + w1 + sig0(w9);
  t = h + bigSig1(e) + ch(e, f, g) + 0xa2bfe8a1 + w8; d += t; h = t + bigSig0(a) + maj(a, b, c);
  w9 += sig1(w7) + w2 + sig0(w10);
  t = g + bigSig1(d) + ch(d, e, f) + 0xa81a664b + w9; c += t; g = t + bigSig0(h) + maj(h, a, b);
  w10 += sig1(w8) + w3 + sig0(w11);
  t = f + bigSig1(c) + ch(c, d, e) + 0xc24b8b70 + w10; b += t; f = t + bigSig0(g) + maj(g, h, a);
  w11 += sig1(w9) + w4 + sig0(w12);
  t = e + bigSig1(b) + ch(b, c, d) + 0xc76c51a3 + w11; a += t; e = t + bigSig0(f) + maj(f, g, h);
  w12 += sig1(w10) + w5 + sig0(w13);
  t = d + bigSig1(a) + ch(a, b, c) + 0xd192e819 + w12; h += t; d = t + bigSig0(e) + maj(e, f, g);
  w13 += sig1(w11) + w6 + sig0(w14);
  t = c + bigSig1(h) + ch(h, a, b) + 0xd6990624 + w13; g += t; c = t + bigSig0(d) + maj(d, e, f);
  w14 += sig1(w12) + w7 + sig0(w15);
  t = b + bigSig1(g) + ch(g, h, a) + 0xf40e3585 + w14; f += t; b = t + bigSig0(c) + maj(c, d, e);
  w15 += sig1(w13) + w8 + sig0(w0);
  t = a + bigSig1(f) + ch(f, g, h) + 0x106aa070 + w15; e += t; a = t + bigSig0(b) + maj(b, c, d);
  w0 += sig1(w14) + w9 + sig0(w1);
  t = h + bigSig1(e) + ch(e, f, g) + 0x19a4c116 + w0; d += t; h = t + bigSig0(a) + maj(a, b, c);
  w1 += sig1(w15) + w10 + sig0(w2);
  t = g + bigSig1(d) + ch(d, e, f) + 0x1e376c08 + w1; c += t; g = t + bigSig0(h) + maj(h, a, b);
  w2 += sig1(w0) + w11 + sig0(w3);
  t = f + bigSig1(c) + ch(c, d, e) + 0x2748774c + w2; b += t; f = t + bigSig0(g) + maj(g, h, a);
  w3 += sig1(w1) + w12 + sig0(w4);
  t = e + bigSig1(b) + ch(b, c, d) + 0x34b0bcb5 + w3; a += t; e = t + bigSig0(f) + maj(f, g, h);
  w4 += sig1(w2) + w13 + sig0(w5);
  t = d + bigSig1(a) + ch(a, b, c) + 0x391c0cb3 + w4; h += t; d = t + bigSig0(e) + maj(e, f, g);
  w5 += sig1(w3) + w14 + sig0(w6);
  t = c + bigSig1(h) + ch(h, a, b) + 0x4ed8aa4a + w5; g += t; c = t + bigSig0(d) + maj(d, e, f);
  w6 += sig1(w4) + w15 + sig0(w7);
  t = b + bigSig1(g) + ch(g, h, a) + 0x5b9cca4f + w6; f += t; b = t + bigSig0(c) + maj(c, d, e);
  w7 += sig1(w5) + w0 + sig0(w8);
  t = a + bigSig1(f) + ch(f, g, h) + 0x682e6ff3 + w7; e += t; a = t + bigSig0(b) + maj(b, c, d);
  w8 += sig1(w6) + w1 + sig0(w9);
  t = h + bigSig1(e) + ch(e, f, g) + 0x748f82ee + w8; d += t; h = t + bigSig0(a) + maj(a, b, c);
  w9 += sig1(w7) + w2 + sig0(w10);
  t = g + bigSig1(d) + ch(d, e, f) + 0x78a5636f + w9; c += t; g = t + bigSig0(h) + maj(h, a, b);
  w10 += sig1(w8) + w3 + sig0(w11);
  t = f + bigSig1(c) + ch(c, d, e) + 0x84c87814 + w10; b += t; f = t + bigSig0(g) + maj(g, h, a);
  w11 += sig1(w9) + w4 + sig0(w12);
  t = e + bigSig1(b) + ch(b, c, d) + 0x8cc70208 + w11; a += t; e = t + bigSig0(f) + maj(f, g, h);
  w12 += sig1(w10) + w5 + sig0(w13);
  t = d + bigSig1(a) + ch(a, b, c) + 0x90befffa + w12; h += t; d = t + bigSig0(e) + maj(e, f, g);
  w13 += sig1(w11) + w6 + sig0(w14);
  t = c + bigSig1(h) + ch(h, a, b) + 0xa4506ceb + w13; g += t; c = t + bigSig0(d) + maj(d, e, f);
  w14 += sig1(w12) + w7 + sig0(w15);
  t = b + bigSig1(g) + ch(g, h, a) + 0xbef9a3f7 + w14; f += t; b = t + bigSig0(c) + maj(c, d, e);
  w15 += sig1(w13) + w8 + sig0(w0);
  t = a + bigSig1(f) + ch(f, g, h) + 0xc67178f2 + w15; e += t; a = t + bigSig0(b) + maj(b, c, d);
  h0 += a;
  h1 += b;
  h2 += c;
  h3 += d;
  h4 += e;
  h5 += f;
  h6 += g;
  h7 += h;
}

/** Big-endian word of the 4 bytes at p. */
// @ts-ignore: decorator
@inline function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

/**
 * out + 32·i ← SHA-256(0x01 ‖ the 64 bytes at below + 64·i) for i < count: a level of the tree
 * from the level below it (children 2i and 2i + 1 are adjacent).
 */
export function merkleNodes(below: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const s = below + (<usize>i << 6);
    h0 = 0x6a09e667;
    h1 = 0xbb67ae85;
    h2 = 0x3c6ef372;
    h3 = 0xa54ff53a;
    h4 = 0x510e527f;
    h5 = 0x9b05688c;
    h6 = 0x1f83d9ab;
    h7 = 0x5be0cd19;
    // Block 1: 0x01 and the first 63 bytes, so word j is bytes s − 1 + 4j … s + 2 + 4j.
    compress(
      0x01000000 | (<u32>load<u8>(s) << 16) | (<u32>load<u8>(s, 1) << 8) | <u32>load<u8>(s, 2),
      be32(s + 3), be32(s + 7), be32(s + 11), be32(s + 15), be32(s + 19), be32(s + 23), be32(s + 27),
      be32(s + 31), be32(s + 35), be32(s + 39), be32(s + 43), be32(s + 47), be32(s + 51), be32(s + 55), be32(s + 59),
    );
    // Block 2: the last byte, the 0x80 terminator, zeros, and the length 65·8 = 520 bits.
    compress((<u32>load<u8>(s, 63) << 24) | 0x800000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 520);
    const o = out + (<usize>i << 5);
    store<u32>(o, bswap<u32>(h0));
    store<u32>(o, bswap<u32>(h1), 4);
    store<u32>(o, bswap<u32>(h2), 8);
    store<u32>(o, bswap<u32>(h3), 12);
    store<u32>(o, bswap<u32>(h4), 16);
    store<u32>(o, bswap<u32>(h5), 20);
    store<u32>(o, bswap<u32>(h6), 24);
    store<u32>(o, bswap<u32>(h7), 28);
  }
}
