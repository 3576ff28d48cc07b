import { preview, TokenizerConfigError } from '../errors.js';
import { GuardedRegex } from '../regex-safety/guarded-regex.js';

export { findMatches } from '../regex-safety/guarded-regex.js';

export type PatternSpec = { String: string } | { Regex: string };

const RX_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const RX_WORD = '\\p{L}\\p{M}\\p{N}\\p{Pc}';

const RX_DIGIT = '\\p{Nd}';

/**
 * Translate an Oniguruma (HF) regex to a JS `u` regex: `\w`, `\d`, `\s` are Unicode-aware there
 * (and `\s` includes U+0085 but not U+FEFF), while in JS they are ASCII / slightly different.
 */
export function onigToJs(re: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\' && i + 1 < re.length) {
      const n = re[i + 1];
      const cls =
        n === 'w' || n === 'W'
          ? RX_WORD
          : n === 'd' || n === 'D'
            ? RX_DIGIT
            : n === 's' || n === 'S'
              ? RX_SPACE
              : null;
      if (cls !== null) {
        const neg = n === 'W' || n === 'D' || n === 'S';
        if (inClass) out += neg ? re.slice(i, i + 2) : cls;
        else out += neg ? `[^${cls}]` : `[${cls}]`;
      } else out += re.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/**
 * Compile an HF pattern from a tokenizer.json: a `String` is matched literally, a `Regex` is
 * translated to JS and guarded (`GuardedRegex`: refused when it can backtrack catastrophically,
 * bounded at run time). Errors are `TokenizerConfigError`s naming `where` and the pattern.
 */
export function compilePattern(p: PatternSpec, where = 'pattern'): GuardedRegex {
  if ('String' in p)
    return new GuardedRegex(p.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), `${where}.String`, p.String);
  const js = onigToJs(p.Regex);
  try {
    new RegExp(js, 'u');
  } catch (e) {
    throw new TokenizerConfigError(
      `${where}.Regex: invalid regex ${preview(p.Regex)}: ${(e as Error).message.slice(0, 200)}`,
    );
  }
  return new GuardedRegex(js, `${where}.Regex`, p.Regex);
}
