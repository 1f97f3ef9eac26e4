// The UCI Statlog German Credit data in its numeric form (german.data-numeric: 24 integer
// attributes per applicant, then the class: 1 = good, 2 = bad). Node-only: reads a file.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTestdataDir } from './paths.js';

export interface GermanCredit {
  /** Row-major [n × 24] attribute values, as in the file. */
  readonly features: Float64Array;
  /** 1 = bad credit risk (the file's class 2), 0 = good (class 1). */
  readonly labels: Uint8Array;
  readonly rows: number;
  readonly cols: number;
}

export const GERMAN_CREDIT_FEATURES = 24;

export function germanCreditPath(): string {
  return join(sharedTestdataDir(), 'datasets', 'german-credit', 'german.data-numeric');
}

export function germanCreditAvailable(): boolean {
  return existsSync(germanCreditPath());
}

/**
 * Parses german.data-numeric. The file has a header line, and about 4% of its rows
 * separate two fields by a space instead of a comma (an artefact of the conversion from the
 * original whitespace-separated file), so fields are split on commas and spaces alike.
 */
export function loadGermanCredit(path: string = germanCreditPath()): GermanCredit {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0 || !/^A1,/.test(lines[0]!)) {
    throw new Error(`loadGermanCredit: ${path} does not start with the expected header line "A1,..."`);
  }
  const body = lines.slice(1);
  const cols = GERMAN_CREDIT_FEATURES;
  const features = new Float64Array(body.length * cols);
  const labels = new Uint8Array(body.length);
  body.forEach((line, r) => {
    const fields = line.split(/[ ,]+/);
    if (fields.length !== cols + 1) {
      throw new Error(`loadGermanCredit: line ${r + 2} has ${fields.length} fields, expected ${cols + 1}`);
    }
    for (let c = 0; c < cols; c++) {
      const v = Number(fields[c]);
      if (!Number.isFinite(v)) throw new Error(`loadGermanCredit: line ${r + 2} field ${c + 1} is not a number`);
      features[r * cols + c] = v;
    }
    const cls = fields[cols];
    if (cls !== '1' && cls !== '2') throw new Error(`loadGermanCredit: line ${r + 2} has class "${cls}", expected 1 or 2`);
    labels[r] = cls === '2' ? 1 : 0;
  });
  return { features, labels, rows: body.length, cols };
}
