/** Small SuperGLUE folders in the official schema, cut from the shared data, for fast end-to-end tests. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATA_DIR =
  process.env.SELFEVO_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');
export const SUPERGLUE = join(DATA_DIR, 'superglue');
export const VOCAB = join(DATA_DIR, 'vocab', 'bert-base-uncased', 'vocab.txt');

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
}

async function put(dir: string, rel: string, rows: string[]): Promise<void> {
  await mkdir(dirname(join(dir, rel)), { recursive: true });
  await writeFile(join(dir, rel), `${rows.join('\n')}\n`);
}

/** First `n` lines of an official file. */
async function head(task: string, file: string, n: number): Promise<string[]> {
  return (await lines(join(SUPERGLUE, task, file))).slice(0, n);
}

export interface TinyOptions {
  /** Write a hand-made BoolQ train file (official schema: records taken from val). Default true. */
  boolqTrain?: boolean;
  /** Write hand-made ReCoRD train/val/test files from the 32 real FewGLUE records. Default true. */
  record?: boolean;
}

/**
 * A temp SuperGLUE folder: a few records of every official file, plus hand-made BoolQ train and
 * ReCoRD files in the official schema (ReCoRD test without answers, as in the official test split).
 */
export async function makeTinySuperGlue(opts: TinyOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'selfevo-sg-'));
  const n = { train: 12, val: 6, test: 5 };
  for (const task of ['CB', 'COPA', 'RTE', 'WiC', 'WSC']) {
    for (const split of ['train', 'val', 'test'] as const)
      await put(dir, `${task}/${split}.jsonl`, await head(task, `${split}.jsonl`, n[split]));
  }
  for (const split of ['train', 'val', 'test'] as const)
    await put(dir, `MultiRC/${split}.jsonl`, await head('MultiRC', `${split}.jsonl`, 1));
  await put(dir, 'AX-b/AX-b.jsonl', await head('AX-b', 'AX-b.jsonl', 6));
  await put(dir, 'AX-g/AX-g.jsonl', await head('AX-g', 'AX-g.jsonl', 6));
  const boolqVal = await lines(join(SUPERGLUE, 'BoolQ', 'val.jsonl'));
  await put(dir, 'BoolQ/val.jsonl', boolqVal.slice(0, 6));
  await put(dir, 'BoolQ/test.jsonl', await head('BoolQ', 'test.jsonl', 5));
  if (opts.boolqTrain ?? true) {
    // Hand-made train: other val records with new idx, the official train schema (bool label).
    const train = boolqVal.slice(100, 112).map((l, i) => JSON.stringify({ ...JSON.parse(l), idx: i }));
    await put(dir, 'BoolQ/train.jsonl', train);
  }
  if (opts.record ?? true) {
    const rec = await lines(join(SUPERGLUE, 'FewGLUE-sample', 'ReCoRD', 'train.jsonl'));
    const parsed = rec.map((l) => JSON.parse(l));
    // Shorten passages' query lists so the test stays small; keep the official schema.
    const pick = (rows: typeof parsed) => rows.map((r) => ({ ...r, qas: r.qas.slice(0, 1) }));
    await put(
      dir,
      'ReCoRD/train.jsonl',
      pick(parsed.slice(0, 3)).map((r) => JSON.stringify(r)),
    );
    await put(
      dir,
      'ReCoRD/val.jsonl',
      pick(parsed.slice(3, 5)).map((r) => JSON.stringify(r)),
    );
    const test = pick(parsed.slice(5, 7)).map((r) => ({
      ...r,
      qas: r.qas.map((q: { query: string; idx: number }) => ({ query: q.query, idx: q.idx })),
    }));
    await put(
      dir,
      'ReCoRD/test.jsonl',
      test.map((r) => JSON.stringify(r)),
    );
  }
  return dir;
}

export const hasSharedData = existsSync(join(SUPERGLUE, 'CB', 'train.jsonl')) && existsSync(VOCAB);
