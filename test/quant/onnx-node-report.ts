// Prints pass/fail of every onnx-node conformance test through the integer pipeline, per op, and
// with --failures each failure's error and the documented reason it cannot pass.
// Run: node dist/test/quant/onnx-node-report.js [--failures]
import { listNodeCases, runNodeCase } from './onnx-node-harness.js';
import { ONNX_NODE_KNOWN_FAILURES } from './onnx-node-pass.js';

const cases = listNodeCases();
if (cases.length === 0) {
  console.error('onnx-node-report: ../shared/testdata/onnx-node is absent');
  process.exit(1);
}
const byOp = new Map<string, { pass: string[]; fail: [string, string][] }>();
for (const c of cases) {
  const r = runNodeCase(c);
  const e = byOp.get(c.op) ?? { pass: [], fail: [] };
  if (r.ok) e.pass.push(c.dir); else e.fail.push([c.dir, r.error ?? '']);
  byOp.set(c.op, e);
}
let pass = 0;
for (const [op, e] of [...byOp].sort()) {
  pass += e.pass.length;
  console.log(`${e.fail.length === 0 ? 'PASS' : e.pass.length === 0 ? 'FAIL' : 'PART'} ${op.padEnd(20)} ${e.pass.length}/${e.pass.length + e.fail.length}`);
  if (process.argv.includes('--failures')) {
    for (const [d, msg] of e.fail) {
      console.log(`     ${d}: ${msg}`);
      console.log(`       why: ${ONNX_NODE_KNOWN_FAILURES[d] ?? 'not a known failure (a regression?)'}`);
    }
  }
}
console.log(`${pass}/${cases.length} tests pass`);
