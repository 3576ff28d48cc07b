import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelDir } from '@selfevo/encoder-mini-gutenberg/node';
import { Tokenizer } from '@selfevo/tokenizer';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROLLED_SOURCES, CONTROLLED_TARGETS, controlledTasks, KEYWORDS } from './controlled-tasks.js';

// A hand-made corpus: lines with house words, water words, both, neither; lengths varied so that
// the length-matched draw and the median split have work to do.
const dir = mkdtempSync(join(tmpdir(), 'selfevo-controlled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const filler = [
  'the old man walked along',
  'and said nothing more to anyone',
  'in the grey light of morning',
];
const lines: string[] = [];
for (let i = 0; i < 1200; i++) {
  const a = KEYWORDS.A[i % 8]!;
  const b = KEYWORDS.B[(i * 3) % 8]!;
  const pad = filler.slice(0, 1 + (i % 3)).join(' ');
  const kind = i % 4;
  // one word differs between kinds (a keyword, or none), so every length has lines of each kind
  const word =
    kind === 0 ? a : kind === 1 ? b : kind === 2 ? `${a} ${b}` : Math.floor(i / 4) % 2 ? 'yard gate' : 'yard';
  const text = `${pad} near the ${word} number ${'xyzw'[Math.floor(i / 4) % 4]}${Math.floor(i / 16)}`;
  lines.push(text);
}
const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, `${lines.join('\n')}\n`);

describe('controlled tasks', () => {
  it('balanced, length-matched, disjoint lines; the known relatedness follows the rules', async () => {
    const tok = await Tokenizer.fromPretrained(modelDir);
    const opts = {
      corpus,
      maxLength: 64,
      targetTrain: 8,
      sourceTrain: 40,
      val: 40,
      targetEpochs: 20,
      sourceEpochs: 4,
    };
    const data = await controlledTasks(tok, opts);
    expect([...data.tasks.keys()]).toEqual([...CONTROLLED_TARGETS, ...CONTROLLED_SOURCES]);
    const seen = new Set<string>();
    for (const [name, t] of data.tasks) {
      expect(t.formulation).toBe('RTE');
      expect(t.epochs).toBe(name.startsWith('kw-') ? 20 : 4);
      const train = await t.train(1);
      expect(train.length).toBe(name.startsWith('kw-') ? 8 : 40);
      expect(await t.train(2)).toEqual(train); // the data do not depend on the training seed
      const pos = train.filter((e) => e.label === 1);
      expect(pos.length).toBe(train.length / 2);
      if (name !== 'src-len') {
        // negatives have the token counts of the positives (the corpus has every length of both)
        const len = (xs: typeof train) => xs.map((e) => e.inputIds.length).sort((x, y) => x - y);
        expect(len(train.filter((e) => e.label === 0))).toEqual(len(pos));
      }
      for (const e of train) {
        const key = e.inputIds.join(',');
        expect(seen.has(key)).toBe(false); // no line in two tasks or two splits
        seen.add(key);
        // the label is the rule on the line's words
        const words = new Set(tok.decode(e.inputIds, { skipSpecialTokens: true }).split(/\W+/));
        const hasA = KEYWORDS.A.some((w) => words.has(w));
        const hasB = KEYWORDS.B.some((w) => words.has(w));
        if (name === 'kw-A' || name === 'src-A') expect(e.label).toBe(hasA ? 1 : 0);
        if (name === 'kw-B' || name === 'src-B') expect(e.label).toBe(hasB ? 1 : 0);
      }
    }
    expect(data.relatedness['kw-A']!['src-A']).toBe(1);
    expect(data.relatedness['kw-B']!['src-B']).toBe(1);
    // half of each keyword set: between the unrelated and the identical rule
    for (const t of CONTROLLED_TARGETS) {
      const r = data.relatedness[t]!;
      expect(r['src-AB']!).toBeGreaterThan(0);
      expect(r['src-AB']!).toBeLessThan(1);
    }
    // deterministic: the same corpus gives the same tasks
    const again = await controlledTasks(tok, opts);
    expect(await again.tasks.get('kw-A')!.train(1)).toEqual(await data.tasks.get('kw-A')!.train(1));
  });

  it('refuses a corpus too small for the requested sizes, naming the file', async () => {
    const tok = await Tokenizer.fromPretrained(modelDir);
    const small = join(dir, 'small.txt');
    writeFileSync(small, `${lines.slice(0, 50).join('\n')}\n`);
    await expect(
      controlledTasks(tok, {
        corpus: small,
        maxLength: 64,
        targetTrain: 8,
        sourceTrain: 40,
        val: 40,
        targetEpochs: 1,
        sourceEpochs: 1,
      }),
    ).rejects.toThrow(/small\.txt/);
  });
});
