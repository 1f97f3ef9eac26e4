// The sumcheck and lookup verifiers bundle for browsers and run without Node globals: bundled by
// esbuild for the browser platform and run in a bare V8 context (no process, Buffer, require),
// where a proof made in Node must verify and a corrupted one must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import * as E from '../../src/field/ext.js';
import { Transcript } from '../../src/transcript/transcript.js';
import { proveSumcheck } from '../../src/sumcheck/prover.js';
import { MaskedPoly, SumcheckMask } from '../../src/sumcheck/mask.js';
import { roundDegrees, type BatchShape } from '../../src/sumcheck/types.js';
import { bruteClaim, randomTable } from '../sumcheck/helpers.js';

const dist = fileURLToPath(new URL('../../src/', import.meta.url));

async function bundle(contents: string): Promise<string> {
  const out = await build({ stdin: { contents, resolveDir: dist, loader: 'js' }, bundle: true, platform: 'browser', format: 'iife', globalName: 'zk', write: false, logLevel: 'silent' });
  const code = out.outputFiles[0].text;
  // esbuild fails a browser build on a static node: import; CommonJS would show as __require.
  // (The field's worker program is a string evaluated only inside Node workers.)
  assert.doesNotMatch(code, /__require/);
  assert.doesNotMatch(code, /from\s*["']node:/);
  return code;
}

test('browser: the lookup and range verifiers bundle without Node imports', async () => {
  await bundle(`export { verifyLookups, verifyRange, verifyRangeStandalone } from './lookup/index.js';`);
});

test('browser: a ZK sumcheck proof verifies in a bare V8 context', async () => {
  const code = await bundle(`export { verifySumcheck } from './sumcheck/verifier.js'; export { Transcript } from './transcript/transcript.js';`);
  const n = 6;
  const tables = [0, 1].map(() => MaskedPoly.sample(randomTable(n, false), n, 1));
  const partial = {
    tables: [0, 1].map(() => ({ numVars: n, kind: 'committed' as const, maskVars: 1 })),
    instances: [{ numVars: n, weight: E.ONE, terms: [{ coeff: E.ONE, factors: [{ table: 0 }, { table: 1 }] }] }],
    zk: true,
  };
  const shape: BatchShape = { ...partial, claimedSum: bruteClaim(partial, tables) };
  const { proof } = proveSumcheck(shape, tables, SumcheckMask.sample(roundDegrees(shape)), new Transcript('browser'));
  const bad = { ...proof, values: [E.add(proof.values[0], E.ONE), proof.values[1]] };
  const context = vm.createContext({ atob, TextEncoder, TextDecoder, shape, proof, bad });
  vm.runInContext(code, context);
  const result = vm.runInContext(
    `(() => { const ok = zk.verifySumcheck(shape, proof, new zk.Transcript('browser')).claims.length;
      let rejected = false; try { zk.verifySumcheck(shape, bad, new zk.Transcript('browser')); } catch { rejected = true; }
      return { ok, rejected, hasProcess: typeof process !== 'undefined', hasBuffer: typeof Buffer !== 'undefined' }; })()`,
    context,
  ) as { ok: number; rejected: boolean; hasProcess: boolean; hasBuffer: boolean };
  // (an object from another realm: compare its fields)
  assert.deepEqual({ ...result }, { ok: 2, rejected: true, hasProcess: false, hasBuffer: false });
});
