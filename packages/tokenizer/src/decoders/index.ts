import { TokenizerConfigError } from '../errors.js';
import { BpeDecoder } from './bpe-decoder.js';
import { ByteFallbackDecoder } from './byte-fallback-decoder.js';
import { ByteLevelDecoder } from './byte-level-decoder.js';
import type { Decoder } from './decoder.js';
import { FuseDecoder } from './fuse-decoder.js';
import { MetaspaceDecoder } from './metaspace-decoder.js';
import { ReplaceDecoder } from './replace-decoder.js';
import { SequenceDecoder } from './sequence-decoder.js';
import { StripDecoder } from './strip-decoder.js';
import { WordPieceDecoder } from './wordpiece-decoder.js';

export { BpeDecoder } from './bpe-decoder.js';
export { ByteFallbackDecoder } from './byte-fallback-decoder.js';
export { ByteLevelDecoder } from './byte-level-decoder.js';
export { type Decoder, decodeTokens } from './decoder.js';
export { FuseDecoder } from './fuse-decoder.js';
export { MetaspaceDecoder } from './metaspace-decoder.js';
export { ReplaceDecoder } from './replace-decoder.js';
export { SequenceDecoder } from './sequence-decoder.js';
export { StripDecoder } from './strip-decoder.js';
export { cleanupSpaces, WordPieceDecoder } from './wordpiece-decoder.js';

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
