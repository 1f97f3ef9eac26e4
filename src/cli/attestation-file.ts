// Attestation files and flags of the CLI. An issuer runs `zkinfer attest` over raw integer
// fields and hands the holder a JSON file (schema id, fields, salt, digest, signature, the
// issuer's public key); the holder proves with `--attestation file`; a verifier passes the
// issuer's public key and the signature with `--issuer-key` and `--signature`.
import { existsSync, readFileSync } from 'node:fs';
import { FormatError } from '../encoding/errors.js';
import * as F from '../field/goldilocks.js';
import type { Salt } from '../hash/digest.js';
import { issueAttestation } from '../prove/attested.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Attestation } from '../verify/attested.js';
import type { VerifyingKey } from '../verify/vk.js';

/** What `zkinfer attest` writes. */
export interface AttestationFile {
  readonly input: string;
  readonly schema: number;
  readonly fields: number[];
  readonly salt: [string, string];
  readonly digest: string[];
  readonly signature: string;
  readonly issuerPublicKey: string;
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function fromHex(s: string, bytes: number, what: string): Uint8Array {
  const t = s.trim().replace(/^0x/i, '');
  if (t.length !== 2 * bytes || !/^[0-9a-f]*$/i.test(t)) throw new FormatError(`${what}: expected ${bytes} bytes of hex`);
  return Uint8Array.from({ length: bytes }, (_, i) => parseInt(t.slice(2 * i, 2 * i + 2), 16));
}

function fieldElement(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) throw new FormatError(`${what}: expected a decimal string`);
  const x = BigInt(v);
  if (!F.isCanonical(x)) throw new FormatError(`${what}: not a field element`);
  return x;
}

/** Reads an attestation file; returns the input it is for, its fields and the salt. */
export function readAttestationFile(path: string): { input: string; schema: number; fields: number[]; salt: Salt } {
  if (!existsSync(path)) throw new FormatError(`attestation file ${path} does not exist`);
  let j: Partial<AttestationFile>;
  try {
    j = JSON.parse(readFileSync(path, 'utf8')) as Partial<AttestationFile>;
  } catch (e) {
    throw new FormatError(`${path}: not JSON (${(e as Error).message})`);
  }
  if (typeof j.input !== 'string') throw new FormatError(`${path}: "input" (the model input's name) is missing`);
  if (!Number.isInteger(j.schema)) throw new FormatError(`${path}: "schema" is missing`);
  if (!Array.isArray(j.fields) || !j.fields.every((x) => Number.isInteger(x))) throw new FormatError(`${path}: "fields" must be integers`);
  if (!Array.isArray(j.salt) || j.salt.length !== 2) throw new FormatError(`${path}: "salt" must be two decimal field elements`);
  return { input: j.input, schema: j.schema!, fields: j.fields, salt: [fieldElement(j.salt[0], `${path}: salt`), fieldElement(j.salt[1], `${path}: salt`)] };
}

/** `name=hex` or `hex` (the key's only attested input), as a map by input name. */
function byInput(values: readonly string[] | undefined, vk: VerifyingKey, flag: string): Map<string, string> {
  const attested = vk.inputs.filter((i) => i.visibility === 'attested').map((i) => i.name);
  const out = new Map<string, string>();
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const name = eq >= 0 ? v.slice(0, eq) : attested.length === 1 ? attested[0] : null;
    if (name === null) throw new FormatError(`${flag}: name the input (name=hex): the key has ${attested.length} attested inputs`);
    if (!attested.includes(name)) throw new FormatError(`${flag}: ${name} is not an attested input of this key`);
    out.set(name, eq >= 0 ? v.slice(eq + 1) : v);
  }
  return out;
}

/** The verifier's attestations from `--issuer-key` and `--signature`. */
export function attestationFlags(vk: VerifyingKey, keys: readonly string[] | undefined, signatures: readonly string[] | undefined): Record<string, Attestation> {
  const k = byInput(keys, vk, '--issuer-key');
  const s = byInput(signatures, vk, '--signature');
  const out: Record<string, Attestation> = {};
  for (const [name, hex] of k) {
    const sig = s.get(name);
    if (sig === undefined) throw new FormatError(`--signature: none for attested input ${name}`);
    out[name] = { issuerPublicKey: fromHex(hex, 32, '--issuer-key'), signature: fromHex(sig, 64, '--signature') };
  }
  return out;
}

/** The issuer's side of `zkinfer attest`: hash the fields with a fresh salt and sign. */
export function makeAttestationFile(input: string, schema: number, fieldsJson: string, secretHex: string): AttestationFile {
  let fields: unknown;
  try {
    fields = JSON.parse(fieldsJson);
  } catch {
    fields = null;
  }
  if (!Array.isArray(fields) || !fields.every((x) => Number.isInteger(x))) throw new FormatError('--fields: a JSON array of integers');
  if (!Number.isInteger(schema) || schema < 0 || schema > 0xffffffff) throw new FormatError(`--schema: ${schema} is not a u32`);
  const secret = fromHex(secretHex, 32, '--issuer-secret');
  const ints = fields as number[];
  const a = issueAttestation(secret, schema, ints);
  return {
    input, schema, fields: ints, salt: [a.salt[0].toString(), a.salt[1].toString()], digest: a.digest.map(String),
    signature: toHex(a.signature), issuerPublicKey: toHex(ed25519.getPublicKey(secret)),
  };
}
