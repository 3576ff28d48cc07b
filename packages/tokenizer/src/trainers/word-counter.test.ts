import { describe, expect, it } from 'vitest';
import { WordCounter } from './word-counter.js';

const words = (text: string) => text.split(/\s+/).filter((w) => w.length > 0);

describe('WordCounter', () => {
  it('chunks split anywhere count the same as whole lines; the last line without newline counts at end()', () => {
    const text = 'a b a\nc a\nb b b\nlast line';
    const byLine = new WordCounter(words);
    for (const l of text.split('\n')) byLine.add(l);
    for (const cut of [1, 3, 6, 11]) {
      const byChunk = new WordCounter(words);
      for (let i = 0; i < text.length; i += cut) byChunk.addChunk(text.slice(i, i + cut), false);
      byChunk.end();
      expect(byChunk.counts).toEqual(byLine.counts);
    }
    expect(byLine.counts.get('a')).toBe(3);
  });

  it('keepNewlines passes each line with its newline', () => {
    const seen: string[] = [];
    const c = new WordCounter((t) => {
      seen.push(t);
      return [];
    });
    c.addChunk('x\ny', true);
    c.addChunk('z\n', true);
    c.end();
    expect(seen).toEqual(['x\n', 'yz\n']);
  });

  it('drops the words seen once when more than maxWordTypes are held', () => {
    const c = new WordCounter(words, 3);
    c.add('a a b');
    c.add('c');
    expect([...c.counts.keys()]).toEqual(['a', 'b', 'c']);
    c.add('d');
    expect([...c.counts]).toEqual([['a', 2]]);
  });
});
