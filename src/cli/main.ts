#!/usr/bin/env node
// The zkinfer command line: thin — parses arguments, calls the library, prints.
// Errors are one line on stderr with a non-zero exit; --debug shows the stack.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import type { Tensor, ValueInfo } from '../onnx/graph.js';
import { evaluateFloat } from '../onnx/float-eval.js';
import { compileGraph, loadModel, runCompiled } from '../quant/compile.js';
import { DEFAULT_BITS } from '../quant/quantize.js';
import { parseInputs } from '../quant/inputs.js';
import { accuracy } from '../quant/accuracy.js';
import { readCompiled, writeCompiled } from '../ir/format.js';
import { formatSummary, inspect } from '../ir/inspect.js';
import type { IrGraph } from '../ir/types.js';
import { addProofCommands } from './proof-commands.js';

class UsageError extends Error {
  override name = 'UsageError';
}

function readFile(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
  return readFileSync(path);
}

function readText(path: string, what: string): string {
  return new TextDecoder().decode(readFile(path, what));
}

/** Runs `steps` with a progress bar on stderr when the whole takes long enough to matter. */
function withProgress<T>(label: string, total: number, json: boolean, body: (tick: (step: string) => void) => T): T {
  const show = !json && process.stderr.isTTY;
  const bar = show ? new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {step}`, stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(total, 0, { step: '' });
  try {
    return body((step) => bar?.increment(1, { step }));
  } finally {
    bar?.stop();
  }
}

function graphInputs(g: IrGraph): ValueInfo[] {
  return g.inputs.map((i) => ({ name: i.name, dtype: i.onnxDtype as ValueInfo['dtype'], dims: i.dims }));
}

function print(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n` : `${text}\n`);
}

function formatValues(v: ArrayLike<number>): string {
  const xs = Array.from(v, (x) => Number(x.toPrecision(6)));
  return xs.length > 20 ? `[${xs.slice(0, 20).join(', ')}, … (${xs.length} values)]` : `[${xs.join(', ')}]`;
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('zkinfer').description('Zero-knowledge proofs of ML inference: compile, run and inspect integer models; set up, prove and verify')
    .option('--debug', 'show stack traces on errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program.command('compile')
    .description('quantize an ONNX model into a compiled integer model (.zkc)')
    .argument('<model>', 'model.onnx')
    .option('-o, --output <file>', 'output file (default: <model>.zkc)')
    .option('--calibration <file>', 'calibration inputs (JSON: one input set, a list of sets, or EZKL input_data)')
    .option('--bits <n>', `precision in bits (4..24; default ${DEFAULT_BITS})`)
    .option('--dim <name=value...>', 'bind a symbolic input dim (dim_param), e.g. --dim batch=8 (default 1)')
    .option('--input-range <name=lo:hi...>', 'declare an integer input narrower than its type, e.g. --input-range features=0:32767 (the prover range-checks it)')
    .option('--integer-input <name=lo:hi...>', 'a float input that takes integers in [lo, hi] (raw fields an issuer signs), read exactly: needed to attest it')
    .option('--input-bits <name=bits...>', 'read a float input at a wider precision than --bits (up to 24), e.g. --input-bits x=20 when its range is much wider than the differences that matter')
    .option('--json', 'machine-readable output')
    .action((model: string, o: { output?: string; calibration?: string; bits?: string; dim?: string[]; inputRange?: string[]; inputBits?: string[]; integerInput?: string[]; json?: boolean }) => {
      const dims: Record<string, number> = {};
      for (const d of o.dim ?? []) {
        const m = /^([^=]+)=(\d+)$/.exec(d);
        if (!m || Number(m[2]) < 1) throw new UsageError(`--dim expects name=positive integer, got ${d}`);
        dims[m[1]] = Number(m[2]);
      }
      const inputRanges: Record<string, readonly [bigint, bigint]> = {};
      for (const r of o.inputRange ?? []) {
        const m = /^([^=]+)=(-?\d+):(-?\d+)$/.exec(r);
        if (!m) throw new UsageError(`--input-range expects name=lo:hi (integers), got ${r}`);
        inputRanges[m[1]] = [BigInt(m[2]), BigInt(m[3])];
      }
      const integerInputs: Record<string, readonly [bigint, bigint]> = {};
      for (const r of o.integerInput ?? []) {
        const m = /^([^=]+)=(-?\d+):(-?\d+)$/.exec(r);
        if (!m) throw new UsageError(`--integer-input expects name=lo:hi (integers), got ${r}`);
        integerInputs[m[1]] = [BigInt(m[2]), BigInt(m[3])];
      }
      const inputBits: Record<string, number> = {};
      for (const r of o.inputBits ?? []) {
        const m = /^([^=]+)=(\d+)$/.exec(r);
        if (!m) throw new UsageError(`--input-bits expects name=bits, got ${r}`);
        inputBits[m[1]] = Number(m[2]);
      }
      const bits = o.bits === undefined ? DEFAULT_BITS : Number(o.bits);
      if (!Number.isInteger(bits) || bits < 4 || bits > 24) throw new UsageError(`--bits must be an integer from 4 to 24, got ${o.bits}`);
      const json = o.json === true;
      const out = o.output ?? model.replace(/\.onnx$/i, '') + '.zkc';
      const result = withProgress('compile', 3, json, (tick) => {
        const graph = loadModel(readFile(model, 'model'), basename(model), dims);
        tick('loaded');
        const calibration = o.calibration ? parseInputs(readText(o.calibration, 'calibration file'), graph.inputs, o.calibration) : undefined;
        const ir = compileGraph(graph, { bits, calibration, inputRanges, inputBits, integerInputs });
        tick('quantized');
        writeFileSync(out, writeCompiled(ir));
        tick('written');
        return ir;
      });
      const s = inspect(result);
      print(json, { output: out, bits, layers: s.layers.length, parameters: s.parameters, tables: s.tables.length, calibration: o.calibration ?? 'synthetic' },
        `compiled ${model} → ${out}: ${bits}-bit, ${s.layers.length} integer ops, ${s.parameters} parameters, ${s.tables.length} lookup tables` +
        (o.calibration ? '' : '\nnote: no --calibration given; scales come from synthetic inputs in [-1, 1]'));
    });

  program.command('run')
    .description('run a compiled model exactly on an input and print the dequantized outputs')
    .argument('<model>', 'model.zkc')
    .requiredOption('--input <file>', 'input JSON: {"<input name>": [numbers]} or {"input_data": [[...]]}')
    .option('--compare <onnx>', 'also evaluate the original ONNX model in float and report the error')
    .option('--json', 'machine-readable output')
    .action((model: string, o: { input: string; compare?: string; json?: boolean }) => {
      const graph = readCompiled(readFile(model, 'compiled model'), model);
      const samples = parseInputs(readText(o.input, 'input file'), graphInputs(graph), o.input);
      if (samples.length !== 1) throw new UsageError(`${o.input}: run takes one input set, found ${samples.length}`);
      const t0 = performance.now();
      const r = runCompiled(graph, samples[0]);
      const ms = performance.now() - t0;
      const outputs = Object.fromEntries([...r.outputs].map(([k, v]) => [k, Array.from(v)]));
      let reports: ReturnType<typeof accuracy>[] | undefined;
      if (o.compare) {
        const onnx = loadModel(readFile(o.compare, 'ONNX model'), basename(o.compare));
        const ref = evaluateFloat(onnx, samples[0] as Record<string, Tensor>);
        reports = graph.outputs.map((out) => {
          const t = ref.get(out.onnxName);
          if (!t || Array.isArray(t.data)) throw new UsageError(`${o.compare}: no numeric output ${out.onnxName}`);
          return accuracy(out.onnxName, Array.from(t.data as ArrayLike<number | bigint>, Number), r.outputs.get(out.onnxName)!);
        });
      }
      const lines = [...r.outputs].map(([k, v]) => `${k}: ${formatValues(v)}`);
      if (r.clamped > 0) lines.push(`note: ${r.clamped} input values were outside the calibrated range and saturated`);
      for (const a of reports ?? []) {
        lines.push(`compare ${a.output}: max |err| ${a.maxAbsError.toPrecision(3)}, mean |err| ${a.meanAbsError.toPrecision(3)}, relative ${a.relativeError.toPrecision(3)}` +
          (a.argmaxAgrees === undefined ? '' : `, argmax ${a.argmaxAgrees ? 'agrees' : 'DIFFERS'}`));
      }
      lines.push(`(integer execution ${ms.toFixed(1)} ms)`);
      print(o.json === true, { outputs, clamped: r.clamped, milliseconds: ms, compare: reports }, lines.join('\n'));
    });

  program.command('inspect')
    .description('print layers, shapes, parameter counts, scales, bounds and table sizes of a compiled model')
    .argument('<model>', 'model.zkc')
    .option('--json', 'machine-readable output')
    .action((model: string, o: { json?: boolean }) => {
      const s = inspect(readCompiled(readFile(model, 'compiled model'), model));
      print(o.json === true, s, formatSummary(s));
    });
  addProofCommands(program);
  return program;
}

export function main(argv: readonly string[]): number {
  const debug = argv.includes('--debug');
  try {
    buildProgram().parse([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (help, version, usage errors).
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = e as Error;
    if (debug) process.stderr.write(`${err.stack ?? err.message}\n`);
    else process.stderr.write(`zkinfer: ${err.message.split('\n')[0]}\n`);
    return 1;
  }
}

// Run when executed (bin or `node dist/src/cli/main.js`), not when imported by tests.
const self = process.argv[1] ?? '';
if (self.endsWith('cli/main.js') || self.endsWith('/zkinfer')) process.exitCode = main(process.argv.slice(2));
