// JSON for the public data a browser verifier needs besides the proof bytes (commitments, claims,
// statements, keys): bigints, BigUint64Arrays and Uint8Arrays (base64) become tagged objects, so
// the page rebuilds exactly the values Node used. Browser-safe: no Node imports, no Buffer.

const CHUNK = 1 << 15;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof BigUint64Array) return { $u64: Array.from(value, (x) => x.toString()) };
  if (value instanceof Uint8Array) return { $u8: toBase64(value) };
  if (ArrayBuffer.isView(value)) throw new TypeError(`wire: no encoding for ${value.constructor.name}`);
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const t = value as Partial<Record<'$bigint' | '$u64' | '$u8', unknown>>;
  if (typeof t.$bigint === 'string') return BigInt(t.$bigint);
  if (Array.isArray(t.$u64)) return BigUint64Array.from(t.$u64 as string[], (x) => BigInt(x));
  if (typeof t.$u8 === 'string') return fromBase64(t.$u8);
  return value;
}

export function toWire(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function fromWire<T>(text: string): T {
  return JSON.parse(text, reviver) as T;
}
