import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (…/packages/superglue-datasets/src/test-fixtures → four levels up). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Shared data: `SELFEVO_DATA`, else `<repo root>/../shared/data` (independent of the cwd). */
export const SHARED_DATA = process.env.SELFEVO_DATA ?? resolve(REPO_ROOT, '../shared/data');
export const SUPERGLUE_DATA = join(SHARED_DATA, 'superglue');
export const BERT_VOCAB = join(SHARED_DATA, 'vocab', 'bert-base-uncased', 'vocab.txt');
export const RECORD_SAMPLE = join(SUPERGLUE_DATA, 'FewGLUE-sample', 'ReCoRD', 'train.jsonl');

if (!existsSync(SUPERGLUE_DATA)) {
  throw new Error(`SuperGLUE data not found at ${SUPERGLUE_DATA}; set SELFEVO_DATA`);
}

export interface SourceRow {
  file: string;
  records: number;
  questions?: number;
  answers?: number;
}

/** The record counts of the "Files" tables in SOURCES.md (the acceptance reference). */
export function sourcesTable(): SourceRow[] {
  const text = readFileSync(join(SUPERGLUE_DATA, 'SOURCES.md'), 'utf8');
  const rows: SourceRow[] = [];
  for (const line of text.split('\n')) {
    const m =
      /^\| `([^`]+\.jsonl)` \| (\d+)(?: questions=(\d+) answers=(\d+))?(?: passages, (\d+) queries)? /.exec(
        line,
      );
    if (!m) continue;
    rows.push({
      file: m[1]!,
      records: Number(m[2]),
      questions: m[3] ? Number(m[3]) : undefined,
      answers: m[4] ? Number(m[4]) : undefined,
    });
  }
  return rows;
}
