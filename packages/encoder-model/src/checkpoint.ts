import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from './adamw.js';
import { CheckpointError, ShapeMismatchError } from './errors.js';
import { nodeIo, writeFileAtomic } from './node-io.js';
import type { SeededRandom } from './rng.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

const STATE_FILE = 'trainer_state.json';
const PARAMS_FILE = 'model.safetensors';
const OPT_FILE = 'optimizer.safetensors';

export interface CheckpointContents {
  params: Map<string, tf.Variable>;
  optimizer?: AdamW;
  step: number;
  rng?: SeededRandom;
  extra?: Record<string, unknown>;
}

function toRecord(ts: Map<string, tf.Tensor> | Record<string, tf.Tensor>) {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  const entries = ts instanceof Map ? [...ts] : Object.entries(ts);
  for (const [k, t] of entries) out[k] = { shape: t.shape, data: t.dataSync() as Float32Array };
  return out;
}

/**
 * Save parameters, AdamW moments, the step, the RNG state and `extra` (JSON) into `dir`.
 * Atomic: everything is written into a sibling temp folder which then replaces `dir`, so a
 * crash leaves either the old checkpoint or the new one (or `dir.old-*` during the swap, which
 * `loadCheckpoint` falls back to).
 */
export async function saveCheckpoint(dir: string, c: CheckpointContents): Promise<void> {
  const { fs, path } = await nodeIo();
  const abs = path.resolve(dir);
  await fs.mkdir(path.dirname(abs), { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = `${abs}.tmp-${tag}`;
  await fs.mkdir(tmp, { recursive: true });
  await writeFileAtomic(path.join(tmp, PARAMS_FILE), writeSafetensors(toRecord(c.params)));
  let optimizer: Record<string, unknown> | null = null;
  if (c.optimizer) {
    const s = c.optimizer.getState();
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [k, t] of Object.entries(toRecord(s.m))) tensors[`m.${k}`] = t;
    for (const [k, t] of Object.entries(toRecord(s.v))) tensors[`v.${k}`] = t;
    tf.dispose([...Object.values(s.m), ...Object.values(s.v)]);
    await writeFileAtomic(path.join(tmp, OPT_FILE), writeSafetensors(tensors));
    optimizer = {
      step: s.step,
      lr: c.optimizer.lr,
      betas: c.optimizer.betas,
      eps: c.optimizer.eps,
      weightDecay: c.optimizer.weightDecay,
    };
  }
  const state = {
    format: 'selfevo-checkpoint/1',
    step: c.step,
    optimizer,
    rng: c.rng ? c.rng.getState() : null,
    extra: c.extra ?? {},
  };
  await writeFileAtomic(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 2));
  const old = `${abs}.old-${tag}`;
  const exists = await fs.stat(abs).then(
    () => true,
    () => false,
  );
  if (exists) await fs.rename(abs, old);
  await fs.rename(tmp, abs);
  if (exists) await fs.rm(old, { recursive: true, force: true });
}

/**
 * Load a checkpoint written by `saveCheckpoint` into existing parameters (values assigned in
 * place), optimizer and RNG. Every parameter must be present with the same shape.
 */
export async function loadCheckpoint(
  dir: string,
  into: { params: Map<string, tf.Variable>; optimizer?: AdamW; rng?: SeededRandom },
): Promise<{ step: number; extra: Record<string, unknown> }> {
  const { fs, path } = await nodeIo();
  let abs = path.resolve(dir);
  const hasState = (d: string) =>
    fs.stat(path.join(d, STATE_FILE)).then(
      () => true,
      () => false,
    );
  if (!(await hasState(abs))) {
    // A crash during the final swap leaves the previous checkpoint as `dir.old-*`.
    const siblings = await fs.readdir(path.dirname(abs)).catch(() => [] as string[]);
    const old = siblings
      .filter((s) => s.startsWith(`${path.basename(abs)}.old-`))
      .sort()
      .pop();
    if (!old) throw new CheckpointError(`no checkpoint at ${abs} (missing ${STATE_FILE})`);
    abs = path.join(path.dirname(abs), old);
  }
  const state = JSON.parse(await fs.readFile(path.join(abs, STATE_FILE), 'utf8'));
  const weights = readSafetensors(new Uint8Array(await fs.readFile(path.join(abs, PARAMS_FILE))));
  const missing = [...into.params.keys()].filter((k) => !weights.has(k));
  if (missing.length) throw new CheckpointError(`checkpoint ${abs} lacks parameters: ${missing.join(', ')}`);
  for (const [name, p] of into.params) {
    const w = weights.get(name)!;
    if (w.shape.join(',') !== p.shape.join(','))
      throw new ShapeMismatchError(name, `checkpoint parameter is [${w.shape}], model has [${p.shape}]`);
  }
  for (const [name, p] of into.params) {
    const w = weights.get(name)!;
    tf.tidy(() => p.assign(tf.tensor(w.data, w.shape, 'float32')));
  }
  if (into.optimizer) {
    if (!state.optimizer) throw new CheckpointError(`checkpoint ${abs} has no optimizer state`);
    const opt = readSafetensors(new Uint8Array(await fs.readFile(path.join(abs, OPT_FILE))));
    const m: Record<string, tf.Tensor> = {};
    const v: Record<string, tf.Tensor> = {};
    for (const [k, t] of opt) {
      const target = k.startsWith('m.') ? m : v;
      target[k.slice(2)] = tf.tensor(t.data, t.shape, 'float32');
    }
    try {
      into.optimizer.setState({ step: state.optimizer.step, m, v });
    } finally {
      tf.dispose([...Object.values(m), ...Object.values(v)]);
    }
  }
  if (into.rng) {
    if (!state.rng) throw new CheckpointError(`checkpoint ${abs} has no RNG state`);
    into.rng.setState(state.rng);
  }
  return { step: state.step, extra: state.extra ?? {} };
}
