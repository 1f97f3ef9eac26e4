// Benchmark of the hash-based commitment: commit, open and verify times (medians) and proof
// sizes for 2^16 … 2^22 committed elements, written to docs/benchmarks.md (section "pcs").
// The opening is the typical one of the zero-knowledge sumcheck: one claim f(r) + z·R(s) with
// a 4-entry mask R committed alongside f (two row combinations). A base-field NTT of the same
// length, timed in the same run, is the baseline the ratios refer to.
import * as E from '../src/field/ext.js';
import type { Fp2 } from '../src/field/ext.js';
import * as F from '../src/field/goldilocks.js';
import * as V from '../src/field/vec.js';
import { closePool } from '../src/field/kernel.js';
import { Transcript } from '../src/transcript/transcript.js';
import { HashPcs } from '../src/pcs/index.js';
import type { HashPcsParams } from '../src/pcs/index.js';
import type { LinearClaim } from '../src/pcs/types.js';
import { randomBase } from '../src/pcs/random.js';
import { evaluate } from '../src/poly/mle.js';
import { median, timeRuns, writeSection } from './report.js';
import os from 'node:os';

function point(k: number): Fp2[] {
  const w = randomBase(2 * k);
  return Array.from({ length: k }, (_, i) => [w[2 * i], w[2 * i + 1]] as const);
}

interface Row {
  label: string;
  logSize: number;
  commit: number;
  commitCpu: number;
  /** The warm-up's commit: fresh leaf and message buffers (and kernel memory growing to this size). */
  firstCommit: number;
  openCpu: number;
  verifyCpu: number;
  open: number;
  verify: number;
  bytes: number;
  ntt: number;
  shape: string;
}

function measure(label: string, logSize: number, params: Partial<HashPcsParams>, runs: number): Row {
  const pcs = new HashPcs(params);
  const f = randomBase(2 ** logSize);
  const mask = randomBase(4);
  const r = point(logSize);
  const s = point(2);
  const z: Fp2 = [F.fromInt(3), F.fromInt(5)];
  const claims: LinearClaim[] = [
    { terms: [{ poly: 0, coeff: E.ONE, point: r }, { poly: 1, coeff: z, point: s }], value: E.add(evaluate(f, r), E.mul(z, evaluate(mask, s))) },
  ];
  const commits: number[] = [];
  const cpu: number[][] = [[], [], []];
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  const opens: number[] = [];
  const verifies: number[] = [];
  let bytes = 0;
  let firstCommit = 0;
  for (let i = 0; i <= runs; i++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    const { commitment, state } = pcs.commit([f, mask]);
    const tc = performance.now() - t0;
    const cc = cpuMs(process.cpuUsage(c0));
    t0 = performance.now();
    c0 = process.cpuUsage();
    const proof = pcs.serializeProof(pcs.open(state, claims, new Transcript('bench')));
    const to = performance.now() - t0;
    const co = cpuMs(process.cpuUsage(c0));
    t0 = performance.now();
    c0 = process.cpuUsage();
    pcs.verify(commitment, claims, pcs.deserializeProof(proof, commitment, claims), new Transcript('bench'));
    const tv = performance.now() - t0;
    const cv = cpuMs(process.cpuUsage(c0));
    bytes = proof.length;
    if (i === 0) firstCommit = tc;
    if (i > 0) {
      commits.push(tc);
      opens.push(to);
      verifies.push(tv);
      cpu[0].push(cc);
      cpu[1].push(co);
      cpu[2].push(cv);
    }
  }
  const a = randomBase(2 ** logSize);
  const ntt = median(timeRuns(() => V.ntt(a), runs));
  const sh = pcs.shape([2 ** logSize, 4]);
  const shape = `${sh.m}×${sh.n} (+${sh.rows - sh.m} mask rows), t=${sh.t}, N=2^${sh.logN}, q=${sh.q}`;
  const row = { label, logSize, commit: median(commits), commitCpu: median(cpu[0]), firstCommit, openCpu: median(cpu[1]), verifyCpu: median(cpu[2]), open: median(opens), verify: median(verifies), bytes, ntt, shape };
  console.log(JSON.stringify(row));
  return row;
}

const runsFor = (log: number) => (log <= 18 ? 5 : log <= 20 ? 3 : 2);
const rows: Row[] = [];
for (let log = 16; log <= 22; log++) rows.push(measure('proven', log, {}, runsFor(log)));
const compare: Row[] = [
  measure('proven, blowup 4', 20, { blowup: 4 }, 3),
  measure('conjectured, blowup 2', 20, { regime: 'conjectured' }, 3),
  measure('conjectured, blowup 4', 20, { regime: 'conjectured', blowup: 4 }, 3),
];
closePool();

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const table = (rs: Row[]) =>
  ['| elements | parameters | commit ms (CPU) | first commit ms | open ms (CPU) | verify ms (CPU) | proof KB | commit / NTT | shape |', '|---|---|---|---|---|---|---|---|---|']
    .concat(rs.map((r) => `| 2^${r.logSize} | ${r.label} | ${fmt(r.commit)} (${fmt(r.commitCpu)}) | ${fmt(r.firstCommit)} | ${fmt(r.open)} (${fmt(r.openCpu)}) | ${fmt(r.verify)} (${fmt(r.verifyCpu)}) | ${(r.bytes / 1000).toFixed(0)} | ${(r.commit / r.ntt).toFixed(1)} | ${r.shape} |`))
    .join('\n');
const load = os.loadavg().map((x) => x.toFixed(1)).join(', ');
writeSection(
  'pcs',
  'Polynomial commitment (npm run bench:pcs)',
  `Hash-based hiding commitment (Ligero-style, SHA-256 Merkle tree, RS code on a coset), one
opening of f(r) + z·R(s) (two row combinations), default parameters = proven ≥ 100 bits
(unique decoding). Medians over ${runsFor(16)}/${runsFor(20)}/${runsFor(22)} runs (small/2^20/2^22) after one warm-up;
"commit / NTT" is commit time over one base-field NTT of the same length timed in the same run.
Times are wall-clock medians; in parentheses the process CPU time (all threads), which is less
sensitive to other processes on the machine (the kernels use a 2-thread pool for ≥ 2^16-element
operations, so CPU can exceed wall time on an idle machine). Each commit after the warm-up reuses
the buffers of the previous opening (src/pcs/buffers.ts); "first commit" is the warm-up's, with
fresh memory (page faults) and the kernel memory growing to that size.
Load average during the run: ${load} (the 2-core machine was shared, so absolute times are noisy).

${table(rows)}

At 2^20, other parameters (conjectured = up-to-capacity conjecture, not proven):

${table(compare)}
`,
);
