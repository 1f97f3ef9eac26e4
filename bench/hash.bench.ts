// npm run bench:hash — native Poseidon2 throughput (scalar BigInt reference vs the WASM kernel,
// one thread) and digest throughput over packed int8 vectors. Writes the 'hash' section of
// docs/benchmarks.md.
import os from 'node:os';
import { median, timeRuns, timeWallAndCpu, writeSection } from './report.js';
import { permute } from '../src/hash/poseidon2.js';
import { permuteBatch, permuteBatchTrace, WIDTH } from '../src/hash/poseidon2-wasm.js';
import { digest, Purpose } from '../src/hash/digest.js';
import { INT8, packingLayout } from '../src/hash/packing.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { digestWitness, releaseDigestWitness, TraceLayers } from '../src/hash/digest-witness.js';
import { digestProofPhases, verifyDigestProofPhases } from './hash-phases.js';
import { serializeDigestProof } from '../src/hash/digest-proof.js';
import { proveDigestStandalone, verifyDigestStandalone } from '../src/hash/digest-standalone.js';
import { HashPcs } from '../src/pcs/index.js';
import { sumcheckKernel } from '../src/sumcheck/kernel.js';

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
const scalarT = timeWallAndCpu(() => { for (let i = 0; i < scalarN; i++) permute(one); }, 5);
const scalarMs = median(scalarT.wall) / scalarN;
const scalarCpuMs = median(scalarT.cpu) / scalarN;

// WASM batch.
const batchN = 1 << 16;
const batchInput = states(batchN);
const batchT = timeWallAndCpu(() => permuteBatch(batchInput), RUNS);
const batchMs = median(batchT.wall);
const usPerPerm = (1000 * batchMs) / batchN;
const usPerPermCpu = (1000 * median(batchT.cpu)) / batchN;
const traceN = 1 << 14;
const traceInput = states(traceN);
const traceT = timeWallAndCpu(() => permuteBatchTrace(traceInput), RUNS);
const traceMs = median(traceT.wall);
const traceCpuMs = median(traceT.cpu);

rows.push(`| scalar BigInt reference | 1 | ${fmt(scalarMs * 1000)} µs | ${fmt(scalarCpuMs * 1000)} µs | ${fmt(1 / scalarCpuMs, 1)} k/s |`);
rows.push(`| WASM batch (1 thread) | 2^16 | ${fmt(usPerPerm)} µs | ${fmt(usPerPermCpu)} µs | ${fmt(1 / usPerPermCpu, 2)} M/s |`);
rows.push(`| WASM batch with full trace (32 states each, layer-major) | 2^14 | ${fmt((1000 * traceMs) / traceN)} µs | ${fmt((1000 * traceCpuMs) / traceN)} µs | ${fmt(traceN / traceCpuMs / 1e3, 2)} M/s |`);

// Digests of int8 vectors (packing + sponge in WASM; the conversion to Int32Array included).
const digestRows: string[] = [];
for (const logN of [16, 18, 20]) {
  const n = 1 << logN;
  const values = new Int8Array(n).map((_, i) => ((i * 2654435761) >>> 24) - 128);
  const layout = packingLayout(INT8, n);
  const t = timeWallAndCpu(() => digest(values, [1n, 2n], { format: INT8, purpose: Purpose.modelWeights }), RUNS);
  const ms = median(t.wall);
  const cpu = median(t.cpu);
  digestRows.push(`| 2^${logN} | ${layout.elements} | ${layout.elements / 8} | ${fmt(ms)} | ${fmt(cpu)} | ${fmt((1000 * cpu) / (layout.elements / 8))} |`);
}

// The zero-knowledge digest proof over 2^16 … 2^20 packed int8 elements (7·2^e values), as a
// model proof makes it (bench/hash-phases.ts): witness, masks committed through the model's
// commitment scheme, the proof, and the opening of the mask commitment. V's commitment and range
// check belong to the model proof (one commitment of all weights, one range check).
const maxLog = Number(process.env.HASH_BENCH_MAX_LOG ?? 20);
const proofRows: string[] = [];
type Phases = { wit: number; witCpu: number; masks: number; masksCpu: number; prove: number; proveCpu: number; open: number; openCpu: number };
/** At 2^18 packed elements (1 M int8): the first run in this process (fresh memory, warm code) and the median of the later ones. */
const at18 = { first: null as Phases | null, later: null as Phases | null };
const firstAndLater = (xs: readonly number[]) => (xs.length > 1 ? `${fmt(xs[0])} / ${fmt(median(xs.slice(1)))}` : `${fmt(xs[0])} / –`);
for (const logE of [16, 18, 20].filter((e) => e <= maxLog)) {
  const runs = logE <= 18 ? 5 : 1;
  const n = 7 * (1 << logE);
  const values = new Int8Array(n).map((_, i) => ((i * 2654435761) >>> 24) - 128);
  const options = { format: INT8, purpose: Purpose.modelWeights };
  const ph: Phases[] = [];
  const verify: number[] = [];
  let size = 0;
  let opening = 0;
  for (let run = 0; run < runs; run++) {
    const p = digestProofPhases(values, [1n, 2n], options);
    ph.push({ wit: p.witness.wall, witCpu: p.witness.cpu, masks: p.masks.wall, masksCpu: p.masks.cpu, prove: p.prove.wall, proveCpu: p.prove.cpu, open: p.open.wall, openCpu: p.open.cpu });
    size = serializeDigestProof(p.proof).length;
    opening = p.openingBytes;
    const t0 = performance.now();
    verifyDigestProofPhases(p);
    verify.push(performance.now() - t0);
    const last = ph.at(-1)!;
    console.log(`digest proof 2^${logE}: witness ${last.wit.toFixed(0)} ms, masks+commit ${last.masks.toFixed(0)} ms, prove ${last.prove.toFixed(0)} ms (CPU ${last.proveCpu.toFixed(0)}), open ${last.open.toFixed(0)} ms, verify ${verify.at(-1)!.toFixed(0)} ms, ${size} B`);
    // as prove() does after each proof: the next witness of this size runs on this one's memory
    // (the last one is kept, so the next size's first run starts on fresh memory)
    if (run < runs - 1) releaseDigestWitness(p.w);
  }
  const col = (k: keyof Phases) => ph.map((x) => x[k]);
  if (logE === 18) {
    at18.first = ph[0];
    const later = ph.slice(1);
    const med = (k: keyof Phases) => median(later.map((x) => x[k]));
    at18.later = { wit: med('wit'), witCpu: med('witCpu'), masks: med('masks'), masksCpu: med('masksCpu'), prove: med('prove'), proveCpu: med('proveCpu'), open: med('open'), openCpu: med('openCpu') };
  }
  proofRows.push(`| 2^${logE} (${(n / 2 ** 20).toFixed(2)} M int8) | ${2 ** logE / 8} | ${firstAndLater(col('wit'))} | ${firstAndLater(col('witCpu'))} | ${firstAndLater(col('masks'))} | ${firstAndLater(col('prove'))} | ${firstAndLater(col('proveCpu'))} | ${firstAndLater(col('open'))} | ${fmt(median(verify))} | ${(size / 1024).toFixed(1)} KiB | ${(opening / 1024).toFixed(0)} KiB | ${runs} |`);
}

// A process's first proof, cold (bench/hash-first.ts in a fresh process each time): the runs
// above share one process, so even their first run has compiled kernels, started pools and
// optimized JavaScript.
const coldRuns: { startup: number; witness: { wall: number; cpu: number }; masks: { wall: number; cpu: number }; prove: { wall: number; cpu: number }; open: { wall: number; cpu: number } }[] = [];
if (maxLog >= 18) {
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('./hash-first.js', import.meta.url)), '18'], { encoding: 'utf8' });
    coldRuns.push(JSON.parse(out.trim().split('\n').at(-1)!));
  }
}
const coldMed = (f: (r: (typeof coldRuns)[number]) => number) => median(coldRuns.map(f));
const cold = coldRuns.length === 0 ? null : {
  startup: coldMed((r) => r.startup),
  wit: coldMed((r) => r.witness.wall), masks: coldMed((r) => r.masks.wall), prove: coldMed((r) => r.prove.wall), open: coldMed((r) => r.open.wall),
  sum: coldMed((r) => r.witness.wall + r.masks.wall + r.prove.wall),
  sumCpu: coldMed((r) => r.witness.cpu + r.masks.cpu + r.prove.cpu),
};

// The whole standalone bundle (V committed and range-checked too) at the smallest size.
const bundleValues = new Int8Array(7 * (1 << 12)).map((_, i) => ((i * 2654435761) >>> 24) - 128);
const bundleOptions = { format: INT8, purpose: Purpose.attestedInput };
/** The bundle's own commitments are opened directly: enough evaluation masks for its claims' row combinations (25 at this size). */
const pcs = new HashPcs({ evalMasks: 64 });
let bundle = proveDigestStandalone(pcs, bundleValues, [1n, 2n], bundleOptions);
const bundleProve = median(timeRuns(() => (bundle = proveDigestStandalone(pcs, bundleValues, [1n, 2n], bundleOptions)), 3, 0));
const bundleVerify = median(timeRuns(() => verifyDigestStandalone(pcs, bundle.statement, bundle.bytes), 3, 0));

// The sponge witness alone: on fresh memory (a new kernel instance, as a process's first proof
// gets), on the memory of a released witness (as prove() leaves it for the next proof), the
// prover's walk over every layer (computing the ones not stored), and the plain digest.
const witnessRows: string[] = [];
for (const logE of [16, 18, 19]) {
  const values = new Int8Array(7 * (1 << logE)).map((_, i) => ((i * 2654435761) >>> 24) - 128);
  const options = { format: INT8, purpose: Purpose.modelWeights };
  const fresh = timeWallAndCpu(() => digestWitness(values, [1n, 2n], options), 5);
  const reused = { wall: [] as number[], cpu: [] as number[] };
  const walk = { wall: [] as number[], cpu: [] as number[] };
  for (let run = 0; run < 3; run++) {
    const witness = digestWitness(values, [1n, 2n], options);
    const layers = new TraceLayers(witness);
    const t = timeWallAndCpu(() => {
      for (let layer = 30; layer >= 0; layer--) layers.layer(layer);
    }, 1, 0);
    walk.wall.push(...t.wall);
    walk.cpu.push(...t.cpu);
    layers.close();
    releaseDigestWitness(witness);
  }
  let w = digestWitness(values, [1n, 2n], options);
  for (let run = 0; run < 5; run++) {
    releaseDigestWitness(w);
    const t = timeWallAndCpu(() => (w = digestWitness(values, [1n, 2n], options)), 1, 0);
    reused.wall.push(...t.wall);
    reused.cpu.push(...t.cpu);
  }
  releaseDigestWitness(w);
  const plain = timeWallAndCpu(() => digest(values, [1n, 2n], options), 5);
  witnessRows.push(`| 2^${logE} | ${2 ** logE / 8} | ${fmt(median(fresh.wall))} / ${fmt(median(fresh.cpu))} | ${fmt(median(reused.wall))} / ${fmt(median(reused.cpu))} | ${fmt(median(walk.wall))} / ${fmt(median(walk.cpu))} | ${fmt(median(plain.wall))} / ${fmt(median(plain.cpu))} |`);
}

// The cost of first touching fresh memory on this machine (the witness of 2^18 packed elements
// writes ~55 MB that the process has never touched: its 37 MB trace, V, the packed values).
const freshMs: number[] = [];
const reuseMs: number[] = [];
for (let i = 0; i < 3; i++) {
  let t0 = performance.now();
  const fresh = new Uint8Array(64 << 20);
  fresh.fill(1);
  freshMs.push(performance.now() - t0);
  t0 = performance.now();
  fresh.fill(2);
  reuseMs.push(performance.now() - t0);
}
const freshPerMB = median(freshMs) / 64;
const reusePerMB = median(reuseMs) / 64;

const body = `Medians of ${RUNS} runs (scalar: 5 runs of ${scalarN} permutations). Load average when the run started: ${load} — the machine is shared by several engineers, so absolute times are noisy; CPU times (this process's user + system time) show what the work costs when other jobs take the cores; the WASM/scalar ratio (**×${fmt(scalarCpuMs * 1000 / usPerPermCpu, 0)}** by CPU time) is from the same run.

Poseidon2, Goldilocks, width 12 (HorizenLabs instance), one thread:

| implementation | batch | wall time per permutation | CPU time per permutation | throughput (by CPU time) |
|---|---|---|---|---|
${rows.join('\n')}

Goal of issue 5: ≥ 1 M permutations per ~2 s on one thread; measured: 1 M permutations take **${fmt(usPerPermCpu)} s of CPU time** (${fmt(usPerPerm)} s wall) — ${usPerPermCpu <= 2 ? 'met' : 'not met'} by CPU time.

Salted digests of int8 vectors (7 values per element, padded to a power-of-two element count; packing and sponge in WASM):

| int8 values | packed elements | permutations | wall ms | CPU ms | CPU µs per permutation |
|---|---|---|---|---|---|
${digestRows.join('\n')}

Zero-knowledge digest proof (docs/protocol.md (Part 4)) as a model proof makes it (bench/hash-phases.ts), ${sumcheckKernel().threads} thread(s) (worker pools for the sumcheck rounds and the commitment's encoding; CPU time counts every thread), without V's commitment and range check (the model proof makes those once for all weights, in commitment 0). Witness = packing + the sponge run recording its stored columns (the other layers are computed inside "prove", when the prover reaches them); masks = sampling all masks and committing them through the model's commitment scheme (MODEL_PCS: the hash PCS behind the claim reduction, 4 evaluation masks) in a commitment of their own; open = the opening of that commitment with the proof's claims on it (claim reduction + hash PCS opening) — an upper bound: since format version 2 a model proof puts these masks at the end of its commitment 0, whose one opening serves them with everything else (bench:models times the fingerprint inside model proofs); verify = checking the digest proof and that opening; proof = the 31 sumcheck batches, opening = the mask commitment's. "First" is this process's first run of the size (fresh memory; kernels, pools and JavaScript already warm from the smaller size), "later" the median of the others (the witness on the previous one's released memory, as prove() leaves it):

| packed elements | permutations | witness ms (wall): first / later | witness ms (CPU): first / later | masks + commit ms: first / later | prove ms (wall): first / later | prove ms (CPU): first / later | open ms: first / later | verify ms | proof | opening | runs |
|---|---|---|---|---|---|---|---|---|---|---|---|
${proofRows.join('\n')}

The sponge witness alone (digestWitness: packing, the sponge run recording its stored columns, V), medians of 5 runs (the walk: 3), 7·2^e int8 values; "released memory" is a run on the kernel memory of a witness given back with releaseDigestWitness, as prove() does after each proof; the walk is the prover's TraceLayers over layers 30 … 0 (the stored columns copied into the sumcheck kernel's memory, the layers not stored computed there on its worker pool), which "prove" above includes; the plain digest is packing + sponge without a trace on warm memory, the floor:

| packed elements | permutations | witness, fresh memory: wall / CPU ms | witness, released memory: wall / CPU ms | walk wall / CPU ms | plain digest wall / CPU ms |
|---|---|---|---|---|---|
${witnessRows.join('\n')}

Standalone bundle (V committed, range-checked, digest proved, every commitment opened; 7·2^12 int8 values, 2^9 permutations): prove ${fmt(bundleProve)} ms, verify ${fmt(bundleVerify)} ms, ${(bundle.bytes.length / 1024).toFixed(0)} KiB.

Goal of issue 5: proving the digest of 1 M int8 weights adds ≤ 1 s on this 2-core machine. 1 M int8 values pad to 2^18 packed elements (the 2^18 row); the direct measure is bench:models' mlp-1M-int8 row (the fingerprint's steps timed inside a model proof); here, what the digest adds to a model proof is bounded by witness + masks and their commitment + prove, and the opening of the mask commitment at the end. ${at18.first && at18.later ? `This process's first 2^18 proof (fresh memory, warm code): witness ${fmt(at18.first.wit)} + masks ${fmt(at18.first.masks)} + prove ${fmt(at18.first.prove)} = **${fmt(at18.first.wit + at18.first.masks + at18.first.prove)} ms wall** (CPU ${fmt(at18.first.witCpu + at18.first.masksCpu + at18.first.proveCpu)}), opening ${fmt(at18.first.open)} ms more; a later proof: witness ${fmt(at18.later.wit)} + masks ${fmt(at18.later.masks)} + prove ${fmt(at18.later.prove)} = **${fmt(at18.later.wit + at18.later.masks + at18.later.prove)} ms wall** (CPU ${fmt(at18.later.witCpu + at18.later.masksCpu + at18.later.proveCpu)}), opening ${fmt(at18.later.open)} ms more.` : ''} ${cold ? `A process's first proof, everything cold (bench/hash-first.ts in a fresh process, median of ${coldRuns.length}; start-up — Node and the modules, the Poseidon2 constants generated — ${fmt(cold.startup)} ms before it): witness ${fmt(cold.wit)} + masks ${fmt(cold.masks)} + prove ${fmt(cold.prove)} = **${fmt(cold.sum)} ms wall** (CPU ${fmt(cold.sumCpu)}), opening ${fmt(cold.open)} ms more.` : ''} ${at18.later ? `By wall time, witness + masks + prove is **${at18.later.wit + at18.later.masks + at18.later.prove <= 1000 ? 'within' : 'over'}** 1 s for a later proof${at18.first ? `, **${at18.first.wit + at18.first.masks + at18.first.prove <= 1000 ? 'within' : 'over'}** for the first of its size` : ''}${cold ? ` and **${cold.sum <= 1000 ? 'within' : 'over'}** for a cold process's first` : ''}; with the opening **${at18.later.wit + at18.later.masks + at18.later.prove + at18.later.open <= 1000 ? 'within' : 'over'}** for a later proof; by CPU time (both threads) **${at18.later.witCpu + at18.later.masksCpu + at18.later.proveCpu <= 1000 ? 'within' : 'over'}** for a later one.` : ''} Wall times need a quiet machine (see the load above). The sumcheck prover factors eq(ρ, ·) out of every round (Gruen) and evaluates each S-box term u^7 as one power factor in coefficient form (src/sumcheck/factored.ts; two pairs per SIMD step on base and extension tables; on the worker pool from 2^9 pairs, as its ~20 extension products per pair outweigh the pool's messages). A partial round's 11 linear slots enter its batch as one combined table (the batch folds 2 tables, not 12), and the final batch sums V through its partial evaluation V(ρ, ·) over the slot variables instead of a 2^nV weight table (docs/protocol.md Part 4). What remains is dominated by the power kernels (12 S-box terms per full round, 8 full rounds and the output batch, and slot 0 of each partial round: ~55% of the prover's CPU time, ~20 extension products per pair, at their floor without lazy reduction), then the per-round work in JavaScript (BigInt round polynomials, masks, transcript) and the layers the prover computes (recovery and forward rounds, and L_r, the combination of a partial round's linear slots: ~10%, all on the pool in the sumcheck kernel's memory); a process's first proof also pays the first touch of the witness's ~35 MB (V, the stored columns, the packed elements) and of the prover's kernel memory, and compiles its kernels' functions (the pools' workers boot during the witness: digestWitness starts them). The witness stores 62 of the 384 trace columns (layer 0's capacity — its rate slots are the packed elements —, layers 3, 27 and 29 whole, slot 0 of each partial round's S-box input) and converts V in place over the copy of the values; the prover gets every other layer in place in the witness's kernel memory when it reaches it (a full round's layer forward from the stored layer below, ≤ 2 rounds; a partial round's slots backward from the layer above, u_r[s] = (y_s − S)/d_s, S first and then one pass per slot over three streams; src/hash/sponge-trace.ts), because most of the witness's time was the first touch of fresh memory: on this machine in this run, writing fresh memory cost **${fmt(freshPerMB)} ms/MB** against ${fmt(reusePerMB, 3)} ms/MB for memory already touched.`;

writeSection('hash', 'Poseidon2 hashing (`npm run bench:hash`)', body);
console.log(body);
