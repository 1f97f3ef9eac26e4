// The model verifier bundles for browsers (no Node-only import) and verifies a real proof in a
// bare V8 context that has only browser globals (TextEncoder/Decoder, atob): no process, no Buffer.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { GraphBuilder } from '../../src/ir/builder.js';
import { prove } from '../../src/prove/prove.js';
import { setup } from '../../src/prove/setup.js';
import { serializeVerifyingKey } from '../../src/verify/vk.js';

test('the verifier bundles for the browser and verifies a proof without Node globals', async () => {
  const g = new GraphBuilder('browser', 8);
  g.addInput({ name: 'x', onnxDtype: 'float32', dims: [1, 4], scale: 0.05, lo: -127n, hi: 127n });
  const w = g.addConstant('W', { dims: [4, 2], data: BigInt64Array.from([1n, -2n, 3n, 4n, -5n, 6n, 7n, -8n]) }, 'weight', 0.01, -127n, 127n);
  const [y] = g.add('MatMul', ['x', w], { batch: 1, batchA: 1, batchB: 1, m: 1, k: 4, n: 2, biasMode: 0, outDims: [1, 2] }, 'fc', 'mm');
  g.addOutput({ name: y, onnxName: 'y', onnxDtype: 'float32', dims: [1, 2], scale: 0.01 });
  const { pk, vk } = setup(g.finish(), { weights: 'public' });
  const { proof } = prove(pk, new Map([['x', { dims: [1, 4], data: BigInt64Array.from([3n, -1n, 10n, 127n]) }]]), { context: 'browser' });
  const vkBytes = serializeVerifyingKey(vk);

  const dir = dirname(fileURLToPath(import.meta.url));
  const result = await build({
    stdin: {
      contents: "export { verify } from '../../src/verify/verify.js'; export { deserializeVerifyingKey } from '../../src/verify/vk.js';",
      resolveDir: dir,
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'zkverify',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  assert.doesNotMatch(code, /__require/, 'no require shim');
  assert.doesNotMatch(code, /from\s*["']node:/, 'no static node: imports');

  const context = vm.createContext({ atob, TextEncoder, TextDecoder, vkArr: Array.from(vkBytes), proofArr: Array.from(proof) });
  vm.runInContext(code, context);
  const out = vm.runInContext(
    `(() => {
      const vk = zkverify.deserializeVerifyingKey(Uint8Array.from(vkArr));
      const ok = zkverify.verify(vk, Uint8Array.from(proofArr), { context: 'browser' });
      const bad = Uint8Array.from(proofArr); bad[bad.length - 100] ^= 1;
      let rejected = false;
      try { zkverify.verify(vk, bad, { context: 'browser' }); } catch (e) { rejected = e.name === 'VerificationError' || e.name === 'FormatError'; }
      return { y: ok.outputs.get('y'), rejected, hasProcess: typeof process !== 'undefined', hasBuffer: typeof Buffer !== 'undefined' };
    })()`,
    context,
  ) as { y: number[]; rejected: boolean; hasProcess: boolean; hasBuffer: boolean };
  assert.equal(out.hasProcess, false);
  assert.equal(out.hasBuffer, false);
  // y = x·W = [3 − 3 − 50 + 889, −6 − 4 + 60 − 1016] = [839, −966], scale 0.01
  assert.deepEqual(Array.from(out.y), [839 * 0.01, -966 * 0.01]);
  assert.equal(out.rejected, true);
});
