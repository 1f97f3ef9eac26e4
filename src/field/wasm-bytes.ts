// Decodes the base64 that scripts/build-wasm.mjs embeds in src/gen/*.wasm.ts. Uses atob (a
// global in browsers and in Node ≥ 16), not Buffer, so the verifier bundles for browsers.
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof atob !== 'function') throw new Error('decodeBase64: no global atob in this JavaScript environment');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
