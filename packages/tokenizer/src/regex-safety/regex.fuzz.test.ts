// Property / fuzz suite (issue 14): random regexes (nested groups, quantifiers, alternations,
// lookarounds, backreferences) through the guard. Each is refused (UnsafePatternError, or a
// TokenizerConfigError when JS cannot compile it) or accepted; an accepted one finds the same matches
// as the plain regex and stays fast on adversarial inputs (long runs of one character, then a
// character that makes the match fail), which a backtracking explosion could not.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePattern } from '../normalizers/pattern.js';
import { fuzzParams, fuzzTimeout, outcome, Tally } from '../test-fixtures/fuzz.js';
import { findMatches } from './guarded-regex.js';

const ATOMS = [
  'a',
  'b',
  '.',
  '\\s',
  '\\w',
  '\\d',
  '[ab]',
  '[^a]',
  ' ',
  '\\p{L}',
  'x',
  '$',
  '^',
  '\\b',
  '\\1',
];
const QUANTIFIERS = ['*', '+', '?', '{2}', '{1,3}', '{2,}', '*?', '+?', '{0,30}'];

const regexArb: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...ATOMS),
    fc
      .tuple(fc.constantFrom('(', '(?:', '(?=', '(?!', '(?<=', '(?<!'), tie('node'))
      .map(([o, n]) => `${o}${n})`),
    fc.tuple(tie('node'), fc.constantFrom(...QUANTIFIERS)).map(([n, q]) => n + q),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((a) => a.join('')),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((a) => a.join('|')),
  ),
})).node;

/**
 * Inputs that make a backtracking engine explode when the pattern lets it: runs of one character,
 * then one that makes the match fail. 40 characters expose exponential backtracking (2^40 steps),
 * 1,500 expose cubic (3·10^9); a quadratic pattern (accepted) needs only milliseconds on them.
 */
const ADVERSARIAL = [
  ...['a', 'b', ' ', 'x', '1', 'ab', 'a '].flatMap((c) =>
    ['!', 'b', 'x', ' ', '\n'].map((end) => c.repeat(Math.ceil(40 / c.length)) + end),
  ),
  `${'a'.repeat(1500)}!`,
  `${' '.repeat(1500)}x`,
  `${'ab'.repeat(750)}!`,
];

/** Regexes biased to the dangerous shapes: quantified groups holding quantifiers or alternatives. */
const riskyArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.constantFrom('a', '\\s', '\\w', '.', '[ab]', 'a|b', 'a|ab', ' '), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.array(fc.constantFrom('*', '+', '?', '{1,3}', '{2}', ''), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('*', '+', '{2,}', '{1,5}', '{3}', '?'),
    fc.constantFrom('', '$', '!', 'b', '(?!a)', '\\s*x', 'a*'),
  )
  .map(
    ([atoms, qs, outer, end]) =>
      `(?:${atoms.map((a, i) => `(?:${a})${qs[i % qs.length]}`).join('')})${outer}${end}`,
  );

const tally = new Tally();
afterAll(() => tally.print('regex guard'));

describe('fuzz: regexes from tokenizer.json through the guard', () => {
  it(
    'refused with a typed error, or accepted: same matches as the plain regex, fast on adversarial input',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(regexArb, riskyArb),
          fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'x', '1', '😀'), maxLength: 10 }),
          (re, text) => {
            let g: ReturnType<typeof compilePattern> | null = null;
            const r = outcome(() => {
              g = compilePattern({ Regex: re }, 'tokenizer.json: pre_tokenizer.pattern');
            });
            tally.add('random regex', r);
            if (g === null) return;
            const guarded = g as ReturnType<typeof compilePattern>;
            // short text: the plain regex is safe to run whatever its shape
            expect(guarded.matches(text)).toEqual(findMatches(new RegExp(guarded.source, 'gu'), text));
            for (const s of ADVERSARIAL)
              tally.add(
                'accepted regex × adversarial input',
                outcome(() => guarded.matches(s), 1000),
              );
          },
        ),
        fuzzParams(600),
      );
    },
    fuzzTimeout(600, 2000),
  );
});
