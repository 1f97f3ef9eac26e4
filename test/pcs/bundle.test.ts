// The verifier side of the commitment bundles for browsers: no Node-only import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

test('pcs verifier bundles for the browser without Node imports', async () => {
  for (const file of ['verifier.js', 'index.js']) {
    const entry = fileURLToPath(new URL(`../../src/pcs/${file}`, import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const code = result.outputFiles[0].text;
    assert.doesNotMatch(code, /__require/, `${file}: no require shim`);
    assert.doesNotMatch(code, /from\s*["']node:/, `${file}: no static node: imports`);
  }
});
