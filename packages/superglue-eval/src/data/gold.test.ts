import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError, MissingReferenceError } from '../errors.js';
import { RECORD_VAL_FIXTURE, SUPERGLUE_DIR } from '../test-fixtures/paths.js';
import { goldFromRecords } from './gold.js';
import { readGoldFile, referenceFilePath } from './gold-file.js';
import { parseJsonl } from './jsonl.js';

const gold = (task: Parameters<typeof goldFromRecords>[0], text: string, requireLabels = false) =>
  goldFromRecords(task, parseJsonl(text, 'mem.jsonl'), 'mem.jsonl', { requireLabels });

describe('reading official files', () => {
  it('reads every labelled val file and the diagnostics with their quirks', async () => {
    const cb = await readGoldFile('CB', referenceFilePath(SUPERGLUE_DIR, 'CB', 'val'), {
      requireLabels: true,
    });
    expect(cb.kind === 'single' && cb.examples.length).toBe(56);
    const axb = await readGoldFile('AX-b', referenceFilePath(SUPERGLUE_DIR, 'AX-b', 'test'), {
      requireLabels: true,
    });
    if (axb.kind !== 'single') throw new Error('kind');
    expect(axb.examples[0].idx).toBe('0'); // AX-b idx are JSON strings
    expect(axb.examples[0].key).toBe('0');
    const mrc = await readGoldFile('MultiRC', join(SUPERGLUE_DIR, 'MultiRC', 'val.jsonl'), {
      requireLabels: true,
    });
    if (mrc.kind !== 'multirc') throw new Error('kind');
    expect(mrc.paragraphs).toHaveLength(83);
    expect(mrc.paragraphs.reduce((n, p) => n + p.questions.length, 0)).toBe(953);
    const wsc = await readGoldFile('WSC', join(SUPERGLUE_DIR, 'WSC', 'test.jsonl'));
    expect(wsc.kind === 'single' && wsc.examples.every((e) => e.label === undefined)).toBe(true);
  });

  it('reads ReCoRD entity and answer spans with inclusive ends', async () => {
    const rec = await readGoldFile('ReCoRD', RECORD_VAL_FIXTURE, { requireLabels: true });
    if (rec.kind !== 'record') throw new Error('kind');
    expect(rec.queries.map((q) => q.idx)).toEqual([100, 101, 102]);
    expect(rec.queries[0].entities).toContain('Shea Stadium');
    expect(rec.queries[0].entities).toContain('U.S.A.');
    expect(rec.queries[1].answers).toEqual(['The Beatles']);
    const real = await readGoldFile(
      'ReCoRD',
      join(SUPERGLUE_DIR, 'FewGLUE-sample', 'ReCoRD', 'train.jsonl'),
      {
        requireLabels: true,
      },
    );
    if (real.kind !== 'record') throw new Error('kind');
    expect(real.queries).toHaveLength(32);
    for (const q of real.queries) for (const a of q.answers!) expect(q.entities).toContain(a);
  });

  it('names the missing reference file', async () => {
    await expect(readGoldFile('ReCoRD', join(SUPERGLUE_DIR, 'ReCoRD', 'test.jsonl'))).rejects.toThrow(
      MissingReferenceError,
    );
  });
});

describe('bad gold input → error naming file, line and field', () => {
  it('wrong label value or type', () => {
    expect(() => gold('BoolQ', '{"idx":0,"label":true}\n{"idx":1,"label":"true"}')).toThrow(
      /^mem\.jsonl:2 \(field label\): gold label "true" \(string\)/,
    );
    expect(() => gold('COPA', '{"idx":0,"label":2}')).toThrow(DataFormatError);
  });

  it('wrong idx type (only AX-b may use strings) and duplicates', () => {
    expect(() => gold('RTE', '{"idx":"0","label":"entailment"}')).toThrow(
      /:1 \(field idx\): expected an integer idx/,
    );
    expect(gold('AX-b', '{"idx":"0","label":"entailment"}').kind).toBe('single');
    expect(() => gold('CB', '{"idx":0,"label":"neutral"}\n{"idx":0,"label":"neutral"}')).toThrow(
      /:2 \(field idx\): duplicate idx 0 \(first on line 1\)/,
    );
  });

  it('missing labels when labels are required', () => {
    expect(() => gold('WiC', '{"idx":0}', true)).toThrow(/:1 \(field label\): missing label/);
    expect(() =>
      gold('MultiRC', '{"idx":0,"passage":{"questions":[{"idx":0,"answers":[{"idx":0}]}]}}', true),
    ).toThrow(/field passage\.questions\[0\]\.answers\[0\]\.label\): missing label/);
  });

  it('MultiRC nesting and ReCoRD spans', () => {
    expect(() => gold('MultiRC', '{"idx":0,"passage":{"questions":{}}}')).toThrow(
      /field passage\.questions\): expected an array/,
    );
    expect(() =>
      gold('ReCoRD', '{"idx":0,"passage":{"text":"abc","entities":[{"start":1,"end":3}]},"qas":[]}'),
    ).toThrow(/field passage\.entities\[0\]\): span \[1, 3\] \(end inclusive\) outside the passage/);
  });

  it('AX-g must hold complete minimal pairs', () => {
    expect(() => gold('AX-g', '{"idx":0,"label":"entailment"}')).toThrow(/minimal pairs/);
  });
});
