import { TokenizerConfigError } from '../errors.js';
import { VocabModel, vocabFromObject, type WordTokens } from './model.js';

/** One id per whole word; unknown words map to `unkToken`. */
export class WordLevel extends VocabModel {
  constructor(
    vocab: Map<string, number>,
    readonly unkToken = '<unk>',
  ) {
    super(vocab);
  }

  static fromJSON(j: any): WordLevel {
    return new WordLevel(
      vocabFromObject(j.vocab, 'WordLevel model', TokenizerConfigError),
      j.unk_token ?? '<unk>',
    );
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
