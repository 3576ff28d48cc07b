import { describe, expect, it } from 'vitest';
import { formulate, formulateOne, formulateStream } from './formulate.js';
import { loadSplit, streamSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';

const tok = await bertTokenizer();

describe('formulate dispatch', () => {
  it('streams records from the reader into examples, same as the in-memory path', async () => {
    const streamed = [];
    for await (const e of formulateStream(
      'WSC',
      streamSplit('WSC', 'val', { dir: SUPERGLUE_DATA }).records,
      tok,
    )) {
      streamed.push(e);
    }
    const { records } = await loadSplit('WSC', 'val', { dir: SUPERGLUE_DATA });
    expect(streamed).toEqual(formulate('WSC', records, tok));
    expect(streamed).toHaveLength(104);
  });

  it('one record gives 1 (pair, WiC, WSC), 2 (COPA) or one per answer option (MultiRC)', async () => {
    const counts: Record<string, number> = {};
    for (const task of ['BoolQ', 'CB', 'COPA', 'MultiRC', 'RTE', 'WiC', 'WSC', 'AX-b', 'AX-g'] as const) {
      const { records } = await loadSplit(task, task.startsWith('AX') ? 'test' : 'val', {
        dir: SUPERGLUE_DATA,
      });
      const examples = formulateOne(task, records[0]!, tok);
      expect(examples.every((e) => e.task === task)).toBe(true);
      counts[task] = examples.length;
      if (task === 'MultiRC') {
        const r = records[0] as { passage: { questions: { answers: unknown[] }[] } };
        expect(examples.length).toBe(r.passage.questions.reduce((n, q) => n + q.answers.length, 0));
      }
    }
    const { MultiRC: _answers, ...single } = counts;
    expect(single).toEqual({ BoolQ: 1, CB: 1, COPA: 2, RTE: 1, WiC: 1, WSC: 1, 'AX-b': 1, 'AX-g': 1 });
  });
});
