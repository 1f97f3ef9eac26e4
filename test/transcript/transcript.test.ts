// Known-answer vectors for the Fiat–Shamir transcript, an independent re-implementation of its
// byte-level specification, and its boundary checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../../src/transcript/transcript.js';
import { ReferenceTranscript } from './reference.js';

const P = 0xffffffff00000001n;

/** The fixed script both implementations run; returns every squeezed value as a string. */
function script(t: Transcript): string[] {
  const out: string[] = [];
  t.absorbBytes('bytes', Uint8Array.of(1, 2, 3));
  t.absorbBase('base', 5n);
  t.absorbBases('bases', [0n, 1n, P - 1n]);
  t.absorbExt('ext', [7n, 9n]);
  t.absorbExts('exts', [[1n, 2n], [3n, 4n]]);
  t.absorbString('string', 'héllo');
  out.push(String(t.challengeBase('c-base')));
  const e = t.challengeExt('c-ext');
  out.push(`${e[0]},${e[1]}`);
  out.push(t.challengeExts('c-exts', 3).map((x) => `${x[0]},${x[1]}`).join(';'));
  out.push(t.challengeIndices('c-idx', 10, 1000).join(','));
  out.push(t.challengeIndices('c-idx2', 5, 2 ** 32).join(','));
  return out;
}

function referenceScript(t: ReferenceTranscript): string[] {
  const out: string[] = [];
  t.absorb('bytes', Uint8Array.of(1, 2, 3));
  t.absorbWords('base', [5n]);
  t.absorbWords('bases', [0n, 1n, P - 1n]);
  t.absorbWords('ext', [7n, 9n]);
  t.absorbWords('exts', [1n, 2n, 3n, 4n]);
  t.absorb('string', new TextEncoder().encode('héllo'));
  out.push(String(t.words('c-base', 1)[0]));
  out.push(t.words('c-ext', 2).join(','));
  const w = t.words('c-exts', 6);
  out.push([0, 1, 2].map((i) => `${w[2 * i]},${w[2 * i + 1]}`).join(';'));
  out.push(t.indices('c-idx', 10, 1000).join(','));
  out.push(t.indices('c-idx2', 5, 2 ** 32).join(','));
  return out;
}

// Checked-in vectors (generated from the specification; a change here breaks every proof).
const VECTORS: Record<string, string[]> = {
  'zkinfer/test': [
    '6842117542288300662',
    '3286105496963429323,7795980210909699918',
    '3751071619420416748,8580457725789961077;10487188318191458042,16294129953068155352;15823968354713035089,11429215040692850290',
    '557,333,628,850,413,35,891,991,109,830',
    '3196785666,1611144161,378681402,1889373693,1406586340',
  ],
  'zkinfer/tést ✓': [
    '14834747717832142363',
    '2765388074874773288,4900337619803968722',
    '9091730070069565236,3329545886895746211;15738359580806052380,10462159059654078889;842890315142397038,13530496088415128205',
    '780,206,511,157,368,219,967,223,776,242',
    '222509294,1374132150,3603866250,2395227756,915079054',
  ],
};

test('transcript matches the checked-in vectors', () => {
  for (const [domain, expected] of Object.entries(VECTORS)) {
    assert.deepEqual(script(new Transcript(domain)), expected, domain);
  }
});

test('transcript matches an independent implementation of its specification', () => {
  for (const domain of ['', 'a', 'zkinfer/test', 'zkinfer/tést ✓', 'x'.repeat(300)]) {
    assert.deepEqual(script(new Transcript(domain)), referenceScript(new ReferenceTranscript(domain)), domain);
  }
});

test('domains, labels and data all separate', () => {
  const base = script(new Transcript('d'));
  assert.notDeepEqual(script(new Transcript('e')), base);
  const a = new Transcript('d');
  a.absorbBytes('ab', Uint8Array.of(1));
  const b = new Transcript('d');
  b.absorbBytes('a', Uint8Array.of(0x62, 1)); // same concatenation, different framing
  assert.notDeepEqual(a.challengeExt('c'), b.challengeExt('c'));
  const c = new Transcript('d');
  c.absorbBytes('x', Uint8Array.of(1));
  const d = new Transcript('d');
  d.absorbBytes('x', Uint8Array.of(2));
  assert.notDeepEqual(c.challengeExt('c'), d.challengeExt('c'));
  // Successive challenges under one label differ (the state moves on every squeeze).
  const t = new Transcript('d');
  assert.notDeepEqual(t.challengeExt('c'), t.challengeExt('c'));
});

test('challenges are canonical and indices in range', () => {
  const t = new Transcript('range');
  for (const x of t.challengeExts('e', 200)) {
    assert.ok(x[0] < P && x[1] < P);
  }
  for (const d of [1, 2, 3, 1000, 65537, 2 ** 31 + 1]) {
    const idx = t.challengeIndices('i', 300, d);
    assert.equal(idx.length, 300);
    for (const i of idx) assert.ok(Number.isInteger(i) && i >= 0 && i < d, `${i} in [0, ${d})`);
  }
  // Rough uniformity: 3000 draws over 3 buckets, each within 5 sigma of 1000.
  const counts = [0, 0, 0];
  for (const i of t.challengeIndices('u', 3000, 3)) counts[i]++;
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 130, `bucket count ${c}`);
});

test('transcript rejects non-canonical absorbs and bad index domains', () => {
  const t = new Transcript('bad');
  assert.throws(() => t.absorbBase('x', P), RangeError);
  assert.throws(() => t.absorbBases('x', [1n, P + 5n]), RangeError);
  assert.throws(() => t.absorbExt('x', [0n, P]), RangeError);
  assert.throws(() => t.absorbBase('x', -1n), RangeError);
  assert.throws(() => t.challengeIndices('i', 1, 0), RangeError);
  assert.throws(() => t.challengeIndices('i', 1, 2 ** 32 + 1), RangeError);
  assert.throws(() => t.challengeIndices('i', 1, 2.5), RangeError);
});
