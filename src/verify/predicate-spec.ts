// Predicates as users write them (real values, output names) and as statements hold them
// (integers at the output's scale): parsing `--predicate` expressions, compiling a spec against
// the verifying key's output (thresholds rounded so that no false statement is accepted), and
// describing a verified predicate. Imports nothing Node-only.
import { FormatError, VerificationError } from '../encoding/errors.js';
import { thresholdToInteger, upperThresholdToInteger, type Predicate, type Statement } from './statement.js';
import type { VkOutput } from './vk.js';

export type PredicateSpec =
  | { readonly output: string; readonly kind: 'atLeast'; readonly index: number; readonly value: number }
  | { readonly output: string; readonly kind: 'atMost'; readonly index: number; readonly value: number }
  | { readonly output: string; readonly kind: 'argmax'; readonly label: number }
  | { readonly output: string; readonly kind: 'labelIn'; readonly index: number; readonly values: readonly number[] };

const NAME = String.raw`([A-Za-z_][\w./:-]*)`;
const INDEX = String.raw`(?:\[\s*(\d+)\s*\])?`;
const NUMBER = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)`;

/**
 * `name[i] >= v`, `name[i] <= v` (i defaults to 0), `argmax(name) == k`, `name[i] in {a, b, …}`.
 * Throws FormatError with the accepted forms.
 */
export function parsePredicate(expr: string): PredicateSpec {
  const s = expr.trim();
  let m = new RegExp(String.raw`^${NAME}\s*${INDEX}\s*(>=|<=)\s*${NUMBER}$`).exec(s);
  if (m) return { output: m[1], kind: m[3] === '>=' ? 'atLeast' : 'atMost', index: Number(m[2] ?? 0), value: Number(m[4]) };
  m = new RegExp(String.raw`^argmax\s*\(\s*${NAME}\s*\)\s*==\s*(\d+)$`).exec(s);
  if (m) return { output: m[1], kind: 'argmax', label: Number(m[2]) };
  m = new RegExp(String.raw`^${NAME}\s*${INDEX}\s+in\s*\{([^}]*)\}$`).exec(s);
  if (m) {
    const values = m[3].split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${NUMBER}$`).test(v))) throw new FormatError(`predicate ${JSON.stringify(expr)}: the set must list numbers`);
    return { output: m[1], kind: 'labelIn', index: Number(m[2] ?? 0), values: values.map(Number) };
  }
  throw new FormatError(`predicate ${JSON.stringify(expr)}: expected "name[i] >= value", "name[i] <= value", "argmax(name) == k" or "name[i] in {a, b, …}"`);
}

/** The output a spec names (ONNX or IR name). */
export function predicateOutput(spec: PredicateSpec, outputs: readonly VkOutput[]): number {
  const i = outputs.findIndex((o) => o.onnxName === spec.output || o.name === spec.output);
  if (i < 0) throw new FormatError(`predicate: no output named ${spec.output} (outputs: ${outputs.map((o) => o.onnxName).join(', ')})`);
  return i;
}

/**
 * The statement's integer predicate. `name[i] >= v` becomes q[i] ≥ ⌈v / scale⌉ (so q·scale ≥ v
 * whenever the proof verifies), `name[i] <= v` becomes q[i] ≤ ⌊v / scale⌋; set members must be exact integers at the output's scale.
 */
export function compilePredicate(spec: PredicateSpec, out: VkOutput): Predicate {
  const size = out.dims.reduce((a, b) => a * b, 1);
  const index = spec.kind === 'argmax' ? spec.label : spec.index;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new FormatError(`predicate: index ${index} outside output ${out.onnxName} of ${size} values`);
  if (spec.kind === 'argmax') return { kind: 'argmax', label: spec.label };
  if (spec.kind === 'atLeast') return { kind: 'atLeast', index, threshold: thresholdToInteger(spec.value, out.scale) };
  if (spec.kind === 'atMost') return { kind: 'atMost', index, threshold: upperThresholdToInteger(spec.value, out.scale) };
  const labels = spec.values.map((v) => {
    const q = v / out.scale;
    const r = Math.round(q);
    if (!Number.isSafeInteger(r) || Math.abs(q - r) > 1e-9 * Math.max(1, Math.abs(q))) throw new FormatError(`predicate: ${v} is not a value output ${out.onnxName} can take (scale ${out.scale})`);
    return BigInt(r);
  });
  return { kind: 'labelIn', index, labels: [...new Set(labels)] };
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(8)));
}

/** What a verified predicate says, in the output's real values and in its integers. */
export function describePredicate(p: Predicate, out: VkOutput): string {
  if (p.kind === 'argmax') return `argmax(${out.onnxName}) == ${p.label} (first index on ties)`;
  if (p.kind === 'atLeast' || p.kind === 'atMost') {
    return `${out.onnxName}[${p.index}] ${p.kind === 'atLeast' ? '>=' : '<='} ${fmt(Number(p.threshold) * out.scale)} (integer ${p.threshold} at scale ${fmt(out.scale)})`;
  }
  return `${out.onnxName}[${p.index}] in {${p.labels.map((l) => fmt(Number(l) * out.scale)).join(', ')}}`;
}

function samePredicate(a: Predicate, b: Predicate): boolean {
  if (a.kind === 'argmax') return b.kind === 'argmax' && a.label === b.label;
  // compiled label sets hold no duplicates, so equal lengths and inclusion mean equal sets
  if (a.kind === 'labelIn') return b.kind === 'labelIn' && a.index === b.index && a.labels.length === b.labels.length && a.labels.every((l) => b.labels.includes(l));
  return (b.kind === 'atLeast' || b.kind === 'atMost') && a.kind === b.kind && a.index === b.index && a.threshold === b.threshold;
}

/**
 * The verifier's policy: each required predicate (compiled against the key, as the prover
 * compiles it) must be exactly the one the proof shows for that output. Without this check a
 * valid proof of a weaker predicate (a lower threshold) would be accepted by a careless caller.
 */
export function requirePredicates(statement: Statement, outputs: readonly VkOutput[], required: readonly PredicateSpec[]): void {
  for (const spec of required) {
    const i = predicateOutput(spec, outputs);
    const want = compilePredicate(spec, outputs[i]);
    const got = statement.outputs[i];
    if (got.kind !== 'predicate') throw new VerificationError('statement/predicate', `output ${outputs[i].onnxName} is public in this proof, not proven through ${describePredicate(want, outputs[i])}`);
    if (!samePredicate(got.predicate, want)) {
      throw new VerificationError('statement/predicate', `the proof shows ${describePredicate(got.predicate, outputs[i])}, the verifier requires ${describePredicate(want, outputs[i])}`);
    }
  }
}
