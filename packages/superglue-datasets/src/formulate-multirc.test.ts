import { describe, expect, it } from 'vitest';
import { formulateMultiRc } from './formulate-multirc.js';
import { loadSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';

const tok = await bertTokenizer();

describe('MultiRC formulation', () => {
  for (const split of ['train', 'val', 'test'] as const) {
    it(`${split}: one binary input per answer option, grouped by question`, async () => {
      const { records } = await loadSplit('MultiRC', split, { dir: SUPERGLUE_DATA });
      let total = 0;
      for (const r of records) {
        const examples = formulateMultiRc(r, tok);
        const expected = r.passage.questions.flatMap((q) =>
          q.answers.map((a) => ({ paragraph: r.idx, question: q.idx, answer: a.idx, label: a.label })),
        );
        expect(examples.map((e) => ({ ...e.idx, label: e.label }))).toEqual(expected);
        for (const e of examples) {
          expect(e.group).toBe(e.idx.question);
          expect(e.inputIds.length).toBeLessThanOrEqual(512);
          expect(e.inputIds.length).toBe(e.tokenTypeIds.length);
        }
        total += examples.length;
      }
      expect(total).toBe({ train: 27243, val: 4848, test: 9693 }[split]);
    });
  }

  it('the second segment is question + answer', async () => {
    const { records } = await loadSplit('MultiRC', 'val', { dir: SUPERGLUE_DATA });
    const r = records[0]!;
    const e = formulateMultiRc(r, tok)[0]!;
    const q = r.passage.questions[0]!;
    const second = tok.decode(e.inputIds.slice(e.tokenTypeIds.indexOf(1), -1));
    const expected = tok.decode(
      Array.from(tok.encode(`${q.question} ${q.answers[0]!.text}`, null, { addSpecialTokens: false }).ids),
    );
    expect(second).toBe(expected);
  });
});
