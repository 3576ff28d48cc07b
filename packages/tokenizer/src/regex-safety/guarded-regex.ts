import { PatternBudgetError, UnsafePatternError } from '../errors.js';
import { analyzeRegex, type RegexCost } from './regex-cost.js';

/** Longest regex source accepted from a tokenizer.json (UTF-16 units). */
export const MAX_PATTERN_LENGTH = 10_000;

/**
 * Estimated backtracking steps one scan may take (about 0.5 s on a 2020s CPU core). Inputs below
 * `sqrt(REGEX_STEP_BUDGET)` characters are never checked: even a quadratic scan of them is fast.
 */
export const REGEX_STEP_BUDGET = 4e8;
const UNCHECKED_LENGTH = Math.floor(Math.sqrt(REGEX_STEP_BUDGET));

/**
 * A global `u` regex from an untrusted file, run with a guard. At construction the pattern is
 * analyzed (regex-cost.ts) and refused with an `UnsafePatternError` when its backtracking can explode
 * (exponential, or polynomial of degree 3 and more). A pattern that can backtrack quadratically
 * (`\s*x`) runs only on inputs whose runs of the repeated atoms keep the estimated steps under
 * `REGEX_STEP_BUDGET`; a longer run gets a `PatternBudgetError` before the regex runs.
 */
export class GuardedRegex {
  readonly regex: RegExp;
  private readonly cost: RegexCost;
  private readonly runRegexes: RegExp[];

  /**
   * `source`: the JS regex; `where` names it for errors (file and field), which quote `original`
   * (the pattern as the file wrote it).
   */
  constructor(
    readonly source: string,
    readonly where: string,
    readonly original = source,
  ) {
    if (original.length > MAX_PATTERN_LENGTH)
      throw new UnsafePatternError(
        where,
        original,
        `the pattern has ${original.length} characters (at most ${MAX_PATTERN_LENGTH})`,
      );
    this.regex = new RegExp(source, 'gu');
    const cost = analyzeRegex(source);
    if ('unsafe' in cost) throw new UnsafePatternError(where, original, cost.unsafe);
    this.cost = cost;
    this.runRegexes = cost.runAtoms.map((a) => new RegExp(`(?:${a})+`, 'gu'));
  }

  /** Non-empty match ranges in `s` (throws a `PatternBudgetError` when the scan could take too long). */
  matches(s: string): Array<[number, number]> {
    this.check(s);
    return findMatches(this.regex, s);
  }

  /** `s` with every match replaced by `content` (the same guard as `matches`). */
  replaceAll(s: string, content: string): string {
    this.check(s);
    return s.replace(this.regex, () => content);
  }

  private check(s: string): void {
    const n = s.length;
    if (n <= UNCHECKED_LENGTH && this.cost.constant * n <= REGEX_STEP_BUDGET) return;
    let steps = this.cost.constant * n;
    if (this.cost.degree === 1)
      for (const re of this.runRegexes) for (const [a, b] of findMatches(re, s)) steps += (b - a) ** 2;
    if (steps > REGEX_STEP_BUDGET)
      throw new PatternBudgetError(
        this.where,
        this.original,
        `an input of ${n} characters would take about ${steps.toExponential(1)} regex steps ` +
          `(budget ${REGEX_STEP_BUDGET.toExponential(0)}): a run of repeated characters is too long for this pattern`,
      );
  }
}

/**
 * Non-empty match ranges of a global regex (empty matches are skipped). After an empty match the
 * search moves on by one code point: moving by one unit into a surrogate pair would make a `u` regex
 * step back to the pair's start and find the same empty match forever.
 */
export function findMatches(re: RegExp, s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0].length === 0) {
      const i = m.index;
      const pair = i + 1 < s.length && isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1));
      re.lastIndex = i + (pair ? 2 : 1);
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
