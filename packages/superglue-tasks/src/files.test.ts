import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UnknownSplitError } from './errors.js';
import {
  isLabelledSplit,
  SPLITS,
  splitFile,
  splitPathInData,
  splitsOf,
  submissionFileName,
} from './files.js';
import { LABELS } from './labels.js';
import { isDiagnostic, TASKS } from './tasks.js';

describe('file names', () => {
  it('splits: train/val/test, the diagnostics only test', () => {
    expect(SPLITS).toEqual(['train', 'val', 'test']);
    expect(splitsOf('CB')).toEqual(['train', 'val', 'test']);
    expect(splitsOf('AX-g')).toEqual(['test']);
    expect(isLabelledSplit('CB', 'train')).toBe(true);
    expect(isLabelledSplit('CB', 'val')).toBe(true);
    expect(isLabelledSplit('CB', 'test')).toBe(false);
    expect(isLabelledSplit('AX-b', 'test')).toBe(false);
  });

  it('split files as in the official zips', () => {
    expect(splitFile('CB', 'train')).toBe('train.jsonl');
    expect(splitFile('ReCoRD', 'val')).toBe('val.jsonl');
    expect(splitFile('AX-b', 'test')).toBe('AX-b.jsonl');
    expect(splitPathInData('MultiRC', 'test')).toBe('MultiRC/test.jsonl');
    expect(splitPathInData('AX-g', 'test')).toBe('AX-g/AX-g.jsonl');
    expect(() => splitFile('AX-b', 'val')).toThrow(UnknownSplitError);
    expect(() => splitFile('AX-b', 'val')).toThrow(/AX-b has a single file; use split "test", not "val"/);
    expect(() => splitFile('CB', 'dev' as never)).toThrow(/unknown split "dev"/);
  });

  it('submission files are <Task>.jsonl', () => {
    expect(TASKS.map(submissionFileName)).toEqual([
      'BoolQ.jsonl',
      'CB.jsonl',
      'COPA.jsonl',
      'MultiRC.jsonl',
      'ReCoRD.jsonl',
      'RTE.jsonl',
      'WiC.jsonl',
      'WSC.jsonl',
      'AX-b.jsonl',
      'AX-g.jsonl',
    ]);
  });
});

// The schema checked against the official files in the shared data (absent tasks are skipped).
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dataDir = join(process.env.SELFEVO_DATA ?? resolve(repoRoot, '../shared/data'), 'superglue');

describe.skipIf(!existsSync(dataDir))('against the official files', () => {
  it('every file is where splitPathInData says, and every gold label is in LABELS', () => {
    let checked = 0;
    for (const task of TASKS) {
      if (!existsSync(join(dataDir, task))) continue;
      for (const split of splitsOf(task)) {
        const file = join(dataDir, ...splitPathInData(task, split).split('/'));
        if (!existsSync(file)) continue;
        checked++;
        const rows = readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l));
        const labels = new Set<unknown>();
        for (const r of rows) {
          if (task === 'MultiRC')
            for (const q of r.passage.questions) for (const a of q.answers) labels.add(a.label);
          else if (task !== 'ReCoRD') labels.add(r.label);
        }
        labels.delete(undefined);
        if (task === 'ReCoRD') continue;
        if (isLabelledSplit(task, split)) expect([...labels].length).toBeGreaterThan(0);
        for (const l of labels) expect(LABELS[task] as readonly unknown[], `${task} ${split}`).toContain(l);
        if (isDiagnostic(task)) expect(split).toBe('test');
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});
