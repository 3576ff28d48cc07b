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

/** Compile an HF pattern into a global JS regex. */
export function compilePattern(p: PatternSpec): RegExp {
  if ('String' in p) return new RegExp(p.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  return new RegExp(onigToJs(p.Regex), 'gu');
}

/** Non-empty match ranges of a global regex (string patterns never match empty). */
export function findMatches(re: RegExp, s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}
