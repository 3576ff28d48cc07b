import { SCORED_TASKS } from '@selfevo/superglue-datasets';
import { describe, expect, it } from 'vitest';
import { FinetuneConfigError, SuperGlueFinetuningError } from './errors.js';
import { QUICK_RECIPE, resolveRecipe, TASK_RECIPES } from './task-recipes.js';

describe('task recipes', () => {
  it('has a complete row for every scored task', () => {
    expect(Object.keys(TASK_RECIPES).sort()).toEqual([...SCORED_TASKS].sort());
    for (const t of SCORED_TASKS) expect(resolveRecipe(t)).toEqual(TASK_RECIPES[t]);
  });
  it('applies quick, then overrides; undefined overrides keep the default', () => {
    const r = resolveRecipe('BoolQ', { learningRate: 3e-5, epochs: undefined }, true);
    expect(r.epochs).toBe(QUICK_RECIPE.epochs);
    expect(r.maxLength).toBe(128);
    expect(r.learningRate).toBe(3e-5);
    expect(resolveRecipe('COPA', { epochs: 4 }, true).epochs).toBe(4);
    expect(resolveRecipe('COPA', {}, true).maxLength).toBe(64);
  });
  it('names the task and parameter of an out-of-range value', () => {
    expect(() => resolveRecipe('CB', { batchSize: 0 })).toThrow(/CB recipe: batchSize = 0/);
    expect(() => resolveRecipe('RTE', { warmupRatio: 1 })).toThrow(/RTE recipe: warmupRatio/);
    expect(() => resolveRecipe('WiC', { learningRate: Number.NaN })).toThrow(/WiC recipe: learningRate/);
    try {
      resolveRecipe('CB', { maxLength: 4 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FinetuneConfigError);
      expect(e).toBeInstanceOf(SuperGlueFinetuningError);
      expect((e as FinetuneConfigError).parameter).toBe('maxLength');
      expect((e as Error).name).toBe('FinetuneConfigError');
    }
  });
});
