import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the nearest folder above this file that holds a `packages` folder and package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'packages')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repoRoot: no monorepo root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Shared read-only data: $SELFEVO_DATA, else `<repo root>/../shared/data` (independent of cwd). */
export function dataDir(...parts: string[]): string {
  const base = process.env.SELFEVO_DATA
    ? resolve(process.env.SELFEVO_DATA)
    : resolve(repoRoot(), '..', 'shared', 'data');
  return join(base, ...parts);
}
