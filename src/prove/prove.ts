// The model prover: execute the integer graph, commit afresh to every private tensor (one
// commitment: inputs, intermediate activations, every layer's round mask), prove every layer
// (outputs back to inputs), range-check the private inputs, open each commitment once.
// The plan (src/verify/plan.ts) is derived from the verifying key, so the verifier rebuilds it.
import { ByteWriter } from '../encoding/bytes.js';
import { writeCommitments } from '../pcs/commitment-list.js';
import { FormatError } from '../encoding/errors.js';
import * as E from '../field/ext.js';
import { evaluate } from '../poly/mle.js';
import { execute } from '../ir/execute.js';
import type { IrTensor } from '../ir/types.js';
import { proveMatmul, type MatmulWitness } from '../layers/matmul.js';
import { proveWeightedSum } from '../layers/weighted-sum.js';
import { provePointwise } from '../layers/pointwise.js';
import { proveReduce } from '../layers/reduce.js';
import { pointwiseHelpers } from '../verify/plan-pointwise.js';
import { publicGather } from '../verify/plan-gather.js';
import { reduceHelperValues } from '../verify/plan-reduce.js';
import { deriveValues } from '../verify/plan-dynamic.js';
import { proveSelector, selectorSigns } from '../layers/selector.js';
import { proveGather, type GatherWitness } from '../layers/gather.js';
import { ClaimRouter } from '../layers/virtual.js';
import { proveAffine } from '../layers/affine.js';
import { gatheredFeatures, proveTreeLink, proveTreeRelation, treeColumnDims, treeColumns, treeTableDims, type TreeWitness } from '../layers/tree-ensemble.js';
import { predicateSlack, provePredicate } from '../layers/predicate.js';
import { compilePredicate, predicateOutput, type PredicateSpec } from '../verify/predicate-spec.js';
import { proveRequant, REQUANT_COLUMNS, requantColumns, type RequantColumn } from '../layers/requant.js';
import { paddedTable } from '../layers/tensor.js';
import { proveRanges, serializeRanges } from '../layers/ranges.js';
import { MaskedPoly, SumcheckMask } from '../sumcheck/mask.js';
import { MaskBanks } from '../sumcheck/mask-banks.js';
import { serializeSumcheckProof } from '../sumcheck/proof.js';
import { ProverSession } from '../sumcheck/session.js';
import { SECTION } from '../verify/container.js';
import { MODEL_PCS, planModel, publicOpenings, WEIGHTS_VECTOR, type ModelPcs } from '../verify/plan.js';
import { privateWitness, proveFingerprint, releasePrivateWitness, sampleFingerprintMasks, viewMaskPolys, type UnsafeWeightsTest } from './fingerprint.js';
import { digestCommitPolys } from '../hash/digest-prover.js';
import { attestedDigest, attestedViewMaskPolys, attestedWitnesses, proveAttested, sampleAttestedMasks } from './attested.js';
import type { Salt } from '../hash/digest.js';
import { serializeProofFile } from '../verify/proof-file.js';
import { checkStatement, predicateHolds, statementTranscript, type OutputStatement, type Statement } from '../verify/statement.js';
import { verifyingKeyHash } from '../verify/vk.js';
import { graphOf, type ProvingKey } from './keys.js';

export interface ProveOptions {
  /** The verifier's context string (a proof is valid only under the same context). */
  readonly context?: string;
  /** The commitment scheme (default: the hash-based PCS with its proven parameters). */
  readonly pcs?: ModelPcs;
  /** Tests only: cheating provers, so tests can check that the verifier rejects them. */
  readonly unsafeTest?: UnsafeWeightsTest;
  /** One predicate per private output (the key's private outputs are proven only through them). */
  readonly predicates?: readonly PredicateSpec[];
  /** The salt of each attested input's attestation (from its issuer), by input name. */
  readonly attestedSalts?: Readonly<Record<string, Salt>>;
  /**
   * Called as each step begins (a step ends where the next begins, or when prove returns):
   * for a progress display, and for measuring what one part of the proof costs (bench:models
   * times the fingerprint's steps inside a model proof).
   */
  readonly onStep?: (step: ProveStep) => void;
}

/**
 * The prover's steps, in order; steps a key does not need are not reported (the fingerprint's
 * without private parameters, the attested ones without attested inputs). "execute": the
 * integer graph and the private parameters' tables; "fingerprint sponge": the sponge run over
 * V (the digest proof's witness); "private parameters": the private tensors' masks; "witness":
 * the layers' helper columns; "fingerprint masks", "attested masks": sampling the digest
 * proofs' masks; "commit": commitment 0 (every committed tensor and every mask); "open
 * commitment 0", then "open helpers" once per commitment that a layer or the range check made
 * during the proof (its helper columns).
 */
export type ProveStep =
  | 'execute'
  | 'fingerprint sponge'
  | 'private parameters'
  | 'attested sponges'
  | 'witness'
  | 'fingerprint masks'
  | 'attested masks'
  | 'commit'
  | 'layers'
  | 'ranges'
  | 'fingerprint proof'
  | 'attested proofs'
  | 'open commitment 0'
  | 'open helpers';

/** The input makes a requested predicate false: there is no proof to make. */
export class FalsePredicateError extends Error {
  override name = 'FalsePredicateError';
}

export interface ProveResult {
  /** The .zkp bytes. */
  readonly proof: Uint8Array;
  readonly statement: Statement;
  /** The integer outputs, by output IR name. */
  readonly outputs: ReadonlyMap<string, IrTensor>;
}

export function prove(pk: ProvingKey, inputs: ReadonlyMap<string, IrTensor>, options: ProveOptions = {}): ProveResult {
  const vk = pk.vk;
  const pcs = options.pcs ?? MODEL_PCS;
  const step = options.onStep ?? (() => undefined);
  step('execute');
  const layerPk = options.unsafeTest?.layerWeights ? { ...pk, weights: new Map([...pk.weights, ...options.unsafeTest.layerWeights]) } : pk;
  const values = execute(graphOf(layerPk), inputs);
  const statement: Statement = {
    vkHash: verifyingKeyHash(vk),
    context: options.context ?? '',
    fingerprint: vk.fingerprint.map((g) => g.digest),
    publicInputs: vk.inputs.map((i) => (i.visibility === 'public' ? options.unsafeTest?.forgePublicInputs?.get(i.name) ?? inputs.get(i.name)?.data ?? null : null)),
    outputs: outputStatements(vk.outputs, options.predicates ?? [], (name) => values.get(name)!.data),
    attested: vk.inputs.flatMap((i) => (i.visibility === 'attested' ? [options.unsafeTest?.forgeAttested?.get(i.name) ?? attestedDigest(i.schema ?? 0, Array.from(inputs.get(i.name)!.data, Number), attestedSalt(options, i.name))] : [])),
  };
  checkStatement(statement, vk);
  const plan = planModel(vk, statement.outputs);
  deriveValues(plan.derived, values, plan.publics);
  for (const [copy, r] of plan.relayouts) values.set(copy, r.idx ? { dims: plan.dims.get(copy)!, data: publicGather(r.idx, [values.get(r.source)!.data], 0n) } : values.get(r.source)!);
  const priv = privateWitness(pk, plan, options.unsafeTest, step);
  if (plan.attested.length > 0) step('attested sponges');
  const attested = attestedWitnesses(plan, inputs, new Map(Object.entries(options.attestedSalts ?? {})), options.unsafeTest);
  step('witness');
  // the requant helper columns, from the executor's x; q must agree with the executor
  for (const l of plan.layers) {
    if (l.kind !== 'requant') continue;
    const real = priv?.mults.get(l.node.name);
    const cols = requantColumns(real ? { ...l.params, mults: real } : l.params, values.get(l.tensors.x)!.data);
    const q = values.get(l.tensors.q)!.data;
    if (cols.q.length !== q.length || cols.q.some((v, i) => v !== q[i])) throw new Error(`prove: ${l.node.name}: the requant relation disagrees with the executor`);
    for (const c of REQUANT_COLUMNS) values.set(l.tensors.cols[c], { dims: l.params.dims, data: cols[c] });
  }
  for (const l of plan.layers) {
    if (l.kind === 'selector' && l.tensors.neg !== null) values.set(l.tensors.neg, { dims: [l.params.rows], data: selectorSigns(values.get(l.tensors.idx)!.data) });
    if (l.kind === 'pointwise') for (const [name, t] of pointwiseHelpers(l, values)) values.set(name, t);
    if (l.kind === 'reduce') for (const [name, t] of reduceHelperValues(l, values)) values.set(name, t);
  }
  for (const l of plan.layers) {
    if (l.kind !== 'trees') continue;
    const x = values.get(l.tensors.x)!.data;
    // private parameters: the executor's tables (the proving key's weights)
    const k = gatheredFeatures(l.params, x, l.params.feature ? { feature: l.params.feature } : { selector: values.get(l.tensors.selector!)!.data });
    const cols = treeColumns(l.params, k, l.params.threshold ?? values.get(l.tensors.threshold!)!.data);
    const dims = treeColumnDims(l.params);
    if (l.tensors.gathered) values.set(l.tensors.gathered, { dims: treeTableDims(l.params).gathered, data: k });
    values.set(l.tensors.e, { dims, data: cols.e });
    l.tensors.s.forEach((n, d) => values.set(n, { dims, data: cols.s[d] }));
    l.tensors.d.forEach((n, d) => values.set(n, { dims, data: cols.d[d] }));
    l.tensors.u.forEach((n, d) => values.set(n, { dims, data: cols.u[d] }));
  }
  for (const l of plan.layers) {
    if (l.kind !== 'predicate' || l.tensors.slack === null) continue;
    values.set(l.tensors.slack, { dims: l.params.dims, data: predicateSlack(l.params, values.get(l.tensors.output)!.data)! });
  }

  const transcript = statementTranscript(statement);
  const session = new ProverSession(pcs, transcript);

  // commitment 0: masked private tensors, the layers' round masks, then the digest proofs' masks
  const masked = new Map<string, MaskedPoly>();
  const banked = new Map<string, MaskBanks>();
  for (const t of plan.committed) {
    const ref = plan.refs.get(t.name)!;
    const bankVars = plan.banks.get(t.name);
    if (bankVars !== undefined) {
      const b = new MaskBanks(paddedTable(values.get(t.name)!.data, t.dims), t.numVars, ref.maskVars, bankVars);
      banked.set(t.name, b);
      masked.set(t.name, b.banks[0]);
      continue;
    }
    const digested = t.name === WEIGHTS_VECTOR ? priv!.vector : attested.find((a) => a.plan.vector === t.name)?.vector;
    masked.set(t.name, digested ?? MaskedPoly.sample(paddedTable(values.get(t.name)!.data, t.dims), t.numVars, ref.maskVars));
  }
  // virtual tensors: ŷ = y + Z·R for the consumers, only R (masked once more) committed
  const virtualMasks = new Map<string, MaskedPoly>();
  for (const v of plan.virtuals) {
    const y = MaskedPoly.sample(paddedTable(values.get(v.name)!.data, v.dims), v.numVars, v.maskVars);
    masked.set(v.name, y);
    virtualMasks.set(v.name, MaskedPoly.sample(y.mask, v.maskVars, 0));
  }
  for (const a of attested) masked.set(a.plan.input, a.view);
  for (const [name, m] of priv?.views ?? []) masked.set(name, m);
  const gMasks = plan.layers.map((l) => SumcheckMask.sample(l.gRef.degrees));
  if (priv) step('fingerprint masks');
  const digestMasks = priv ? sampleFingerprintMasks(priv) : null;
  if (attested.length > 0) step('attested masks');
  const attestedMasks = attested.map(sampleAttestedMasks);
  const polys = [
    ...plan.committed.flatMap((t) => {
      const [f, ...mask] = (banked.get(t.name) ?? masked.get(t.name)!).commitPolys();
      return [t.committedSize === undefined ? f : f.subarray(0, t.committedSize), ...mask];
    }),
    ...plan.virtuals.flatMap((v) => virtualMasks.get(v.name)!.commitPolys()),
    ...attestedViewMaskPolys(attested),
    ...viewMaskPolys(priv),
    ...gMasks.flatMap((g) => g.polys()),
    ...(digestMasks ? digestCommitPolys(digestMasks) : []),
    ...attestedMasks.flatMap(digestCommitPolys),
  ];
  step('commit');
  const c0 = session.commit(polys);
  if (c0 !== 0 || session.commitments[0].sizes.some((s, i) => s !== plan.c0Sizes[i])) throw new Error('prove: commitment 0 does not follow the plan');

  const layers = new ByteWriter();
  // a layer reads each banked tensor through the bank the plan assigned to it (plan-reveals.ts)
  const layerMasked = (i: number): ReadonlyMap<string, MaskedPoly> =>
    plan.layerBanks[i].size === 0 ? masked : new Map([...masked, ...[...plan.layerBanks[i]].map(([name, j]) => [name, banked.get(name)!.banks[j]] as const)]);
  const tableOf = (masked: ReadonlyMap<string, MaskedPoly>) => (name: string): MaskedPoly | BigUint64Array => {
    const m = masked.get(name);
    if (m) return m;
    return paddedTable((plan.publics.get(name) ?? values.get(name)!).data, plan.dims.get(name)!);
  };
  // claims on virtual tensors go to their producing Gather, the others to the PCS
  const sink = new ClaimRouter(session);
  step('layers');
  plan.layers.forEach((l, i) => {
    const masked = layerMasked(i);
    const table = tableOf(masked);
    if (l.kind === 'gather') {
      const y = l.tensors.y;
      const out = l.refs.out.kind === 'virtual' ? { virtualMask: virtualMasks.get(y)! } : table(y);
      const claims = l.refs.out.kind === 'virtual' ? sink.take(plan.refs.get(y)!.commitment) : [];
      const w: GatherWitness = { sources: l.tensors.sources.map((s) => masked.get(s)!), out };
      layers.blob(serializeSumcheckProof(proveGather(l.map, l.refs, w, claims, gMasks[i], l.gRef, sink, transcript)));
      return;
    }
    if (l.kind === 'predicate') {
      const proof = provePredicate(l.params, l.refs, { out: masked.get(l.tensors.out)!, slack: l.tensors.slack === null ? null : masked.get(l.tensors.slack)! }, gMasks[i], l.gRef, sink, transcript);
      layers.blob(serializeSumcheckProof(proof));
      return;
    }
    if (l.kind === 'trees' || l.kind === 'trees-link') {
      const m = (n: string): MaskedPoly => masked.get(n)!;
      const t = l.tensors;
      const opt = (n: string | null): MaskedPoly | null => (n === null ? null : m(n));
      const w: TreeWitness = { e: m(t.e), s: t.s.map(m), d: t.d.map(m), u: t.u.map(m), gathered: m(t.gathered ?? t.x), threshold: opt(t.threshold), selector: opt(t.selector), modes: opt(t.modes) };
      const proof = l.kind === 'trees'
        ? proveTreeRelation(l.params, l.refs, w, gMasks[i], l.gRef, session, transcript)
        : proveTreeLink(l.params, l.refs, w, gMasks[i], l.gRef, session, transcript, options.unsafeTest?.falseTreeLink === true);
      layers.blob(serializeSumcheckProof(proof));
      return;
    }
    if (l.kind === 'pointwise') {
      layers.blob(serializeSumcheckProof(provePointwise(l.params, l.refs, l.tensors.map(table), gMasks[i], l.gRef, sink, transcript)));
      return;
    }
    if (l.kind === 'selector') {
      layers.blob(serializeSumcheckProof(proveSelector(l.params, l.refs, { s: masked.get(l.tensors.s)!, idx: table(l.tensors.idx), ...(l.tensors.neg ? { neg: masked.get(l.tensors.neg)! } : {}) }, gMasks[i], l.gRef, sink, transcript)));
      return;
    }
    if (l.kind === 'reduce') {
      const t = l.tensors;
      const opt = (name: string | null) => (name === null ? null : masked.get(name)!);
      layers.blob(serializeSumcheckProof(proveReduce(l.params, l.refs, { x: table(t.x), out: table(t.out), s: opt(t.s), d: opt(t.d), m: opt(t.m) }, gMasks[i], l.gRef, sink, transcript)));
      return;
    }
    if (l.kind === 'affine') {
      const copies = { ...(l.tensors.a ? { a: masked.get(l.tensors.a)! } : {}), ...(l.tensors.c ? { c: masked.get(l.tensors.c)! } : {}) };
      const proof = proveAffine(l.params, l.refs, { out: table(l.tensors.out), x: masked.get(l.tensors.x)!, ...copies }, gMasks[i], l.gRef, sink, transcript);
      layers.blob(serializeSumcheckProof(proof));
      return;
    }
    if (l.kind === 'wsum') {
      const proof = proveWeightedSum(l.params, l.refs, l.tensors.map(table), gMasks[i], l.gRef, sink, transcript);
      layers.blob(serializeSumcheckProof(proof));
      return;
    }
    if (l.kind === 'requant') {
      const cols = Object.fromEntries(REQUANT_COLUMNS.map((c) => [c, masked.get(l.tensors.cols[c])!])) as Record<RequantColumn, MaskedPoly>;
      const m = l.params.privateMults ? masked.get(`${l.node.name}/mults`)! : undefined;
      const proof = proveRequant(l.params, l.refs, { x: masked.get(l.tensors.x)!, q: table(l.tensors.q), cols, ...(m ? { m } : {}) }, gMasks[i], l.gRef, sink, transcript);
      layers.blob(serializeSumcheckProof(proof));
      return;
    }
    const w: MatmulWitness = {
      a: table(l.tensors.a),
      b: table(l.tensors.b),
      c: table(l.tensors.c),
      bias: l.tensors.bias === null ? null : table(l.tensors.bias),
    };
    const proof = proveMatmul(l.dims, l.refs, w, gMasks[i], l.gRef, sink, transcript);
    layers.blob(serializeSumcheckProof(proof));
  });

  // every range check (inputs, requant remainders, quotients, clamps) in one LogUp
  step('ranges');
  const lookups = plan.lookups.map((l) => ({ shape: l.shape, x: masked.get(l.x)!, y: masked.get(l.y)!, xRef: plan.refs.get(l.x)!, yRef: plan.refs.get(l.y)! }));
  const rangeProof = proveRanges(plan.ranges.map((r) => r.shape), plan.ranges.map((r) => r.columns.map((c) => masked.get(c)!)), plan.ranges.map((r) => r.refs), session, transcript, { unsafeAllowMisses: options.unsafeTest?.tamperVector !== undefined || options.unsafeTest?.rangeMisses === true }, lookups);

  // the committed private parameters hash to the fingerprint
  if (priv) step('fingerprint proof');
  const fingerprint = priv ? proveFingerprint(priv, plan, digestMasks!, session, transcript, options.unsafeTest) : null;
  // each committed V_a hashes to its attested digest
  if (attested.length > 0) step('attested proofs');
  const attestedProofs = new ByteWriter().u32(attested.length);
  attested.forEach((a, k) => attestedProofs.blob(proveAttested(a, plan, attestedMasks[k], session, transcript, options.unsafeTest)));

  // public outputs that were committed (lookup outputs) and public inputs: opened unmasked at a
  // random point, which reveals nothing the statement does not (the values are public)
  for (const [name, label] of publicOpenings(plan)) {
    const ref = plan.refs.get(name)!;
    const point = transcript.challengeExts(label, ref.numVars);
    session.claim(ref.commitment, { terms: [{ poly: ref.f[0], coeff: E.ONE, point }], value: evaluate(paddedTable(values.get(name)!.data, plan.dims.get(name)!), point) });
  }

  if (!sink.drained) throw new Error('prove: a virtual tensor has claims no Gather proved');
  const openings = session.finish((c) => step(c === 0 ? 'open commitment 0' : 'open helpers'));
  releasePrivateWitness(priv);
  const commitments = new ByteWriter();
  writeCommitments(commitments, session.commitments);
  const opened = new ByteWriter().u32(openings.length);
  for (const o of openings) opened.blob(pcs.serializeProof(o));

  const sections = new Map<number, Uint8Array>([
    [SECTION.commitments, commitments.finish()],
    [SECTION.layers, layers.finish()],
    [SECTION.ranges, serializeRanges(rangeProof)],
    [SECTION.openings, opened.finish()],
  ]);
  if (fingerprint) sections.set(SECTION.fingerprint, fingerprint);
  if (attested.length > 0) sections.set(SECTION.attested, attestedProofs.finish());
  const outputs = new Map(vk.outputs.map((o) => [o.name, values.get(o.name)!]));
  return { proof: serializeProofFile({ statement, sections }), statement, outputs };
}

function attestedSalt(options: ProveOptions, input: string): Salt {
  const salt = options.attestedSalts?.[input];
  if (salt === undefined) throw new FormatError(`input ${input} is attested in this key: give the salt of its attestation (attestedSalts)`);
  return salt;
}

/** Public outputs by value; each private output by the predicate that names it (which must hold). */
function outputStatements(outputs: ProvingKey['vk']['outputs'], specs: readonly PredicateSpec[], value: (name: string) => BigInt64Array): OutputStatement[] {
  const byOutput = new Map<number, PredicateSpec>();
  for (const spec of specs) {
    const i = predicateOutput(spec, outputs);
    if (outputs[i].visibility === 'public') throw new FormatError(`predicate on ${spec.output}: the output is public in this key (set up with it private to prove a predicate instead)`);
    if (byOutput.has(i)) throw new FormatError(`two predicates on output ${spec.output}`);
    byOutput.set(i, spec);
  }
  return outputs.map((o, i): OutputStatement => {
    if (o.visibility === 'public') return { kind: 'public', values: value(o.name) };
    const spec = byOutput.get(i);
    if (spec === undefined) throw new FormatError(`output ${o.onnxName} is private in this key: give a predicate on it`);
    const predicate = compilePredicate(spec, o);
    if (!predicateHolds(predicate, value(o.name))) throw new FalsePredicateError(`the predicate on ${o.onnxName} is false for this input`);
    return { kind: 'predicate', predicate };
  });
}
