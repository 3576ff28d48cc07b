/**
 * A small parser for the JS `u`-mode regex syntax that tokenizer.json patterns become (after
 * `onigToJs`): just enough structure to estimate backtracking (regex-cost.ts). The source must
 * already compile with `new RegExp(source, 'u')`, so this parser only needs to be right on valid
 * patterns; it never runs the regex.
 */

/** One node of a parsed regex. `src` is the node's source text (for atoms that are re-used alone). */
export type RegexNode =
  | { t: 'char'; src: string; literal: number | null } // one character: a literal (its code point), a class, `.`
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; branches: RegexNode[] }
  | { t: 'group'; look: boolean; body: RegexNode; src: string } // look: a lookahead / lookbehind
  | { t: 'quant'; min: number; max: number; body: RegexNode }
  | { t: 'assert' } // ^ $ \b \B
  | { t: 'backref' };

/** Deepest group nesting the parser follows (the pattern is rejected beyond it). */
export const MAX_REGEX_NESTING = 100;

const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'p', 'P']);
const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/-');

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): RegexNode {
    const n = this.alternation(0);
    if (this.i < this.s.length) throw new Error(`unexpected ${JSON.stringify(this.s[this.i])} at ${this.i}`);
    return n;
  }

  private alternation(depth: number): RegexNode {
    if (depth > MAX_REGEX_NESTING) throw new Error(`groups nested deeper than ${MAX_REGEX_NESTING}`);
    const branches = [this.sequence(depth)];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.sequence(depth));
    }
    return branches.length === 1 ? branches[0] : { t: 'alt', branches };
  }

  private sequence(depth: number): RegexNode {
    const items: RegexNode[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atom = this.atom(depth);
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }

  /** `atom` followed by `*`, `+`, `?`, `{n}`, `{n,}` or `{n,m}` (and an optional lazy `?`). */
  private quantified(atom: RegexNode): RegexNode {
    const c = this.s[this.i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i, this.i + 40));
      if (m === null) return atom;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else return atom;
    if (this.s[this.i] === '?') this.i++;
    return this.quantified({ t: 'quant', min, max, body: atom });
  }

  private atom(depth: number): RegexNode {
    const s = this.s;
    const start = this.i;
    const c = s[this.i];
    if (c === '(') return this.group(depth);
    if (c === '[') {
      this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { t: 'char', src: s.slice(start, this.i), literal: null };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'assert' };
    }
    if (c === '.') {
      this.i++;
      return { t: 'char', src: '.', literal: null };
    }
    if (c === '\\') return this.escape();
    const cp = s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { t: 'char', src: s.slice(start, this.i), literal: cp };
  }

  private escape(): RegexNode {
    const s = this.s;
    const start = this.i;
    const n = s[this.i + 1];
    this.i += 2;
    if (n === 'b' || n === 'B') return { t: 'assert' };
    if (n >= '1' && n <= '9') {
      while (/\d/.test(s[this.i] ?? '')) this.i++;
      return { t: 'backref' };
    }
    if (n === 'k') {
      this.i = s.indexOf('>', this.i) + 1;
      return { t: 'backref' };
    }
    if (CLASS_ESCAPES.has(n)) {
      if ((n === 'p' || n === 'P') && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
      return { t: 'char', src: s.slice(start, this.i), literal: null };
    }
    if (SYNTAX_CHARS.has(n)) return { t: 'char', src: s.slice(start, this.i), literal: n.codePointAt(0)! };
    if (n === 'u' && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
    else if (n === 'u') this.i += 4;
    else if (n === 'x') this.i += 2;
    else if (n === 'c') this.i += 1;
    const src = s.slice(start, this.i);
    return { t: 'char', src, literal: literalOf(src) };
  }

  private group(depth: number): RegexNode {
    const s = this.s;
    const start = this.i;
    this.i++;
    let look = false;
    if (s[this.i] === '?') {
      const head = s.slice(this.i, this.i + 3);
      if (head.startsWith('?:')) this.i += 2;
      else if (head.startsWith('?=') || head.startsWith('?!')) {
        look = true;
        this.i += 2;
      } else if (head === '?<=' || head === '?<!') {
        look = true;
        this.i += 3;
      } else if (head.startsWith('?<')) this.i = s.indexOf('>', this.i) + 1; // named group
    }
    const body = this.alternation(depth + 1);
    if (s[this.i] !== ')') throw new Error(`unclosed group at ${start}`);
    this.i++;
    return { t: 'group', look, body, src: s.slice(start, this.i) };
  }
}

/** The code point of a one-character escape (`\n`, `\u0041`, `\.`), or null when it is not a literal. */
function literalOf(src: string): number | null {
  try {
    const re = new RegExp(`^${src}$`, 'u');
    for (const probe of escapeProbes(src)) if (re.test(probe)) return probe.codePointAt(0)!;
  } catch {
    return null;
  }
  return null;
}

/** Candidate characters an escape could stand for (tested against the escape itself). */
function escapeProbes(src: string): string[] {
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };
  const n = src[1];
  if (n in simple) return [simple[n]];
  if (n === 'u' || n === 'x') {
    const hex = src.slice(2).replace(/[{}]/g, '');
    const cp = Number.parseInt(hex, 16);
    return Number.isFinite(cp) && cp <= 0x10ffff ? [String.fromCodePoint(cp)] : [];
  }
  if (n === 'c') return [String.fromCharCode(src.charCodeAt(2) % 32)];
  return [src.slice(1)];
}

/** Parse a JS `u`-mode regex source (already known to compile) into a `RegexNode` tree. */
export function parseRegex(source: string): RegexNode {
  return new Parser(source).parse();
}
