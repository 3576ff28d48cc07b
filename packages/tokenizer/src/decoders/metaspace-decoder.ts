import type { Decoder } from './decoder.js';

export class MetaspaceDecoder implements Decoder {
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: 'always' | 'first' | 'never' = 'always',
    readonly split = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => {
      let s = t.replaceAll(this.replacement, ' ');
      if (i === 0 && this.prependScheme !== 'never' && s.startsWith(' ')) s = s.slice(1);
      return s;
    });
  }
  toJSON(): Record<string, unknown> {
    return {
      type: 'Metaspace',
      replacement: this.replacement,
      prepend_scheme: this.prependScheme,
      split: this.split,
    };
  }
}
