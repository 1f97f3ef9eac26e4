/**
 * Why an ONNX file could not be imported. The message is one line that names the file, the node,
 * the op and the field involved and says what was expected, so a CLI can print it as is.
 */
export class OnnxImportError extends Error {
  override name = 'OnnxImportError';
}

/** Where a problem was found; every part optional, printed in a fixed order. */
export interface ImportSite {
  readonly file?: string;
  readonly node?: string;
  readonly op?: string;
  readonly field?: string;
}

/** Builds the one-line message `<file>: node '<n>' (<op>), <field>: <what>`. */
export function importError(site: ImportSite, what: string): OnnxImportError {
  const parts: string[] = [];
  if (site.node !== undefined) parts.push(`node '${site.node}'${site.op !== undefined ? ` (${site.op})` : ''}`);
  else if (site.op !== undefined) parts.push(`op ${site.op}`);
  if (site.field !== undefined) parts.push(site.field);
  const where = parts.join(', ');
  const prefix = site.file !== undefined ? `${site.file}: ` : '';
  return new OnnxImportError(`${prefix}${where.length > 0 ? `${where}: ` : ''}${what}`.replace(/\s*\n\s*/g, ' '));
}
