import type { Decoder } from './decoder.js';

/** HF wordpiece cleanup of spaces before punctuation and contractions. */
export function cleanupSpaces(s: string): string {
  return s
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

export class WordPieceDecoder implements Decoder {
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => {
      if (i !== 0) t = t.startsWith(this.prefix) ? t.slice(this.prefix.length) : ` ${t}`;
      return this.cleanup ? cleanupSpaces(t) : t;
    });
  }
  toJSON(): Record<string, unknown> {
    return { type: 'WordPiece', prefix: this.prefix, cleanup: this.cleanup };
  }
}
