import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MaskingConfigError,
  parseSelection,
  SelectionFormatError,
  SelectionMismatchError,
  type SelectionRecord,
  selectionsForBatch,
} from '../index.js';
import { scoreInformativeTokens } from '../informative-tokens.js';
import { loadSelectionMap, readSelection, readSelectionHeader, writeSelection } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'se-selection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string): Promise<SelectionRecord[]> {
  const out: SelectionRecord[] = [];
  for await (const r of readSelection(path)) out.push(r);
  return out;
}

describe('selection files (JSONL)', () => {
  it('round-trips a streamed async iterable, with a header, one line per example', async () => {
    const path = join(dir, 'sel.jsonl');
    async function* gen() {
      for (let i = 0; i < 5000; i++)
        yield { id: `doc-${i}`, positions: [1, 2 + (i % 7)], scores: [0.5, 1.25] };
      yield { id: 7, positions: [] };
    }
    const n = await writeSelection(path, gen(), { meta: { criterion: 'nll', threshold: 0.1 } });
    expect(n).toBe(5001);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.length).toBe(5003); // header + records + trailing ''
    expect(JSON.parse(lines[0])).toEqual({
      format: 'selfevo-se-selection',
      version: 1,
      criterion: 'nll',
      threshold: 0.1,
    });
    expect(lines[1]).toBe('{"id":"doc-0","positions":[1,2],"scores":[0.5,1.25]}');
    expect(lines[5001]).toBe('{"id":7,"positions":[]}');
    const back = await collect(path);
    expect(back.length).toBe(5001);
    expect(back[3]).toEqual({ id: 'doc-3', positions: [1, 5], scores: [0.5, 1.25] });
    expect((await readSelectionHeader(path))?.criterion).toBe('nll');
    const map = await loadSelectionMap(path);
    expect(Array.from(map.get('doc-10')!)).toEqual([1, 5]);
    expect(Array.from(map.get(7)!)).toEqual([]);
    const rows = selectionsForBatch(map, ['doc-10', 7]);
    expect(rows.map((r) => Array.from(r!))).toEqual([[1, 5], []]);
    expect(() => selectionsForBatch(map, ['doc-10', 'missing'])).toThrow(SelectionMismatchError);
    expect(() => selectionsForBatch(map, ['doc-10', 'missing'])).toThrow(/row 1/);
    expect(selectionsForBatch(map, ['missing'], { strict: false })).toEqual([undefined]);
  });

  it('reads header-less files and reports bad lines with path:line', async () => {
    const path = join(dir, 'plain.jsonl');
    writeFileSync(path, '{"id":1,"positions":[3,4]}\n\n{"id":2,"positions":[5]}');
    expect(await collect(path)).toEqual([
      { id: 1, positions: [3, 4] },
      { id: 2, positions: [5] },
    ]);
    expect(await readSelectionHeader(path)).toBeNull();
    const bad = join(dir, 'bad.jsonl');
    for (const [text, re] of [
      ['{"id":1,"positions":[3]}\n{"id":2,"positions":[-1]}\n', /bad\.jsonl:2: positions\[0\]/],
      ['{"id":1,"positions":[3]}\nnot json\n', /bad\.jsonl:2: not JSON/],
      ['{"positions":[3]}\n', /bad\.jsonl:1: id/],
      ['{"id":1,"positions":[3],"scores":[]}\n', /scores/],
    ] as const) {
      writeFileSync(bad, text);
      await expect(collect(bad)).rejects.toThrow(SelectionFormatError);
      await expect(collect(bad)).rejects.toThrow(re);
    }
  });

  it('parseSelection (browser entry) reads the same text as the Node reader, with the same checks', async () => {
    const path = join(dir, 'parse.jsonl');
    await writeSelection(
      path,
      [
        { id: 'x', positions: [2, 4] },
        { id: 3, positions: [] },
      ],
      { meta: { criterion: 'nll' } },
    );
    const fromText = await parseSelection(readFileSync(path, 'utf8'), 'upload.jsonl');
    expect([...fromText.keys()]).toEqual([...(await loadSelectionMap(path)).keys()]);
    expect(Array.from(fromText.get('x')!)).toEqual([2, 4]);
    expect(Array.from(fromText.get(3)!)).toEqual([]);
    await expect(
      parseSelection('{"id":1,"positions":[3]}\r\n{"id":2,"positions":[0.5]}', 'up.jsonl'),
    ).rejects.toThrow(/up\.jsonl:2: positions\[0\]/);
    await expect(parseSelection('{"format":"selfevo-se-selection","version":2}\n')).rejects.toThrow(
      /unsupported version 2/,
    );
  });

  it('is atomic: a failing source leaves the old file untouched and no temporary file', async () => {
    const path = join(dir, 'atomic.jsonl');
    await writeSelection(path, [{ id: 'a', positions: [1, 2] }]);
    const before = readFileSync(path, 'utf8');
    async function* failing() {
      yield { id: 'b', positions: [3, 4] };
      throw new Error('scoring crashed');
    }
    await expect(writeSelection(path, failing())).rejects.toThrow('scoring crashed');
    expect(readFileSync(path, 'utf8')).toBe(before);
    await expect(writeSelection(path, [{ id: 'c', positions: [1.5] }])).rejects.toThrow(/positions\[0\]/);
    expect(readdirSync(dir).filter((f) => f.startsWith('atomic.jsonl.'))).toEqual([]);
  });

  it('records the rule and the τ applied by scoreInformativeTokens in the header, defaults included', async () => {
    // A model that is never called: no batch to score, only the header is at stake.
    const model = {
      forward: () => {
        throw new Error('not called');
      },
      mlmLogits: () => {
        throw new Error('not called');
      },
      namedParameters: () => new Map(),
    };
    const path = join(dir, 'applied.jsonl');
    // As the trainer's stage 1 writes it: meta with `threshold: undefined` when τ is the default.
    await writeSelection(path, scoreInformativeTokens(model, []), {
      meta: { criterion: 'nll', threshold: undefined, rows: 0 },
    });
    expect(await readSelectionHeader(path)).toEqual({
      format: 'selfevo-se-selection',
      version: 1,
      criterion: 'nll',
      rule: 'nll > threshold',
      threshold: 0.1,
      rows: 0,
    });
    // Without meta the header is still written; an explicit τ is the one recorded, over meta's.
    await writeSelection(path, scoreInformativeTokens(model, [], { threshold: 0.25 }), {
      meta: { threshold: 0.1 },
    });
    expect(await readSelectionHeader(path)).toMatchObject({ rule: 'nll > threshold', threshold: 0.25 });
    await writeSelection(path, scoreInformativeTokens(model, [], { criterion: 'topk', topKRatio: 0.2 }));
    const topk = await readSelectionHeader(path);
    expect(topk).toMatchObject({ criterion: 'topk', topKRatio: 0.2, topKScore: 'nll' });
    expect(topk).not.toHaveProperty('threshold');
    // Invalid scoring options fail before any file is touched.
    const before = readFileSync(path, 'utf8');
    await expect(
      writeSelection(path, scoreInformativeTokens(model, [], { criterion: 'entropy' })),
    ).rejects.toThrow(MaskingConfigError);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('applied.jsonl.'))).toEqual([]);
  });
});
