// A process's first digest proof (run by hash.bench.ts in a fresh Node process): 1 M int8 values
// (2^18 packed elements), every phase cold — kernels compiled, worker pools started, memory
// touched for the first time, JavaScript not yet optimized. Prints the phases as JSON on stdout.
import { INT8 } from '../src/hash/packing.js';
import { Purpose } from '../src/hash/digest.js';
import { digestProofPhases } from './hash-phases.js';

/** Milliseconds from the process's start until this module's body runs (Node and every module loaded). */
const startup = performance.now();
const logE = Number(process.argv[2] ?? 18);
const values = new Int8Array(7 * (1 << logE)).map((_, i) => ((i * 2654435761) >>> 24) - 128);
const p = digestProofPhases(values, [1n, 2n], { format: INT8, purpose: Purpose.modelWeights });
process.stdout.write(JSON.stringify({ startup, witness: p.witness, masks: p.masks, prove: p.prove, open: p.open }) + '\n');
