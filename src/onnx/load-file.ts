// Node-only wrapper around loadOnnx: reads a file. Kept apart so browser bundles of the
// loader never pull in node:fs.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Graph } from './graph.js';
import { importError } from './errors.js';
import { loadOnnx, type LoadOptions } from './load.js';
import { normalizeGraph } from './normalize.js';

function readModel(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw importError({ file: path }, `cannot read the file${code ? ` (${code})` : ''}`);
  }
}

/** Loads (without normalizing) an ONNX file. */
export function loadOnnxFile(path: string, opts: Omit<LoadOptions, 'file'> = {}): Graph {
  return loadOnnx(readModel(path), { ...opts, file: basename(path) });
}

/** Loads and normalizes an ONNX file: what the compiler consumes. */
export function importOnnxFile(path: string, opts: Omit<LoadOptions, 'file'> = {}): Graph {
  return normalizeGraph(loadOnnxFile(path, opts), { file: basename(path) });
}
