// "Over 18" from an issuer-signed credential, and nothing else. Three parties:
// - an issuer (a government ID service) signs a holder's credential: birth date, country,
//   document expiry, as integer fields;
// - the holder proves, with the credential as a private attested input, that the birth date is at
//   least 18 years before today and that the document has not expired;
// - a service verifies the proof with the issuer's public key and its own policy (the two
//   predicates, with today's thresholds) and learns that both hold: not the birth date, not the
//   country, not the expiry date.
// Run after the build: `node examples/over-18.mjs [--today YYYY-MM-DD] [--birth YYYY-MM-DD]`.
// Exit 0 when the service accepts, 1 when the holder cannot prove it (under 18 or expired).
import { parseArgs } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  compile, describePredicate, FalsePredicateError, issueAttestation, prove, setup, verify, writeOnnx,
} from '../dist/src/index.js';

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(1900, 0, 1);
/** Dates are credential fields as days since 1900-01-01 (they fit 16 bits until 2079). */
const days = (iso) => Math.round((Date.parse(`${iso}T00:00:00Z`) - EPOCH) / DAY_MS);
const isoDate = (d) => new Date(EPOCH + d * DAY_MS).toISOString().slice(0, 10);
/** The latest birth date that is 18 years old on `iso` (29 February births turn 18 on 1 March). */
function cutoff(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const t = new Date(Date.UTC(y - 18, m - 1, d));
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return days(t.toISOString().slice(0, 10));
}

const SCHEMA_ID_CARD = 7; // fields: [birth date, ISO 3166 country number, expiry date]
const { values: args } = parseArgs({ options: { today: { type: 'string' }, birth: { type: 'string', default: '2001-06-15' } } });
const today = args.today ?? new Date().toISOString().slice(0, 10);
for (const [flag, iso] of [['--today', today], ['--birth', args.birth]]) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || isoDate(days(iso)) !== iso) {
    console.error(`over-18: ${flag} expects a calendar date YYYY-MM-DD, got ${iso}`);
    process.exit(2);
  }
}

// The model reads two fields of the credential; it has no weights. Both outputs are private:
// the proof shows predicates on them instead.
const model = writeOnnx({
  name: 'over-18',
  inputs: [{ name: 'credential', dtype: 'int32', dims: [1, 3] }],
  outputs: [{ name: 'birth_days', dtype: 'int32', dims: [1, 1] }, { name: 'expiry_days', dtype: 'int32', dims: [1, 1] }],
  initializers: {
    birth_field: { dtype: 'int64', dims: [1], data: BigInt64Array.from([0n]) },
    expiry_field: { dtype: 'int64', dims: [1], data: BigInt64Array.from([2n]) },
  },
  nodes: [
    { opType: 'Gather', inputs: ['credential', 'birth_field'], outputs: ['birth_days'], attrs: { axis: { kind: 'int', value: 1 } } },
    { opType: 'Gather', inputs: ['credential', 'expiry_field'], outputs: ['expiry_days'], attrs: { axis: { kind: 'int', value: 1 } } },
  ],
});
const graph = compile(model, { inputRanges: { credential: [0n, 65535n] } });
const outputName = (onnx) => graph.outputs.find((o) => o.onnxName === onnx).name;
const { pk, vk } = setup(graph, {
  inputs: { credential: 'attested' },
  schemas: { credential: SCHEMA_ID_CARD },
  outputs: { [outputName('birth_days')]: 'private', [outputName('expiry_days')]: 'private' },
});

// issuer
const issuerSecret = ed25519.utils.randomSecretKey();
const issuerPublicKey = ed25519.getPublicKey(issuerSecret);
const fields = [days(args.birth), 276, days('2031-03-01')];
const attestation = issueAttestation(issuerSecret, SCHEMA_ID_CARD, fields);

// the service's policy for today
const policy = [
  { output: 'birth_days', kind: 'atMost', index: 0, value: cutoff(today) },
  { output: 'expiry_days', kind: 'atLeast', index: 0, value: days(today) },
];
const context = `age-check/${today}/service.example`;

// holder
const credential = new Map([['credential', { dims: [1, 3], data: BigInt64Array.from(fields.map(BigInt)) }]]);
let proof;
try {
  ({ proof } = prove(pk, credential, { context, attestedSalts: { credential: attestation.salt }, predicates: policy }));
} catch (e) {
  if (!(e instanceof FalsePredicateError)) throw e;
  console.log(`holder: no proof (${e.message}); born ${args.birth}, the cutoff on ${today} is ${isoDate(cutoff(today))}`);
  process.exit(1);
}

// service
const { statement } = verify(vk, proof, {
  context,
  attestations: { credential: { issuerPublicKey, signature: attestation.signature } },
  predicates: policy,
});
console.log(`service: proof of ${proof.length} bytes verified for ${today}`);
statement.outputs.forEach((o, i) => {
  if (o.kind === 'predicate') console.log(`  ${describePredicate(o.predicate, vk.outputs[i])}`);
});
console.log(`  (${isoDate(cutoff(today))} is the latest birth date that is 18 today; the issuer signed the credential)`);
