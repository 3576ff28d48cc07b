import { describe, expect, it } from 'vitest';
import { formulateWsc } from './formulate-wsc.js';
import { loadSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer, enclosingWords, norm } from './test-fixtures/tokenizer.js';

const tok = await bertTokenizer();
const stripEnd = (s: string) => s.replace(/[\s.,;:!?"'`)\]]+$/, '');

describe('WSC formulation', () => {
  for (const split of ['train', 'val', 'test'] as const) {
    it(`${split}: every record converts and both spans decode to the span words`, async () => {
      const { records } = await loadSplit('WSC', split, { dir: SUPERGLUE_DATA });
      for (const r of records) {
        const ex = formulateWsc(r, tok);
        expect(ex.idx).toBe(r.idx);
        if (r.label !== undefined) expect(ex.label).toBe(r.label ? 1 : 0);
        ex.spans.forEach(([s, e], k) => {
          const [cs, ce] = ex.charSpans[k]!;
          const phrase = k === 0 ? r.target.span1_text : r.target.span2_text;
          const decoded = norm(tok.decode(ex.inputIds.slice(s, e)));
          const msg = `WSC ${split} idx ${r.idx} span${k + 1}: ${JSON.stringify(decoded)} vs ${JSON.stringify(phrase)}`;
          expect(e, msg).toBeGreaterThan(s);
          // the tokens cover exactly the words of the character span (no more than the enclosing words)
          expect(decoded, msg).toBe(norm(r.text.slice(cs, ce)));
          expect(norm(enclosingWords(r.text, cs, ce)).includes(decoded), msg).toBe(true);
          if (ex.alignment[k] !== 'unmatched') expect(decoded, msg).toBe(norm(stripEnd(phrase)));
        });
      }
    });
  }
});
