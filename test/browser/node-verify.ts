// Node's side of the comparison, run as a fresh child process so that its timings, like the
// page's, include compiling the verifier (the test's own process has just run the prover, whose
// code the verifier shares, and would time a warm JIT). Reads { runs, cases } (wire JSON, each
// case with its proof) on stdin; writes the outcomes and timings as JSON on stdout.
import { verifyTimed, type TimedOutcome } from './cases.js';
import type { ProvedCase } from './proofs.js';
import { fromWire } from './wire.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const { runs, cases } = fromWire<{ runs: number; cases: ProvedCase[] }>(await readStdin());
const results: TimedOutcome[] = cases.map((c) => verifyTimed(c.data, c.proof, c.expect === 'accept' ? runs : 1));
process.stdout.write(JSON.stringify(results));
