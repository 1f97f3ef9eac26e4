// npm run bench:sumcheck — prover time per table element for a product of two multilinears
// (2^16 … 2^22, zero-knowledge included), lookups per second, proof sizes, verifier times.
// Writes the 'sumcheck' section of docs/benchmarks.md.
import { median, timeRuns, writeSection } from './report.js';
import { Transcript } from '../src/transcript/transcript.js';
import { proveSumcheck } from '../src/sumcheck/prover.js';
import { verifySumcheck } from '../src/sumcheck/verifier.js';
import { MaskedPoly, SumcheckMask } from '../src/sumcheck/mask.js';
import { roundDegrees, type BatchShape } from '../src/sumcheck/types.js';
import { serializeSumcheckProof } from '../src/sumcheck/proof.js';
import { randomBase } from '../src/sumcheck/random.js';
import * as E from '../src/field/ext.js';
import type { Fp2 } from '../src/field/ext.js';
import { benchLookups } from './sumcheck-lookup.bench-part.js';

const quick = process.argv.includes('--quick');
const maxLog = quick ? 18 : 22;

function claimOfProduct(a: BigUint64Array, b: BigUint64Array): Fp2 {
  // Σ a_i·b_i with exact BigInt accumulation (setup only, not timed)
  let s = 0n;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return [s % 0xffffffff00000001n, 0n];
}

const rows: string[] = [];
rows.push('| table size | mode | prover (ms) | ns / element | verifier (ms) | proof bytes |');
rows.push('|---|---|---|---|---|---|');
for (let log = 16; log <= maxLog; log += 2) {
  const a = randomBase(1 << log);
  const b = randomBase(1 << log);
  const claimedSum = claimOfProduct(a, b);
  for (const zk of [false, true]) {
    const shape: BatchShape = {
      tables: [0, 1].map(() => ({ numVars: log, kind: 'committed' as const, maskVars: zk ? 1 : null })),
      instances: [{ numVars: log, weight: E.ONE, terms: [{ coeff: E.ONE, factors: [{ table: 0 }, { table: 1 }] }] }],
      claimedSum,
      zk,
    };
    const runs = log >= 22 ? 3 : 5;
    let proofBytes = 0;
    let lastProof: ReturnType<typeof proveSumcheck>['proof'] | null = null;
    const ms = median(
      timeRuns(() => {
        // masks are part of the ZK prover's work, so they are sampled inside the timed region
        const tables = zk ? [MaskedPoly.sample(a, log, 1), MaskedPoly.sample(b, log, 1)] : [a, b];
        const mask = zk ? SumcheckMask.sample(roundDegrees(shape)) : null;
        lastProof = proveSumcheck(shape, tables, mask, new Transcript('bench')).proof;
      }, runs),
    );
    proofBytes = serializeSumcheckProof(lastProof!).length;
    const vms = median(timeRuns(() => verifySumcheck(shape, lastProof!, new Transcript('bench')), 5));
    const line = `| 2^${log} | ${zk ? 'zk' : 'plain'} | ${ms.toFixed(1)} | ${((ms * 1e6) / (1 << log)).toFixed(1)} | ${vms.toFixed(2)} | ${proofBytes} |`;
    console.log(line);
    rows.push(line);
  }
}

const lookupRows = benchLookups(quick);

writeSection(
  'sumcheck',
  'Sumcheck and lookups',
  `Machine shared with ~8 concurrent jobs on 2 cores: medians of 3–5 runs, noisy. Single thread (no worker pool yet).
Sumcheck of Σ a(x)·b(x) over 2^n entries (base-field tables); the ZK mode includes sampling and
applying the masks (g and f + Z·R) but not the PCS commitment of the tables or masks.

${rows.join('\n')}

${lookupRows}
`,
);
