import { parseRegex, type RegexNode } from './regex-syntax.js';

/**
 * Backtracking cost of a regex, per start position, on an input of n characters: about
 * `constant × n^degree` steps (the global scan multiplies by n once more). `runAtoms` are the sources
 * of the atoms repeated by the unbounded quantifiers that can backtrack: with degree 1, the cost of a
 * scan is bounded by the sum of the squared lengths of the runs of those atoms in the input.
 */
export interface RegexCost {
  degree: number;
  constant: number;
  runAtoms: string[];
}

/** Patterns whose per-position work would grow beyond this constant factor are refused. */
export const MAX_REGEX_CONSTANT = 1000;

interface Work {
  d: number;
  c: number;
}

/** Raised inside the analysis; `analyzeRegex` returns its message as the reason. */
class Unsafe extends Error {}

/** Shortest and longest text a node matches (Infinity when unbounded). */
function lengths(n: RegexNode): [number, number] {
  switch (n.t) {
    case 'char':
      return [1, 1];
    case 'assert':
      return [0, 0];
    case 'backref':
      return [0, Infinity];
    case 'group':
      return n.look ? [0, 0] : lengths(n.body);
    case 'seq': {
      let lo = 0;
      let hi = 0;
      for (const it of n.items) {
        const [a, b] = lengths(it);
        lo += a;
        hi += b;
      }
      return [lo, hi];
    }
    case 'alt': {
      const ls = n.branches.map(lengths);
      return [Math.min(...ls.map((l) => l[0])), Math.max(...ls.map((l) => l[1]))];
    }
    case 'quant': {
      const [a, b] = lengths(n.body);
      return [a * n.min, n.max === 0 || b === 0 ? 0 : b * n.max];
    }
  }
}

/** Whether a node can fail at some position (it needs a character, or it asserts something). */
function canFail(n: RegexNode): boolean {
  switch (n.t) {
    case 'char':
    case 'assert':
    case 'backref':
      return true;
    case 'group':
      return n.look || canFail(n.body);
    case 'seq':
      return n.items.some(canFail);
    case 'alt':
      return n.branches.every(canFail);
    case 'quant':
      return n.min > 0 && canFail(n.body);
  }
}

/** The literal code points a node can start with, or null when not known to be a few literals. */
function firstLiterals(n: RegexNode): number[] | null {
  switch (n.t) {
    case 'char':
      return n.literal === null ? null : [n.literal];
    case 'group':
      return n.look ? null : firstLiterals(n.body);
    case 'seq':
      return n.items.length > 0 && lengths(n.items[0])[0] > 0 ? firstLiterals(n.items[0]) : null;
    case 'alt': {
      const out: number[] = [];
      for (const b of n.branches) {
        const f = firstLiterals(b);
        if (f === null) return null;
        out.push(...f);
      }
      return out;
    }
    case 'quant':
      return n.min > 0 ? firstLiterals(n.body) : null;
    default:
      return null;
  }
}

/**
 * At most one way to match at any position: no quantifier with a choice of counts, and alternations
 * only between branches that start with different literal characters.
 */
function deterministic(n: RegexNode): boolean {
  switch (n.t) {
    case 'char':
    case 'assert':
    case 'backref':
      return true;
    case 'group':
      return deterministic(n.body);
    case 'seq':
      return n.items.every(deterministic);
    case 'quant':
      return n.min === n.max && deterministic(n.body);
    case 'alt':
      return n.branches.every(deterministic) && disjointBranches(n);
  }
}

/** Source text of a quantifier's body, to find its runs in an input. */
function source(n: RegexNode): string | null {
  if (n.t === 'char' || n.t === 'group') return n.src;
  return null;
}

/** At most one branch of an alternation can match at a position: they start with different literals. */
function disjointBranches(n: Extract<RegexNode, { t: 'alt' }>): boolean {
  const firsts = n.branches.map(firstLiterals);
  if (firsts.some((f) => f === null)) return false;
  const all = firsts.flat() as number[];
  return new Set(all).size === all.length;
}

/**
 * The ways a node can succeed at one position that backtracking may enumerate, as `c × n^d`. `tail`
 * says whether what follows the node can fail: only then are its choices retried (a greedy
 * quantifier or an alternation followed by nothing that can fail keeps its first success), so in a
 * sequence only the choices of items followed by something that can fail multiply. Inside a
 * lookaround every quantifier counts as backtracking: the scan it does is not consumed by the match.
 */
function work(n: RegexNode, tail: boolean, runAtoms: string[]): Work {
  switch (n.t) {
    case 'char':
    case 'assert':
      return { d: 0, c: 1 };
    case 'backref':
      throw new Unsafe('backreferences are not allowed');
    case 'group':
      return work(n.body, n.look || tail, runAtoms);
    case 'seq': {
      let d = 0;
      let c = 1;
      let after = tail;
      for (let i = n.items.length - 1; i >= 0; i--) {
        const w = work(n.items[i], after, runAtoms);
        d += w.d;
        c *= w.c;
        after = after || canFail(n.items[i]);
      }
      return { d, c };
    }
    case 'alt': {
      // branches are tried one after the other (their costs add, they do not multiply); their
      // successes only add up when a failing tail retries them and more than one can match
      const ws = n.branches.map((b) => work(b, tail, runAtoms));
      const d = Math.max(...ws.map((w) => w.d));
      const add = tail && !disjointBranches(n);
      const c = add ? ws.reduce((a, w) => a + w.c, 0) : Math.max(...ws.map((w) => w.c));
      return { d, c };
    }
    case 'quant':
      return quantWork(n, tail, runAtoms);
  }
}

function quantWork(n: Extract<RegexNode, { t: 'quant' }>, tail: boolean, runAtoms: string[]): Work {
  const bodyTail = tail || (n.max > 1 && canFail(n.body));
  const body = work(n.body, bodyTail, runAtoms);
  if (deterministic(n.body)) {
    // one way per count: the counts are the only choice, retried only when the tail can fail
    if (!tail) return body;
    if (n.max === Infinity) {
      const src = source(n.body);
      if (src === null)
        throw new Unsafe('an unbounded quantifier over a sequence must be written as a group');
      runAtoms.push(src);
      return { d: body.d + 1, c: body.c };
    }
    return { d: body.d, c: body.c * (n.max - n.min + 1) };
  }
  if (n.max === Infinity)
    throw new Unsafe(
      'an unbounded quantifier repeats a part that can match in more than one way ' +
        '(nested quantifiers such as (a+)+, or overlapping alternatives such as (a|ab)*)',
    );
  // every iteration's ways combine with the next ones' (the later iterations are its tail)
  return { d: body.d * n.max, c: body.c ** n.max * (tail ? n.max - n.min + 1 : 1) };
}

/**
 * Estimate the backtracking of a JS `u` regex source (one that compiles). Returns its cost, or a
 * reason why its backtracking can explode: exponential shapes (nested or ambiguous repetition),
 * polynomial ones of degree 3 and more (`\s*\s*x`), backreferences, or a constant over
 * `MAX_REGEX_CONSTANT` (`(a?){20}`).
 */
export function analyzeRegex(js: string): RegexCost | { unsafe: string } {
  let root: RegexNode;
  try {
    root = parseRegex(js);
  } catch (e) {
    return { unsafe: `cannot analyze the pattern (${(e as Error).message})` };
  }
  const runAtoms: string[] = [];
  let w: Work;
  try {
    w = work(root, false, runAtoms);
  } catch (e) {
    if (e instanceof Unsafe) return { unsafe: e.message };
    throw e;
  }
  if (w.d >= 2)
    return {
      unsafe: `its backtracking grows like n^${w.d} per position (several quantifiers that can backtrack in a row, e.g. \\s*\\s*x)`,
    };
  if (!(w.c <= MAX_REGEX_CONSTANT))
    return { unsafe: `its backtracking tries more than ${MAX_REGEX_CONSTANT} paths per position` };
  return { degree: w.d, constant: w.c, runAtoms: w.d === 0 ? [] : [...new Set(runAtoms)] };
}
