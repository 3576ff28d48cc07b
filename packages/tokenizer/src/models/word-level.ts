import { parseWith } from '../config-schema.js';
import { TokenizerConfigError } from '../errors.js';
import { VocabModel, vocabFromObject, type WordTokens } from './model.js';
import { MODEL_SCHEMAS } from './model-schemas.js';

/** One id per whole word; unknown words map to `unkToken`. */
export class WordLevel extends VocabModel {
  constructor(
    vocab: Map<string, number>,
    readonly unkToken = '<unk>',
  ) {
    super(vocab);
  }

  /** From a tokenizer.json `model` object (validated; errors name `where`). */
  static fromJSON(j: unknown, where = 'model'): WordLevel {
    const c = parseWith(MODEL_SCHEMAS.WordLevel, j, where);
    return new WordLevel(vocabFromObject(c.vocab, `${where}.vocab`, TokenizerConfigError), c.unk_token);
  }

  tokenize(word: string): WordTokens {
    const id = this.vocab.get(word);
    if (id !== undefined) return { ids: [id], values: [word], offsets: [0, word.length] };
    const unk = this.vocab.get(this.unkToken);
    if (unk === undefined)
      throw new TokenizerConfigError(
        `WordLevel: unk token ${JSON.stringify(this.unkToken)} is not in the vocab`,
      );
    return { ids: [unk], values: [this.unkToken], offsets: [0, word.length] };
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'WordLevel',
      vocab: Object.fromEntries([...this.vocab].sort((a, b) => a[1] - b[1])),
      unk_token: this.unkToken,
    };
  }
}
