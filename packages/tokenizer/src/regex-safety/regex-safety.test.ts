import { describe, expect, it } from 'vitest';
import { PatternBudgetError, UnsafePatternError } from '../errors.js';
import { onigToJs } from '../normalizers/pattern.js';
import { findMatches, GuardedRegex, REGEX_STEP_BUDGET } from './guarded-regex.js';
import { analyzeRegex } from './regex-cost.js';
import { parseRegex } from './regex-syntax.js';

/** Patterns of real tokenizer.json files (those JS can compile: no inline `(?i:` modifiers). */
const REAL = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  deepseek:
    '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
  tekken:
    '[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
  digits: '\\p{N}{1,3}',
  cjk: '[一-龥\\u3040-ゟ゠-ヿ]+',
  whitespace: '\\s+',
  wordsOrPunct: '\\w+|[^\\w\\s]+',
  spaces: ' {2,}',
  newlines: '(?:\\r\\n|\\n)+',
  trailing: '\\s+$',
};

/** Exponential or high-degree polynomial backtracking (each hangs a backtracking engine). */
const REDOS = [
  '(a+)+$',
  '(a*)*b',
  '(a|a)*$',
  '(a|ab)*c',
  '(\\w+\\s?)+$',
  '(x+x+)+y',
  '([a-z]+)*!',
  '(.*a){20}',
  '(a?){25}a{25}',
  '\\s*\\s*x',
  '\\s*\\s*\\s*x',
  '(?:\\d+|\\d+\\.)+z',
  '(\\d+)\\1',
  '(?=(a+)+b)',
  '(?<=a*a*)b',
];

describe('regex analysis (tokenizer.json patterns)', () => {
  it('accepts the patterns of real tokenizers, with their backtracking degree', () => {
    const degrees = Object.fromEntries(
      Object.entries(REAL).map(([k, re]) => {
        const c = analyzeRegex(onigToJs(re));
        if ('unsafe' in c) throw new Error(`${k}: ${c.unsafe}`);
        return [k, c.degree];
      }),
    );
    expect(degrees).toEqual({
      gpt2: 1, // \s+(?!\S)
      deepseek: 1,
      tekken: 1,
      digits: 0,
      cjk: 0,
      whitespace: 0,
      wordsOrPunct: 0,
      spaces: 0,
      newlines: 0,
      trailing: 1, // \s+ then $ can fail
    });
  });

  it.each(REDOS)('refuses %s', (re) => {
    expect(analyzeRegex(onigToJs(re))).toHaveProperty('unsafe');
  });

  it('names the shape it refuses', () => {
    expect(analyzeRegex('(a+)+$')).toEqual({ unsafe: expect.stringMatching(/nested quantifiers/) });
    expect(analyzeRegex('\\s*\\s*x')).toEqual({ unsafe: expect.stringMatching(/n\^2 per position/) });
    expect(analyzeRegex('(\\d)\\1')).toEqual({ unsafe: 'backreferences are not allowed' });
    expect(analyzeRegex('(a?){20}b')).toEqual({ unsafe: expect.stringMatching(/more than 1000 paths/) });
    expect(analyzeRegex('(a?){20}')).toHaveProperty('degree', 0); // nothing after it can fail: no backtracking
  });

  it('parses groups, classes, escapes and quantifiers', () => {
    expect(parseRegex('(?:a|\\n)[x\\]]{2,}\\p{L}?$')).toEqual({
      t: 'seq',
      items: [
        {
          t: 'group',
          look: false,
          src: '(?:a|\\n)',
          body: {
            t: 'alt',
            branches: [
              { t: 'char', src: 'a', literal: 97 },
              { t: 'char', src: '\\n', literal: 10 },
            ],
          },
        },
        { t: 'quant', min: 2, max: Infinity, body: { t: 'char', src: '[x\\]]', literal: null } },
        { t: 'quant', min: 0, max: 1, body: { t: 'char', src: '\\p{L}', literal: null } },
        { t: 'assert' },
      ],
    });
    expect(() => parseRegex('('.repeat(200) + ')'.repeat(200))).toThrow(/nested deeper/);
  });
});

describe('GuardedRegex', () => {
  it('refuses unsafe and overlong patterns with an UnsafePatternError naming where and what', () => {
    const err = (() => {
      try {
        new GuardedRegex('(a+)+$', 'tokenizer.json: pre_tokenizer.pattern.Regex');
      } catch (e) {
        return e as UnsafePatternError;
      }
    })();
    expect(err).toBeInstanceOf(UnsafePatternError);
    expect(err?.message).toMatch(
      /^tokenizer\.json: pre_tokenizer\.pattern\.Regex: regex "\(a\+\)\+\$" is refused/,
    );
    expect(err?.pattern).toBe('(a+)+$');
    expect(() => new GuardedRegex('a'.repeat(10_001), 'x')).toThrow(/10001 characters/);
  });

  it('matches exactly like the plain regex on ordinary text, long inputs included', () => {
    const text = 'Hello,   world! 123 naïve   café\n\n'.repeat(2_000); // 68k characters: checked, then run
    for (const re of Object.values(REAL)) {
      const js = onigToJs(re);
      expect(new GuardedRegex(js, 't').matches(text)).toEqual(findMatches(new RegExp(js, 'gu'), text));
    }
  });

  it('empty matches next to surrogate pairs move on (a u regex steps back into the pair: a hang before)', () => {
    expect(findMatches(/(?<=b)/gu, '😀b😀😀')).toEqual([]);
    expect(new GuardedRegex('(?<=^|b|b)', 't').matches('👨‍👩‍👧\udc00a')).toEqual([]);
    expect(findMatches(/x?/gu, '😀x😀')).toEqual([[2, 3]]);
  });

  it('a quadratic pattern on a long run of its repeated atom: a PatternBudgetError before it runs', () => {
    const g = new GuardedRegex('\\s*x', 'tokenizer.json: normalizer.pattern.Regex');
    const t0 = performance.now();
    expect(() => g.matches(' '.repeat(200_000))).toThrow(PatternBudgetError);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(g.matches(`${' '.repeat(10_000)}x`)).toEqual([[0, 10_001]]); // short enough: runs
    expect(g.replaceAll('a  x b x', '_')).toBe('a_ b_');
    expect(REGEX_STEP_BUDGET).toBe(4e8);
  });
});
