import { Tokenizer } from '@selfevo/tokenizer';

export const make: typeof Tokenizer.bertFromVocab = Tokenizer.bertFromVocab;
