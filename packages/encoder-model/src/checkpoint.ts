import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from './adamw.js';
import { CheckpointError, ShapeMismatchError, showValue } from './errors.js';
import { nodeIo, resolveAtomicDir, writeDirAtomic } from './node-io.js';
import type { SeededRandom, SeededRandomState } from './rng.js';
import { readSafetensors, type SafeTensor, writeSafetensors } from './safetensors.js';

const STATE_FILE = 'trainer_state.json';
const PARAMS_FILE = 'model.safetensors';
const OPT_FILE = 'optimizer.safetensors';

/** The `format` of a checkpoint's `trainer_state.json`. */
export const CHECKPOINT_FORMAT = 'selfevo-checkpoint/1';

/** Largest `trainer_state.json` read (it holds the step, the RNG state and the JSON `extra`). */
export const MAX_CHECKPOINT_STATE_BYTES = 64 * 2 ** 20;

export interface CheckpointContents {
  params: Map<string, tf.Variable>;
  optimizer?: AdamW;
  step: number;
  rng?: SeededRandom;
  extra?: Record<string, unknown>;
}

/** A checkpoint read from disk and checked, not yet loaded into anything (see {@link readCheckpoint}). */
export interface CheckpointData {
  /** The folder read: the one asked for, or the `dir.old-*` a save killed mid-swap left. */
  dir: string;
  step: number;
  extra: Record<string, unknown>;
  /** The parameters (`model.safetensors`) by name. */
  weights: Map<string, SafeTensor>;
  /** AdamW step and moments by parameter name; null when saved without an optimizer or not read. */
  optimizer: { step: number; m: Map<string, SafeTensor>; v: Map<string, SafeTensor> } | null;
  rng: SeededRandomState | null;
}

function toRecord(ts: Map<string, tf.Tensor> | Record<string, tf.Tensor>) {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  const entries = ts instanceof Map ? [...ts] : Object.entries(ts);
  for (const [k, t] of entries) out[k] = { shape: t.shape, data: t.dataSync() as Float32Array };
  return out;
}

/** The optimizer's file bytes and its hyper-parameters for `trainer_state.json`. */
function optimizerPayload(opt: AdamW): { bytes: Uint8Array; info: Record<string, unknown> } {
  const s = opt.getState();
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  try {
    for (const [k, t] of Object.entries(toRecord(s.m))) tensors[`m.${k}`] = t;
    for (const [k, t] of Object.entries(toRecord(s.v))) tensors[`v.${k}`] = t;
  } finally {
    tf.dispose([...Object.values(s.m), ...Object.values(s.v)]);
  }
  const info = { step: s.step, lr: opt.lr, betas: opt.betas, eps: opt.eps, weightDecay: opt.weightDecay };
  return { bytes: writeSafetensors(tensors), info };
}

/**
 * Save parameters, AdamW moments, the step, the RNG state and `extra` (JSON) into `dir`.
 * Atomic (`writeDirAtomic` of `@selfevo/utils/node`): everything is written and fsynced in a
 * sibling temp folder which then replaces `dir`, so a crash leaves either the old checkpoint or
 * the new one (or `dir.old-*` during the swap, which `readCheckpoint` falls back to).
 */
export async function saveCheckpoint(dir: string, c: CheckpointContents): Promise<void> {
  const { fs, path } = await nodeIo();
  // everything is serialized before the temp folder exists
  const params = writeSafetensors(toRecord(c.params));
  const opt = c.optimizer ? optimizerPayload(c.optimizer) : null;
  const state = {
    format: CHECKPOINT_FORMAT,
    step: c.step,
    optimizer: opt?.info ?? null,
    rng: c.rng ? c.rng.getState() : null,
    extra: c.extra ?? {},
  };
  await writeDirAtomic(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, PARAMS_FILE), params);
    if (opt) await fs.writeFile(path.join(tmp, OPT_FILE), opt.bytes);
    await fs.writeFile(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 2));
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** `trainer_state.json`'s fields, checked; a problem is a `CheckpointError` naming the file and field. */
function checkState(raw: unknown, file: string) {
  const bad = (what: string, ...value: unknown[]): never => {
    const got = value.length ? `, got ${showValue(value[0])}` : '';
    throw new CheckpointError(`${file}: ${what}${got}`);
  };
  if (!isObject(raw)) return bad('is not a JSON object');
  if (raw.format !== CHECKPOINT_FORMAT) bad(`format must be "${CHECKPOINT_FORMAT}"`, raw.format);
  if (!isCount(raw.step)) bad('step must be an integer >= 0', raw.step);
  const opt: unknown = raw.optimizer ?? null;
  if (opt !== null && !(isObject(opt) && isCount(opt.step)))
    bad('optimizer must be null or an object with an integer step >= 0', opt);
  const rng = raw.rng ?? null;
  if (rng !== null) {
    const words = isObject(rng) ? rng.s : undefined;
    const spare = isObject(rng) ? (rng.spareNormal ?? null) : null;
    const okWords =
      Array.isArray(words) &&
      words.length === 4 &&
      words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32);
    if (!okWords || !(spare === null || Number.isFinite(spare)))
      bad('rng must be null or { s: four uint32, spareNormal: number | null }', rng);
  }
  const extra = raw.extra ?? {};
  if (!isObject(extra)) bad('extra must be an object', extra);
  return {
    step: raw.step as number,
    optimizerStep: isObject(opt) ? (opt.step as number) : null,
    rng: rng as SeededRandomState | null,
    extra: extra as Record<string, unknown>,
  };
}

/** The bytes of `file` (at most `maxBytes`), or a `CheckpointError` naming it. */
async function readFileChecked(file: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  const { fs } = await nodeIo();
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new CheckpointError(`${file}: not a regular file`);
    if (st.size > maxBytes)
      throw new CheckpointError(`${file}: ${st.size} bytes, over the ${maxBytes}-byte limit`);
    return new Uint8Array(await fs.readFile(file));
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message;
    throw new CheckpointError(`${file}: cannot be read (${reason})`, { cause: err });
  }
}

function parseSafetensors(bytes: Uint8Array, file: string): Map<string, SafeTensor> {
  try {
    return readSafetensors(bytes);
  } catch (err) {
    throw new CheckpointError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The AdamW moments of `optimizer.safetensors` (`m.<name>` / `v.<name>`, in pairs of one shape). */
function splitMoments(tensors: Map<string, SafeTensor>, file: string) {
  const m = new Map<string, SafeTensor>();
  const v = new Map<string, SafeTensor>();
  for (const [key, t] of tensors) {
    const target = key.startsWith('m.') ? m : key.startsWith('v.') ? v : null;
    if (!target)
      throw new CheckpointError(`${file}: tensor ${JSON.stringify(key)} is neither m.<name> nor v.<name>`);
    target.set(key.slice(2), t);
  }
  for (const [name, t] of m) {
    const other = v.get(name);
    if (!other || other.shape.join(',') !== t.shape.join(','))
      throw new CheckpointError(`${file}: m.${name} has no v.${name} of the same shape`);
  }
  for (const name of v.keys())
    if (!m.has(name)) throw new CheckpointError(`${file}: v.${name} has no m.${name}`);
  return { m, v };
}

/**
 * Read and check a checkpoint folder written by `saveCheckpoint`, loading nothing: every file is
 * read and parsed (`trainer_state.json` checked field by field, the safetensors files by the
 * strict reader), so a truncated, garbled or half-written checkpoint is a `CheckpointError`
 * naming the file. A save killed between its two renames left only `dir.old-*`: that is read.
 * `optimizer: false` skips `optimizer.safetensors` (`optimizer` is then null).
 */
export async function readCheckpoint(
  dir: string,
  opts: { optimizer?: boolean } = {},
): Promise<CheckpointData> {
  const { path } = await nodeIo();
  const asked = path.resolve(dir);
  const found = await resolveAtomicDir(asked, STATE_FILE);
  if (!found)
    throw new CheckpointError(`no checkpoint at ${asked} (${path.join(asked, STATE_FILE)} is missing)`);
  const stateFile = path.join(found, STATE_FILE);
  let raw: unknown;
  try {
    const bytes = await readFileChecked(stateFile, MAX_CHECKPOINT_STATE_BYTES);
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError(`${stateFile}: not valid UTF-8 JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  const state = checkState(raw, stateFile);
  const paramsFile = path.join(found, PARAMS_FILE);
  const weights = parseSafetensors(await readFileChecked(paramsFile), paramsFile);
  let optimizer: CheckpointData['optimizer'] = null;
  if (opts.optimizer !== false && state.optimizerStep !== null) {
    const optFile = path.join(found, OPT_FILE);
    const moments = splitMoments(parseSafetensors(await readFileChecked(optFile), optFile), optFile);
    optimizer = { step: state.optimizerStep, ...moments };
  }
  return { dir: found, step: state.step, extra: state.extra, weights, optimizer, rng: state.rng };
}

/**
 * Load checkpoint data (from {@link readCheckpoint}) into existing parameters (values assigned in
 * place), optimizer and RNG. All or nothing: every parameter must be present with its shape, and
 * the optimizer and RNG state when asked for, before anything is changed.
 */
export function applyCheckpoint(
  c: CheckpointData,
  into: { params: Map<string, tf.Variable>; optimizer?: AdamW; rng?: SeededRandom },
): void {
  const paramsFile = `${c.dir}/${PARAMS_FILE}`;
  const stateFile = `${c.dir}/${STATE_FILE}`;
  const missing = [...into.params.keys()].filter((k) => !c.weights.has(k));
  if (missing.length) throw new CheckpointError(`${paramsFile} lacks parameters: ${missing.join(', ')}`);
  for (const [name, p] of into.params) {
    const w = c.weights.get(name)!;
    if (w.shape.join(',') !== p.shape.join(','))
      throw new ShapeMismatchError(name, `checkpoint parameter is [${w.shape}], model has [${p.shape}]`);
  }
  if (into.optimizer && !c.optimizer) throw new CheckpointError(`${stateFile}: no optimizer state`);
  if (into.rng && !c.rng) throw new CheckpointError(`${stateFile}: no RNG state`);
  if (into.optimizer && c.optimizer) {
    const toTensors = (ts: Map<string, SafeTensor>) =>
      Object.fromEntries([...ts].map(([k, t]) => [k, tf.tensor(t.data, t.shape, 'float32')]));
    const m = toTensors(c.optimizer.m);
    const v = toTensors(c.optimizer.v);
    try {
      // (setState checks every name and shape before it changes anything)
      into.optimizer.setState({ step: c.optimizer.step, m, v });
    } finally {
      tf.dispose([...Object.values(m), ...Object.values(v)]);
    }
  }
  for (const [name, p] of into.params) {
    const w = c.weights.get(name)!;
    tf.tidy(() => p.assign(tf.tensor(w.data, w.shape, 'float32')));
  }
  if (into.rng && c.rng) into.rng.setState(c.rng);
}

/**
 * Load a checkpoint written by `saveCheckpoint` into existing parameters (values assigned in
 * place), optimizer and RNG: {@link readCheckpoint} then {@link applyCheckpoint}. A damaged
 * checkpoint is a `CheckpointError` naming the file, and then nothing has been loaded.
 */
export async function loadCheckpoint(
  dir: string,
  into: { params: Map<string, tf.Variable>; optimizer?: AdamW; rng?: SeededRandom },
): Promise<{ step: number; extra: Record<string, unknown> }> {
  const c = await readCheckpoint(dir, { optimizer: into.optimizer !== undefined });
  applyCheckpoint(c, into);
  return { step: c.step, extra: c.extra };
}
