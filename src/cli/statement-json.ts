// The public statement of a verified (or freshly made) proof as plain JSON and as text lines:
// what `zkinfer verify --json` and `zkinfer prove --json` print. Integers are decimal strings
// (they may exceed 2^53); public outputs are also shown dequantized (integer × scale).
import type { Statement } from '../verify/statement.js';
import type { VerifyingKey } from '../verify/vk.js';
import { describePredicate } from '../verify/predicate-spec.js';

export interface OutputJson {
  readonly name: string;
  readonly dims: readonly number[];
  readonly scale: number;
  /** Present for public outputs. */
  readonly values?: number[];
  readonly integers?: string[];
  /** Present for outputs proven only through a predicate. */
  readonly predicate?: Record<string, unknown>;
  /** The predicate in the output's real values (and its integer threshold). */
  readonly proven?: string;
}

export interface StatementJson {
  readonly model: string;
  readonly context: string;
  readonly verifyingKeyHash: string;
  readonly weights: 'public' | 'private';
  /** Model fingerprint: one Poseidon2 digest (4 field elements) per packing group. */
  readonly fingerprint: string[][];
  readonly publicInputs: Record<string, string[]>;
  readonly outputs: OutputJson[];
  /** Attested inputs: the digest (4 field elements) the issuer signed, and the key's schema id. */
  readonly attested: { input: string; schema: number; digest: string[] }[];
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function statementJson(s: Statement, vk: VerifyingKey): StatementJson {
  if (s.outputs.length !== vk.outputs.length) throw new RangeError(`statement has ${s.outputs.length} outputs, the key ${vk.outputs.length}`);
  const publicInputs: Record<string, string[]> = {};
  s.publicInputs.forEach((v, i) => {
    if (v !== null) publicInputs[vk.inputs[i].name] = Array.from(v, String);
  });
  return {
    model: vk.name,
    context: s.context,
    verifyingKeyHash: hex(s.vkHash),
    weights: vk.publicWeights ? 'public' : 'private',
    fingerprint: s.fingerprint.map((d) => d.map(String)),
    publicInputs,
    attested: vk.inputs.filter((i) => i.visibility === 'attested').map((i, k) => ({ input: i.name, schema: i.schema ?? 0, digest: (s.attested[k] ?? []).map(String) })),
    outputs: s.outputs.map((o, i) => {
      const info = vk.outputs[i];
      const base = { name: info.onnxName, dims: info.dims, scale: info.scale };
      if (o.kind === 'public') return { ...base, values: Array.from(o.values, (x) => Number(x) * info.scale), integers: Array.from(o.values, String) };
      const p = o.predicate;
      return { ...base, proven: describePredicate(p, info), predicate: JSON.parse(JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown> };
    }),
  };
}

function formatValues(v: readonly number[]): string {
  const xs = v.map((x) => Number(x.toPrecision(6)));
  return xs.length > 20 ? `[${xs.slice(0, 20).join(', ')}, … (${xs.length} values)]` : `[${xs.join(', ')}]`;
}

/** One line per output: `name: [values]` or `name: predicate {…}`. */
export function outputLines(s: StatementJson): string[] {
  return s.outputs.map((o) => (o.values ? `${o.name}: ${formatValues(o.values)}` : `${o.name}: private, proven ${o.proven ?? JSON.stringify(o.predicate)}`));
}
