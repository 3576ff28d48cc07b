import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBaseline } from '../baselines.js';
import type { GoldSet } from '../data/gold.js';
import { readGoldFile, referenceFilePath } from '../data/gold-file.js';
import { RECORD_TEST_FIXTURE, SUPERGLUE_DIR } from '../test-fixtures/paths.js';
import { formatValidationReport, type ValidationReport, validateSubmission } from './validate.js';
import { type PredictionsByTask, writeSubmission } from './write.js';

let root: string;
let valid: string;
const opts = { recordReference: RECORD_TEST_FIXTURE };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-validate-'));
  valid = join(root, 'valid');
  const preds: PredictionsByTask = {};
  const reference: Partial<Record<TaskName, GoldSet>> = {};
  for (const task of TASKS) {
    const ref = task === 'ReCoRD' ? RECORD_TEST_FIXTURE : referenceFilePath(SUPERGLUE_DIR, task, 'test');
    reference[task] = await readGoldFile(task, ref);
    preds[task] = randomBaseline(task, reference[task]!, 11);
  }
  await writeSubmission(valid, preds, { reference, zipPath: join(root, 'valid.zip') });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Copies the valid submission, lets `edit` break it, and validates the copy. */
async function broken(name: string, edit: (dir: string) => Promise<void>): Promise<ValidationReport> {
  const dir = join(root, name);
  await cp(valid, dir, { recursive: true });
  await edit(dir);
  return validateSubmission(dir, SUPERGLUE_DIR, opts);
}

async function editLines(dir: string, file: string, f: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(join(dir, file), 'utf8')).split('\n').filter((l) => l !== '');
  await writeFile(join(dir, file), `${f(lines).join('\n')}\n`);
}

function errors(r: ValidationReport): string[] {
  return r.problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.file}:${p.line ?? ''} ${p.message}`);
}

describe('validateSubmission on submissions written for every test split', () => {
  it('accepts the folder and the zip (ReCoRD checked against a hand-made reference)', async () => {
    for (const path of [valid, join(root, 'valid.zip')]) {
      const r = await validateSubmission(path, SUPERGLUE_DIR, opts);
      expect(errors(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.tasks.map((t) => t.status)).toEqual(TASKS.map(() => 'ok'));
      expect(r.tasks.find((t) => t.task === 'MultiRC')!.expected).toBe(9693);
    }
  });

  it('accepts AX-b idx as integers or digit strings (the official file uses strings)', async () => {
    const dir = join(root, 'axb-strings');
    await cp(valid, dir, { recursive: true });
    await editLines(dir, 'AX-b.jsonl', (l) => l.map((x) => x.replace(/"idx":(\d+)/, '"idx":"$1"')));
    expect((await readFile(join(dir, 'AX-b.jsonl'), 'utf8')).startsWith('{"idx":"0",')).toBe(true);
    const r = await validateSubmission(dir, SUPERGLUE_DIR, opts);
    expect(errors(r)).toEqual([]);
  });

  it('reports ReCoRD as "no reference test file" without a reference, but still checks its format', async () => {
    const r = await validateSubmission(valid, SUPERGLUE_DIR);
    expect(r.ok).toBe(true);
    const rec = r.tasks.find((t) => t.task === 'ReCoRD')!;
    expect(rec.status).toBe('no reference test file');
    expect(formatValidationReport(r)).toContain('| ReCoRD | ReCoRD.jsonl | no reference test file |');
    const bad = await broken('record-format', (d) =>
      editLines(d, 'ReCoRD.jsonl', (l) => [...l, '{"idx":5,"label":3}']),
    );
    expect(
      errors(bad).some((e) => /ReCoRD\.jsonl:4 label 3 \(integer\) is not legal for ReCoRD/.test(e)),
    ).toBe(true);
  });
});

describe('validateSubmission catches each kind of broken submission', () => {
  it('missing idx', async () => {
    const r = await broken('missing', (d) =>
      editLines(d, 'CB.jsonl', (l) => l.filter((x) => !x.startsWith('{"idx":17,'))),
    );
    expect(r.ok).toBe(false);
    const p = r.problems.find((x) => x.file === 'CB.jsonl')!;
    expect(p.message).toBe('1 of 250 reference idx missing');
    expect(p.keys).toEqual(['17']);
    expect(r.tasks.find((t) => t.task === 'CB')!.status).toBe('invalid');
  });

  it('duplicate idx', async () => {
    const r = await broken('dup', (d) => editLines(d, 'RTE.jsonl', (l) => [...l, l[3]]));
    expect(errors(r)).toEqual(['RTE.jsonl:3001 duplicate idx 3 (first on line 4)']);
  });

  it('wrong label types', async () => {
    const r = await broken('types', async (d) => {
      await editLines(d, 'COPA.jsonl', (l) => [l[0].replace(/"label":\d/, '"label":"1"'), ...l.slice(1)]);
      await editLines(d, 'BoolQ.jsonl', (l) => [
        l[0].replace(/"label":"(true|false)"/, '"label":true'),
        ...l.slice(1),
      ]);
      await editLines(d, 'CB.jsonl', (l) => [l[0].replace(/"label":"\w+"/, '"label":0'), ...l.slice(1)]);
    });
    const e = errors(r);
    expect(e).toContain(
      'COPA.jsonl:1 label "1" (string) is not legal for COPA: expected the integer 0 or 1 (write an integer, not a string)',
    );
    expect(e.some((x) => /^BoolQ\.jsonl:1 label true \(boolean\).*not a JSON boolean/.test(x))).toBe(true);
    expect(e.some((x) => /^CB\.jsonl:1 label 0 \(integer\) is not legal for CB/.test(x))).toBe(true);
  });

  it('"true" in WSC', async () => {
    const r = await broken('wsc', (d) =>
      editLines(d, 'WSC.jsonl', (l) => l.map((x) => x.replace('"True"', '"true"'))),
    );
    const e = errors(r);
    expect(e.length).toBeGreaterThan(0);
    expect(e[0]).toMatch(
      /^WSC\.jsonl:\d+ label "true" \(string\) is not legal for WSC.*capitalised "True"\/"False"/,
    );
  });

  it('extra files and misspelt names', async () => {
    const r = await broken('extra', async (d) => {
      await writeFile(join(d, 'notes.txt'), 'hello');
      await cp(join(d, 'BoolQ.jsonl'), join(d, 'boolq.jsonl'));
    });
    expect(errors(r)).toEqual([
      'boolq.jsonl: extra file: not one of the ten submission files (did you mean BoolQ.jsonl?)',
      'notes.txt: extra file: not one of the ten submission files',
    ]);
  });

  it('missing file', async () => {
    const r = await broken('nofile', (d) => unlink(join(d, 'WiC.jsonl')));
    expect(errors(r)).toEqual(['WiC.jsonl: missing file WiC.jsonl']);
    expect(r.tasks.find((t) => t.task === 'WiC')!.status).toBe('missing file');
  });

  it('unknown idx, wrong idx type and malformed JSON, with line numbers', async () => {
    const r = await broken('lines', (d) =>
      editLines(d, 'RTE.jsonl', (l) => [
        '{"idx":99999,"label":"entailment"}',
        '{"idx":"0","label":"entailment"}',
        '{"idx":1,"label":"entailment"',
        ...l.slice(2),
      ]),
    );
    const e = errors(r);
    expect(e).toContain('RTE.jsonl:1 idx 99999 is not in the reference test file');
    expect(e).toContain('RTE.jsonl:2 "idx" must be an integer, got string "0"');
    expect(e.some((x) => x.startsWith('RTE.jsonl:3 not valid JSON'))).toBe(true);
    expect(r.problems.find((p) => p.message.includes('reference idx missing'))!.keys).toEqual(['0', '1']);
  });

  it('MultiRC nesting: answer under the wrong question, flat lines, bad label', async () => {
    const r = await broken('mrc', (d) =>
      editLines(d, 'MultiRC.jsonl', (l) => {
        const first = JSON.parse(l[0]);
        const moved = first.passage.questions[0].answers.pop();
        first.passage.questions[1].answers.push(moved);
        first.passage.questions[1].answers[0].label = 'yes';
        return [JSON.stringify(first), '{"idx":1,"label":1}', ...l.slice(2)];
      }),
    );
    const e = errors(r);
    expect(e.some((x) => /^MultiRC\.jsonl:1 answer \d+ belongs to question 0, not question 1$/.test(x))).toBe(
      true,
    );
    expect(
      e.some((x) =>
        /^MultiRC\.jsonl:1 label "yes" \(string\) is not legal for MultiRC.* at passage\.questions\[1\]\.answers\[0\]$/.test(
          x,
        ),
      ),
    ).toBe(true);
    expect(e).toContain('MultiRC.jsonl:2 "passage" must be an object holding "questions", got undefined');
    expect(e.some((x) => /reference answer options missing/.test(x))).toBe(true);
  });

  it('ReCoRD against a reference: unknown and missing queries', async () => {
    const r = await broken('rec', (d) =>
      editLines(d, 'ReCoRD.jsonl', (l) => [l[0], l[1], '{"idx":555,"label":"x"}']),
    );
    const e = errors(r);
    expect(e).toContain('ReCoRD.jsonl:3 idx 555 is not in the reference test file');
    expect(e).toContain('ReCoRD.jsonl: 1 of 3 reference idx missing');
  });

  it('a broken zip is caught too', async () => {
    const { zipSync, strToU8 } = await import('fflate');
    const path = join(root, 'bad.zip');
    await writeFile(
      path,
      zipSync({ 'WSC.jsonl': strToU8('{"idx":0,"label":"true"}\n'), 'sub/CB.jsonl': strToU8('') }),
    );
    const r = await validateSubmission(path, SUPERGLUE_DIR, opts);
    expect(r.ok).toBe(false);
    const e = errors(r);
    expect(e).toContain('sub/CB.jsonl: extra file: not one of the ten submission files');
    expect(e.filter((x) => / missing file /.test(x))).toHaveLength(9);
    expect(e.some((x) => x.startsWith('WSC.jsonl:1 label "true"'))).toBe(true);
    await writeFile(path, 'not a zip');
    await expect(validateSubmission(path, SUPERGLUE_DIR)).rejects.toThrow(/not a readable zip archive/);
  });
});
