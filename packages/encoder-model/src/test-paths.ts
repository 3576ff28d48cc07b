// Paths of the shared data and fixtures, resolved from the repository root (not the cwd).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (…/packages/encoder-model/src → …). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** `$SELFEVO_DATA`, default `<repo root>/../shared/data`. */
export const dataDir = process.env.SELFEVO_DATA ?? join(repoRoot, '..', 'shared', 'data');
/** `<repo root>/../shared/fixtures`. */
export const fixturesDir = join(repoRoot, '..', 'shared', 'fixtures');
