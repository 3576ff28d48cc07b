import { SeededRandom } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { majorityBaseline, majorityLabel, randomBaseline } from './baselines.js';
import { goldFromRecords } from './data/gold.js';
import { readGoldFile } from './data/gold-file.js';
import { parseJsonl } from './data/jsonl.js';
import { RECORD_VAL_FIXTURE } from './test-fixtures/paths.js';

const gold = (task: Parameters<typeof goldFromRecords>[0], rows: object[]) =>
  goldFromRecords(task, parseJsonl(rows.map((r) => JSON.stringify(r)).join('\n'), 'mem'), 'mem');

describe('baselines', () => {
  it('majority label, ties broken by the fixed label order', () => {
    const tie = gold('WiC', [
      { idx: 0, label: true },
      { idx: 1, label: false },
    ]);
    expect(majorityLabel('WiC', tie)).toBe(false);
    const rte = gold('RTE', [
      { idx: 0, label: 'not_entailment' },
      { idx: 1, label: 'entailment' },
      { idx: 2, label: 'not_entailment' },
    ]);
    expect(majorityLabel('RTE', rte)).toBe('not_entailment');
    const cbTie = gold('CB', [
      { idx: 0, label: 'neutral' },
      { idx: 1, label: 'contradiction' },
    ]);
    expect(majorityLabel('CB', cbTie)).toBe('contradiction');
  });

  it('predicts the majority of a separate label source for every example', () => {
    const target = gold('AX-g', [{ idx: 0 }, { idx: 1 }]);
    const source = gold('AX-g', [
      { idx: 0, label: 'not_entailment' },
      { idx: 1, label: 'not_entailment' },
    ]);
    expect([...majorityBaseline('AX-g', target, source)]).toEqual([
      ['0', 'not_entailment'],
      ['1', 'not_entailment'],
    ]);
  });

  it('ReCoRD: most frequent passage entity; random picks passage entities', async () => {
    const g = await readGoldFile('ReCoRD', RECORD_VAL_FIXTURE);
    const maj = majorityBaseline('ReCoRD', g);
    expect(maj.get('100')).toBe('Shea Stadium'); // appears twice in passage 10
    expect(maj.get('102')).toBe('Marie Curie'); // ties with Nobel Prize (2 each); first in passage order
    const rnd = randomBaseline('ReCoRD', g, 3);
    if (g.kind !== 'record') throw new Error('kind');
    for (const q of g.queries) expect(q.entities).toContain(rnd.get(String(q.idx)));
  });

  it('random baseline is reproducible from the seed and differs across seeds', () => {
    const g = gold(
      'BoolQ',
      Array.from({ length: 200 }, (_, i) => ({ idx: i, label: true })),
    );
    const a = [...randomBaseline('BoolQ', g, 1).values()];
    expect([...randomBaseline('BoolQ', g, 1).values()]).toEqual(a);
    expect([...randomBaseline('BoolQ', g, 2).values()]).not.toEqual(a);
    const trues = a.filter((x) => x === true).length;
    expect(trues).toBeGreaterThan(70);
    expect(trues).toBeLessThan(130);
  });

  it('random labels come from a SeededRandom stream per task (seed ^ FNV-1a of the task name)', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ idx: i, label: 'neutral' }));
    const cb = [...randomBaseline('CB', gold('CB', rows), 5).values()];
    // FNV-1a('CB') computed independently of the implementation.
    let h = 0x811c9dc5;
    for (const c of 'CB') h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    const rng = new SeededRandom((5 ^ h) >>> 0);
    const order = ['entailment', 'contradiction', 'neutral'];
    expect(cb).toEqual(rows.map(() => order[rng.nextInt(3)]));
    expect(new Set(cb).size).toBe(3);
    // Another task with the same seed draws from another stream.
    const rteRows = rows.map((r) => ({ ...r, label: 'entailment' }));
    const rte = [...randomBaseline('RTE', gold('RTE', rteRows), 5).values()];
    const sameStream = new SeededRandom((5 ^ h) >>> 0);
    expect(rte).not.toEqual(rows.map(() => ['entailment', 'not_entailment'][sameStream.nextInt(2)]));
    expect(new Set(rte).size).toBe(2);
  });
});
