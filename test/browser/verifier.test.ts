// The verifier in a real browser (issues 3 and 6). In Node: make real proofs (PCS opening, range
// proof, Poseidon2 digest proof, whole-model proof) and a tampered copy of each; bundle the page's
// program (entry.ts: verifier APIs only) with esbuild for the browser platform, which fails on any
// reachable node: import; serve it from 127.0.0.1; open it in headless Debian chromium through
// playwright-core; check that the browser accepts every valid proof, rejects every tampered one,
// and says exactly what Node says about each. Runs the page twice: as an ordinary page (timed,
// RUNS verifications of each valid proof) and cross-origin isolated (SharedArrayBuffer present: the
// field kernels' shared-memory build; one run each). Node verifies the same bytes in a fresh child
// process (node-verify.ts), so both sides' timings start from a cold JIT.
//
// Needs /usr/bin/chromium (scripts/install-browser.sh installs it). Without it the test is skipped,
// unless ZKINFER_REQUIRE_BROWSER is set (CI), in which case it fails.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { bundleForBrowser } from './bundle.js';
import type { TimedOutcome } from './cases.js';
import type { PageReport } from './entry.js';
import { makeProofs } from './proofs.js';
import { serve } from './server.js';
import { toWire } from './wire.js';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = (process.env.ZKINFER_REQUIRE_BROWSER ?? '') !== '';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP = !HAVE_CHROMIUM && !REQUIRED ? `${CHROMIUM} is absent (run scripts/install-browser.sh; set ZKINFER_REQUIRE_BROWSER=1 to make this a failure)` : false;
/** Verifications of each valid proof, for the timing medians. */
const RUNS = 3;
const PAGE_TIMEOUT_MS = 60_000;
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Bundles entry.ts for browsers; any Node-only import reachable from it fails the build. */
async function bundleEntry(): Promise<{ code: string; metafile: Metafile }> {
  const result = await bundleForBrowser({ file: fileURLToPath(new URL('./entry.js', import.meta.url)) });
  if (!result.ok) {
    const kind = result.nodeOnly.length > 0 ? `Node-only imports reachable from the verifier:\n${result.nodeOnly.join('\n')}` : result.errors.join('\n');
    assert.fail(`esbuild could not bundle the verifier for the browser: ${kind}`);
  }
  return result;
}

/** Runs node-verify.js in a child process on the cases (wire JSON on stdin). */
async function verifyInNode(input: string): Promise<TimedOutcome[]> {
  const script = fileURLToPath(new URL('./node-verify.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  child.stdin.end(input);
  const code = await exited;
  assert.equal(code, 0, `node-verify.js failed: ${Buffer.concat(err).toString('utf8')}`);
  return JSON.parse(Buffer.concat(out).toString('utf8')) as TimedOutcome[];
}

test('the browser bundle check catches a Node-only import (node:crypto or a bare builtin)', async () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  for (const spec of ['node:crypto', 'fs']) {
    const result = await bundleForBrowser({ contents: `import * as m from '${spec}'; export const x = m;`, resolveDir: dir });
    assert.equal(result.ok, false, `${spec} must not bundle for the browser`);
    if (!result.ok) assert.equal(result.nodeOnly.length, 1, `${spec} is named as Node-only: ${result.errors.join('; ')}`);
  }
});

test('the browser entry bundles for the browser platform with no Node-only import', async () => {
  const { code, metafile } = await bundleEntry();
  const imported = Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  const builtins = imported.filter((p) => NODE_BUILTINS.has(p));
  assert.deepEqual(builtins, [], 'no Node builtin among the bundled imports');
  const externals = Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
  assert.deepEqual(externals, [], 'nothing left external');
  assert.doesNotMatch(code, /__require/, 'no CommonJS require shim');
  // The verifier modules themselves are in the bundle (not a stub).
  for (const file of ['src/verify/verify.js', 'src/pcs/verifier.js', 'src/lookup/standalone.js', 'src/hash/digest-verifier.js', 'src/field/kernel.js']) {
    assert.ok(Object.keys(metafile.inputs).some((p) => p.endsWith(file)), `${file} is bundled`);
  }
});

test('headless chromium accepts valid proofs, rejects tampered ones, and agrees with Node', { skip: SKIP, timeout: 180_000 }, async (t) => {
  assert.ok(HAVE_CHROMIUM, `ZKINFER_REQUIRE_BROWSER is set but ${CHROMIUM} is missing: run scripts/install-browser.sh`);
  const tProve = performance.now();
  const { cases, modelOutputs } = makeProofs();
  const proveMs = performance.now() - tProve;
  const { code } = await bundleEntry();

  // Node's verdict on each case (same function the page runs), timed in a fresh process.
  const node = await verifyInNode(toWire({ runs: RUNS, cases }));
  assert.equal(node.length, cases.length, 'Node verified every case');
  cases.forEach((c, i) => assert.equal(node[i].outcome.accepted, c.expect === 'accept', `Node on ${c.name}: ${node[i].outcome.error}`));
  const nodeModel = node[cases.findIndex((c) => c.data.kind === 'model' && c.expect === 'accept')].outcome;
  assert.deepEqual(nodeModel.outputs, modelOutputs, 'Node: the verified outputs are the prover\'s');

  const server = await serve({
    bundle: code,
    casesJson: toWire({ runs: RUNS, cases: cases.map(({ name, data, expect }) => ({ name, data, expect })) }),
    proofs: cases.map((c) => c.proof),
  });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 30_000 });
    for (const [path, query] of [['/', ''], ['/isolated.html', '?runs=1']] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`); });
      const tPage = performance.now();
      await page.goto(server.origin + path + query);
      try {
        await page.waitForFunction(() => (globalThis as { __zkinferBrowser?: { done: boolean } }).__zkinferBrowser?.done === true, null, { timeout: PAGE_TIMEOUT_MS, polling: 100 });
      } catch (e) {
        assert.fail(`${path}: the page did not finish in ${PAGE_TIMEOUT_MS} ms (${(e as Error).message}); page errors: ${pageErrors.join(' | ') || 'none'}`);
      }
      const report = await page.evaluate(() => (globalThis as unknown as { __zkinferBrowser: PageReport }).__zkinferBrowser);
      const pageMs = performance.now() - tPage;
      await context.close();

      assert.equal(report.failure, null, `${path}: the page failed: ${report.failure}; page errors: ${pageErrors.join(' | ')}`);
      assert.deepEqual(pageErrors, [], `${path}: no page errors`);
      assert.equal(report.env.hasProcess, false, 'a browser has no process global');
      assert.equal(report.env.hasBuffer, false, 'a browser has no Buffer global');
      assert.equal(report.env.hasRequire, false, 'a browser has no require');
      const isolated = path === '/isolated.html';
      assert.equal(report.env.crossOriginIsolated, isolated, `${path}: cross-origin isolation as served`);
      assert.equal(report.env.sharedArrayBuffer, isolated, `${path}: SharedArrayBuffer only when isolated`);
      assert.equal(report.sharedKernels, isolated, `${path}: the field kernels' shared-memory build runs exactly when isolated`);
      assert.deepEqual(report.results.map((r) => r.name), cases.map((c) => c.name), `${path}: every case ran`);

      const lines: string[] = [];
      report.results.forEach((r, i) => {
        const c = cases[i];
        assert.equal(r.outcome.accepted, c.expect === 'accept', `${path}: browser on ${c.name}: ${r.outcome.error}`);
        if (c.expect === 'reject') assert.match(r.outcome.error ?? '', /^(FormatError|VerificationError): /, `${path}: ${c.name} rejected by a verifier check`);
        assert.deepEqual(r.outcome, node[i].outcome, `${path}: browser and Node agree on ${c.name}`);
        if (c.expect === 'accept') {
          const [b, n] = [r.ms, node[i].ms];
          lines.push(`${c.name}: browser median ${median(b).toFixed(1)} / min ${Math.min(...b).toFixed(1)} ms, node median ${median(n).toFixed(1)} / min ${Math.min(...n).toFixed(1)} ms (${b.length} and ${n.length} runs; median ratio ${(median(b) / median(n)).toFixed(2)})`);
        }
      });
      const model = report.results[cases.findIndex((c) => c.data.kind === 'model' && c.expect === 'accept')];
      assert.deepEqual(model.outcome.outputs, modelOutputs, `${path}: the browser's verified outputs are the prover's`);
      t.diagnostic(`${path} (${isolated ? 'cross-origin isolated' : 'ordinary page'}, ${report.env.userAgent}): page total ${pageMs.toFixed(0)} ms`);
      for (const l of lines) t.diagnostic(`  ${l}`);
    }
    for (let i = 0; i < cases.length; i++) assert.ok(server.requests.includes(`/proof/${i}`), `the page fetched proof ${i}`);
    t.diagnostic(`proving all cases in Node: ${proveMs.toFixed(0)} ms; proof sizes: ${cases.filter((c) => c.expect === 'accept').map((c) => `${c.data.kind} ${c.proof.length} B`).join(', ')}`);
  } finally {
    await browser?.close();
    await server.close();
  }
});
