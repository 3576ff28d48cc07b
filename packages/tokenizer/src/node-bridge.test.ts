import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenizerError } from './errors.js';
import { Tokenizer } from './tokenizer.js';
import { trainWordPiece } from './trainers/train.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Node-only conveniences of the main entry', () => {
  it('outside Node they fail with a TokenizerError naming the call and the browser way', async () => {
    // the Node check runs synchronously, before the first await of each call
    vi.stubGlobal('process', undefined);
    const calls = [
      Tokenizer.fromFile('tokenizer.json'),
      Tokenizer.fromPretrained('dir'),
      Tokenizer.fromJSON({ model: { type: 'WordLevel', vocab: { a: 0 }, unk_token: 'a' } }).save('x.json'),
      trainWordPiece(['a.txt']),
    ];
    vi.unstubAllGlobals();
    const errors = await Promise.all(
      calls.map((p) =>
        p.then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    for (const e of errors) expect(e).toBeInstanceOf(TokenizerError);
    expect((errors[0] as Error).message).toMatch(
      /^Tokenizer\.fromFile .*needs Node\.js.*Tokenizer\.fromBytes/,
    );
    expect((errors[3] as Error).message).toMatch(/^trainWordPiece /);
  });

  it('fromBytes reads UTF-8 tokenizer.json bytes', () => {
    const json = { model: { type: 'WordLevel', vocab: { é: 0, '[UNK]': 1 }, unk_token: '[UNK]' } };
    const t = Tokenizer.fromBytes(new TextEncoder().encode(JSON.stringify(json)));
    expect(t.tokenToId('é')).toBe(0);
    expect(() => Tokenizer.fromBytes(new Uint8Array([123]))).toThrow(/^tokenizer\.json: not valid JSON/);
  });
});
