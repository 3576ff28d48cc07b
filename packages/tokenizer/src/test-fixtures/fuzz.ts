// Helpers of the property / fuzz suites (`*.fuzz.test.ts`): run counts, seed, the outcome of one
// generated case (a result or a typed error, within a time bound), and a tally for the report.
import fc from 'fast-check';
import { TokenizerError } from '../errors.js';

/** `ci` runs in `vitest run`, or `SELFEVO_FUZZ_RUNS` when set (the long run: `npm run fuzz`). */
export function fuzzRuns(ci: number): number {
  const n = Number(process.env.SELFEVO_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ci;
}

/** Fixed seed (override with SELFEVO_FUZZ_SEED to explore further). */
export const FUZZ_SEED = Number(process.env.SELFEVO_FUZZ_SEED ?? 1414);

/** fast-check settings for a property with `ci` runs in CI. */
export const fuzzParams = (ci: number) => ({ numRuns: fuzzRuns(ci), seed: FUZZ_SEED, endOnFailure: true });

/** A vitest timeout that fits `runs` cases of at most `boundMs` each. */
export const fuzzTimeout = (ci: number, boundMs = 1000) => Math.max(120_000, fuzzRuns(ci) * boundMs);

/**
 * Run one generated case: 'result' when `fn` returns, the error's class name when it throws a
 * `TokenizerError`. Any other throw fails the property, and so does a case slower than `boundMs`.
 */
export function outcome(fn: () => unknown, boundMs = 1000): string {
  const t0 = performance.now();
  let r = 'result';
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TokenizerError)) throw e;
    r = e.name;
  }
  const ms = performance.now() - t0;
  if (ms > boundMs) throw new Error(`case took ${ms.toFixed(0)} ms (bound ${boundMs} ms)`);
  return r;
}

/** Counts of outcomes per case class, printed once a suite is done (for the hostile-input table). */
export class Tally {
  private readonly counts = new Map<string, Map<string, number>>();
  add(cls: string, result: string): void {
    const row = this.counts.get(cls) ?? new Map<string, number>();
    row.set(result, (row.get(result) ?? 0) + 1);
    this.counts.set(cls, row);
  }
  total(cls: string): number {
    let n = 0;
    for (const c of this.counts.get(cls)?.values() ?? []) n += c;
    return n;
  }
  print(title: string): void {
    const lines = [...this.counts].map(
      ([cls, row]) => `  ${cls}: ${[...row].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    console.log(`[fuzz tally] ${title}\n${lines.join('\n')}`);
  }
}

/** Characters that stress a tokenizer: ASCII, whitespace kinds, controls, marks, CJK, emoji, lone surrogates. */
export const hostileChar = fc.oneof(
  fc.constantFrom('a', 'b', 'Z', '1', ' ', '\t', '\n', '\r', '.', ',', "'", '#', '!', '-'),
  fc.constantFrom('\u00a0', '\u2003', '\u3000', '\u0085', '\u200b', '\ufeff', '\u00ad', '\u2028'),
  fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\ufffd', '\uffff'),
  fc.constantFrom('\u0301', '\u0308', '\u0327', 'é', 'ß', 'İ', 'ǅ', 'ﬁ', 'Å'),
  fc.constantFrom('中', '文', '日', 'ア', '한', 'ก', 'ע', 'ب', '\u0e33'),
  fc.constantFrom('😀', '👍🏽', '🇫🇷', '👨‍👩‍👧', '𝔘', '\u{10ffff}'),
  fc.constantFrom('\ud800', '\udfff', '\udc00a', 'a\ud83d'),
  fc.constantFrom('[CLS]', '[SEP]', '[PAD]', '[MASK]', '[UNK]', '<|endoftext|>', '##', 'Ġ'),
  fc.string({ unit: 'binary', maxLength: 3 }),
);

/** Text made of `hostileChar`s. */
export const hostileText = (maxLength = 40) => fc.array(hostileChar, { maxLength }).map((cs) => cs.join(''));

/** Numbers a careless caller or a hostile file could hold where a small integer is expected. */
export const hostileNumber = fc.oneof(
  fc.integer({ min: -3, max: 600 }),
  fc.constantFrom(0, 1, 2 ** 20, 2 ** 20 + 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 1e300, -1, -0, 0.5, 1e-300),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double(),
);

/** Any value a JSON field could hold instead of the right one. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  fc.constantFrom(null, undefined, true, false, '', 'x', '[PAD]', [], {}, [1, 2], { type: 'Bogus' }),
  hostileText(8),
  fc.jsonValue({ maxDepth: 3 }),
);
