import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The package root (packages/superglue-eval) and the monorepo root, found from this file. */
export const PACKAGE_ROOT = resolve(here, '..', '..');
export const REPO_ROOT = resolve(PACKAGE_ROOT, '..', '..');

/** Shared data: $SELFEVO_DATA, default `<repo root>/../shared/data` (resolved from the repo root, not cwd). */
export const DATA_ROOT = process.env.SELFEVO_DATA
  ? resolve(REPO_ROOT, process.env.SELFEVO_DATA)
  : resolve(REPO_ROOT, '..', 'shared', 'data');
export const SUPERGLUE_DIR = join(DATA_ROOT, 'superglue');

export const FIXTURES = here;
export const RECORD_TEST_FIXTURE = join(here, 'record-test.jsonl');
export const RECORD_VAL_FIXTURE = join(here, 'record-val.jsonl');
export const ORACLE_SCRIPT = join(here, 'sklearn_oracle.py');
export const BIN_TS = join(PACKAGE_ROOT, 'src', 'bin.ts');
