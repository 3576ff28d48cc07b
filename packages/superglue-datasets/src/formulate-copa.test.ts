import { describe, expect, it } from 'vitest';
import { copaContext, formulateCopa } from './formulate-copa.js';
import { loadSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';

const tok = await bertTokenizer();

describe('COPA formulation', () => {
  it('premise + connective', () => {
    const base = { premise: 'My body cast a shadow over the grass.', choice1: 'a', choice2: 'b', idx: 0 };
    expect(copaContext({ ...base, question: 'cause' })).toBe('My body cast a shadow over the grass because');
    expect(copaContext({ ...base, question: 'effect' })).toBe('My body cast a shadow over the grass so');
  });

  for (const split of ['train', 'val', 'test'] as const) {
    it(`${split}: every record becomes two candidates sharing the record idx`, async () => {
      const { records } = await loadSplit('COPA', split, { dir: SUPERGLUE_DATA });
      for (const r of records) {
        const [a, b] = formulateCopa(r, tok);
        expect([a.group, b.group]).toEqual([r.idx, r.idx]);
        expect([a.choice, b.choice]).toEqual([0, 1]);
        const second = (e: typeof a) => tok.decode(e.inputIds.slice(e.tokenTypeIds.indexOf(1), -1));
        expect(second(a)).toBe(
          tok.decode(Array.from(tok.encode(r.choice1, null, { addSpecialTokens: false }).ids)),
        );
        expect(second(b)).toBe(
          tok.decode(Array.from(tok.encode(r.choice2, null, { addSpecialTokens: false }).ids)),
        );
        if (r.label === undefined) {
          expect(a.label).toBeUndefined();
        } else {
          expect(a.label! + b.label!).toBe(1);
          expect([a, b].find((e) => e.label === 1)!.choice).toBe(r.label);
          expect(a.answer).toBe(r.label);
        }
      }
    });
  }
});
