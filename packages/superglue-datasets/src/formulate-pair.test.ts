import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS, splitsOf } from '@selfevo/superglue-tasks';
import { afterAll, describe, expect, it } from 'vitest';
import { formulatePair, pairTexts } from './formulate-pair.js';
import { loadSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';

const tok = await bertTokenizer();
const CLS = 101;
const SEP = 102;

describe('sentence-pair formulation (BoolQ, CB, RTE, AX-b, AX-g)', () => {
  for (const task of ['BoolQ', 'CB', 'RTE', 'AX-b', 'AX-g'] as const) {
    for (const split of splitsOf(task)) {
      if (task === 'BoolQ' && split === 'train') continue; // not in the shared data; see the hand-made file below
      it(`${task}/${split}: every record converts`, async () => {
        const { records } = await loadSplit(task, split, { dir: SUPERGLUE_DATA });
        let truncated = 0;
        for (const r of records) {
          const ex = formulatePair(task, r as never, tok);
          expect(ex.idx).toBe(r.idx);
          expect(ex.inputIds[0]).toBe(CLS);
          expect(ex.inputIds.at(-1)).toBe(SEP);
          expect(ex.inputIds.filter((t) => t === SEP)).toHaveLength(2);
          expect(ex.inputIds.length).toBeLessThanOrEqual(512);
          expect(ex.tokenTypeIds).toHaveLength(ex.inputIds.length);
          expect(ex.attentionMask.every((m) => m === 1)).toBe(true);
          if (r.label !== undefined) expect(LABELS[task][ex.label!]).toBe(r.label);
          else expect(ex.label).toBeUndefined();
          if (ex.truncated) {
            truncated++;
            expect(ex.inputIds).toHaveLength(512);
            const [a, b] = pairTexts(task, r as never);
            expect(tok.encode(a, b).ids.length).toBeGreaterThan(512);
          }
        }
        // Only BoolQ passages and one long CB test premise exceed 512 tokens.
        if (task !== 'BoolQ') expect(truncated).toBe(task === 'CB' && split === 'test' ? 1 : 0);
      });
    }
  }

  it('AX-b keeps its string idx; AX-g pairs rows 2k and 2k+1', async () => {
    const axb = await loadSplit('AX-b', 'test', { dir: SUPERGLUE_DATA });
    expect(formulatePair('AX-b', axb.records[7]!, tok).idx).toBe('7');
    const axg = await loadSplit('AX-g', 'test', { dir: SUPERGLUE_DATA });
    const ex = axg.records.slice(0, 4).map((r) => formulatePair('AX-g', r, tok));
    expect(ex.map((e) => e.minimalPair)).toEqual([0, 0, 1, 1]);
  });

  it('CB labels follow CB_LABELS by name', async () => {
    const { records } = await loadSplit('CB', 'val', { dir: SUPERGLUE_DATA });
    const r = records.find((x) => x.label === 'neutral')!;
    expect(formulatePair('CB', r, tok).label).toBe(2);
  });
});

describe('BoolQ train (hand-made file in the official schema)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-boolq-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'BoolQ'));
  const rows = [
    {
      question: 'is the sky blue',
      passage: 'Sky -- The sky appears blue because of Rayleigh scattering.',
      idx: 0,
      label: true,
    },
    {
      question: 'do fish have fur',
      passage: 'Fish -- Fish are covered in scales, not fur.',
      idx: 1,
      label: false,
    },
    {
      question: 'is this passage long',
      passage: `Long -- ${'This sentence repeats to make a passage longer than the window. '.repeat(80)}`,
      idx: 2,
      label: true,
    },
  ];
  writeFileSync(join(dir, 'BoolQ', 'train.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));

  it('loads and converts; question first, the long passage is truncated, not the question', async () => {
    const { records } = await loadSplit('BoolQ', 'train', { dir });
    expect(records).toHaveLength(3);
    const ex = records.map((r) => formulatePair('BoolQ', r, tok, { maxLength: 64 }));
    expect(ex.map((e) => e.label)).toEqual([1, 0, 1]);
    expect(ex[2]!.truncated).toBe(true);
    expect(ex[2]!.inputIds).toHaveLength(64);
    expect(tok.decode(ex[2]!.inputIds.slice(1, ex[2]!.tokenTypeIds.indexOf(1) - 1))).toBe(
      'is this passage long',
    );
  });
});
