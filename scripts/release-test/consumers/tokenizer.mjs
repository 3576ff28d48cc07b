// @selfevo/tokenizer installed alone, from plain Node ESM: build from a vocab, encode, save, reload.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVocabTxt, Tokenizer } from '@selfevo/tokenizer';
import { loadTokenizer, saveTokenizer } from '@selfevo/tokenizer/node';

const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'sky', 'is', 'blue', '##s'].join('\n');
const tok = Tokenizer.bertFromVocab(parseVocabTxt(vocab));
const ids = tok.encode('The sky is blues').ids;
if (ids.join(',') !== '2,5,6,7,8,9,3') throw new Error(`wrong ids ${ids}`);
const dir = mkdtempSync(join(tmpdir(), 'selfevo-consumer-tok-'));
try {
  await saveTokenizer(tok, join(dir, 'tokenizer.json'));
  const again = await loadTokenizer(join(dir, 'tokenizer.json'));
  if (again.encode('the skys').ids.join(',') !== '2,5,6,9,3') throw new Error('reloaded tokenizer differs');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ esm: 'ok', ids }));
