/** One trie node over UTF-16 code units; `end` marks the end of a literal. */
interface TrieNode {
  next: Map<number, TrieNode>;
  end: boolean;
}

/**
 * Finds literal strings (the added tokens) in a text: at the leftmost position where one starts, the
 * longest one, as a regex alternation sorted longest first would (`/tok1|tok|.../g`, code units),
 * but in O(text × longest literal) however many literals there are (a regex of 200,000 alternatives
 * takes seconds per kilobyte of text).
 */
export class LiteralMatcher {
  private readonly root: TrieNode = { next: new Map(), end: false };

  constructor(literals: Iterable<string>) {
    for (const lit of literals) {
      let n = this.root;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        let child = n.next.get(c);
        if (child === undefined) {
          child = { next: new Map(), end: false };
          n.next.set(c, child);
        }
        n = child;
      }
      if (n !== this.root) n.end = true;
    }
  }

  /** The leftmost-longest literal in `s` starting at or after `from`: [start, end), or null. */
  find(s: string, from: number): [number, number] | null {
    const first = this.root.next;
    for (let i = from; i < s.length; i++) {
      let n = first.get(s.charCodeAt(i));
      if (n === undefined) continue;
      let best = n.end ? i + 1 : -1;
      for (let j = i + 1; j < s.length; j++) {
        n = n.next.get(s.charCodeAt(j));
        if (n === undefined) break;
        if (n.end) best = j + 1;
      }
      if (best > 0) return [i, best];
    }
    return null;
  }
}
