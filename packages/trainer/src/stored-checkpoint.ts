// A run's checkpoint as ONE safetensors file (no file system): what a `CheckpointStore` keeps, what
// a page offers as a download, and what it reads back to resume. Browser-safe (no Node module).
//
// Tensors: the trained parameters under their own names (F32, exact; so the file loads as model
// weights with `strict: false`), the AdamW moments as `optimizer.m.<name>` / `optimizer.v.<name>`.
// `__metadata__`: `format` (= the folder checkpoints' `selfevo-checkpoint/1`), `state` (JSON: the
// step, the optimizer's step and hyper-parameters, the seed stream, `extra` with the trainer state;
// the fields of a folder checkpoint's trainer_state.json) and `log` (the run's log records up to
// the step, JSON lines).
import {
  type AdamW,
  CHECKPOINT_FORMAT,
  type CheckpointData,
  readSafetensors,
  readSafetensorsMetadata,
  type SafeTensor,
  type SeededRandom,
  writeSafetensors,
} from '@selfevo/encoder-model';
import { showValue } from '@selfevo/utils';
import type * as tf from '@tensorflow/tfjs-core';
import * as v from 'valibot';
import { ResumeError, TrainerConfigError } from './errors.js';
import { parseJsonlLog } from './jsonl-log-parse.js';
import type { LogRecord } from './types.js';

/** The prefix of the AdamW moments' tensor names; a trained parameter may not start with it. */
export const OPTIMIZER_PREFIX = 'optimizer.';

/** What a stored checkpoint holds. */
export interface StoredCheckpointContents {
  params: Map<string, tf.Variable>;
  optimizer?: AdamW;
  rng?: SeededRandom;
  step: number;
  /** JSON; the trainer keeps its state in `extra.trainer`. */
  extra?: Record<string, unknown>;
  /** The run's log records up to `step`. */
  log?: LogRecord[];
}

/** A stored checkpoint read and checked (nothing loaded yet; `applyCheckpoint` of encoder-model loads it). */
export interface DecodedCheckpoint {
  data: CheckpointData;
  log: LogRecord[];
}

type Floats = { shape: number[]; data: Float32Array };

/** Every tensor's values read asynchronously (a synchronous read stalls, or on WebGPU can fail). */
async function readAll(tensors: Iterable<[string, tf.Tensor]>, prefix = ''): Promise<Record<string, Floats>> {
  const out: Record<string, Floats> = {};
  for (const [name, t] of tensors)
    out[prefix + name] = { shape: t.shape, data: (await t.data()) as Float32Array };
  return out;
}

/**
 * The bytes of one safetensors file holding `c` (see this file's header). Values are read from the
 * device asynchronously; parameter names starting with `optimizer.` are refused (they would mix
 * with the moments).
 */
export async function encodeStoredCheckpoint(c: StoredCheckpointContents): Promise<Uint8Array> {
  for (const name of c.params.keys())
    if (name.startsWith(OPTIMIZER_PREFIX))
      throw new TrainerConfigError(
        `parameter ${JSON.stringify(name)} starts with "${OPTIMIZER_PREFIX}", which a stored checkpoint ` +
          'keeps for the optimizer moments',
        { option: 'model', value: name },
      );
  const tensors = await readAll(c.params);
  let optimizer: Record<string, unknown> | null = null;
  if (c.optimizer) {
    const s = c.optimizer.getState();
    try {
      Object.assign(tensors, await readAll(Object.entries(s.m), `${OPTIMIZER_PREFIX}m.`));
      Object.assign(tensors, await readAll(Object.entries(s.v), `${OPTIMIZER_PREFIX}v.`));
    } finally {
      for (const t of [...Object.values(s.m), ...Object.values(s.v)]) t.dispose();
    }
    const o = c.optimizer;
    optimizer = { step: s.step, lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay };
  }
  const state = { step: c.step, optimizer, rng: c.rng?.getState() ?? null, extra: c.extra ?? {} };
  const log = (c.log ?? []).map((r) => `${JSON.stringify(r)}\n`).join('');
  return writeSafetensors(tensors, { format: CHECKPOINT_FORMAT, state: JSON.stringify(state), log });
}

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const uint32 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1));

/** The `state` metadata of a stored checkpoint, type and range. */
const STATE_SCHEMA = v.object({
  step: count,
  optimizer: v.nullable(v.looseObject({ step: count })),
  rng: v.nullable(
    v.object({
      s: v.pipe(v.array(uint32), v.length(4)),
      spareNormal: v.nullable(v.pipe(v.number(), v.finite())),
    }),
  ),
  extra: v.record(v.string(), v.unknown()),
});

/**
 * A stored checkpoint's bytes (`name`: what to call it in errors, e.g. `run/checkpoint-20`) read
 * and checked: the safetensors header and every tensor by the strict reader, the metadata field by
 * field, the moments in `m`/`v` pairs of one shape, the log line by line. Damage is a `ResumeError`
 * naming `name` and what is wrong; nothing is loaded anywhere.
 */
export function decodeStoredCheckpoint(bytes: Uint8Array, name: string): DecodedCheckpoint {
  const damaged: (what: string, cause?: unknown) => never = (what, cause) => {
    throw new ResumeError(`${name}: ${what}`, { dir: name, cause });
  };
  let tensors: Map<string, SafeTensor> = new Map();
  let meta: Record<string, string> = {};
  try {
    meta = readSafetensorsMetadata(bytes);
    tensors = readSafetensors(bytes);
  } catch (err) {
    damaged(`not a readable safetensors file (${(err as Error).message})`, err);
  }
  if (meta.format !== CHECKPOINT_FORMAT)
    damaged(`__metadata__.format must be "${CHECKPOINT_FORMAT}", got ${showValue(meta.format)}`);
  let raw: unknown;
  try {
    raw = JSON.parse(meta.state ?? '');
  } catch (err) {
    damaged('__metadata__.state is not JSON', err);
  }
  const parsed = v.safeParse(STATE_SCHEMA, raw, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = (issue.path ?? []).map((p) => String(p.key)).join('.');
    damaged(`__metadata__.state${field ? `.${field}` : ''} is damaged, got ${showValue(issue.input)}`);
  }
  const state = parsed.output;
  const weights = new Map<string, SafeTensor>();
  const m = new Map<string, SafeTensor>();
  const vs = new Map<string, SafeTensor>();
  for (const [key, t] of tensors) {
    if (!key.startsWith(OPTIMIZER_PREFIX)) weights.set(key, t);
    else if (key.startsWith(`${OPTIMIZER_PREFIX}m.`)) m.set(key.slice(OPTIMIZER_PREFIX.length + 2), t);
    else if (key.startsWith(`${OPTIMIZER_PREFIX}v.`)) vs.set(key.slice(OPTIMIZER_PREFIX.length + 2), t);
    else damaged(`tensor ${JSON.stringify(key)} is neither a parameter nor optimizer.m/v.<name>`);
  }
  for (const [k, t] of m)
    if (vs.get(k)?.shape.join(',') !== t.shape.join(','))
      damaged(`optimizer.m.${k} has no optimizer.v.${k} of the same shape`);
  for (const k of vs.keys()) if (!m.has(k)) damaged(`optimizer.v.${k} has no optimizer.m.${k}`);
  if (state.optimizer === null && m.size > 0) damaged('optimizer moments without an optimizer state');
  let log: LogRecord[] = [];
  try {
    log = parseJsonlLog(meta.log ?? '', `${name} (log)`);
  } catch (err) {
    damaged(`__metadata__.log: ${(err as Error).message}`, err);
  }
  const data: CheckpointData = {
    dir: name,
    step: state.step,
    extra: state.extra,
    weights,
    optimizer: state.optimizer ? { step: state.optimizer.step, m, v: vs } : null,
    rng: state.rng,
  };
  return { data, log };
}
