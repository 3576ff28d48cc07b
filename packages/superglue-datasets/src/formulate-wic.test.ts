import { describe, expect, it } from 'vitest';
import { makeBatches } from './batching.js';
import { SpanAlignmentError } from './errors.js';
import { formulateWic } from './formulate-wic.js';
import { loadSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer, enclosingWords, norm } from './test-fixtures/tokenizer.js';

const tok = await bertTokenizer();

describe('WiC formulation', () => {
  for (const split of ['train', 'val', 'test'] as const) {
    it(`${split}: every record converts and both spans decode to the target word`, async () => {
      const { records } = await loadSplit('WiC', split, { dir: SUPERGLUE_DATA });
      let straddling = 0;
      for (const r of records) {
        const ex = formulateWic(r, tok);
        expect(ex.idx).toBe(r.idx);
        if (r.label !== undefined) expect(ex.label).toBe(r.label ? 1 : 0);
        else expect(ex.label).toBeUndefined();
        const sep = ex.inputIds.indexOf(ex.inputIds.at(-1)!);
        ex.spans.forEach(([s, e], k) => {
          const sentence = k === 0 ? r.sentence1 : r.sentence2;
          const [start, end] = k === 0 ? [r.start1, r.end1] : [r.start2, r.end2];
          expect(s).toBeGreaterThan(0);
          expect(e).toBeGreaterThan(s);
          // span1 lies in the first segment, span2 in the second
          if (k === 0) expect(e).toBeLessThanOrEqual(sep);
          else expect(s).toBeGreaterThan(sep);
          const decoded = norm(tok.decode(ex.inputIds.slice(s, e)));
          const target = norm(sentence.slice(start, end));
          const word = norm(enclosingWords(sentence, start, end));
          const msg = `WiC ${split} idx ${r.idx} span${k + 1}: ${JSON.stringify(decoded)} vs ${JSON.stringify(target)}`;
          expect(decoded.includes(target), msg).toBe(true);
          expect(word.includes(decoded), msg).toBe(true);
          if (decoded !== target) straddling++;
        });
      }
      // Only the documented cases ("does" in "doesn't", "Do" in "Don't") straddle a word piece.
      expect(straddling).toBe(split === 'train' ? 5 : split === 'test' ? 1 : 0);
    });
  }

  it('spans batch as [size, 2, 2]', async () => {
    const { records } = await loadSplit('WiC', 'val', { dir: SUPERGLUE_DATA });
    const examples = records.slice(0, 10).map((r) => formulateWic(r, tok));
    const [batch] = makeBatches(examples, { padTokenId: tok.padTokenId ?? 0, batchSize: 10 });
    expect(batch!.spanCount).toBe(2);
    expect([...batch!.spans!.slice(0, 4)]).toEqual(examples[0]!.spans.flat());
  });

  it('refuses a span cut off by truncation', () => {
    const r = {
      word: 'end',
      sentence1: `${'word '.repeat(40)}end`,
      sentence2: 'the end',
      start1: 200,
      end1: 203,
      start2: 4,
      end2: 7,
      idx: 0,
    };
    expect(() => formulateWic(r, tok, { maxLength: 16 })).toThrow(SpanAlignmentError);
  });
});
