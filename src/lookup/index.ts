// Public API of LogUp lookups and range checks (see logup.ts, range.ts and
// docs/protocol.md (Part 3) §3–4).
export { proveLookups, verifyLookups, lookupRoundDegrees, multiplicities, writeLookupProof, readLookupProof } from './logup.js';
export type { LookupShape, LookupRelation, LookupColumnShape, LinearCheck, ColumnSource, LookupRefs, LookupWitness, LookupProof, CommitPort, LookupProveOptions } from './logup.js';
export { rangeTable, explicitTable, type PublicTable } from './table.js';
export { proveRange, verifyRange, rangeLookupShape, decompose, limbCount, serializeRangeProof, deserializeRangeProof, type RangeShape, type RangeProof } from './range.js';
export { proveRangeStandalone, verifyRangeStandalone, rangeCommitmentSizes } from './standalone.js';
export { proveLookupsGkr, verifyLookupsGkr, writeLookupGkrProof, readLookupGkrProof, lookupGkrDegrees, lookupGkrCommitmentSizes } from './logup-gkr.js';
export type { LookupGkrProof, LookupGkrChallenges, LookupGkrProveOptions } from './logup-gkr.js';
