// The model verifier: parse the .zkp, check the statement against the verifying key and the
// verifier's context, rebuild the plan from the key, replay the transcript through every layer
// and range check, and check the batched openings. Imports nothing Node-only.
import { ByteReader } from '../encoding/bytes.js';
import * as E from '../field/ext.js';
import { evaluate } from '../poly/mle.js';
import { FormatError, VerificationError } from '../encoding/errors.js';
import { matmulProofShape, verifyMatmul, type MatmulPublics } from '../layers/matmul.js';
import { requantProofShape, verifyRequant } from '../layers/requant.js';
import { verifyWeightedSum, weightedSumProofShape } from '../layers/weighted-sum.js';
import { pointwiseProofShape, verifyPointwise } from '../layers/pointwise.js';
import { reduceProofShape, verifyReduce } from '../layers/reduce.js';
import { selectorProofShape, verifySelector } from '../layers/selector.js';
import { gatherProofShape, verifyGather } from '../layers/gather.js';
import { ClaimRouter } from '../layers/virtual.js';
import { affineProofShape, verifyAffine } from '../layers/affine.js';
import { predicateProofShape, verifyPredicate } from '../layers/predicate.js';
import { requirePredicates, type PredicateSpec } from './predicate-spec.js';
import { treeLinkProofShape, treeRelationProofShape, verifyTreeLink, verifyTreeRelation } from '../layers/tree-ensemble.js';
import type { BatchShape } from '../sumcheck/types.js';
import { paddedTable } from '../layers/tensor.js';
import { deserializeRanges, rangeCommitmentSizes, rangeDuplicates, verifyRanges } from '../layers/ranges.js';
import { readCommitments } from '../pcs/commitment-list.js';
import type { Commitment } from '../pcs/types.js';
import { readSumcheckProof } from '../sumcheck/proof.js';
import { VerifierSession } from '../sumcheck/session.js';
import { SECTION } from './container.js';
import { MODEL_PCS, planModel, publicOpenings, type LayerPlan, type ModelPcs } from './plan.js';
import { verifyFingerprint } from './fingerprint.js';
import { checkAttestation, verifyAttested, type Attestation } from './attested.js';
import { deserializeProofFile } from './proof-file.js';
import { checkStatement, statementTranscript, type Statement } from './statement.js';
import { verifyingKeyHash, type VerifyingKey } from './vk.js';

export interface VerifyOptions {
  /** Must equal the context the proof was made for (default ''). */
  readonly context?: string;
  readonly pcs?: ModelPcs;
  /** Per attested input (by name): the issuer's public key and its signature over the digest. */
  readonly attestations?: Readonly<Record<string, Attestation>>;
  /** Predicates the verifier requires: each must be exactly the one the proof shows for its output. */
  readonly predicates?: readonly PredicateSpec[];
}

export interface VerifyResult {
  readonly statement: Statement;
  /** Public outputs dequantized (integer × scale), by ONNX output name. */
  readonly outputs: ReadonlyMap<string, number[]>;
}

const MAX_COMMITMENTS = 1 << 12;

function readCommitmentsSection(bytes: Uint8Array): Commitment[] {
  const r = new ByteReader(bytes, 'commitments section');
  const list = readCommitments(r, { maxCount: MAX_COMMITMENTS, maxSizes: 1 << 20 });
  r.end();
  return list;
}

function section(sections: ReadonlyMap<number, Uint8Array>, tag: number, name: string): Uint8Array {
  const s = sections.get(tag);
  if (s === undefined) throw new FormatError(`proof: missing ${name} section`);
  return s;
}

function sameSizes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Throws FormatError (malformed bytes), VerificationError (a failed check) or
 * UnsupportedModelError (a key this version cannot verify); returns the verified statement.
 */
export function verify(vk: VerifyingKey, proofBytes: Uint8Array, options: VerifyOptions = {}): VerifyResult {
  const pcs = options.pcs ?? MODEL_PCS;
  const { statement, sections } = deserializeProofFile(proofBytes);
  const expectedHash = verifyingKeyHash(vk);
  if (!sameSizes([...statement.vkHash], [...expectedHash])) throw new VerificationError('statement/vk', 'the proof was made for another verifying key');
  if (statement.context !== (options.context ?? '')) throw new VerificationError('statement/context', 'the proof was made for another context');
  try {
    checkStatement(statement, vk);
  } catch (e) {
    throw new VerificationError('statement/shape', (e as Error).message);
  }
  if (options.predicates) requirePredicates(statement, vk.outputs, options.predicates);
  const plan = planModel(vk, statement.outputs);
  if (!plan.weights && sections.has(SECTION.fingerprint)) throw new FormatError('proof: unexpected fingerprint section');
  if (plan.attested.length === 0 && sections.has(SECTION.attested)) throw new FormatError('proof: unexpected attested section');
  // the issuer signed each attested digest (outside the proof)
  plan.attested.forEach((a, k) => checkAttestation(a.input, a.options.schema ?? 0, statement.attested[k], options.attestations?.[a.input]));

  const commitments = readCommitmentsSection(section(sections, SECTION.commitments, 'commitments'));
  const dups = rangeDuplicates(plan.ranges.map((r) => r.refs), plan.lookups.map((l) => plan.refs.get(l.x)!));
  const expected = [plan.c0Sizes, ...rangeCommitmentSizes(plan.ranges.map((r) => r.shape), plan.lookups.map((l) => l.shape), dups)];
  if (commitments.length !== expected.length || commitments.some((c, i) => !sameSizes(c.sizes, expected[i]))) {
    throw new VerificationError('proof/commitments', 'the commitments do not have the sizes the model requires');
  }

  const transcript = statementTranscript(statement);
  const session = new VerifierSession(pcs, transcript, commitments);
  session.receive();

  const outputTables = new Map(vk.outputs.flatMap((o, i) => {
    const out = statement.outputs[i];
    return out.kind === 'public' ? [[o.name, paddedTable(out.values, plan.dims.get(o.name)!)] as const] : [];
  }));
  // a public output the key alone determines (computed from constants): the statement must hold it
  vk.outputs.forEach((o, i) => {
    const t = plan.publics.get(o.name) ?? vk.publicConstants.get(o.name);
    const out = statement.outputs[i];
    if (t && out.kind === 'public' && (out.values.length !== t.data.length || out.values.some((v, j) => v !== t.data[j]))) {
      throw new VerificationError('statement/outputs', `output ${o.onnxName} is not the value the model's constants determine`);
    }
  });
  const layers = new ByteReader(section(sections, SECTION.layers, 'layers'), 'layers section');
  // claims on virtual tensors go to their producing Gather, the others to the PCS
  const sink = new ClaimRouter(session);
  for (const l of plan.layers) {
    const name = l.kind === 'predicate' ? `predicate on ${l.tensors.output}` : l.node.name;
    const body = new ByteReader(layers.blob(1 << 28, `layer ${name}`), `layer ${name}`);
    const proof = readSumcheckProof(body, layerProofShape(l));
    body.end();
    const pub = (name: string | null): BigUint64Array | undefined => {
      if (name === null) return undefined;
      const t = vk.publicConstants.get(name) ?? plan.publics.get(name);
      if (t) return paddedTable(t.data, plan.dims.get(name) ?? t.dims);
      return outputTables.get(name);
    };
    if (l.kind === 'gather') {
      const virtual = l.refs.out.kind === 'virtual';
      const claims = virtual ? sink.take(plan.refs.get(l.tensors.y)!.commitment) : [];
      verifyGather(l.map, l.refs, l.refs.out.kind === 'public' ? outputTables.get(l.tensors.y)! : null, claims, l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'predicate') {
      verifyPredicate(l.params, l.refs, l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'trees' || l.kind === 'trees-link') {
      (l.kind === 'trees' ? verifyTreeRelation : verifyTreeLink)(l.params, l.refs, l.gRef, proof, session, transcript);
      continue;
    }
    if (l.kind === 'pointwise') {
      verifyPointwise(l.params, l.refs, l.tensors.map((t, i) => (l.refs[i] === null ? pub(t) ?? null : null)), l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'selector') {
      verifySelector(l.params, l.refs, l.refs.idx === null ? pub(l.tensors.idx) ?? null : null, l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'reduce') {
      verifyReduce(l.params, l.refs, l.refs.x === null ? pub(l.tensors.x) ?? null : null, l.refs.out === null ? pub(l.tensors.out) ?? null : null, l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'affine') {
      verifyAffine(l.params, l.refs, l.refs.out === null ? pub(l.tensors.out) ?? null : null, l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'wsum') {
      verifyWeightedSum(l.params, l.refs, l.tensors.map((t, i) => (l.refs[i] === null ? pub(t) ?? null : null)), l.gRef, proof, sink, transcript);
      continue;
    }
    if (l.kind === 'requant') {
      verifyRequant(l.params, l.refs, l.refs.q === null ? pub(l.tensors.q) ?? null : null, l.gRef, proof, sink, transcript);
      continue;
    }
    const publics: MatmulPublics = {
      ...(l.refs.a === null ? { a: pub(l.tensors.a) } : {}),
      ...(l.refs.b === null ? { b: pub(l.tensors.b) } : {}),
      ...(l.refs.c === null ? { c: pub(l.tensors.c) } : {}),
      ...(l.refs.bias === null && l.tensors.bias !== null ? { bias: pub(l.tensors.bias) } : {}),
    };
    verifyMatmul(l.dims, l.refs, publics, l.gRef, proof, sink, transcript);
  }
  layers.end();
  if (!sink.drained) throw new RangeError('verify: a virtual tensor has claims no Gather proved (plan error)');

  const shapes = plan.ranges.map((r) => r.shape);
  const lookups = plan.lookups.map((l) => ({ shape: l.shape, xRef: plan.refs.get(l.x)!, yRef: plan.refs.get(l.y)! }));
  const rangeProof = deserializeRanges(section(sections, SECTION.ranges, 'ranges'), shapes, lookups.map((l) => l.shape), dups);
  verifyRanges(shapes, rangeProof, plan.ranges.map((r) => r.refs), session, transcript, lookups);
  if (plan.weights) verifyFingerprint(plan, section(sections, SECTION.fingerprint, 'fingerprint'), session, transcript);
  if (plan.attested.length > 0) {
    const list = new ByteReader(section(sections, SECTION.attested, 'attested'), 'attested section');
    if (list.count(MAX_COMMITMENTS, 'attested proof count') !== plan.attested.length) throw new FormatError(`proof: expected ${plan.attested.length} attested digest proofs`);
    const proofs = plan.attested.map((a) => list.blob(1 << 28, `attested ${a.input}`));
    list.end();
    plan.attested.forEach((a, k) => verifyAttested(a, plan.refs.get(a.vector)!, statement.attested[k], proofs[k], plan.digestMasks.get(a.vector)!, session, transcript));
  }

  const inputTables = new Map(vk.inputs.flatMap((inp, i) => {
    const v = statement.publicInputs[i];
    return v === null ? [] : [[inp.name, paddedTable(v, plan.dims.get(inp.name)!)] as const];
  }));
  for (const [name, label] of publicOpenings(plan)) {
    const ref = plan.refs.get(name)!;
    const point = transcript.challengeExts(label, ref.numVars);
    const table = outputTables.get(name) ?? inputTables.get(name)!;
    session.claim(ref.commitment, { terms: [{ poly: ref.f[0], coeff: E.ONE, point }], value: evaluate(table, point) });
  }

  const opened = new ByteReader(section(sections, SECTION.openings, 'openings'), 'openings section');
  const count = opened.count(MAX_COMMITMENTS, 'opening count');
  if (count !== commitments.length) throw new VerificationError('proof/openings', 'one opening per commitment');
  const openings = commitments.map((c, i) => pcs.deserializeProof(opened.blob(1 << 28, `opening ${i}`), c, session.claimsOf(i)));
  opened.end();
  session.finish(openings);

  const outputs = new Map(vk.outputs.map((o, i) => {
    const out = statement.outputs[i];
    return [o.onnxName, out.kind === 'public' ? Array.from(out.values, (x) => Number(x) * o.scale) : []] as const;
  }));
  return { statement, outputs };
}

function layerProofShape(l: LayerPlan): BatchShape {
  switch (l.kind) {
    case 'matmul':
      return matmulProofShape(l.dims, l.refs);
    case 'requant':
      return requantProofShape(l.params, l.refs);
    case 'wsum':
      return weightedSumProofShape(l.params, l.refs);
    case 'gather':
      return gatherProofShape(l.map, l.refs);
    case 'affine':
      return affineProofShape(l.params, l.refs);
    case 'pointwise':
      return pointwiseProofShape(l.params, l.refs);
    case 'reduce':
      return reduceProofShape(l.params, l.refs);
    case 'selector':
      return selectorProofShape(l.params, l.refs);
    case 'predicate':
      return predicateProofShape(l.params, l.refs);
    case 'trees':
      return treeRelationProofShape(l.params, l.refs);
    case 'trees-link':
      return treeLinkProofShape(l.params, l.refs);
  }
}
