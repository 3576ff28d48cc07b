/**
 * Counts the words `split` produces, text by text. Memory stays bounded: when more than `maxWordTypes`
 * distinct words are held, words seen once are dropped (like SentencePiece's pruning), so a rare word
 * can be under-counted on huge corpora.
 */
export class WordCounter {
  readonly counts = new Map<string, number>();
  /** The unfinished last line of a stream (see `addChunk`). */
  private rest = '';
  constructor(
    private readonly split: (text: string) => string[],
    /** Bound on distinct words held (default 2,000,000). */
    readonly maxWordTypes = 2_000_000,
  ) {}

  /** Count the words of one text (a line, or one item of an iterator). */
  add(text: string): void {
    const { counts } = this;
    for (const w of this.split(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (counts.size > this.maxWordTypes) {
      for (const [w, c] of counts) if (c <= 1) counts.delete(w);
    }
  }

  /**
   * Feed a chunk of a text stream: complete lines are counted (with their '\n' when `keepNewlines`),
   * the unfinished tail waits for the next chunk or `end()`.
   */
  addChunk(chunk: string, keepNewlines: boolean): void {
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.add(keepNewlines ? text.slice(start, nl + 1) : text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  /** The end of a stream: count its last line if it has no '\n'. */
  end(): void {
    if (this.rest.length > 0) this.add(this.rest);
    this.rest = '';
  }
}
