import { SeededRandom as UtilsSeededRandom } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './index.js';

// The generator's own tests (stream, fillInt32, state resume, distribution) are in @selfevo/utils.
describe('SeededRandom re-export', () => {
  it('is the one class from @selfevo/utils, so instanceof and checkpoints agree across packages', () => {
    expect(SeededRandom).toBe(UtilsSeededRandom);
    expect(new SeededRandom(1)).toBeInstanceOf(UtilsSeededRandom);
  });

  it('keeps the stream encoder-model had before the move', () => {
    const a = new SeededRandom(42);
    expect(Array.from({ length: 3 }, () => a.nextUint32())).toEqual([2837322924, 544945897, 479756282]);
  });
});
