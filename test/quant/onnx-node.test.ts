// Every onnx-node conformance test of a supported op in the pass list must pass through the
// integer pipeline within tolerance (float outputs: 64 quantization steps at the default
// precision; integer outputs: exact, ±1 for ops whose ONNX rounding is half to even).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listNodeCases, runNodeCase } from './onnx-node-harness.js';
import { ONNX_NODE_KNOWN_FAILURES, ONNX_NODE_PASS } from './onnx-node-pass.js';

const cases = listNodeCases();

test('onnx-node: the asserted pass list passes', { skip: cases.length === 0 && '../shared/testdata/onnx-node absent' }, () => {
  const byDir = new Map(cases.map((c) => [c.dir, c]));
  const failures: string[] = [];
  for (const dir of ONNX_NODE_PASS) {
    const c = byDir.get(dir);
    if (!c) { failures.push(`${dir}: missing from INDEX.json`); continue; }
    const r = runNodeCase(c);
    if (!r.ok) failures.push(`${dir}: ${r.error}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(ONNX_NODE_PASS.length >= 462, `pass list shrank to ${ONNX_NODE_PASS.length}`);
});

test('onnx-node: every other test is a listed failure with its reason, and fails', { skip: cases.length === 0 && '../shared/testdata/onnx-node absent' }, () => {
  const pass = new Set(ONNX_NODE_PASS);
  const unlisted = cases.filter((c) => !pass.has(c.dir) && !(c.dir in ONNX_NODE_KNOWN_FAILURES)).map((c) => c.dir);
  assert.deepEqual(unlisted, [], 'tests in neither the pass list nor the known failures');
  const both = ONNX_NODE_PASS.filter((d) => d in ONNX_NODE_KNOWN_FAILURES);
  assert.deepEqual(both, [], 'tests listed as passing and as failing');
  const nowPassing = cases.filter((c) => c.dir in ONNX_NODE_KNOWN_FAILURES && runNodeCase(c).ok).map((c) => c.dir);
  assert.deepEqual(nowPassing, [], 'known failures that pass now: move them to the pass list');
});
