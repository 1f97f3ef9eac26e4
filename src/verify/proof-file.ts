// The .zkp container: header, statement, tagged sections (docs/protocol.md (Part 5) §6). The
// sections' contents are parsed by their own readers (commitments, layers, fingerprint proof,
// openings) once the verifier knows the shapes from the verifying key.
import { ByteWriter } from '../encoding/bytes.js';
import { decoding, readHeader, readSections, writeHeader, writeSections } from './container.js';
import { readStatement, writeStatement, type Statement } from './statement.js';

export interface ProofFile {
  readonly statement: Statement;
  /** Section tag (container.ts SECTION) → its bytes. */
  readonly sections: ReadonlyMap<number, Uint8Array>;
}

export function serializeProofFile(p: ProofFile): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, 'proof');
  writeStatement(w, p.statement);
  writeSections(w, p.sections);
  return w.finish();
}

export function deserializeProofFile(bytes: Uint8Array): ProofFile {
  return decoding('proof', () => {
    const r = readHeader(bytes, 'proof');
    const statement = readStatement(r);
    const sections = readSections(r);
    r.end();
    return { statement, sections };
  });
}
