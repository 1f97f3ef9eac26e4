// Bundles a module for browsers with esbuild (platform 'browser', format 'esm', everything bundled,
// no Node builtin marked external). A reachable Node-only import makes esbuild fail, and the
// failure is returned with the Node-only imports named, so a test can say which file pulled it in.
import { build, type BuildFailure, type Message, type Metafile } from 'esbuild';

export type BundleResult =
  | { readonly ok: true; readonly code: string; readonly metafile: Metafile }
  | { readonly ok: false; readonly errors: readonly string[]; readonly nodeOnly: readonly string[] };

function describe(m: Message): string {
  const where = m.location ? `${m.location.file}:${m.location.line}` : '?';
  return `${where}: ${m.text}${m.notes.map((n) => ` (${n.text})`).join('')}`;
}

/** esbuild says a package "is built into node" when a browser build reaches a Node builtin. */
function isNodeOnly(m: Message): boolean {
  return /"node:/.test(m.text) || m.notes.some((n) => /built into node/i.test(n.text));
}

export async function bundleForBrowser(source: { file: string } | { contents: string; resolveDir: string }): Promise<BundleResult> {
  try {
    const result = await build({
      ...('file' in source ? { entryPoints: [source.file] } : { stdin: { contents: source.contents, resolveDir: source.resolveDir } }),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return { ok: true, code: result.outputFiles[0].text, metafile: result.metafile };
  } catch (e) {
    const errors = (e as Partial<BuildFailure>).errors;
    if (!Array.isArray(errors)) throw e;
    return { ok: false, errors: errors.map(describe), nodeOnly: errors.filter(isNodeOnly).map(describe) };
  }
}
