// The page's program (bundled by esbuild for the browser platform): fetch the cases and proof
// bytes from the test's server, verify each with verifyTimed, and leave the results in
// globalThis.__zkinferBrowser for the test to read. Imports only the verifier side.
import { verifyTimed, type BrowserCase, type TimedOutcome } from './cases.js';
import { kernels } from '../../src/field/kernel.js';
import { fromWire } from './wire.js';

export interface PageResult extends TimedOutcome {
  readonly name: string;
}

export interface PageReport {
  readonly done: boolean;
  readonly results: PageResult[];
  /** Set when the page itself failed (a fetch, an unexpected exception): message and stack. */
  readonly failure: string | null;
  readonly env: { hasProcess: boolean; hasBuffer: boolean; hasRequire: boolean; crossOriginIsolated: boolean; sharedArrayBuffer: boolean; userAgent: string };
  /** Whether the field kernels ran on their shared-memory WebAssembly build; null if the page failed. */
  readonly sharedKernels: boolean | null;
}

interface CaseList {
  readonly runs: number;
  readonly cases: readonly BrowserCase[];
}

async function fetchOk(path: string): Promise<Response> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return res;
}

async function main(): Promise<PageResult[]> {
  const list = fromWire<CaseList>(await (await fetchOk('/cases.json')).text());
  // `?runs=N` overrides the case list's repetitions (the isolated page checks, it does not time).
  const runsParam = new URLSearchParams(location.search).get('runs');
  const validRuns = runsParam === null ? list.runs : Number(runsParam);
  if (!Number.isInteger(validRuns) || validRuns < 1) throw new Error(`bad runs parameter ${runsParam}`);
  const results: PageResult[] = [];
  for (let i = 0; i < list.cases.length; i++) {
    const c = list.cases[i];
    const proof = new Uint8Array(await (await fetchOk(`/proof/${i}`)).arrayBuffer());
    const timed = verifyTimed(c.data, proof, c.expect === 'accept' ? validRuns : 1);
    results.push({ name: c.name, ...timed });
  }
  return results;
}

const g = globalThis as unknown as Record<string, unknown>;
const env = {
  hasProcess: typeof g.process !== 'undefined',
  hasBuffer: typeof g.Buffer !== 'undefined',
  hasRequire: typeof g.require !== 'undefined',
  crossOriginIsolated: g.crossOriginIsolated === true,
  sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
  userAgent: navigator.userAgent,
};
main().then(
  (results) => { g.__zkinferBrowser = { done: true, results, failure: null, env, sharedKernels: kernels().shared } satisfies PageReport; },
  (e: unknown) => { g.__zkinferBrowser = { done: true, results: [], failure: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e), env, sharedKernels: null } satisfies PageReport; },
);
