import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend, expectAllClose } from '@selfevo/backend/test';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CheckpointError, ShapeMismatchError } from './errors.js';
import { SeededRandom } from './rng.js';

describeEachBackend('checkpoints', () => {
  it('save → load restores params, optimizer moments, step, rng and extra exactly', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'selfevo-ckpt-')), 'ckpt');
    const w = tf.variable(
      tf.tensor2d([
        [0.1, 0.2],
        [0.3, 0.4],
      ]),
    );
    const params = new Map([['w', w]]);
    const opt = new AdamW(params, { lr: 0.1 });
    const g = {
      w: tf.tensor2d([
        [1, -1],
        [0.5, 2],
      ]),
    };
    opt.step(g);
    const rng = new SeededRandom(7);
    rng.normal();
    await saveCheckpoint(dir, { params, optimizer: opt, step: 1, rng, extra: { epoch: 3 } });
    await saveCheckpoint(dir, { params, optimizer: opt, step: 1, rng, extra: { epoch: 3 } }); // overwrite
    expect(readdirSync(join(dir, '..'))).toEqual(['ckpt']);
    const expected = w.arraySync();
    const next = rng.next();

    const w2 = tf.variable(tf.zeros([2, 2]));
    const params2 = new Map([['w', w2]]);
    const opt2 = new AdamW(params2, { lr: 0.1 });
    const rng2 = new SeededRandom(99);
    const res = await loadCheckpoint(dir, { params: params2, optimizer: opt2, rng: rng2 });
    expect(res).toEqual({ step: 1, extra: { epoch: 3 } });
    expectAllClose(w2, expected, 0);
    expect(opt2.stepCount).toBe(1);
    expect(rng2.next()).toBe(next);
    opt.step(g);
    opt2.step(g);
    expectAllClose(w2, w, 0);

    const bad = new Map([['w', tf.variable(tf.zeros([3]))]]);
    await expect(loadCheckpoint(dir, { params: bad })).rejects.toBeInstanceOf(ShapeMismatchError);
    await expect(loadCheckpoint(`${dir}-nope`, { params })).rejects.toBeInstanceOf(CheckpointError);
    tf.dispose([w, w2, g.w, ...bad.values()]);
    opt.dispose();
    opt2.dispose();
  });
});
