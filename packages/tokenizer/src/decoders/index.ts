import { checkNesting, parseComponent } from '../config-schema.js';
import { TokenizerConfigError } from '../errors.js';
import { BpeDecoder } from './bpe-decoder.js';
import { ByteFallbackDecoder } from './byte-fallback-decoder.js';
import { ByteLevelDecoder } from './byte-level-decoder.js';
import type { Decoder } from './decoder.js';
import { DECODER_SCHEMAS } from './decoder-schemas.js';
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
export { DECODER_SCHEMAS } from './decoder-schemas.js';
export { FuseDecoder } from './fuse-decoder.js';
export { MetaspaceDecoder } from './metaspace-decoder.js';
export { ReplaceDecoder } from './replace-decoder.js';
export { SequenceDecoder } from './sequence-decoder.js';
export { StripDecoder } from './strip-decoder.js';
export { cleanupSpaces, WordPieceDecoder } from './wordpiece-decoder.js';

/**
 * Build a decoder from its tokenizer.json object (switches on `type`); null for null / absent.
 * `where` names the file and field in errors; `depth` counts enclosing `Sequence`s.
 */
export function decoderFromJSON(j: unknown, where = 'decoder', depth = 0): Decoder | null {
  if (j === null || j === undefined) return null;
  const c = parseComponent('decoder', DECODER_SCHEMAS, j, where);
  switch (c.type) {
    case 'WordPiece':
      return new WordPieceDecoder(c.prefix, c.cleanup);
    case 'ByteLevel':
      return new ByteLevelDecoder();
    case 'Metaspace':
      return new MetaspaceDecoder(
        c.replacement,
        c.prepend_scheme ?? (c.add_prefix_space === false ? 'never' : 'always'),
        c.split,
      );
    case 'BPEDecoder':
    case 'BPE':
      return new BpeDecoder(c.suffix);
    case 'Replace':
      return new ReplaceDecoder(c.pattern, c.content, `${where}.pattern`);
    case 'Fuse':
      return new FuseDecoder();
    case 'Strip':
      return new StripDecoder(c.content, c.start, c.stop);
    case 'ByteFallback':
      return new ByteFallbackDecoder();
    case 'Sequence':
      checkNesting(depth + 1, where);
      return new SequenceDecoder(
        c.decoders.map((d, i) => {
          const w = `${where}.decoders[${i}]`;
          const out = decoderFromJSON(d, w, depth + 1);
          if (out === null) throw new TokenizerConfigError(`${w}: expected a decoder, got null`);
          return out;
        }),
      );
  }
}
