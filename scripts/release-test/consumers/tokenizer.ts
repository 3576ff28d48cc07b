import { type Encoding, parseVocabTxt, Tokenizer } from '@selfevo/tokenizer';

const tok: Tokenizer = Tokenizer.bertFromVocab(parseVocabTxt('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\n'));
const enc: Encoding = tok.encode('hi', undefined, { maxLength: 8, padding: 'max_length' });
export const ids: number[] = enc.ids;
