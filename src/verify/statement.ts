// The public statement of a model proof and its absorption into the transcript, before the
// first challenge (ARCHITECTURE "The statement"; docs/protocol.md (Part 5) §5). Imports nothing
// Node-only.
import { ByteReader, ByteWriter } from '../encoding/bytes.js';
import { FormatError } from '../encoding/errors.js';
import { P } from '../field/goldilocks.js';
import { Transcript } from '../transcript/transcript.js';
import { LIMITS, readI64, readI64s, writeI64, writeI64s } from './codec.js';
import type { VerifyingKey } from './vk.js';

/** The transcript domain of a model proof. */
export const MODEL_DOMAIN = 'zkinfer/model/v1';

/**
 * A public predicate on a private output, over the output's integers (thresholds compiled
 * from real values by `thresholdToInteger`, rounded so that no false statement is accepted).
 */
export type Predicate =
  | { readonly kind: 'atLeast'; readonly index: number; readonly threshold: bigint }
  | { readonly kind: 'atMost'; readonly index: number; readonly threshold: bigint }
  | { readonly kind: 'argmax'; readonly label: number }
  | { readonly kind: 'labelIn'; readonly index: number; readonly labels: readonly bigint[] };

export type OutputStatement =
  | { readonly kind: 'public'; readonly values: BigInt64Array }
  | { readonly kind: 'predicate'; readonly predicate: Predicate };

export interface Statement {
  /** SHA-256 of the verifying key's canonical bytes. */
  readonly vkHash: Uint8Array;
  /** Chosen by the verifier: a proof for one context is rejected under another. */
  readonly context: string;
  /** The model fingerprint (copied from the verifying key; checked equal by the verifier). */
  readonly fingerprint: readonly (readonly [bigint, bigint, bigint, bigint])[];
  /** Integer values of the public inputs, in the key's input order (private inputs: absent). */
  readonly publicInputs: readonly (BigInt64Array | null)[];
  /** One per model output, in the key's output order. */
  readonly outputs: readonly OutputStatement[];
  /** Issuer-attested input digests, one per attested input, in input order. */
  readonly attested: readonly (readonly [bigint, bigint, bigint, bigint])[];
}

/**
 * `score ≥ t` on real values, as an integer threshold on q with score ≈ q·scale: q ≥ ⌈t/scale⌉.
 * Rounding up never accepts a q whose real value is below t.
 */
export function thresholdToInteger(t: number, scale: number): bigint {
  if (!Number.isFinite(t) || !(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`threshold ${t} with scale ${scale}`);
  const q = t / scale;
  let c = BigInt(Math.ceil(q));
  // Guard the division's rounding: the real value of c−1 must be below t, that of c at least t.
  while (Number(c - 1n) * scale >= t) c -= 1n;
  while (Number(c) * scale < t) c += 1n;
  return c;
}

/** `score ≤ t` on real values: q ≤ ⌊t/scale⌋, the mirror of thresholdToInteger. */
export function upperThresholdToInteger(t: number, scale: number): bigint {
  return -thresholdToInteger(-t, scale);
}

/** True when the integer output satisfies the predicate (the prover's own check). */
export function predicateHolds(p: Predicate, output: BigInt64Array): boolean {
  switch (p.kind) {
    case 'atLeast':
      return output[p.index] >= p.threshold;
    case 'atMost':
      return output[p.index] <= p.threshold;
    case 'labelIn':
      return p.labels.includes(output[p.index]);
    case 'argmax': {
      // ONNX ArgMax: ties resolve to the first index.
      let best = 0;
      for (let i = 1; i < output.length; i++) if (output[i] > output[best]) best = i;
      return best === p.label;
    }
  }
}

function fieldOf(x: bigint): bigint {
  if (x <= -(P / 2n) || x >= P / 2n) throw new RangeError(`statement value ${x} is outside (−p/2, p/2)`);
  return x < 0n ? P + x : x;
}

/** Checks the statement against the verifying key (counts, shapes, fingerprint). */
export function checkStatement(s: Statement, vk: VerifyingKey): void {
  const fail = (m: string): never => {
    throw new FormatError(`statement: ${m}`);
  };
  if (s.vkHash.length !== 32) fail('verifying-key hash must be 32 bytes');
  if (s.fingerprint.length !== vk.fingerprint.length || s.fingerprint.some((d, i) => d.some((x, j) => x !== vk.fingerprint[i].digest[j]))) {
    fail('fingerprint differs from the verifying key');
  }
  if (s.publicInputs.length !== vk.inputs.length) fail(`${s.publicInputs.length} input entries for ${vk.inputs.length} inputs`);
  s.publicInputs.forEach((v, i) => {
    const inp = vk.inputs[i];
    const size = inp.dims.reduce((a, b) => a * b, 1);
    if ((v !== null) !== (inp.visibility === 'public')) fail(`input ${inp.name} is ${inp.visibility}`);
    if (v !== null) {
      if (v.length !== size) fail(`input ${inp.name} has ${v.length} values, expected ${size}`);
      for (const x of v) if (x < inp.lo || x > inp.hi) fail(`input ${inp.name} value ${x} outside [${inp.lo}, ${inp.hi}]`);
    }
  });
  if (s.outputs.length !== vk.outputs.length) fail(`${s.outputs.length} output entries for ${vk.outputs.length} outputs`);
  s.outputs.forEach((o, i) => {
    const out = vk.outputs[i];
    const size = out.dims.reduce((a, b) => a * b, 1);
    if ((o.kind === 'public') !== (out.visibility === 'public')) fail(`output ${out.name} is ${out.visibility}`);
    if (o.kind === 'public') {
      if (o.values.length !== size) fail(`output ${out.name} has ${o.values.length} values, expected ${size}`);
    } else {
      const p = o.predicate;
      if (p.kind === 'argmax' && (!Number.isInteger(p.label) || p.label < 0 || p.label >= size)) fail(`argmax label ${p.label} outside the output`);
      if (p.kind !== 'argmax' && (!Number.isInteger(p.index) || p.index < 0 || p.index >= size)) fail(`predicate index ${p.index} outside the output`);
      if (p.kind === 'labelIn' && p.labels.length === 0) fail('empty label set');
    }
  });
  const attested = vk.inputs.filter((i) => i.visibility === 'attested').length;
  if (s.attested.length !== attested) fail(`${s.attested.length} attested digests for ${attested} attested inputs`);
  for (const d of s.attested) if (d.length !== 4 || d.some((x) => x < 0n || x >= P)) fail('an attested digest is not 4 canonical field elements');
}

/** Absorbs the whole statement; the first thing every model transcript does. */
export function absorbStatement(t: Transcript, s: Statement): void {
  t.absorbBytes('statement/vk', s.vkHash);
  t.absorbString('statement/context', s.context);
  t.absorbBases('statement/fingerprint', s.fingerprint.flat());
  s.publicInputs.forEach((v, i) => {
    if (v !== null) t.absorbBases(`statement/input/${i}`, Array.from(v, fieldOf));
  });
  s.outputs.forEach((o, i) => {
    if (o.kind === 'public') {
      t.absorbBases(`statement/output/${i}`, Array.from(o.values, fieldOf));
    } else {
      const p = o.predicate;
      if (p.kind === 'atLeast' || p.kind === 'atMost') t.absorbBases(`statement/predicate/${i}/${p.kind}`, [BigInt(p.index), fieldOf(p.threshold)]);
      else if (p.kind === 'argmax') t.absorbBases(`statement/predicate/${i}/argmax`, [BigInt(p.label)]);
      else t.absorbBases(`statement/predicate/${i}/labelIn`, [BigInt(p.index), ...p.labels.map(fieldOf)]);
    }
  });
  t.absorbBases('statement/attested', s.attested.flat());
}

/** A fresh model transcript with the statement absorbed. */
export function statementTranscript(s: Statement): Transcript {
  const t = new Transcript(MODEL_DOMAIN);
  absorbStatement(t, s);
  return t;
}

const PRED_TAG = { atLeast: 0, argmax: 1, labelIn: 2, atMost: 3 } as const;

export function writeStatement(w: ByteWriter, s: Statement): void {
  if (s.vkHash.length !== 32) throw new RangeError('statement: vk hash must be 32 bytes');
  w.bytes(s.vkHash).string(s.context);
  w.u32(s.fingerprint.length);
  for (const d of s.fingerprint) for (const x of d) w.base(x);
  w.u32(s.publicInputs.length);
  for (const v of s.publicInputs) {
    w.u8(v === null ? 0 : 1);
    if (v !== null) writeI64s(w, v);
  }
  w.u32(s.outputs.length);
  for (const o of s.outputs) {
    if (o.kind === 'public') {
      w.u8(0);
      writeI64s(w, o.values);
    } else {
      const p = o.predicate;
      w.u8(1).u8(PRED_TAG[p.kind]);
      if (p.kind === 'atLeast' || p.kind === 'atMost') {
        w.u32(p.index);
        writeI64(w, p.threshold);
      } else if (p.kind === 'argmax') {
        w.u32(p.label);
      } else {
        w.u32(p.index);
        writeI64s(w, p.labels);
      }
    }
  }
  w.u32(s.attested.length);
  for (const d of s.attested) for (const x of d) w.base(x);
}

function readDigest(r: ByteReader, field: string): readonly [bigint, bigint, bigint, bigint] {
  return [r.base(field), r.base(field), r.base(field), r.base(field)];
}

export function readStatement(r: ByteReader): Statement {
  const vkHash = r.bytes(32, 'vk hash');
  const context = r.string(LIMITS.string, 'context');
  const fingerprint = Array.from({ length: r.count(16, 'fingerprint count') }, () => readDigest(r, 'fingerprint'));
  const publicInputs = Array.from({ length: r.count(LIMITS.list, 'input count') }, () => {
    const flag = r.u8('input flag');
    if (flag > 1) throw new FormatError(`statement: input flag ${flag}`);
    return flag === 1 ? readI64s(r, 'public input') : null;
  });
  const outputs: OutputStatement[] = Array.from({ length: r.count(LIMITS.list, 'output count') }, () => {
    const kind = r.u8('output kind');
    if (kind === 0) return { kind: 'public', values: readI64s(r, 'public output') };
    if (kind !== 1) throw new FormatError(`statement: output kind ${kind}`);
    const tag = r.u8('predicate kind');
    let predicate: Predicate;
    if (tag === PRED_TAG.atLeast) predicate = { kind: 'atLeast', index: r.u32('predicate index'), threshold: readI64(r, 'threshold') };
    else if (tag === PRED_TAG.atMost) predicate = { kind: 'atMost', index: r.u32('predicate index'), threshold: readI64(r, 'threshold') };
    else if (tag === PRED_TAG.argmax) predicate = { kind: 'argmax', label: r.u32('argmax label') };
    else if (tag === PRED_TAG.labelIn) predicate = { kind: 'labelIn', index: r.u32('predicate index'), labels: Array.from(readI64s(r, 'labels', 1 << 16)) };
    else throw new FormatError(`statement: predicate kind ${tag}`);
    return { kind: 'predicate', predicate };
  });
  const attested = Array.from({ length: r.count(LIMITS.list, 'attested count') }, () => readDigest(r, 'attested digest'));
  return { vkHash, context, fingerprint, publicInputs, outputs, attested };
}
