// The library entry (src/index.ts): the whole pipeline through its exports on the bundled
// example model, and the entry bundled for a browser (no Node module, no require shim) verifying
// that proof in a bare V8 context with browser globals only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import * as zk from '../../src/index.js';

const MODEL = join(process.cwd(), 'examples', 'tiny-mlp.onnx');
const INPUT = join(process.cwd(), 'examples', 'input.json');

test('entry: compile → setup → prove → verify the example; keys round-trip; foreign files refused', async () => {
  const graph = zk.compile(readFileSync(MODEL), { file: 'tiny-mlp.onnx' });
  const [sample] = zk.parseInputs(readFileSync(INPUT, 'utf8'), graph.inputs.map((i) => ({ name: i.name, dtype: i.onnxDtype as zk.DType, dims: i.dims })));
  const run = zk.runCompiled(graph, sample);
  const { pk, vk } = zk.setup(graph, { weights: 'public' });
  const pk2 = zk.deserializeProvingKey(zk.serializeProvingKey(pk));
  const vkBytes = zk.serializeVerifyingKey(vk);
  assert.deepEqual(zk.verifyingKeyHash(zk.deserializeVerifyingKey(vkBytes)), zk.verifyingKeyHash(vk));
  const { proof } = zk.prove(pk2, zk.quantizeInputs(graph, sample).tensors, { context: 'entry' });
  const res = zk.verify(vk, proof, { context: 'entry' });
  assert.deepEqual(res.outputs.get('scores'), Array.from(run.outputs.get('scores')!));
  assert.throws(() => zk.verify(vk, proof, { context: 'other' }), zk.VerificationError);
  assert.throws(() => zk.deserializeVerifyingKey(proof), (e: unknown) => e instanceof zk.FormatError && /proof file, not a verifyingKey file/.test(e.message));
  const future = proof.slice();
  future[4] = zk.FORMAT_VERSION + 1;
  assert.throws(() => zk.deserializeProofFile(future), (e: unknown) => e instanceof zk.FormatError && /format version/.test(e.message));
  assert.ok(zk.SUPPORTED_OPS[''].includes('Gemm'));

  // the same entry, bundled for a browser, verifies the proof without Node globals
  const result = await build({
    stdin: { contents: "export * from '../../src/index.js';", resolveDir: dirname(fileURLToPath(import.meta.url)) },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'zkinfer',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  // protobufjs (the ONNX reader) keeps one guarded dynamic require (@protobufjs/inquire); no
  // module may be left for a require to load at run time
  assert.doesNotMatch(code, /__require\(["']/, 'no unbundled require');
  assert.doesNotMatch(code, /from\s*["']node:/, 'no static node: imports');
  const context = vm.createContext({ atob, TextEncoder, TextDecoder, vkArr: Array.from(vkBytes), proofArr: Array.from(proof) });
  vm.runInContext(code, context);
  const out = vm.runInContext(
    `(() => {
      const vk = zkinfer.deserializeVerifyingKey(Uint8Array.from(vkArr));
      const ok = zkinfer.verify(vk, Uint8Array.from(proofArr), { context: 'entry' });
      let rejected = false;
      try { zkinfer.verify(vk, Uint8Array.from(proofArr), { context: 'else' }); } catch (e) { rejected = e.name === 'VerificationError'; }
      return { scores: ok.outputs.get('scores'), rejected };
    })()`,
    context,
  ) as { scores: number[]; rejected: boolean };
  assert.deepEqual(Array.from(out.scores), res.outputs.get('scores'));
  assert.equal(out.rejected, true);
});
