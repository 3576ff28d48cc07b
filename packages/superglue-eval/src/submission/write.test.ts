import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldFromRecords } from '../data/gold.js';
import { parseJsonl } from '../data/jsonl.js';
import { InvalidPredictionError } from '../errors.js';
import { formatSubmissionFile } from './format.js';
import { writeSubmission } from './write.js';
import { submissionFiles, submissionZip } from './zip.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('formatSubmissionFile (§3.2 formats)', () => {
  it('writes lowercase booleans for BoolQ/WiC and capitalised ones for WSC', () => {
    expect(formatSubmissionFile('BoolQ', { 1: false, 0: true })).toBe(
      '{"idx":0,"label":"true"}\n{"idx":1,"label":"false"}\n',
    );
    expect(formatSubmissionFile('WiC', { 0: false })).toBe('{"idx":0,"label":"false"}\n');
    expect(formatSubmissionFile('WSC', { 0: true, 1: false })).toBe(
      '{"idx":0,"label":"True"}\n{"idx":1,"label":"False"}\n',
    );
  });

  it('writes COPA as integers, NLI tasks as strings, AX-b idx as integers, ReCoRD entity text', () => {
    expect(formatSubmissionFile('COPA', { 0: 1 })).toBe('{"idx":0,"label":1}\n');
    expect(formatSubmissionFile('CB', { 0: 'neutral' })).toBe('{"idx":0,"label":"neutral"}\n');
    expect(
      formatSubmissionFile(
        'AX-b',
        new Map([
          ['10', 'not_entailment'],
          ['2', 'entailment'],
        ]),
      ),
    ).toBe('{"idx":2,"label":"entailment"}\n{"idx":10,"label":"not_entailment"}\n');
    expect(formatSubmissionFile('ReCoRD', { 7: 'Shea Stadium' })).toBe('{"idx":7,"label":"Shea Stadium"}\n');
  });

  it('nests MultiRC by paragraph, question, answer', () => {
    const text = formatSubmissionFile('MultiRC', { '1/2/5': 1, '0/0/0': 0, '0/0/1': 1, '0/1/2': 0 });
    expect(text).toBe(
      '{"idx":0,"passage":{"questions":[{"idx":0,"answers":[{"idx":0,"label":0},{"idx":1,"label":1}]},{"idx":1,"answers":[{"idx":2,"label":0}]}]}}\n' +
        '{"idx":1,"passage":{"questions":[{"idx":2,"answers":[{"idx":5,"label":1}]}]}}\n',
    );
  });

  it('follows the reference order and refuses unknown idx and illegal labels', () => {
    const ref = goldFromRecords('RTE', parseJsonl('{"idx":5}\n{"idx":1}', 'ref'), 'ref');
    expect(formatSubmissionFile('RTE', { 1: 'entailment', 5: 'entailment' }, ref)).toBe(
      '{"idx":5,"label":"entailment"}\n{"idx":1,"label":"entailment"}\n',
    );
    expect(() => formatSubmissionFile('RTE', { 9: 'entailment' }, ref)).toThrow(InvalidPredictionError);
    expect(() => formatSubmissionFile('WSC', { 0: 'True' })).toThrow(/"True" is not a legal WSC label/);
    expect(() => formatSubmissionFile('MultiRC', { 3: 1 })).toThrow(/paragraph\/question\/answer/);
  });
});

describe('writeSubmission', () => {
  it('writes the files atomically (no temp files left) and zips them at the archive root', async () => {
    const out = join(dir, 'sub');
    const zipPath = join(dir, 'sub.zip');
    const w = await writeSubmission(out, { CB: { 0: 'neutral' }, COPA: { 0: 0, 1: 1 } }, { zipPath });
    expect(w.files.map((f) => f.slice(out.length + 1))).toEqual(['CB.jsonl', 'COPA.jsonl']);
    expect((await readdir(out)).sort()).toEqual(['CB.jsonl', 'COPA.jsonl']);
    expect(await readFile(join(out, 'COPA.jsonl'), 'utf8')).toBe(
      '{"idx":0,"label":0}\n{"idx":1,"label":1}\n',
    );
    const entries = unzipSync(new Uint8Array(await readFile(zipPath)));
    expect(Object.keys(entries).sort()).toEqual(['CB.jsonl', 'COPA.jsonl']);
    expect(new TextDecoder().decode(entries['CB.jsonl'])).toBe('{"idx":0,"label":"neutral"}\n');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes nothing when a prediction is illegal', async () => {
    const out = join(dir, 'bad');
    await expect(writeSubmission(out, { CB: { 0: 'neutral' }, RTE: { 0: 'maybe' } })).rejects.toThrow(
      InvalidPredictionError,
    );
    await expect(readdir(out)).rejects.toThrow();
  });
});

describe('submissionZip (in memory, the browser entry)', () => {
  it('is byte-identical to the zip writeSubmission writes, files in leaderboard order', async () => {
    const preds = { RTE: { 1: 'entailment' }, cb: { 0: 'neutral' }, 'AX-b': { 0: 'entailment' } } as const;
    const zipPath = join(dir, 'mem.zip');
    await writeSubmission(join(dir, 'mem'), preds, { zipPath });
    const zip = submissionZip(preds);
    expect(Buffer.from(zip).equals(await readFile(zipPath))).toBe(true);
    expect(Object.keys(submissionFiles(preds))).toEqual(['CB.jsonl', 'RTE.jsonl', 'AX-b.jsonl']);
    expect(new TextDecoder().decode(unzipSync(zip)['RTE.jsonl'])).toBe('{"idx":1,"label":"entailment"}\n');
  });

  it('refuses unknown tasks, duplicate aliases and illegal labels', () => {
    expect(() => submissionZip({ MNLI: { 0: 'entailment' } } as never)).toThrow(/MNLI/);
    expect(() => submissionZip({ CB: { 0: 'neutral' }, cb: { 0: 'neutral' } } as never)).toThrow(
      /a second entry for task CB/,
    );
    expect(() => submissionFiles({ CB: { 0: 'maybe' } })).toThrow(InvalidPredictionError);
  });
});
