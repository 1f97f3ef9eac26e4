// String tensors as integers: a string of at most 7 UTF-8 bytes b_0..b_{n−1} is the integer
// 256^n + Σ b_i·256^(n−1−i) (a leading 1 before the big-endian bytes, so "a" and "a\0" differ).
// The map is injective, and every code lies in [1, 2^57), far below p/2, so Equal, Gather,
// Concat and the other ops that only compare or move values are exact on codes. Longer strings
// are refused: no injective map of them into one field element exists.
const utf8 = new TextEncoder();

export const STRING_MAX_BYTES = 7;
export const STRING_CODE_LO = 1n;
export const STRING_CODE_HI = 2n ** 57n - 1n;

/** The code of `s`, or null when its UTF-8 form is longer than STRING_MAX_BYTES. */
export function stringCode(s: string): bigint | null {
  const bytes = utf8.encode(s);
  if (bytes.length > STRING_MAX_BYTES) return null;
  let code = 1n;
  for (const b of bytes) code = (code << 8n) | BigInt(b);
  return code;
}
