// The attested-input flow on the command line: the issuer's `attest`, `setup --attested`,
// `prove --attestation`, `verify --issuer-key --signature` (exit 0), and the rejections: no
// signature or a wrong one (exit 1), an attestation of other fields than the input (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/ir/builder.js';
import { writeCompiled } from '../../src/ir/format.js';

const CLI = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-attested-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function model(): Uint8Array {
  const g = new GraphBuilder('attested-cli', 8);
  g.addInput({ name: 'x', onnxDtype: 'int32', dims: [1, 4], scale: 1, lo: -32768n, hi: 32767n });
  const w = g.addConstant('W', { dims: [4, 2], data: BigInt64Array.from([3n, -7n, 11n, 5n, 13n, -2n, -9n, 4n]) }, 'weight', 0.01, -127n, 127n);
  const [acc] = g.add('MatMul', ['x', w], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 2, biasMode: 0, outDims: [1, 2] }, 'gemm', 'mm');
  const [y] = g.add('Requant', [acc], { mults: [1234n, 2345n], shift: 16, inner: 1, lo: -127n, hi: 127n }, 'gemm', 'rq', [0.1]);
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 2], scale: 0.1 });
  return writeCompiled(g.finish());
}

test('attested input on the command line: attest, setup, prove, verify; a missing or wrong signature exits 1', () => {
  const zkc = join(dir, 'm.zkc');
  writeFileSync(zkc, model());
  writeFileSync(join(dir, 'in.json'), JSON.stringify({ x: [25, -7, 1000, -1234] }));
  const secret = '07'.repeat(32);
  const att = join(dir, 'att.json');
  let r = cli('attest', '--input', 'x', '--schema', '7', '--fields', '[25, -7, 1000, -1234]', '--issuer-secret', secret, '-o', att);
  assert.equal(r.code, 0, r.err);
  const file = JSON.parse(readFileSync(att, 'utf8')) as { issuerPublicKey: string; signature: string };
  r = cli('setup', zkc, '--weights', 'public', '--attested', 'x=7', '-o', dir, '--quiet');
  assert.equal(r.code, 0, r.err);
  const proof = join(dir, 'p.zkp');
  r = cli('prove', '--pk', join(dir, 'm.pk'), '--input', join(dir, 'in.json'), '--attestation', att, '-o', proof, '--quiet');
  assert.equal(r.code, 0, r.err);
  r = cli('verify', '--vk', join(dir, 'm.vk'), '--issuer-key', file.issuerPublicKey, '--signature', file.signature, proof, '--json');
  assert.equal(r.code, 0, r.err);
  const st = JSON.parse(r.out) as { statement: { attested: { input: string; schema: number; digest: string[] }[] } };
  assert.equal(st.statement.attested[0].schema, 7);
  assert.equal(st.statement.attested[0].digest.length, 4);
  r = cli('verify', '--vk', join(dir, 'm.vk'), proof);
  assert.equal(r.code, 1);
  assert.match(r.err, /statement\/attestation/);
  const flipped = (file.signature[0] === '0' ? '1' : '0') + file.signature.slice(1);
  r = cli('verify', '--vk', join(dir, 'm.vk'), '--issuer-key', file.issuerPublicKey, '--signature', flipped, proof);
  assert.equal(r.code, 1);
  assert.match(r.err, /signature does not match/);
  // an attestation of other fields than the input: refused before proving
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ x: [25, -7, 1001, -1234] }));
  r = cli('prove', '--pk', join(dir, 'm.pk'), '--input', join(dir, 'other.json'), '--attestation', att, '-o', join(dir, 'q.zkp'), '--quiet');
  assert.equal(r.code, 2);
  assert.match(r.err, /not the values of input x/);
});
