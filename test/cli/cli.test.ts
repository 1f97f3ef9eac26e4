// The CLI end to end: compile → run (--compare) → inspect, and every bad-input class gives a
// one-line message, a non-zero exit and no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const MODEL = join(process.cwd(), '..', 'shared', 'testdata', 'models', 'ezkl-1l_mlp', 'model.onnx');
const have = existsSync(MODEL);
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectCleanError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.notEqual(r.code, 0, 'must exit non-zero');
  assert.match(r.err, pattern);
  assert.equal(r.err.trim().split('\n').length, 1, `one line, got: ${r.err}`);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

const input = join(dir, 'in.json');
const zkc = join(dir, 'm.zkc');

test('compile, run --compare and inspect (text and --json)', { skip: !have && 'testdata absent' }, () => {
  writeFileSync(input, JSON.stringify({ input: [[1.5, 0.5, 1.2]] }));
  const c = cli('compile', MODEL, '-o', zkc, '--calibration', input, '--bits', '12', '--json');
  assert.equal(c.code, 0, c.err);
  assert.equal(JSON.parse(c.out).parameters, 16);
  const r = cli('run', zkc, '--input', input, '--compare', MODEL, '--json');
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out);
  assert.equal(res.outputs.output.length, 4);
  assert.ok(res.compare[0].maxAbsError < 0.01, `error ${res.compare[0].maxAbsError}`);
  const ez = join(dir, 'ezkl.json');
  writeFileSync(ez, JSON.stringify({ input_data: [[1.5, 0.5, 1.2]] }));
  const r2 = cli('run', zkc, '--input', ez, '--json');
  assert.deepEqual(JSON.parse(r2.out).outputs, res.outputs);
  const i = cli('inspect', zkc);
  assert.equal(i.code, 0);
  assert.match(i.out, /MatMul/);
  assert.match(i.out, /B_acc/);
  const ij = JSON.parse(cli('inspect', zkc, '--json').out);
  assert.equal(ij.parameters, 16);
});

test('bad inputs: wrong length, NaN, Infinity, missing name, unknown name, not JSON', { skip: !have && 'testdata absent' }, () => {
  if (!existsSync(zkc)) cli('compile', MODEL, '-o', zkc);
  const cases: [string, RegExp][] = [
    ['{"input": [1, 2]}', /has 2 values, expected 3/],
    ['{"input": [1, NaN, 2]}', /NaN or Infinity/],
    ['{"input": [1, Infinity, 2]}', /NaN or Infinity/],
    ['{"inputs": [1, 2, 3]}', /missing input input/],
    ['{"input": [1, 2, 3], "other": [1]}', /unknown input other/],
    ['{"input": [1, "a", 3]}', /must be numbers/],
    ['{"input_data": [[1, 2, 3], [4]]}', /input_data must hold 1/],
    ['not json', /not valid JSON/],
  ];
  for (const [text, pattern] of cases) {
    const f = join(dir, 'bad.json');
    writeFileSync(f, text);
    expectCleanError(cli('run', zkc, '--input', f), pattern);
  }
});

test('bad files: missing file, not a model, incompatible version, bad --bits', { skip: !have && 'testdata absent' }, () => {
  if (!existsSync(zkc)) cli('compile', MODEL, '-o', zkc);
  writeFileSync(input, JSON.stringify({ input: [1, 2, 3] }));
  expectCleanError(cli('run', join(dir, 'nope.zkc'), '--input', input), /does not exist/);
  const junk = join(dir, 'junk.zkc');
  writeFileSync(junk, 'hello world, not a model');
  expectCleanError(cli('inspect', junk), /not a zkinfer compiled model/);
  const old = readFileSync(zkc);
  old[4] = 7;
  const oldPath = join(dir, 'old.zkc');
  writeFileSync(oldPath, old);
  expectCleanError(cli('run', oldPath, '--input', input), /format version 7.*reads version 1/);
  expectCleanError(cli('compile', MODEL, '--bits', '99', '-o', join(dir, 'x.zkc')), /--bits must be/);
  expectCleanError(cli('compile', junk), /ONNX/i);
  const d = cli('--debug', 'inspect', junk);
  assert.notEqual(d.code, 0);
  assert.match(d.err, /\n\s+at /, '--debug shows the stack');
});
