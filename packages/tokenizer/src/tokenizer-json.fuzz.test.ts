// Property / fuzz suite (issue 14): random and structured hostile tokenizer.json objects. Each ends in
// a tokenizer (that then encodes and decodes) or a TokenizerError, within a time bound; never another
// error, a hang or a crash. Short in CI; SELFEVO_FUZZ_RUNS=n for a long run.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DECODER_SCHEMAS } from './decoders/index.js';
import { MODEL_SCHEMAS } from './models/index.js';
import { NORMALIZER_SCHEMAS } from './normalizers/index.js';
import { POST_PROCESSOR_SCHEMAS } from './post-processors/index.js';
import { PRE_TOKENIZER_SCHEMAS } from './pre-tokenizers/index.js';
import { dataDir } from './test-fixtures/data-path.js';
import { fuzzParams, fuzzTimeout, hostileText, hostileValue, outcome, Tally } from './test-fixtures/fuzz.js';
import { Tokenizer } from './tokenizer.js';

const bert = JSON.parse(readFileSync(dataDir('vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));
/** bert-base-uncased with its first 2,000 tokens (specials and single characters included): fast to load. */
const BASE = {
  ...bert,
  model: { ...bert.model, vocab: Object.fromEntries(Object.entries(bert.model.vocab).slice(0, 2000)) },
};
const clone = <T>(x: T): T => structuredClone(x);

const KINDS = {
  normalizer: NORMALIZER_SCHEMAS,
  pre_tokenizer: PRE_TOKENIZER_SCHEMAS,
  model: MODEL_SCHEMAS,
  post_processor: POST_PROCESSOR_SCHEMAS,
  decoder: DECODER_SCHEMAS,
} as const;
type Kind = keyof typeof KINDS;
const fieldsOf = (kind: Kind) => [
  ...new Set(Object.values(KINDS[kind]).flatMap((s) => Object.keys((s as { entries: object }).entries))),
];

/** A regex from a small grammar: nested groups, quantifiers, alternations, lookarounds, backrefs. */
const regexArb: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('a', 'b', '.', '\\s', '\\w', '\\d', '[ab]', '[^a]', ' ', '\\p{L}', 'x', '$', '^', '\\1'),
    fc.tuple(fc.constantFrom('(', '(?:', '(?=', '(?!', '(?<='), tie('node')).map(([o, n]) => `${o}${n})`),
    fc
      .tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{2,}', '*?', '{0,40}'))
      .map(([n, q]) => n + q),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((a) => a.join('')),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((a) => a.join('|')),
  ),
})).node;

/** A component of `kind`: a known (or unknown) type with random, hostile or plausible fields. */
const componentArb = (kind: Kind) =>
  fc
    .tuple(
      fc.constantFrom(...Object.keys(KINDS[kind]), 'Sequence', 'Bogus', ''),
      fc.dictionary(fc.constantFrom(...fieldsOf(kind), 'extra'), hostileValue, { maxKeys: 4 }),
      fc.option(
        regexArb.map((Regex) => ({ Regex })),
        { nil: undefined },
      ),
    )
    .map(([type, fields, pattern]) => ({ type, ...fields, ...(pattern === undefined ? {} : { pattern }) }));

/** `inner` wrapped in `depth` Sequence components of `kind`. */
function nest(kind: Kind, inner: unknown, depth: number): unknown {
  const key = { normalizer: 'normalizers', pre_tokenizer: 'pretokenizers', decoder: 'decoders' }[
    kind as 'normalizer'
  ];
  let n = inner;
  for (let i = 0; i < depth; i++) n = { type: 'Sequence', [key]: [n] };
  return n;
}

const PATHS = [
  ['model', 'vocab'],
  ['model', 'unk_token'],
  ['model', 'max_input_chars_per_word'],
  ['model', 'continuing_subword_prefix'],
  ['post_processor', 'single'],
  ['post_processor', 'pair'],
  ['post_processor', 'special_tokens'],
  ['post_processor', 'special_tokens', '[CLS]', 'ids'],
  ['added_tokens', 0],
  ['added_tokens', 0, 'id'],
  ['added_tokens', 0, 'content'],
  ['truncation'],
  ['padding'],
  ['normalizer', 'lowercase'],
  ['decoder', 'prefix'],
] as const;

/** The base tokenizer.json with one field (at any depth) set to a hostile value. */
const mutatedArb = fc.tuple(fc.constantFrom(...PATHS), hostileValue).map(([path, value]) => {
  const j = clone(BASE) as Record<string | number, unknown>;
  let o = j;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]] = value;
  return { cls: `mutated ${path.join('.')}`, json: j as object };
});

const replacedArb = fc
  .tuple(fc.constantFrom(...(Object.keys(KINDS) as Kind[])), fc.nat({ max: 3 }))
  .chain(([kind, depth]) =>
    componentArb(kind).map((c) => ({
      cls: `random ${kind}`,
      json: {
        ...clone(BASE),
        [kind]: kind === 'model' || kind === 'post_processor' ? c : nest(kind, c, depth),
      },
    })),
  );

const regexComponentArb = fc
  .tuple(regexArb, fc.constantFrom('Split', 'Replace normalizer', 'Replace decoder'))
  .map(([Regex, where]) => ({
    cls: 'random regex',
    json: {
      ...clone(BASE),
      ...(where === 'Split'
        ? { pre_tokenizer: { type: 'Split', pattern: { Regex }, behavior: 'Isolated' } }
        : where === 'Replace normalizer'
          ? { normalizer: { type: 'Replace', pattern: { Regex }, content: '' } }
          : { decoder: { type: 'Replace', pattern: { Regex }, content: '' } }),
    },
  }));

const deepArb = fc
  .tuple(fc.constantFrom<Kind>('normalizer', 'pre_tokenizer', 'decoder'), fc.integer({ min: 20, max: 5000 }))
  .map(([kind, depth]) => ({
    cls: 'deep nesting',
    json: {
      ...clone(BASE),
      [kind]: nest(
        kind,
        {
          type: 'Sequence',
          [kind === 'decoder' ? 'decoders' : kind === 'normalizer' ? 'normalizers' : 'pretokenizers']: [],
        },
        depth,
      ),
    },
  }));

const randomTopArb = fc
  .dictionary(fc.constantFrom(...Object.keys(BASE), 'extra'), hostileValue, { maxKeys: 5 })
  .map((d) => ({ cls: 'random top level', json: { ...clone(BASE), ...d } as object }));

const tally = new Tally();
afterAll(() => tally.print('tokenizer.json'));

describe('fuzz: hostile tokenizer.json objects', () => {
  it(
    'each loads and encodes, or ends in a TokenizerError, within 1 s',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(mutatedArb, replacedArb, regexComponentArb, deepArb, randomTopArb),
          hostileText(30),
          ({ cls, json }, text) => {
            const r = outcome(() => {
              const t = Tokenizer.fromJSON(json);
              const e = t.encode(text, text.length % 2 ? text : null, {
                truncation: true,
                maxLength: 16,
                stride: 2,
              });
              t.decode(e.ids, { skipSpecialTokens: true });
            });
            tally.add(cls, r);
          },
        ),
        fuzzParams(400),
      );
      expect(tally.total('random regex')).toBeGreaterThan(0);
    },
    fuzzTimeout(400),
  );

  it(
    'tokenizer.json text cut or corrupted anywhere is a TokenizerError naming the source',
    () => {
      const text = JSON.stringify({ ...BASE, model: { ...BASE.model, vocab: { '[UNK]': 0, a: 1 } } });
      fc.assert(
        fc.property(
          fc.nat({ max: text.length }),
          fc.constantFrom('', '}', '\u0000', '\ud800', '"', 'null'),
          (cut, junk) => {
            const r = outcome(() =>
              Tokenizer.fromJSON(text.slice(0, cut) + junk + text.slice(cut + 1), 'x.json'),
            );
            tally.add('corrupted text', r);
          },
        ),
        fuzzParams(200),
      );
    },
    fuzzTimeout(200),
  );
});
