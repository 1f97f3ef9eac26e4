// The prover's side of private parameters (docs/protocol.md (Part 5) §8): V and every private
// tensor's masked view, the digest proof's masks (at the end of commitment 0), and the
// digest proof that binds the committed V to the fingerprint in the statement.
import { serializeDigestProof } from '../hash/digest-proof.js';
import { proveDigest, sampleDigestMasks, type DigestMasks } from '../hash/digest-prover.js';
import { statementInfo } from '../hash/digest-shapes.js';
import { claimAll, maskRefs } from '../hash/digest-commitments.js';
import { digestWitness, releaseDigestWitness, type DigestWitness } from '../hash/digest-witness.js';
import { digestEquals } from '../hash/digest.js';
import { multiplierTable, type RequantParams } from '../layers/requant.js';
import { paddedTable } from '../layers/tensor.js';
import type { BaseVec } from '../field/vec.js';
import type { IrTensor } from '../ir/types.js';
import { MaskedPoly, splitExt } from '../sumcheck/mask.js';
import type { ProverSession } from '../sumcheck/session.js';
import type { Transcript } from '../transcript/transcript.js';
import { WEIGHTS_VECTOR, type ModelPlan, type PrivatePlan } from '../verify/plan.js';
import { privateValues, rangeColumn, viewNames } from '../verify/private-weights.js';
import type { ProvingKey } from './keys.js';
import { privateTables } from './setup.js';

export interface PrivateWitness {
  readonly plan: PrivatePlan;
  readonly witness: DigestWitness;
  /** V, masked (committed in commitment 0). */
  readonly vector: MaskedPoly;
  /** Each private tensor's table with its own mask, by view name (weights; `node/mults`). */
  readonly views: ReadonlyMap<string, MaskedPoly>;
  /** Requant parameters with the real multipliers, by node name. */
  readonly mults: ReadonlyMap<string, readonly bigint[]>;
}

/** Tests only: cheating provers (the verifier must reject every one). */
export interface UnsafeWeightsTest {
  /** The layers use these weights; V (hashed and committed) keeps the proving key's. */
  readonly layerWeights?: ReadonlyMap<string, IrTensor>;
  /** The proving key's weights differ from the setup's: prove the statement's fingerprint anyway (a false digest claim). */
  readonly forgeFingerprint?: boolean;
  /** Attested inputs: claim these digests (by input name) for V_a whatever the fields hash to (a false digest claim). */
  readonly forgeAttested?: ReadonlyMap<string, readonly [bigint, bigint, bigint, bigint]>;
  /** Public inputs: state these values (by input name) while the layers run on the real input (a false statement). */
  readonly forgePublicInputs?: ReadonlyMap<string, BigInt64Array>;
  /** Tree ensembles: run the link's sumcheck on a false sum (a selector column not one-hot, a private "=" mode). */
  readonly falseTreeLink?: boolean;
  /** Changes V (committed and hashed) after the sponge ran; the range check then proves with misses. */
  readonly tamperVector?: (V: BigUint64Array) => void;
  /** Decompose out-of-range values for the range checks anyway (the merged LogUp must reject). */
  readonly rangeMisses?: boolean;
}

/**
 * Executes the sponge over V and samples every mask of the private tensors; `step` is told
 * where the sponge run ends (prove's onStep, so that the fingerprint's cost can be measured).
 */
export function privateWitness(pk: ProvingKey, plan: ModelPlan, unsafe: UnsafeWeightsTest = {}, step: (name: 'fingerprint sponge' | 'private parameters') => void = () => undefined): PrivateWitness | null {
  const priv = plan.weights;
  if (!priv) return null;
  const tables = privateTables(priv.layout, pk.weights, pk.privateAttrs);
  const values = privateValues(priv.layout, tables);
  step('fingerprint sponge');
  let witness = digestWitness(values, pk.salts[0], priv.statement.options);
  step('private parameters');
  if (!digestEquals(witness.digest, priv.statement.digest)) {
    if (unsafe.forgeFingerprint !== true) throw new Error('prove: the private parameters do not hash to the verifying key\'s fingerprint (a proving key from another setup?)');
    witness = { ...witness, digest: priv.statement.digest };
  }
  if (unsafe.tamperVector) {
    const valueVector = witness.valueVector.slice();
    unsafe.tamperVector(valueVector);
    witness = { ...witness, valueVector };
  }
  const layerTables = unsafe.layerWeights ? privateTables(priv.layout, new Map([...pk.weights, ...unsafe.layerWeights]), pk.privateAttrs) : tables;
  const vRef = plan.refs.get(WEIGHTS_VECTOR)!;
  const vector = MaskedPoly.sample(witness.valueVector, priv.nV, vRef.maskVars);
  const views = new Map<string, MaskedPoly>();
  const mults = new Map<string, readonly bigint[]>();
  const requants = new Map(plan.layers.flatMap((l) => (l.kind === 'requant' ? [[l.node.name, l.params] as const] : [])));
  priv.layout.tensors.forEach((t, i) => {
    const ref = plan.views.get(t.name)!;
    let table: BaseVec;
    if (t.node === null) table = paddedTable(layerTables[i], t.dims);
    else {
      const real: RequantParams = { ...requants.get(t.node.name)!, mults: Array.from(layerTables[i]) };
      mults.set(t.node.name, real.mults);
      table = multiplierTable(real);
    }
    views.set(t.name, MaskedPoly.sample(table, ref.numVars, ref.maskVars));
    if (t.node === null) return;
    const range = plan.views.get(rangeColumn(t))!;
    views.set(rangeColumn(t), MaskedPoly.sample(paddedTable(layerTables[i], t.dims), range.numVars, range.maskVars));
  });
  return { plan: priv, witness, vector, views, mults };
}

/** The views' masks R, in the plan's order (commitment 0, after the committed tensors). */
export function viewMaskPolys(pw: PrivateWitness | null): BaseVec[] {
  if (!pw) return [];
  return viewNames(pw.plan.layout).flatMap((name) => splitExt(pw.views.get(name)!.mask));
}

/** The digest proof's masks (sampled before the first challenge, committed at commitment 0's tail: plan.digestMasks). */
export function sampleFingerprintMasks(pw: PrivateWitness): DigestMasks {
  return sampleDigestMasks(pw.witness, pw.plan.statement);
}

/** The digest proof of V; its claims go to the session. Returns the proof's bytes. */
export function proveFingerprint(pw: PrivateWitness, plan: ModelPlan, masks: DigestMasks, session: ProverSession<unknown, unknown>, transcript: Transcript, unsafe: UnsafeWeightsTest = {}): Uint8Array {
  const { proof, claims } = proveDigest(pw.witness, transcript, { masks, values: pw.vector }, { unsafeAllowFalseClaim: unsafe.forgeFingerprint === true });
  claimAll(session, claims, plan.refs.get(WEIGHTS_VECTOR)!, maskRefs(statementInfo(pw.plan.statement), 0, plan.digestMasks.get(WEIGHTS_VECTOR)!));
  return serializeDigestProof(proof);
}

/** After the last opening: the sponge run's memory goes to the next proof's run (V and the trace become empty). */
export function releasePrivateWitness(pw: PrivateWitness | null): void {
  if (pw) releaseDigestWitness(pw.witness);
}
