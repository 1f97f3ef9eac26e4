// npm run bench:hash — native Poseidon2 throughput (scalar BigInt reference vs the WASM kernel,
// one thread) and digest throughput over packed int8 vectors. Writes the 'hash' section of
// docs/benchmarks.md.
import os from 'node:os';
import { median, timeRuns, writeSection } from './report.js';
import { permute } from '../src/hash/poseidon2.js';
import { permuteBatch, permuteBatchTrace, WIDTH } from '../src/hash/poseidon2-wasm.js';
import { digest, Purpose } from '../src/hash/digest.js';
import { INT8, packingLayout } from '../src/hash/packing.js';

const RUNS = 7;
const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');

function states(n: number): BigUint64Array {
  const s = new BigUint64Array(WIDTH * n);
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < s.length; i++) {
    x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
    s[i] = x >> 1n; // < 2^63 < p
  }
  return s;
}

const rows: string[] = [];
const fmt = (x: number, d = 2) => (x >= 100 ? x.toFixed(0) : x.toFixed(d));

// Scalar reference.
const scalarN = 200;
const one = Array.from(states(1));
const scalarMs = median(timeRuns(() => { for (let i = 0; i < scalarN; i++) permute(one); }, 5)) / scalarN;

// WASM batch.
const batchN = 1 << 16;
const batchInput = states(batchN);
const batchMs = median(timeRuns(() => permuteBatch(batchInput), RUNS));
const usPerPerm = (1000 * batchMs) / batchN;
const traceN = 1 << 14;
const traceInput = states(traceN);
const traceMs = median(timeRuns(() => permuteBatchTrace(traceInput), RUNS));

rows.push(`| scalar BigInt reference | 1 | ${fmt(scalarMs * 1000)} µs | ${fmt(1 / scalarMs, 1)} k/s |`);
rows.push(`| WASM batch (1 thread) | 2^16 | ${fmt(usPerPerm)} µs | ${fmt(1e-3 / (usPerPerm * 1e-6) / 1e3, 2)} M/s |`);
rows.push(`| WASM batch with full trace (32 states each, layer-major) | 2^14 | ${fmt((1000 * traceMs) / traceN)} µs | ${fmt(traceN / traceMs / 1e3, 2)} M/s |`);

// Digests of int8 vectors (packing + sponge in WASM; the conversion to Int32Array included).
const digestRows: string[] = [];
for (const logN of [16, 18, 20]) {
  const n = 1 << logN;
  const values = new Int8Array(n).map((_, i) => ((i * 2654435761) >>> 24) - 128);
  const layout = packingLayout(INT8, n);
  const ms = median(timeRuns(() => digest(values, [1n, 2n], { format: INT8, purpose: Purpose.modelWeights }), RUNS));
  digestRows.push(`| 2^${logN} | ${layout.elements} | ${layout.elements / 8} | ${fmt(ms)} | ${fmt((1000 * ms) / (layout.elements / 8))} |`);
}

const body = `Medians of ${RUNS} runs (scalar: 5 runs of ${scalarN} permutations). Load average when the run started: ${load} — the machine is shared by several engineers, so absolute times are noisy; the WASM/scalar ratio (**×${fmt(scalarMs * 1000 / usPerPerm, 0)}**) is from the same run.

Poseidon2, Goldilocks, width 12 (HorizenLabs instance), one thread:

| implementation | batch | time per permutation | throughput |
|---|---|---|---|
${rows.join('\n')}

Goal of issue 5: ≥ 1 M permutations per ~2 s on one thread; measured: 1 M permutations take **${fmt(usPerPerm)} s**.

Salted digests of int8 vectors (7 values per element, padded to a power-of-two element count; packing and sponge in WASM):

| int8 values | packed elements | permutations | ms | µs per permutation |
|---|---|---|---|---|
${digestRows.join('\n')}

The digest proof (prover/verifier time, proof size) is not implemented yet; see docs/protocol-poseidon2.md.`;

writeSection('hash', 'Poseidon2 hashing (`npm run bench:hash`)', body);
console.log(body);
