// vec.ts must bundle for browsers: no static Node imports, and it must run (single-threaded)
// where there is no `process`, no `Buffer` and no `require`. Bundles with esbuild for the browser
// platform and runs the bundle in a bare V8 context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import * as R from '../../src/field/vec-reference.js';
import { Rng } from './helpers.js';

test('vec.ts bundles for the browser and runs without Node globals', async () => {
  const entry = fileURLToPath(new URL('../../src/field/vec.js', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'zkfield',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  // esbuild fails a browser build on a static node: import; a CommonJS require would show up as
  // its __require shim. (The worker program is a string evaluated inside a Node worker only.)
  assert.doesNotMatch(code, /__require/, 'no require shim in the browser bundle');
  assert.doesNotMatch(code, /from\s*["']node:/, 'no static node: imports');

  const rng = new Rng(21);
  const a = rng.vec(1 << 10);
  const b = rng.vec(1 << 10);
  // A bare context: V8 builtins (WebAssembly, BigUint64Array) plus atob, nothing from Node.
  const context = vm.createContext({ atob, a, b });
  vm.runInContext(code, context);
  const out = vm.runInContext(
    `(() => { const f = a.slice(); zkfield.ntt(f); return { mul: zkfield.baseMul(a, b), ntt: f,
      hasProcess: typeof process !== 'undefined' }; })()`,
    context,
  ) as { mul: BigUint64Array; ntt: BigUint64Array; hasProcess: boolean };
  assert.equal(out.hasProcess, false);
  assert.deepEqual(Array.from(out.mul), Array.from(R.baseMul(a, b)));
  const f = a.slice();
  R.ntt(f);
  assert.deepEqual(Array.from(out.ntt), Array.from(f));
});
