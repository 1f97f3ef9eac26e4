// The one call most users need: ONNX bytes -> normalized Graph (browser-safe; no node:fs).
import type { Graph } from './graph.js';
import { loadOnnx, type LoadOptions } from './load.js';
import { normalizeGraph, type NormalizeOptions } from './normalize.js';

export function importOnnx(bytes: Uint8Array, opts: LoadOptions & Pick<NormalizeOptions, 'keepQuantized'> = {}): Graph {
  const norm: NormalizeOptions = { ...(opts.file !== undefined ? { file: opts.file } : {}), ...(opts.keepQuantized !== undefined ? { keepQuantized: opts.keepQuantized } : {}) };
  return normalizeGraph(loadOnnx(bytes, opts), norm);
}
