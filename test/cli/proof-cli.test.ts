// The proof commands end to end through child processes, on the bundled example model:
// compile → setup → prove → verify (exit 0, --json statement), invalid proofs (exit 1: tampered
// bytes, a tampered public output, another context), unusable files (exit 2 with one line and no
// stack), unsupported options refused, a model private weights cannot prove refused at setup with
// the --weights public hint, and the one-shot `prove model.onnx`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserializeProofFile, serializeProofFile } from '../../src/verify/proof-file.js';
import { readCompiled, writeCompiled } from '../../src/ir/format.js';

const CLI = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const MODEL = join(process.cwd(), 'examples', 'tiny-mlp.onnx');
const INPUT = join(process.cwd(), 'examples', 'input.json');
const GBDT = join(process.cwd(), '..', 'shared', 'testdata', 'models', 'sklearn-SklearnBinGradientBoostingClassifier', 'model.onnx');
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-proof-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectExit(r: ReturnType<typeof cli>, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit ${code} expected, got ${r.code}: ${r.err}`);
  assert.match(r.err, pattern);
  assert.equal(r.err.trim().split('\n').length, 1, `one line, got: ${r.err}`);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

interface Proven {
  readonly zkc: string;
  readonly pk: string;
  readonly vk: string;
  readonly proof: string;
  /** The integer execution's outputs (zkinfer run), to compare with the verified statement. */
  readonly expected: number[];
}

let proven: Proven | undefined;

/** compile → setup --weights public → prove, once for the tests that need a proof. */
function provenOnce(): Proven {
  if (proven) return proven;
  const zkc = join(dir, 'tiny.zkc');
  assert.equal(cli('compile', MODEL, '-o', zkc).code, 0);
  const run = cli('run', zkc, '--input', INPUT, '--json');
  assert.equal(run.code, 0, run.err);
  const expected = JSON.parse(run.out).outputs.scores as number[];
  const keys = join(dir, 'keys');
  const s = cli('setup', zkc, '--weights', 'public', '-o', keys, '--json');
  assert.equal(s.code, 0, s.err);
  const sj = JSON.parse(s.out);
  assert.equal(sj.weights, 'public');
  assert.ok(existsSync(sj.provingKey) && existsSync(sj.verifyingKey));
  const proof = join(dir, 'proof.zkp');
  const p = cli('prove', '--pk', sj.provingKey, '--input', INPUT, '--context', 'bank A', '-o', proof, '--json');
  assert.equal(p.code, 0, p.err);
  const pj = JSON.parse(p.out);
  assert.equal(pj.bytes, readFileSync(proof).length);
  assert.deepEqual(pj.statement.outputs[0].values, expected);
  proven = { zkc, pk: sj.provingKey, vk: sj.verifyingKey, proof, expected };
  return proven;
}

test('setup → prove → verify: exit 0, the --json statement holds the dequantized outputs', () => {
  const p = provenOnce();
  const v = cli('verify', '--vk', p.vk, '--context', 'bank A', '--json', p.proof);
  assert.equal(v.code, 0, v.err);
  const j = JSON.parse(v.out);
  assert.equal(j.valid, true);
  assert.equal(j.statement.model, 'tiny-mlp');
  assert.equal(j.statement.context, 'bank A');
  assert.match(j.statement.verifyingKeyHash, /^[0-9a-f]{64}$/);
  assert.deepEqual(j.statement.outputs[0].values, p.expected);
  assert.equal(j.statement.outputs[0].integers.length, 3);
  const text = cli('verify', '--vk', p.vk, '--context', 'bank A', p.proof);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^valid proof .*\nscores: \[/);
  const quiet = cli('verify', '--vk', p.vk, '--context', 'bank A', '--quiet', p.proof);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.out, '');
});

test('invalid proofs exit 1: another context, a flipped byte, a tampered public output', () => {
  const p = provenOnce();
  expectExit(cli('verify', '--vk', p.vk, p.proof), 1, /invalid proof .*context/);
  expectExit(cli('verify', '--vk', p.vk, '--context', 'bank B', p.proof), 1, /invalid proof .*context/);

  const bytes = readFileSync(p.proof);
  const flipped = bytes.slice();
  flipped[bytes.length - 100] ^= 0x01;
  const flippedPath = join(dir, 'flipped.zkp');
  writeFileSync(flippedPath, flipped);
  const f = cli('verify', '--vk', p.vk, '--context', 'bank A', '--json', flippedPath);
  expectExit(f, 1, /invalid proof/);
  assert.equal(JSON.parse(f.out).valid, false);

  const file = deserializeProofFile(bytes);
  const out = file.statement.outputs[0];
  assert.equal(out.kind, 'public');
  const values = (out as { values: BigInt64Array }).values.slice();
  values[0] += 1n;
  const forgedPath = join(dir, 'forged.zkp');
  writeFileSync(forgedPath, serializeProofFile({ ...file, statement: { ...file.statement, outputs: [{ kind: 'public', values }] } }));
  expectExit(cli('verify', '--vk', p.vk, '--context', 'bank A', forgedPath), 1, /invalid proof/);
});

test('unusable files exit 2 with one line: malformed vk, proof, input; a key for a proof; another version', () => {
  const p = provenOnce();
  const junk = join(dir, 'junk.bin');
  writeFileSync(junk, 'not a zkinfer file at all');
  expectExit(cli('verify', '--vk', junk, '--context', 'bank A', p.proof), 2, /not a zkinfer verifyingKey file/);
  expectExit(cli('verify', '--vk', p.vk, '--context', 'bank A', junk), 2, /not a zkinfer proof file/);
  expectExit(cli('verify', '--vk', p.vk, p.vk), 2, /this is a verifyingKey file, not a proof file/);
  expectExit(cli('verify', '--vk', p.pk, p.proof), 2, /this is a provingKey file, not a verifyingKey file/);
  expectExit(cli('verify', '--vk', join(dir, 'absent.vk'), p.proof), 2, /does not exist/);

  const truncated = join(dir, 'truncated.zkp');
  writeFileSync(truncated, readFileSync(p.proof).subarray(0, 50));
  expectExit(cli('verify', '--vk', p.vk, '--context', 'bank A', truncated), 2, /proof/);
  const future = readFileSync(p.proof);
  future[4] = 9; // the u32 version after the 4-byte magic
  const futurePath = join(dir, 'future.zkp');
  writeFileSync(futurePath, future);
  expectExit(cli('verify', '--vk', p.vk, '--context', 'bank A', futurePath), 2, /format version 9/);

  // the input parser's every case is tested with `zkinfer run`; here: it is the same parser
  const cases: [string, RegExp][] = [
    ['{"features": [1, 2]}', /has 2 values, expected 8/],
    ['not json', /not valid JSON/],
  ];
  for (const [text, pattern] of cases) {
    const f = join(dir, 'bad.json');
    writeFileSync(f, text);
    expectExit(cli('prove', '--pk', p.pk, '--input', f, '-o', join(dir, 'never.zkp')), 2, pattern);
  }
  assert.ok(!existsSync(join(dir, 'never.zkp')), 'no proof written for a bad input');
  expectExit(cli('prove', '--pk', p.vk, '--input', INPUT), 2, /not a provingKey file/);
  // --debug shows the stack (and still exits 2)
  const d = cli('--debug', 'verify', '--vk', junk, p.proof);
  assert.equal(d.code, 2);
  assert.match(d.err, /\n\s+at /);
});

test('setup refuses what private weights cannot prove (exit 2, one line) and hints at --weights public when that proves', () => {
  const p = provenOnce();
  // A multiplier of 2^35 + 1 in the first Requant: its public relation fits below p/2, but a
  // private one is bounded by 2^36 − 1 (only its bit length is public), and that does not fit.
  const graph = readCompiled(readFileSync(p.zkc));
  const requant = graph.nodes.find((n) => n.op === 'Requant')!;
  const mults = (requant.attrs.mults as readonly (bigint | number)[]).map((m, i) => (i === 0 ? (1n << 35n) + 1n : BigInt(m)));
  const wide = join(dir, 'wide-multiplier.zkc');
  writeFileSync(wide, writeCompiled({ ...graph, nodes: graph.nodes.map((n) => (n === requant ? { ...n, attrs: { ...n.attrs, mults } } : n)) }));
  expectExit(cli('setup', wide, '-o', join(dir, 'wide-private')), 2, /fc1\/requant: .*do not fit below p\/2 .*M ≤ 68719476735\); it proves with --weights public/);
  assert.ok(!existsSync(join(dir, 'wide-private')), 'no keys written');
  assert.equal(cli('setup', wide, '--weights', 'public', '-o', join(dir, 'wide-public')).code, 0);
});

test('private weights (the setup default): setup, prove and verify; the verifying key holds the fingerprint only', () => {
  const p = provenOnce();
  const s = cli('setup', p.zkc, '-o', join(dir, 'private'), '--json');
  assert.equal(s.code, 0, s.err);
  assert.equal(JSON.parse(s.out).weights, 'private');
  const out = join(dir, 'private', 'proof.zkp');
  const r = cli('prove', '--pk', join(dir, 'private', 'tiny.pk'), '--input', INPUT, '-o', out);
  assert.equal(r.code, 0, r.err);
  assert.equal(cli('verify', '--vk', join(dir, 'private', 'tiny.vk'), out).code, 0);
  expectExit(cli('verify', '--vk', p.vk, out), 1, /.+/);
});

test('what is not built is refused, not pretended: malformed or misplaced --predicate; option misuse', () => {
  const p = provenOnce();
  expectExit(cli('prove', '--pk', p.pk, '--input', INPUT, '--predicate', 'argmax=0'), 2, /expected "name\[i\] >= value"/);
  expectExit(cli('prove', '--pk', p.pk, '--input', INPUT, '--predicate', 'scores[0] >= 0'), 2, /public in this key/);
  expectExit(cli('prove', MODEL, '--pk', p.pk, '--input', INPUT), 2, /either --pk .* or a model file/);
  expectExit(cli('prove', '--input', INPUT), 2, /either --pk .* or a model file/);
  expectExit(cli('setup', p.zkc, '--weights', 'secret'), 2, /--weights must be private or public/);
});

test('one-shot: prove model.onnx --input compiles, sets up, proves and checks; verify accepts the proof', () => {
  const out = join(dir, 'oneshot', 'proof.zkp');
  const r = cli('prove', MODEL, '--input', INPUT, '-o', out, '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.verified, true);
  assert.ok(existsSync(j.files.compiled) && existsSync(j.files.provingKey) && existsSync(j.files.verifyingKey));
  const v = cli('verify', '--vk', j.files.verifyingKey, '--json', out);
  assert.equal(v.code, 0, v.err);
  assert.deepEqual(JSON.parse(v.out).statement.outputs, j.statement.outputs);
});

test('a private output: setup --private-outputs, prove --predicate, verify prints the predicate; a false one has no proof', () => {
  const p = provenOnce();
  const keys = join(dir, 'private-out');
  assert.equal(cli('setup', p.zkc, '--weights', 'public', '--private-outputs', 'scores', '-o', keys).code, 0);
  const best = p.expected.indexOf(Math.max(...p.expected));
  const proof = join(dir, 'predicate.zkp');
  const r = cli('prove', '--pk', join(keys, 'tiny.pk'), '--input', INPUT, '--predicate', `argmax(scores) == ${best}`, '-o', proof);
  assert.equal(r.code, 0, r.err);
  const v = cli('verify', '--vk', join(keys, 'tiny.vk'), proof);
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, new RegExp(`scores: private, proven argmax\\(scores\\) == ${best}`));
  assert.doesNotMatch(v.out, /\[.*\d.*\]/, 'no output values printed');
  const j = JSON.parse(cli('verify', '--vk', join(keys, 'tiny.vk'), '--json', proof).out);
  assert.deepEqual(j.statement.outputs[0].predicate, { kind: 'argmax', label: best });
  // the verifier's own policy: --require must match the proven predicate exactly
  assert.equal(cli('verify', '--vk', join(keys, 'tiny.vk'), '--require', `argmax(scores) == ${best}`, proof).code, 0);
  expectExit(cli('verify', '--vk', join(keys, 'tiny.vk'), '--require', `argmax(scores) == ${(best + 1) % p.expected.length}`, proof), 1, /the verifier requires argmax\(scores\)/);
  expectExit(cli('verify', '--vk', join(keys, 'tiny.vk'), '--require', 'nope[0] >= 1', proof), 2, /no output named nope/);
  const wrong = cli('prove', '--pk', join(keys, 'tiny.pk'), '--input', INPUT, '--predicate', `argmax(scores) == ${(best + 1) % p.expected.length}`, '-o', join(dir, 'false.zkp'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /predicate on scores is false/);
  assert.ok(!existsSync(join(dir, 'false.zkp')));
});

test('the sklearn GBDT (refused with private weights before the multiplier range checks and private trees) sets up with private and with public weights', { skip: !existsSync(GBDT) }, () => {
  const zkc = join(dir, 'gbdt.zkc');
  assert.equal(cli('compile', GBDT, '-o', zkc).code, 0);
  assert.equal(cli('setup', zkc, '-o', join(dir, 'gbdt-keys')).code, 0);
  assert.equal(cli('setup', zkc, '--weights', 'public', '-o', join(dir, 'gbdt-keys')).code, 0);
});
