// examples/over-18.mjs end to end (issuer → holder → service): an adult with a valid document
// is accepted and the service sees only the two predicates; a holder one day short of 18 gets
// no proof; a malformed date is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['examples/over-18.mjs', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const DAY_MS = 86_400_000;
const days = (iso: string): number => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1900, 0, 1)) / DAY_MS);

test('examples/over-18: an adult is accepted; the service learns the predicates, not the fields', () => {
  const r = run('--today', '2026-11-24', '--birth', '2001-06-15');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /birth_days\[0\] <= 39774 /); // 2008-11-24 as days since 1900-01-01
  assert.match(r.out, /expiry_days\[0\] >= 46348 /); // 2026-11-24
  // the fields: the birth date, the country number 276, the expiry date 2031-03-01
  for (const field of [String(days('2001-06-15')), '276', String(days('2031-03-01')), '2001', '2031']) {
    assert.doesNotMatch(r.out, new RegExp(`\\b${field}\\b`), `field ${field} is not shown`);
  }
  const edge = run('--today', '2026-11-24', '--birth', '2008-11-24');
  assert.equal(edge.code, 0, `18 today: ${edge.err}`);
});

test('examples/over-18: one day short of 18 has no proof; a malformed date exits 2', () => {
  const young = run('--today', '2026-11-24', '--birth', '2008-11-25');
  assert.equal(young.code, 1, young.err);
  assert.match(young.out, /no proof \(the predicate on birth_days is false/);
  const bad = run('--today', '2026-11-24', '--birth', '2010-02-29');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--birth expects a calendar date/);
});
