import { writeFileAtomic } from '@selfevo/utils/node';
import type { Tokenizer } from '../tokenizer.js';

/**
 * Write the tokenizer's tokenizer.json (HF `tokenizers` loads it) atomically and durably: temp file in
 * the same folder (created if missing), fsync, rename.
 */
export async function saveTokenizer(tokenizer: Tokenizer, path: string): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(tokenizer.toJSON(), null, 2));
}
