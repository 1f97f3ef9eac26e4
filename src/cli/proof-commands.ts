// The proof commands of the CLI: `setup`, `prove` (with a key, or one-shot from a model file)
// and `verify`. Thin like the rest of the CLI: read files, call the library, print.
// Exit codes: 0 success (verify: the proof is valid), 1 the proof is invalid (or an unexpected
// failure), 2 unusable input (a missing, malformed or foreign-version file, a bad input JSON, a
// model or option this version cannot prove). Errors are one line; --debug adds the stack.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { FormatError, VerificationError } from '../encoding/errors.js';
import { InputError } from '../ir/execute.js';
import { readCompiled, writeCompiled } from '../ir/format.js';
import { CompileError, type IrGraph } from '../ir/types.js';
import { OnnxImportError } from '../onnx/errors.js';
import type { DType, ValueInfo } from '../onnx/graph.js';
import { deserializeProvingKey, graphOf, serializeProvingKey, type ProvingKey } from '../prove/keys.js';
import { prove } from '../prove/prove.js';
import { setup, type SetupOptions } from '../prove/setup.js';
import { compileGraph, loadModel, quantizeInputs } from '../quant/compile.js';
import { parseInputs } from '../quant/inputs.js';
import { planModel, UnsupportedModelError } from '../verify/plan.js';
import { deserializeProofFile } from '../verify/proof-file.js';
import { verify } from '../verify/verify.js';
import { deserializeVerifyingKey, serializeVerifyingKey, type VerifyingKey } from '../verify/vk.js';
import { compilePredicate, parsePredicate, predicateOutput } from '../verify/predicate-spec.js';
import { selectOutputs } from '../ir/select-outputs.js';
import { Steps } from './progress.js';
import { attestationFlags, makeAttestationFile, readAttestationFile } from './attestation-file.js';
import { outputLines, statementJson } from './statement-json.js';

/** Input the command cannot use: exit 2. */
class CliInputError extends Error {
  override name = 'CliInputError';
}

/** The proof was checked and rejected: exit 1. */
class InvalidProofError extends Error {
  override name = 'InvalidProofError';
}

const EXIT_UNUSABLE = 2;
const UNUSABLE: readonly (abstract new (...args: never[]) => Error)[] = [CliInputError, FormatError, InputError, UnsupportedModelError, OnnxImportError, CompileError];

interface OutputFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/**
 * Runs an action body; unusable-input errors are printed here (one line, stack with --debug) and
 * turned into exit code 2 through a CommanderError, which main() maps to 2 without printing.
 * Every other error goes to main(), which prints it and exits 1.
 */
function guarded(cmd: Command, body: () => void): void {
  try {
    body();
  } catch (e) {
    if (!(e instanceof Error) || !UNUSABLE.some((c) => e instanceof c)) throw e;
    const debug = cmd.optsWithGlobals<{ debug?: boolean }>().debug === true;
    process.stderr.write(debug ? `${e.stack ?? e.message}\n` : `zkinfer: ${e.message.split('\n')[0]}\n`);
    throw new CommanderError(EXIT_UNUSABLE, 'zkinfer.unusableInput', e.message);
  }
}

function readBytes(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new CliInputError(`${what} ${path} does not exist`);
  return readFileSync(path);
}

function writeOut(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(path, bytes);
}

function printResult(flags: OutputFlags, data: unknown, text: string): void {
  if (flags.json) process.stdout.write(`${JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  else if (!flags.quiet) process.stdout.write(`${text}\n`);
}

function silent(flags: OutputFlags): boolean {
  return flags.json === true || flags.quiet === true;
}

function modelBase(path: string): string {
  return basename(path, extname(path)) || 'model';
}

function keyPaths(dir: string, base: string): { pk: string; vk: string } {
  return { pk: join(dir, `${base}.pk`), vk: join(dir, `${base}.vk`) };
}

function sizeText(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Keys for a graph; refuses at setup time what the prover cannot prove yet (exit 2). */
function makeKeys(graph: IrGraph, weights: 'private' | 'public', privateOutputs: readonly string[] = [], attested: Readonly<Record<string, number>> = {}, publicInputs: readonly string[] = []): { pk: ProvingKey; vk: VerifyingKey } {
  const unknown = privateOutputs.filter((n) => !graph.outputs.some((o) => o.onnxName === n || o.name === n));
  if (unknown.length > 0) throw new CliInputError(`--private-outputs: no output named ${unknown.join(', ')} (outputs: ${graph.outputs.map((o) => o.onnxName).join(', ')})`);
  const outputs = Object.fromEntries(graph.outputs.filter((o) => privateOutputs.includes(o.onnxName) || privateOutputs.includes(o.name)).map((o) => [o.name, 'private' as const]));
  for (const name of Object.keys(attested)) if (!graph.inputs.some((i) => i.name === name)) throw new CliInputError(`--attested: no input named ${name} (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`);
  for (const name of publicInputs) {
    if (!graph.inputs.some((i) => i.name === name)) throw new CliInputError(`--public-inputs: no input named ${name} (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`);
    if (name in attested) throw new CliInputError(`input ${name} cannot be both --public-inputs and --attested`);
  }
  const inputs = Object.fromEntries([...Object.keys(attested).map((n) => [n, 'attested' as const]), ...publicInputs.map((n) => [n, 'public' as const])]);
  try {
    const keys = setup(graph, { weights, outputs, inputs, schemas: attested });
    planModel(keys.vk);
    return keys;
  } catch (e) {
    if (!(e instanceof UnsupportedModelError)) throw e;
    const hint = weights === 'private' && provesWithPublicWeights(graph, { weights: 'public', outputs, inputs, schemas: attested }) ? '; it proves with --weights public (the verifying key then contains the weights)' : '';
    throw new UnsupportedModelError(`not supported yet: ${e.message}${hint}`);
  }
}

/** Whether the model would prove with public weights: the hint for a model refused with private ones. */
function provesWithPublicWeights(graph: IrGraph, options: SetupOptions): boolean {
  try {
    planModel(setup(graph, options).vk);
    return true;
  } catch (e) {
    if (e instanceof UnsupportedModelError) return false;
    throw e;
  }
}

/** The input JSON (main.ts's format, parsed by the same parser), quantized for the graph. */
function readInput(path: string, graph: IrGraph) {
  const infos: ValueInfo[] = graph.inputs.map((i) => ({ name: i.name, dtype: i.onnxDtype as DType, dims: i.dims }));
  const samples = parseInputs(new TextDecoder().decode(readBytes(path, 'input file')), infos, path);
  if (samples.length !== 1) throw new CliInputError(`${path}: prove takes one input set, found ${samples.length}`);
  return quantizeInputs(graph, samples[0]);
}

function formatVisibility(v: string | undefined): 'private' | 'public' {
  if (v === undefined || v === 'private' || v === 'public') return v ?? 'private';
  throw new CliInputError(`--weights must be private or public, got ${v}`);
}

interface SetupFlags extends OutputFlags {
  readonly output?: string;
  readonly weights?: string;
  readonly outputs?: string;
  readonly privateOutputs?: string;
  readonly attested?: string[];
  readonly publicInputs?: string;
}

const nameList = (v: string | undefined): string[] => (v === undefined ? [] : v.split(',').map((x) => x.trim()).filter((x) => x.length > 0));

function setupCommand(program: Command): void {
  program.command('setup')
    .description('make a proving key (<name>.pk) and a verifying key (<name>.vk) for a compiled model')
    .argument('<model>', 'model.zkc (from zkinfer compile)')
    .option('-o, --output <dir>', "directory for the keys (default: the model's directory)")
    .option('--weights <visibility>', 'private: committed in every proof and bound to the fingerprint in the verifying key; public: the verifying key holds them', 'private')
    .option('--outputs <names>', 'keep only these outputs (comma-separated); what no kept output needs is neither proven nor in the keys')
    .option('--private-outputs <names>', 'outputs proven only through a predicate given at prove time (comma-separated), e.g. probabilities')
    .option('--attested <name=schema>', 'an input an issuer attests (zkinfer attest) and its schema id, e.g. --attested features=1 (repeatable)', collect, [])
    .option('--public-inputs <names>', 'inputs whose values the proof states (comma-separated); the others stay private')
    .option('--json', 'machine-readable output')
    .option('--quiet', 'print nothing but errors')
    .action((model: string, o: SetupFlags, cmd: Command) => guarded(cmd, () => {
      const weights = formatVisibility(o.weights);
      const compiled = readCompiled(readBytes(model, 'compiled model'), model);
      const graph = o.outputs === undefined ? compiled : selectOutputs(compiled, nameList(o.outputs));
      const { pk, vk } = makeKeys(graph, weights, nameList(o.privateOutputs), schemaFlags(o.attested), nameList(o.publicInputs));
      const paths = keyPaths(o.output ?? dirname(model), modelBase(model));
      const pkBytes = serializeProvingKey(pk);
      const vkBytes = serializeVerifyingKey(vk);
      writeOut(paths.pk, pkBytes);
      writeOut(paths.vk, vkBytes);
      printResult(o, { provingKey: paths.pk, verifyingKey: paths.vk, provingKeyBytes: pkBytes.length, verifyingKeyBytes: vkBytes.length, weights, fingerprintGroups: vk.fingerprint.length },
        `keys for ${model}: proving key ${paths.pk} (${sizeText(pkBytes.length)}, keep it private), verifying key ${paths.vk} (${sizeText(vkBytes.length)}, give it to verifiers)` +
        (weights === 'public' ? '\nnote: weights are public: the verifying key contains them' : ''));
    }));
}

/** Commander collector for a repeatable option (a variadic one would swallow the positional argument). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function schemaFlags(values: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m || Number(m[2]) > 0xffffffff) throw new CliInputError(`--attested: expected name=schema id (a u32), got ${v}`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

interface ProveFlags extends OutputFlags {
  readonly attestation?: string[];
  readonly pk?: string;
  readonly input: string;
  readonly context: string;
  readonly predicate?: string[];
  readonly output: string;
  readonly calibration?: string;
}

/** One-shot mode: compile (if ONNX) and set up with public weights, writing the files beside the proof. */
function keysOnTheFly(model: string, o: ProveFlags, steps: Steps, privateOutputs: readonly string[]): { pk: ProvingKey; vk: VerifyingKey; notes: string[]; files: Record<string, string> } {
  const dir = dirname(o.output);
  const base = modelBase(model);
  const files: Record<string, string> = {};
  const notes: string[] = [];
  let graph: IrGraph;
  if (/\.onnx$/i.test(model)) {
    graph = steps.run('compile', 1, () => {
      const onnx = loadModel(readBytes(model, 'model'), basename(model));
      const calibration = o.calibration ? parseInputs(new TextDecoder().decode(readBytes(o.calibration, 'calibration file')), onnx.inputs, o.calibration) : undefined;
      return compileGraph(onnx, { calibration });
    });
    files.compiled = join(dir, `${base}.zkc`);
    writeOut(files.compiled, writeCompiled(graph));
    notes.push(`compiled ${model} → ${files.compiled} (${graph.bits}-bit, ${o.calibration ? `calibrated on ${o.calibration}` : 'synthetic calibration in [-1, 1]'})`);
  } else if (/\.zkc$/i.test(model)) {
    graph = readCompiled(readBytes(model, 'compiled model'), model);
  } else {
    throw new CliInputError(`${model}: expected a model.onnx or model.zkc (or use --pk with a proving key)`);
  }
  const { pk, vk } = steps.run('setup', 1, () => makeKeys(graph, 'public', privateOutputs));
  const paths = keyPaths(dir, base);
  writeOut(paths.pk, serializeProvingKey(pk));
  writeOut(paths.vk, serializeVerifyingKey(vk));
  Object.assign(files, { provingKey: paths.pk, verifyingKey: paths.vk });
  notes.push(`keys → ${paths.pk}, ${paths.vk} (weights public in this first-try setup: the verifying key contains them)`);
  return { pk, vk, notes, files };
}

function proveCommand(program: Command): void {
  program.command('prove')
    .description('prove one inference: with a proving key (--pk), or one-shot from model.onnx/model.zkc (compiles and sets up on the fly)')
    .argument('[model]', 'one-shot: model.onnx or model.zkc; keys and the compiled model are written beside the proof')
    .option('--pk <file>', 'proving key (from zkinfer setup)')
    .requiredOption('--input <file>', 'input JSON: {"<input name>": [numbers]} or {"input_data": [[...]]}')
    .option('--context <string>', "the verifier's context string (the proof verifies only under the same context)", '')
    .option('--predicate <expr...>', 'for each private output of the key: prove "name[i] >= value", "name[i] <= value", "argmax(name) == k" or "name[i] in {a, b}" instead of revealing it')
    .option('--attestation <file>', "an attested input's attestation file from its issuer (zkinfer attest; repeatable); its fields must be the input's values", collect, [])
    .option('-o, --output <file>', 'proof file', 'proof.zkp')
    .option('--calibration <file>', 'one-shot from ONNX only: calibration inputs (default: synthetic inputs in [-1, 1])')
    .option('--json', 'machine-readable output (the statement)')
    .option('--quiet', 'print nothing but errors')
    .action((model: string | undefined, o: ProveFlags, cmd: Command) => guarded(cmd, () => {
      const predicates = (o.predicate ?? []).map(parsePredicate);
      if ((model === undefined) === (o.pk === undefined)) throw new CliInputError('prove takes either --pk <proving key> or a model file (one-shot), not both or neither');
      if (o.calibration !== undefined && (model === undefined || !/\.onnx$/i.test(model))) throw new CliInputError('--calibration applies only to one-shot proving from model.onnx');
      // weights: a step's expected share of the time (proving dominates)
      const steps = new Steps('prove', model === undefined ? 9.5 : 12, { silent: silent(o) });
      try {
        const t0 = performance.now();
        const made = model === undefined ? undefined : keysOnTheFly(model, o, steps, predicates.map((p) => p.output));
        const pk = made?.pk ?? steps.run('load key', 0.5, () => deserializeProvingKey(readBytes(o.pk!, 'proving key')));
        if (made === undefined) planModel(pk.vk); // a key this version cannot prove: refuse before the work
        const graph = graphOf(pk);
        const { tensors, clamped } = readInput(o.input, graph);
        const attestedSalts = Object.fromEntries((o.attestation ?? []).map((path) => {
          const a = readAttestationFile(path);
          const x = tensors.get(a.input);
          if (x === undefined) throw new CliInputError(`${path}: the model has no input ${a.input}`);
          if (x.data.length !== a.fields.length || a.fields.some((f, i) => BigInt(f) !== x.data[i])) throw new CliInputError(`${path}: its fields are not the values of input ${a.input} in ${o.input}`);
          return [a.input, a.salt];
        }));
        const result = steps.run('prove', 9, () => prove(pk, tensors, { context: o.context, predicates, attestedSalts, onStep: (s) => steps.detail(`prove: ${s}`) }));
        writeOut(o.output, result.proof);
        const ms = performance.now() - t0;
        // one-shot: check the proof with the verifier, as a first try should show both halves
        const checked = made === undefined ? undefined : steps.run('verify', 1, () => verify(made.vk, result.proof, { context: o.context }));
        steps.stop();
        const statement = statementJson(result.statement, pk.vk);
        const lines = [
          ...(made?.notes ?? []),
          `proof → ${o.output} (${sizeText(result.proof.length)}, ${(ms / 1000).toFixed(1)} s)${o.context ? `, context ${JSON.stringify(o.context)}` : ''}`,
          ...outputLines(statement),
          ...(clamped > 0 ? [`note: ${clamped} input values were outside the calibrated range and saturated`] : []),
          ...(checked && made ? [`verified with ${made.files.verifyingKey}: valid`, `verify it yourself: zkinfer verify --vk ${made.files.verifyingKey}${o.context ? ` --context ${JSON.stringify(o.context)}` : ''} ${o.output}`] : []),
        ];
        printResult(o, { proof: o.output, bytes: result.proof.length, milliseconds: ms, clamped, ...(made ? { files: made.files, verified: checked !== undefined } : {}), statement }, lines.join('\n'));
      } finally {
        steps.stop();
      }
    }));
}

interface VerifyFlags extends OutputFlags {
  readonly vk: string;
  readonly context: string;
  readonly issuerKey?: string[];
  readonly signature?: string[];
  readonly require?: string[];
}

function verifyCommand(program: Command): void {
  program.command('verify')
    .description('verify a proof: exit 0 when valid (prints the public statement), 1 when invalid, 2 on unusable input')
    .argument('<proof>', 'proof.zkp')
    .requiredOption('--vk <file>', 'verifying key (from zkinfer setup)')
    .option('--context <string>', 'the context string the proof must have been made for', '')
    .option('--issuer-key <[name=]hex>', "an attested input's issuer Ed25519 public key (32 bytes hex; repeatable)", collect, [])
    .option('--signature <[name=]hex>', "the issuer's signature over that input's digest in the proof (64 bytes hex; repeatable)", collect, [])
    .option('--require <expr>', 'a predicate the proof must show, exactly (e.g. "birth_days[0] <= 38000"; repeatable); otherwise the proof is invalid', collect, [])
    .option('--json', 'machine-readable output (the statement)')
    .option('--quiet', 'print nothing but errors; the exit code is the answer')
    .action((proofPath: string, o: VerifyFlags, cmd: Command) => guarded(cmd, () => {
      const vk = deserializeVerifyingKey(readBytes(o.vk, 'verifying key'));
      const bytes = readBytes(proofPath, 'proof');
      // A file that is not a proof at all (magic, version, framing) is unusable input (exit 2);
      // whatever fails after the framing parsed is an invalid proof (exit 1).
      deserializeProofFile(bytes);
      planModel(vk);
      const attestations = attestationFlags(vk, o.issuerKey, o.signature);
      // a malformed or unknown requirement is unusable input (exit 2), not an invalid proof
      const predicates = (o.require ?? []).map(parsePredicate);
      for (const p of predicates) compilePredicate(p, vk.outputs[predicateOutput(p, vk.outputs)]);
      const steps = new Steps('verify', 1, { silent: silent(o) });
      const t0 = performance.now();
      let result;
      try {
        result = steps.run('verify', 1, () => verify(vk, bytes, { context: o.context, attestations, predicates }));
      } catch (e) {
        if (!(e instanceof VerificationError || e instanceof FormatError)) throw e;
        if (o.json) printResult(o, { valid: false, proof: proofPath, check: e instanceof VerificationError ? e.check : 'format', reason: e.message }, '');
        throw new InvalidProofError(`invalid proof ${proofPath}: ${e.message}`);
      } finally {
        steps.stop();
      }
      const ms = performance.now() - t0;
      const statement = statementJson(result.statement, vk);
      printResult(o, { valid: true, proof: proofPath, milliseconds: ms, statement },
        [`valid proof ${proofPath} for model ${vk.name}${o.context ? ` (context ${JSON.stringify(o.context)})` : ''}, verified in ${(ms / 1000).toFixed(2)} s`, ...outputLines(statement)].join('\n'));
    }));
}

interface AttestFlags {
  readonly input: string;
  readonly schema: string;
  readonly fields: string;
  readonly issuerSecret: string;
  readonly output?: string;
}

function attestCommand(program: Command): void {
  program.command('attest')
    .description('issuer: hash raw integer fields under a schema id with a fresh salt and sign the digest (Ed25519); writes the attestation file the holder proves with')
    .requiredOption('--input <name>', 'the model input these fields are')
    .requiredOption('--schema <id>', 'schema id (u32): what the fields mean and in which order')
    .requiredOption('--fields <json>', 'the fields, a JSON array of integers, e.g. "[34, 1, 5951]"')
    .requiredOption('--issuer-secret <hex>', "the issuer's Ed25519 secret key (32 bytes hex)")
    .option('-o, --output <file>', 'attestation file (default: standard output)')
    .action((o: AttestFlags, cmd: Command) => guarded(cmd, () => {
      const text = `${JSON.stringify(makeAttestationFile(o.input, Number(o.schema), o.fields, o.issuerSecret), null, 2)}\n`;
      if (o.output === undefined) process.stdout.write(text);
      else writeOut(o.output, new TextEncoder().encode(text));
    }));
}

/** Registers setup, prove, verify and attest on the program (called once from main.ts's buildProgram). */
export function addProofCommands(program: Command): void {
  attestCommand(program);
  setupCommand(program);
  proveCommand(program);
  verifyCommand(program);
}
