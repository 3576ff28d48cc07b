import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoldSet, multircKey } from './data/gold.js';
import { readGoldFile, referenceFilePath } from './data/gold-file.js';
import { formatScoreReportMarkdown } from './report.js';
import { scoreFolder } from './score-folder.js';
import { writeSubmission } from './submission/write.js';
import { RECORD_VAL_FIXTURE, SUPERGLUE_DIR } from './test-fixtures/paths.js';

let root: string;
let perfect: string;

/** Gold labels as predictions (ReCoRD: the first gold answer). */
function oracle(gold: GoldSet): Map<string, unknown> {
  const m = new Map<string, unknown>();
  if (gold.kind === 'single') for (const e of gold.examples) m.set(e.key, e.label);
  else if (gold.kind === 'multirc') {
    for (const p of gold.paragraphs)
      for (const q of p.questions) for (const a of q.answers) m.set(multircKey(p.idx, q.idx, a.idx), a.label);
  } else for (const q of gold.queries) m.set(String(q.idx), q.answers![0]);
  return m;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-score-'));
  perfect = join(root, 'perfect');
  const preds: Partial<Record<TaskName, Map<string, unknown>>> = {};
  for (const task of TASKS) {
    const ref = task === 'ReCoRD' ? RECORD_VAL_FIXTURE : referenceFilePath(SUPERGLUE_DIR, task, 'val');
    preds[task] = oracle(await readGoldFile(task, ref, { requireLabels: true }));
  }
  await writeSubmission(perfect, preds);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('scoreFolder', () => {
  it('scores gold-as-prediction files at 100% everywhere', async () => {
    const r = await scoreFolder(perfect, SUPERGLUE_DIR, 'val', { recordReference: RECORD_VAL_FIXTURE });
    for (const t of r.tasks) {
      expect(t.status).toBe('scored');
      for (const v of Object.values(t.result!.metrics)) expect(v).toBe(1);
      expect(t.problems).toEqual([]);
    }
    expect(r.leaderboard.score).toBe(1);
  });

  it('without a ReCoRD reference gives no leaderboard score but a partial mean', async () => {
    const r = await scoreFolder(perfect, SUPERGLUE_DIR, 'val');
    expect(r.tasks.find((t) => t.task === 'ReCoRD')!.status).toBe('no reference file');
    expect(r.leaderboard.score).toBeNull();
    expect(r.leaderboard.partialScore).toBe(1);
    expect(formatScoreReportMarkdown(r)).toMatch(
      /Leaderboard score: not available\*\* — no score for ReCoRD/,
    );
  });

  it('reads a zip as well as a folder, and refuses the unlabelled test split', async () => {
    const zipPath = join(root, 'perfect.zip');
    await writeSubmission(join(root, 'perfect-copy'), { COPA: { 0: 1 } }, { zipPath });
    const r = await scoreFolder(zipPath, SUPERGLUE_DIR, 'val');
    const copa = r.tasks.find((t) => t.task === 'COPA')!.result!;
    expect(copa.missing).toBe(99);
    expect(copa.metrics.accuracy).toBe(1 / 100); // COPA val idx 0 has label 1
    await expect(scoreFolder(perfect, SUPERGLUE_DIR, 'test')).rejects.toThrow(/test files have no labels/);
  });

  it('counts malformed, illegal, duplicate and missing predictions as wrong and reports them', async () => {
    const dir = join(root, 'bad');
    await writeSubmission(dir, {
      CB: new Map([
        ['0', 'contradiction'],
        ['2', 'contradiction'],
      ]),
    });
    // CB val: idx 0 contradiction, 1 ?, 2 ?; append a malformed line, an illegal label and a conflicting duplicate
    const cb = await readGoldFile('CB', referenceFilePath(SUPERGLUE_DIR, 'CB', 'val'), {
      requireLabels: true,
    });
    if (cb.kind !== 'single') throw new Error('kind');
    const lines = [
      ...cb.examples.slice(0, 50).map((e) => JSON.stringify({ idx: e.idx, label: e.label })),
      '{"idx": 50, "label": "maybe"}',
      '{"idx": 51, "label"',
      JSON.stringify({ idx: 0, label: 'neutral' }),
    ];
    await writeFile(join(dir, 'CB.jsonl'), `${lines.join('\n')}\n`);
    const r = await scoreFolder(dir, SUPERGLUE_DIR, 'val');
    const t = r.tasks.find((x) => x.task === 'CB')!;
    const res = t.result!;
    // right: idx 1..49 (idx 0 is a duplicate → unparseable); 50 unparseable; 51..55 missing
    expect(res.unparseable).toBe(2);
    expect(res.unparseableKeys).toEqual(['0', '50']);
    expect(res.missing).toBe(5);
    expect(res.metrics.accuracy).toBeCloseTo(49 / 56, 15);
    const msgs = t.problems.map((p) => `${p.line}: ${p.message}`);
    expect(msgs).toContain('53: duplicate idx 0 (first on line 1)');
    expect(msgs.some((m) => m.startsWith('52: not valid JSON'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('51: label "maybe" (string) is not legal for CB'))).toBe(true);
    const wic = r.tasks.find((x) => x.task === 'WiC')!;
    expect(wic.predictionFile).toBe(false);
    expect(wic.result!.metrics.accuracy).toBe(0);
    expect(wic.result!.missing).toBe(638);
    const md = formatScoreReportMarkdown(r);
    expect(md).toContain('- CB: 5 missing (e.g. 51, 52, 53, 54, 55); 2 unparseable (e.g. 0, 50)');
    expect(md).toContain('ERROR WiC.jsonl: no prediction file WiC.jsonl: every prediction counts as missing');
  });
});
