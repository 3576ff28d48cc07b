import { SeededRandom } from '@selfevo/encoder-model';
import { describe, expect, it } from 'vitest';
import { PretrainingConfigError } from './errors.js';
import { attentionMaskOf, packTokenStream, SequencePacker, sliceSequences } from './packing.js';

const ids = { clsId: 2, sepId: 3, padId: 0 };

/** Documents of random lengths (0..40) with distinct running token values (so loss/duplication shows). */
function docs(seed: number, n: number): number[][] {
  const r = new SeededRandom(seed);
  let next = 10;
  return Array.from({ length: n }, () => Array.from({ length: r.nextInt(41) }, () => next++));
}

function content(p: ReturnType<typeof packTokenStream>['packed']): number[] {
  const out: number[] = [];
  for (let r = 0; r < p.count; r++) {
    const row = Array.from(p.ids.subarray(r * p.seqLength, (r + 1) * p.seqLength));
    expect(row[0]).toBe(ids.clsId);
    const len = p.lengths[r];
    expect(row[len - 1]).toBe(ids.sepId);
    expect(row.slice(len).every((t) => t === ids.padId)).toBe(true);
    out.push(...row.slice(1, len - 1));
  }
  return out;
}

describe('sequence packing', () => {
  it('is exact: rows + reported tail give the stream back, nothing lost or duplicated (drop)', () => {
    const d = docs(1, 200);
    const stream = d.flat();
    const T = 16;
    const { packed, report } = packTokenStream(d, { seqLength: T, ...ids });
    const got = content(packed);
    expect(report.tokensIn).toBe(stream.length);
    expect(report.fullSequences).toBe(Math.floor(stream.length / (T - 2)));
    expect(report.tailTokens).toBe(stream.length % (T - 2));
    expect(report.tail).toBe(report.tailTokens ? 'dropped' : 'none');
    expect(report.tokensPacked + report.tailTokens).toBe(stream.length);
    expect(got).toEqual(stream.slice(0, got.length));
    expect(new Set(got).size).toBe(got.length);
    expect(packed.count).toBe(report.fullSequences);
    expect(Array.from(packed.lengths).every((l) => l === T)).toBe(true);
  });

  it('keeps the last partial row padded with lastPartial: pad, and reports it', () => {
    const d = docs(2, 77);
    const stream = d.flat();
    const T = 12;
    expect(stream.length % (T - 2)).not.toBe(0);
    const { packed, report } = packTokenStream(d, { seqLength: T, ...ids, lastPartial: 'pad' });
    expect(report.tail).toBe('padded');
    expect(content(packed)).toEqual(stream);
    expect(packed.count).toBe(report.fullSequences + 1);
    expect(packed.lengths[packed.count - 1]).toBe(report.tailTokens + 2);
    const mask = attentionMaskOf(packed, [packed.count - 1]);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(report.tailTokens + 2);
  });

  it('streams: pushing token by token equals pushing whole documents', () => {
    const d = docs(3, 50);
    const a = packTokenStream(d, { seqLength: 9, ...ids, lastPartial: 'pad' }).packed;
    const p = new SequencePacker({ seqLength: 9, ...ids, lastPartial: 'pad' });
    for (const t of d.flat()) p.push([t]);
    const b = p.finish().packed;
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    expect(Array.from(b.lengths)).toEqual(Array.from(a.lengths));
  });

  it('stops at maxSequences and says so; slices copy rows', () => {
    const d = docs(4, 100);
    const { packed, report } = packTokenStream(d, { seqLength: 10, ...ids, maxSequences: 5 });
    expect(packed.count).toBe(5);
    expect(report.stoppedAtMaxSequences).toBe(true);
    expect(content(packed)).toEqual(d.flat().slice(0, 40));
    const s = sliceSequences(packed, 1, 3);
    expect(Array.from(s.ids)).toEqual(Array.from(packed.ids.subarray(10, 30)));
    expect(() => sliceSequences(packed, 3, 9)).toThrow(PretrainingConfigError);
  });

  it('rejects bad options naming the parameter', () => {
    expect(() => new SequencePacker({ seqLength: 2, ...ids })).toThrow(/seqLength/);
    expect(() => new SequencePacker({ seqLength: 8, ...ids, clsId: -1 })).toThrow(/clsId/);
    expect(() => new SequencePacker({ seqLength: 8, ...ids, lastPartial: 'keep' as 'pad' })).toThrow(
      /lastPartial/,
    );
  });
});
