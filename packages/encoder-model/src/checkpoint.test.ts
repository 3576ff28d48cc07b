import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it, onTestFinished } from 'vitest';
import { AdamW } from './adamw.js';
import { loadCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CheckpointError, ShapeMismatchError } from './errors.js';
import { SeededRandom } from './rng.js';

describeEachBackend('checkpoints', () => {
  it('save → load restores params, optimizer moments, step, rng and extra exactly', async () => {
    const root = mkdtempSync(join(tmpdir(), 'selfevo-ckpt-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'ckpt');
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

/** A small saved checkpoint (two parameters, AdamW moments after one step, an RNG) in a fresh folder. */
async function savedCheckpoint(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'selfevo-ckpt-bad-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'ckpt');
  const params = new Map<string, tf.Variable>([
    ['w', tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]))],
    ['b', tf.variable(tf.tensor1d([0.5, -0.5, 1]))],
  ]);
  const opt = new AdamW(params, { lr: 0.1 });
  const g = { w: tf.onesLike(params.get('w')!), b: tf.onesLike(params.get('b')!) };
  opt.step(g);
  await saveCheckpoint(dir, { params, optimizer: opt, step: 3, rng: new SeededRandom(5), extra: { k: 1 } });
  opt.dispose();
  tf.dispose([...params.values(), ...Object.values(g)]);
  return dir;
}

type Damage = (dir: string) => void;
const cut =
  (file: string, keep: (n: number) => number): Damage =>
  (dir) => {
    const bytes = readFileSync(join(dir, file));
    writeFileSync(join(dir, file), bytes.subarray(0, keep(bytes.length)));
  };
const put =
  (file: string, text: string | Uint8Array): Damage =>
  (dir) =>
    writeFileSync(join(dir, file), text);
const state =
  (edit: (s: Record<string, unknown>) => unknown): Damage =>
  (dir) => {
    const s = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8'));
    writeFileSync(join(dir, 'trainer_state.json'), JSON.stringify(edit(s)));
  };

// each damage, and the file the CheckpointError must name
const damages: [string, string, Damage][] = [
  ['model.safetensors truncated to half', 'model.safetensors', cut('model.safetensors', (n) => n >> 1)],
  ['model.safetensors cut inside its header', 'model.safetensors', cut('model.safetensors', () => 12)],
  ['model.safetensors empty', 'model.safetensors', put('model.safetensors', '')],
  ['model.safetensors missing', 'model.safetensors', (d) => rmSync(join(d, 'model.safetensors'))],
  [
    'model.safetensors is a folder',
    'model.safetensors',
    (d) => {
      rmSync(join(d, 'model.safetensors'));
      mkdirSync(join(d, 'model.safetensors'));
    },
  ],
  ['optimizer.safetensors truncated', 'optimizer.safetensors', cut('optimizer.safetensors', (n) => n - 7)],
  ['optimizer.safetensors missing', 'optimizer.safetensors', (d) => rmSync(join(d, 'optimizer.safetensors'))],
  [
    'trainer_state.json not JSON',
    'trainer_state.json',
    put('trainer_state.json', '{"format": "selfevo-chec'),
  ],
  ['trainer_state.json empty', 'trainer_state.json', put('trainer_state.json', '')],
  [
    'trainer_state.json invalid UTF-8',
    'trainer_state.json',
    put('trainer_state.json', Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])),
  ],
  ['trainer_state.json is null', 'trainer_state.json', put('trainer_state.json', 'null')],
  ['trainer_state.json is an array', 'trainer_state.json', put('trainer_state.json', '[1, 2]')],
  ['trainer_state.json of another format', 'trainer_state.json', state((s) => ({ ...s, format: 'other/9' }))],
  ['trainer_state.json step not a number', 'trainer_state.json', state((s) => ({ ...s, step: 'x' }))],
  ['trainer_state.json step negative', 'trainer_state.json', state((s) => ({ ...s, step: -1 }))],
  ['trainer_state.json extra not an object', 'trainer_state.json', state((s) => ({ ...s, extra: 'x' }))],
  [
    'trainer_state.json rng state garbled',
    'trainer_state.json',
    state((s) => ({ ...s, rng: { s: [1, 2] } })),
  ],
  [
    'trainer_state.json optimizer step garbled',
    'trainer_state.json',
    state((s) => ({ ...s, optimizer: { step: null } })),
  ],
  [
    'trainer_state.json without optimizer state',
    'trainer_state.json',
    state((s) => ({ ...s, optimizer: null })),
  ],
  ['trainer_state.json without rng state', 'trainer_state.json', state((s) => ({ ...s, rng: null }))],
];

describeEachBackend(
  'checkpoints that are damaged',
  () => {
    it.each(damages)(
      '%s: a CheckpointError naming the file, and nothing is loaded',
      async (_what, file, damage) => {
        const dir = await savedCheckpoint();
        damage(dir);
        const w = tf.variable(tf.zeros([2, 3]));
        const b = tf.variable(tf.zeros([3]));
        const params = new Map<string, tf.Variable>([
          ['w', w],
          ['b', b],
        ]);
        const opt = new AdamW(params, { lr: 0.1 });
        const rng = new SeededRandom(77);
        const rngBefore = rng.getState();
        const before = tf.memory().numTensors;
        let caught: unknown;
        try {
          await loadCheckpoint(dir, { params, optimizer: opt, rng });
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(CheckpointError);
        expect((caught as Error).message).toContain(join(dir, file));
        // all or nothing: the parameters, the optimizer and the generator are untouched
        expectAllClose(w, [0, 0, 0, 0, 0, 0], 0);
        expectAllClose(b, [0, 0, 0], 0);
        expect(opt.stepCount).toBe(0);
        expect(rng.getState()).toEqual(rngBefore);
        expect(tf.memory().numTensors).toBe(before);
        opt.dispose();
        tf.dispose([w, b]);
        rmSync(dirname(dir), { recursive: true, force: true });
      },
    );

    it('readCheckpoint reads and checks every file without loading; saves leave no temp folder', async () => {
      const dir = await savedCheckpoint();
      const c = await readCheckpoint(dir);
      expect(c.step).toBe(3);
      expect(c.extra).toEqual({ k: 1 });
      expect([...c.weights.keys()].sort()).toEqual(['b', 'w']);
      expect(c.weights.get('w')!.shape).toEqual([2, 3]);
      expect(c.optimizer!.step).toBe(1);
      expect([...c.optimizer!.m.keys()].sort()).toEqual(['b', 'w']);
      expect(c.rng).toEqual(new SeededRandom(5).getState());
      // without the optimizer, its file is not read (a damaged one does not matter)
      rmSync(join(dir, 'optimizer.safetensors'));
      expect((await readCheckpoint(dir, { optimizer: false })).optimizer).toBeNull();
      await expect(readCheckpoint(dir)).rejects.toBeInstanceOf(CheckpointError);
      expect(readdirSync(dirname(dir))).toEqual(['ckpt']);
      rmSync(dirname(dir), { recursive: true, force: true });
    });

    it('a save killed between its two renames: the previous checkpoint (dir.old-*) is read', async () => {
      const dir = await savedCheckpoint();
      renameSync(dir, `${dir}.old-123-abc-def`);
      const c = await readCheckpoint(dir);
      expect(c.dir).toBe(`${dir}.old-123-abc-def`);
      expect(c.step).toBe(3);
      rmSync(dirname(dir), { recursive: true, force: true });
    });
  },
  { backends: ['cpu'] },
);
