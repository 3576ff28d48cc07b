import { TokenizerConfigError } from '../errors.js';
import { CHAR_TO_BYTE } from '../pre-tokenizers/byte-level.js';

/** Turns tokens back into text (HF `decode_chain` + join). */
export interface Decoder {
  decodeChain(tokens: string[]): string[];
  toJSON(): Record<string, unknown>;
}

export function decodeTokens(d: Decoder | null, tokens: string[]): string {
  return d === null ? tokens.join(' ') : d.decodeChain(tokens).join('');
}

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

export class ByteLevelDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const bytes: number[] = [];
    for (const t of tokens) {
      for (const ch of t) {
        const b = CHAR_TO_BYTE.get(ch);
        if (b === undefined) bytes.push(...Buffer.from(ch, 'utf8'));
        else bytes.push(b);
      }
    }
    return [new TextDecoder('utf-8').decode(Uint8Array.from(bytes))];
  }
  toJSON(): Record<string, unknown> {
    return { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  }
}

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

export class BpeDecoder implements Decoder {
  constructor(readonly suffix = '</w>') {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => t.replaceAll(this.suffix, i === tokens.length - 1 ? '' : ' '));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'BPEDecoder', suffix: this.suffix };
  }
}

export class ReplaceDecoder implements Decoder {
  private readonly re: RegExp;
  constructor(
    readonly pattern: { String: string } | { Regex: string },
    readonly content: string,
  ) {
    this.re =
      'String' in pattern
        ? new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu')
        : new RegExp(pattern.Regex, 'gu');
  }
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => t.replace(this.re, () => this.content));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}

export class FuseDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    return [tokens.join('')];
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Fuse' };
  }
}

export class StripDecoder implements Decoder {
  constructor(
    readonly content: string,
    readonly start: number,
    readonly stop: number,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => {
      const chars = Array.from(t);
      let a = 0;
      for (let i = 0; i < this.start && chars[a] === this.content; i++) a++;
      let b = chars.length;
      for (let i = 0; i < this.stop && b > a && chars[b - 1] === this.content; i++) b--;
      return chars.slice(a, b).join('');
    });
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Strip', content: this.content, start: this.start, stop: this.stop };
  }
}

export class ByteFallbackDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    let pending: number[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const r = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(pending));
      out.push(r);
      pending = [];
    };
    for (const t of tokens) {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
      if (m) pending.push(Number.parseInt(m[1], 16));
      else {
        flush();
        out.push(t);
      }
    }
    flush();
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'ByteFallback' };
  }
}

export class SequenceDecoder implements Decoder {
  constructor(readonly decoders: Decoder[]) {}
  decodeChain(tokens: string[]): string[] {
    let t = tokens;
    for (const d of this.decoders) t = d.decodeChain(t);
    return t;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Sequence', decoders: this.decoders.map((d) => d.toJSON()) };
  }
}

/** Build a decoder from its tokenizer.json object (switches on `type`). */
export function decoderFromJSON(j: any): Decoder | null {
  if (j === null || j === undefined) return null;
  switch (j.type) {
    case 'WordPiece':
      return new WordPieceDecoder(j.prefix ?? '##', j.cleanup ?? true);
    case 'ByteLevel':
      return new ByteLevelDecoder();
    case 'Metaspace': {
      const scheme = j.prepend_scheme ?? (j.add_prefix_space === false ? 'never' : 'always');
      return new MetaspaceDecoder(j.replacement ?? '▁', scheme, j.split ?? true);
    }
    case 'BPEDecoder':
    case 'BPE':
      return new BpeDecoder(j.suffix ?? '</w>');
    case 'Replace':
      return new ReplaceDecoder(j.pattern, j.content ?? '');
    case 'Fuse':
      return new FuseDecoder();
    case 'Strip':
      return new StripDecoder(j.content ?? ' ', j.start ?? 0, j.stop ?? 0);
    case 'ByteFallback':
      return new ByteFallbackDecoder();
    case 'Sequence':
      if (!Array.isArray(j.decoders))
        throw new TokenizerConfigError('Sequence decoder needs a `decoders` array');
      return new SequenceDecoder(j.decoders.map((d: any) => decoderFromJSON(d)!));
    default:
      throw new TokenizerConfigError(`unknown decoder type ${JSON.stringify(j.type)}`);
  }
}
