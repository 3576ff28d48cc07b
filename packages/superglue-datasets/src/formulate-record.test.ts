import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillPlaceholder, formulateRecord, recordCandidates } from './formulate-record.js';
import { loadSplit, readTaskFile } from './load-split.js';
import { RECORD_SAMPLE } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';
import type { RecordRecord } from './types.js';

const tok = await bertTokenizer();
const SEP = 102;

async function sample(): Promise<RecordRecord[]> {
  const out: RecordRecord[] = [];
  for await (const r of readTaskFile('ReCoRD', RECORD_SAMPLE, { labelled: true })) out.push(r);
  return out;
}

/** Passage ids of one window: the tokens before the first [SEP], without [CLS]. */
const passageIds = (ids: number[]) => ids.slice(1, ids.indexOf(SEP));

describe('ReCoRD formulation on the 32 real FewGLUE records', () => {
  it('one input per distinct entity per query (per window), @placeholder filled, gold marked', async () => {
    for (const r of await sample()) {
      const candidates = recordCandidates(r);
      const examples = formulateRecord(r, tok);
      expect(new Set(examples.map((e) => e.candidate))).toEqual(new Set(candidates.map((c) => c.text)));
      for (const e of examples) {
        expect(e.idx).toEqual({ passage: r.idx, query: r.qas[0]!.idx });
        expect(e.group).toBe(r.qas[0]!.idx);
        expect(e.inputIds.length).toBeLessThanOrEqual(512);
        const query = tok.decode(e.inputIds.slice(e.tokenTypeIds.indexOf(1), -1));
        const filled = fillPlaceholder(r.qas[0]!.query, e.candidate);
        expect(query).toBe(tok.decode(Array.from(tok.encode(filled, null, { addSpecialTokens: false }).ids)));
        expect(query).not.toContain('placeholder');
      }
      const gold = new Set(r.qas[0]!.answers!.map((a) => a.text));
      const positives = new Set(examples.filter((e) => e.label === 1).map((e) => e.candidate));
      expect(positives).toEqual(gold);
    }
  });

  it('a small window splits real passages into overlapping windows that hold each candidate', async () => {
    let multi = 0;
    for (const r of await sample()) {
      const examples = formulateRecord(r, tok, { maxLength: 128, stride: 32 });
      const candidates = recordCandidates(r);
      for (const c of candidates) expect(examples.some((e) => e.candidate === c.text)).toBe(true);
      for (const e of examples) expect(e.inputIds.length).toBeLessThanOrEqual(128);
      if (examples.some((e) => e.windowCount > 1)) multi++;
    }
    expect(multi).toBeGreaterThan(20);
  });
});

describe('ReCoRD hand-made files (official schema, passage longer than the window)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-record-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A long passage: the entity "Zurich" appears only near the end, "Alice Smith" near the start.
  const parts: string[] = ['Alice Smith opened the meeting.'];
  for (let i = 0; i < 40; i++)
    parts.push(`Delegates discussed item number ${i} at length without any decision.`);
  parts.push('The final vote was held in Zurich.');
  const text = `${parts.join(' ')}\n@highlight\nVote held in Zurich`;
  const entity = (word: string, from = 0) => {
    const start = text.indexOf(word, from);
    return { start, end: start + word.length - 1 }; // inclusive end, as in the official files
  };
  const alice = entity('Alice Smith');
  const zurich = entity('Zurich');
  const zurich2 = entity('Zurich', zurich.end);
  const record = {
    source: 'CNN',
    passage: { text, entities: [alice, zurich, zurich2] },
    qas: [
      {
        query: 'Delegates travelled to @placeholder for the vote.',
        answers: [{ ...zurich, text: 'Zurich' }],
        idx: 70,
      },
      { query: '@placeholder opened the meeting.', answers: [{ ...alice, text: 'Alice Smith' }], idx: 71 },
    ],
    idx: 7,
  };
  mkdirSync(join(dir, 'ReCoRD'));
  writeFileSync(join(dir, 'ReCoRD', 'train.jsonl'), `${JSON.stringify(record)}\n`);
  const test = { ...record, qas: record.qas.map(({ query, idx }) => ({ query, idx })) };
  writeFileSync(join(dir, 'ReCoRD', 'test.jsonl'), JSON.stringify(test));

  it('loads the hand-made split with inclusive ends kept', async () => {
    const { records } = await loadSplit('ReCoRD', 'train', { dir });
    expect(records[0]!.passage.entities[1]).toEqual(zurich);
    expect(text.slice(zurich.start, zurich.end + 1)).toBe('Zurich');
    expect(recordCandidates(records[0]!)).toEqual([
      { text: 'Alice Smith', spans: [[alice.start, alice.end + 1]] },
      {
        text: 'Zurich',
        spans: [
          [zurich.start, zurich.end + 1],
          [zurich2.start, zurich2.end + 1],
        ],
      },
    ]);
  });

  it('stride windows: each candidate only in windows holding a mention; windows overlap by `stride` tokens', async () => {
    const { records } = await loadSplit('ReCoRD', 'train', { dir });
    const r = records[0]!;
    const maxLength = 96;
    const stride = 24;
    const examples = formulateRecord(r, tok, { maxLength, stride });
    const q70 = examples.filter((e) => e.group === 70);
    const windowCount = q70[0]!.windowCount;
    expect(windowCount).toBeGreaterThan(3);
    for (const e of examples) {
      expect(e.inputIds.length).toBeLessThanOrEqual(maxLength);
      // every window is [CLS] passage-window [SEP] query [SEP], segment ids 0 then 1
      const firstSep = e.inputIds.indexOf(SEP);
      expect(e.tokenTypeIds).toEqual(e.inputIds.map((_, i) => (i <= firstSep ? 0 : 1)));
      expect(e.inputIds.at(-1)).toBe(SEP);
      const query = tok.decode(e.inputIds.slice(firstSep + 1, -1));
      const filled = fillPlaceholder(r.qas.find((q) => q.idx === e.group)!.query, e.candidate);
      expect(query).toBe(tok.decode(Array.from(tok.encode(filled, null, { addSpecialTokens: false }).ids)));
    }

    const [aliceId] = Array.from(tok.encode('alice', null, { addSpecialTokens: false }).ids);
    const [zurichId] = Array.from(tok.encode('zurich', null, { addSpecialTokens: false }).ids);
    const aliceEx = q70.filter((e) => e.candidate === 'Alice Smith');
    const zurichEx = q70.filter((e) => e.candidate === 'Zurich');
    expect(aliceEx.map((e) => e.window)).toEqual([0]);
    expect(zurichEx.length).toBeGreaterThanOrEqual(1);
    expect(zurichEx.every((e) => e.window >= windowCount - 2)).toBe(true);
    for (const e of aliceEx) expect(passageIds(e.inputIds)).toContain(aliceId);
    for (const e of zurichEx) expect(passageIds(e.inputIds)).toContain(zurichId);
    expect(zurichEx.every((e) => e.label === 1)).toBe(true);
    expect(aliceEx.every((e) => e.label === 0)).toBe(true);

    // Reconstruct every window with the tokenizer's overflow and check the overlap.
    const enc = tok.encode(r.passage.text, fillPlaceholder(r.qas[0]!.query, 'Zurich'), {
      truncation: 'only_first',
      maxLength,
      stride,
    });
    const windows = [enc, ...enc.overflowing].map((w) => passageIds(Array.from(w.ids)));
    expect(windows).toHaveLength(windowCount);
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i]!.slice(0, stride)).toEqual(windows[i - 1]!.slice(-stride));
    }
    const full = Array.from(tok.encode(r.passage.text, null, { addSpecialTokens: false }).ids);
    const stitched = [...windows[0]!, ...windows.slice(1).flatMap((w) => w.slice(stride))];
    expect(stitched).toEqual(full);
  });

  it('the test split (no answers) converts without labels', async () => {
    const { records } = await loadSplit('ReCoRD', 'test', { dir });
    const examples = formulateRecord(records[0]!, tok, { maxLength: 96, stride: 24 });
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.every((e) => e.label === undefined)).toBe(true);
    expect(new Set(examples.map((e) => e.group))).toEqual(new Set([70, 71]));
  });
});
