import { describe, expect, it } from 'vitest';
import { RawEncoding } from './encoding.js';
import { PaddingError } from './errors.js';
import {
  type PaddingConfig,
  type PadTokenResolver,
  paddedLength,
  paddingConfig,
  padEncodings,
} from './padding.js';

/** A vocabulary with [PAD] = 0 and <pad> = 3: the resolver answers for the token a request names. */
const PAD: PadTokenResolver = (req) =>
  req?.token === '<pad>' ? { id: 3, token: '<pad>' } : { id: 0, token: '[PAD]' };
const cfg = (over: Partial<PaddingConfig> = {}): PaddingConfig => ({
  strategy: 'longest',
  side: 'right',
  padId: 0,
  padTypeId: 0,
  padToken: '[PAD]',
  ...over,
});

function seq(n: number): RawEncoding {
  return RawEncoding.special(
    Array.from({ length: n }, (_, i) => i + 1),
    Array.from({ length: n }, (_, i) => `t${i}`),
    0,
  );
}

describe('padding', () => {
  it('paddedLength: longest of the batch or maxLength, rounded up to the multiple', () => {
    expect(paddedLength([3, 7, 5], cfg())).toBe(7);
    expect(paddedLength([3, 7, 5], cfg({ multiple: 8 }))).toBe(8);
    expect(paddedLength([16], cfg({ multiple: 8 }))).toBe(16);
    expect(paddedLength([3], cfg({ strategy: 'max_length', maxLength: 10, multiple: 4 }))).toBe(12);
  });

  it('paddingConfig: options, the tokenizer.json block when the call is silent, typed errors', () => {
    expect(paddingConfig({}, null, PAD)).toBeNull();
    expect(paddingConfig({ padding: true, paddingSide: 'left', padToMultipleOf: 8 }, null, PAD)).toEqual(
      cfg({ side: 'left', multiple: 8, maxLength: undefined }),
    );
    expect(
      paddingConfig(
        { maxLength: 5 },
        { strategy: { Fixed: 12 }, direction: 'Left', pad_id: 3, pad_type_id: 1, pad_token: '<pad>' },
        PAD,
      ),
    ).toEqual(
      cfg({ strategy: 'max_length', maxLength: 12, side: 'left', padId: 3, padTypeId: 1, padToken: '<pad>' }),
    );
    expect(() => paddingConfig({ padding: true }, null, () => undefined)).toThrow(/no pad token/);
    expect(() => paddingConfig({ padding: 'max_length' }, null, PAD)).toThrow(/maxLength/);
    expect(() => paddingConfig({ padding: true, padToMultipleOf: 0 }, null, PAD)).toThrow(PaddingError);
    expect(() => paddingConfig({ padding: 'wide' as 'longest' }, null, PAD)).toThrow(
      /unknown padding strategy "wide"/,
    );
  });

  it('padEncodings pads every encoding (left side: pads first, masked out)', () => {
    const encs = [seq(2), seq(4)];
    padEncodings(encs, cfg({ side: 'left', multiple: 3 }));
    expect(encs.map((e) => e.ids)).toEqual([
      [0, 0, 0, 0, 1, 2],
      [0, 0, 1, 2, 3, 4],
    ]);
    expect(encs[0].attentionMask).toEqual([0, 0, 0, 0, 1, 1]);
    expect(encs[0].tokens.slice(0, 4)).toEqual(['[PAD]', '[PAD]', '[PAD]', '[PAD]']);
  });
});
