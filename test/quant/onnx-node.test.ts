// Every onnx-node conformance test of a supported op in the pass list must pass through the
// integer pipeline within tolerance (float outputs: 64 quantization steps at the default
// precision; integer outputs: exact, ±1 for ops whose ONNX rounding is half to even).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listNodeCases, runNodeCase } from './onnx-node-harness.js';
import { ONNX_NODE_PASS } from './onnx-node-pass.js';

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
  assert.ok(ONNX_NODE_PASS.length >= 450, `pass list shrank to ${ONNX_NODE_PASS.length}`);
});
