// Where training reads data and writes models. Node-only.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor of this file holding zkinfer's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
      if (name === 'zkinfer') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repoRoot: no zkinfer package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** ../shared/testdata beside the checkout, or $ZKINFER_TESTDATA. */
export function sharedTestdataDir(): string {
  const fromEnv = process.env.ZKINFER_TESTDATA;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return join(repoRoot(), '..', 'shared', 'testdata');
}

/** The git-ignored cache of trained ONNX models. */
export function modelCacheDir(): string {
  return join(repoRoot(), 'build', 'models');
}
