// A prompt as a portable artifact: `prompt.safetensors` (the prompt, and optionally the task head)
// plus `prompt_config.json` (what it is, which backbone it belongs to, how it was trained).
import {
  type BertModel,
  nodeIo,
  readSafetensors,
  resolveAtomicDir,
  type SafeTensor,
  writeDirAtomic,
  writeFileAtomic,
  writeSafetensors,
} from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import { PromptArtifactError, PromptConfigError, PromptMismatchError } from './errors.js';
import type { PromptInitInfo, PromptMode, PromptTensorData, SoftPrompt } from './soft-prompt.js';

export const PROMPT_WEIGHTS_FILE = 'prompt.safetensors';
export const PROMPT_CONFIG_FILE = 'prompt_config.json';
export const PROMPT_FORMAT = 'selfevo-prompt/1';
const HEAD_PREFIX = 'head.';

/** Identifies a frozen backbone: its name, sizes, and a SHA-256 over all its weights. */
export interface BackboneFingerprint {
  /** E.g. `bert-base-uncased` or a local path (free text, for people). */
  name: string;
  /** `sha256:<hex>` over every encoder parameter (names, shapes, float32 bytes) in name order. */
  hash: string;
  modelType: string;
  hiddenSize: number;
  numLayers: number;
  vocabSize: number;
}

/** `prompt_config.json`. */
export interface PromptMetadata {
  format: typeof PROMPT_FORMAT;
  mode: PromptMode;
  numVirtualTokens: number;
  hiddenSize: number;
  /** Layers the prefixes are for (`prefix` mode), else null. */
  numLayers: number | null;
  /** Tensor shape in `prompt.safetensors`. */
  shape: number[];
  init: PromptInitInfo | null;
  backbone: BackboneFingerprint;
  task: string | null;
  steps: number | null;
  devScore: number | null;
  devMetric: string | null;
  /** Names of the task-head tensors saved beside the prompt (empty: none). */
  head: string[];
  createdAt: string;
  extra: Record<string, unknown>;
}

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Fingerprint of the encoder (every parameter of `backbone`, a `BertModel`; task heads are not part
 * of it). Hash = SHA-256 of, per parameter in name order, `name`, shape and SHA-256 of its float32
 * bytes (WebCrypto, so it runs in Node ≥ 20 and browsers alike).
 */
export async function backboneFingerprint(backbone: BertModel, name: string): Promise<BackboneFingerprint> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('backboneFingerprint needs WebCrypto (globalThis.crypto.subtle)');
  const params = backbone.namedParameters();
  const enc = new TextEncoder();
  const parts: string[] = [];
  for (const key of [...params.keys()].sort()) {
    const v = params.get(key)!;
    const data = (await v.data()) as Float32Array;
    const digest = await subtle.digest(
      'SHA-256',
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>,
    );
    parts.push(`${key}[${v.shape.join(',')}]=${hex(digest)}`);
  }
  const total = await subtle.digest('SHA-256', enc.encode(parts.join('\n')));
  const c = backbone.config;
  return {
    name,
    hash: `sha256:${hex(total)}`,
    modelType: c.modelType,
    hiddenSize: c.hiddenSize,
    numLayers: c.numHiddenLayers,
    vocabSize: c.vocabSize,
  };
}

export interface SavePromptOptions {
  backbone: BackboneFingerprint;
  task?: string;
  steps?: number;
  devScore?: number;
  devMetric?: string;
  /** Task-head parameters trained with the prompt (e.g. `model.head.params`). */
  head?: Map<string, tf.Variable | tf.Tensor>;
  extra?: Record<string, unknown>;
}

/**
 * Save a prompt into folder `dir` (created; an existing one is replaced). Atomic: both files are
 * written (fsync) into a sibling temp folder that then replaces `dir`, so a crash leaves the old
 * artifact or the new one, never a mix.
 */
export async function savePrompt(dir: string, prompt: SoftPrompt, options: SavePromptOptions): Promise<void> {
  const b = options.backbone;
  if (!b || typeof b.hash !== 'string' || !b.hash.startsWith('sha256:'))
    throw new PromptConfigError('backbone', 'needs a fingerprint from backboneFingerprint(model, name)');
  if (prompt.hiddenSize !== b.hiddenSize)
    throw new PromptMismatchError(
      'hiddenSize',
      `prompt has hidden size ${prompt.hiddenSize}, backbone ${b.name} has ${b.hiddenSize}`,
    );
  if (prompt.mode === 'prefix' && prompt.numLayers !== b.numLayers)
    throw new PromptMismatchError(
      'numLayers',
      `prefix has ${prompt.numLayers} layers, backbone ${b.name} has ${b.numLayers}`,
    );
  for (const [k, v] of Object.entries({ steps: options.steps, devScore: options.devScore }))
    if (v !== undefined && !Number.isFinite(v))
      throw new PromptConfigError(k, `must be a finite number, got ${v}`);
  const data = prompt.toData();
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>([[prompt.parameterName, data]]);
  const headNames: string[] = [];
  for (const [k, v] of options.head ?? []) {
    tensors.set(`${HEAD_PREFIX}${k}`, { shape: [...v.shape], data: Float32Array.from(v.dataSync()) });
    headNames.push(k);
  }
  const meta: PromptMetadata = {
    format: PROMPT_FORMAT,
    mode: prompt.mode,
    numVirtualTokens: prompt.numVirtualTokens,
    hiddenSize: prompt.hiddenSize,
    numLayers: prompt.numLayers ?? null,
    shape: data.shape,
    init: prompt.init,
    backbone: { ...b },
    task: options.task ?? null,
    steps: options.steps ?? null,
    devScore: options.devScore ?? null,
    devMetric: options.devMetric ?? null,
    head: headNames.sort(),
    createdAt: new Date().toISOString(),
    extra: options.extra ?? {},
  };
  const { path } = await nodeIo();
  // Built in a temp sibling, fsynced, then swapped in: a crash leaves the old prompt or the new one.
  await writeDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(
      path.join(tmp, PROMPT_WEIGHTS_FILE),
      writeSafetensors(tensors, { format: PROMPT_FORMAT, backbone_hash: b.hash, mode: prompt.mode }),
    );
    await writeFileAtomic(path.join(tmp, PROMPT_CONFIG_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  });
}

export interface LoadPromptOptions {
  /**
   * The backbone the prompt will be used with. Its hidden size (and, for prefixes, layer count)
   * must match, else `PromptMismatchError`; so must its hash unless `allowBackboneMismatch`.
   */
  backbone?: BackboneFingerprint;
  /** Accept a prompt trained on another backbone of the same sizes (default false). */
  allowBackboneMismatch?: boolean;
}

export interface LoadedPrompt {
  prompt: PromptTensorData;
  metadata: PromptMetadata;
  /** Task-head tensors saved with the prompt (by parameter name; empty when none). */
  head: Map<string, SafeTensor>;
}

/** Load a prompt saved by `savePrompt`, checking it against `options.backbone`. */
export async function loadPrompt(dir: string, options: LoadPromptOptions = {}): Promise<LoadedPrompt> {
  const { fs, path } = await nodeIo();
  // `dir`, or the previous complete save when one was interrupted between its two renames.
  dir = (await resolveAtomicDir(dir, PROMPT_CONFIG_FILE)) ?? dir;
  const read = async (file: string) => {
    try {
      return await fs.readFile(path.join(dir, file));
    } catch (e) {
      throw new PromptArtifactError(file, `cannot read it in ${dir} (${(e as Error).message})`, { cause: e });
    }
  };
  let meta: PromptMetadata;
  try {
    meta = JSON.parse(new TextDecoder().decode(await read(PROMPT_CONFIG_FILE)));
  } catch (e) {
    if (e instanceof PromptArtifactError) throw e;
    throw new PromptArtifactError(PROMPT_CONFIG_FILE, `is not valid JSON (${(e as Error).message})`);
  }
  if (meta?.format !== PROMPT_FORMAT)
    throw new PromptArtifactError(
      PROMPT_CONFIG_FILE,
      `format ${JSON.stringify(meta?.format)} is not ${PROMPT_FORMAT}`,
    );
  if ((meta.mode !== 'prompt' && meta.mode !== 'prefix') || !meta.backbone || !Array.isArray(meta.shape))
    throw new PromptArtifactError(PROMPT_CONFIG_FILE, 'lacks mode, shape or backbone');
  let tensors: Map<string, SafeTensor>;
  try {
    tensors = readSafetensors(new Uint8Array(await read(PROMPT_WEIGHTS_FILE)));
  } catch (e) {
    if (e instanceof PromptArtifactError) throw e;
    throw new PromptArtifactError(PROMPT_WEIGHTS_FILE, (e as Error).message, { cause: e });
  }
  const name = meta.mode === 'prompt' ? 'prompt_embeddings' : 'prefix_key_values';
  const t = tensors.get(name);
  if (!t) throw new PromptArtifactError(PROMPT_WEIGHTS_FILE, `has no tensor ${name}`);
  if (t.shape.join(',') !== meta.shape.join(','))
    throw new PromptArtifactError(
      PROMPT_WEIGHTS_FILE,
      `tensor ${name} has shape [${t.shape}] but ${PROMPT_CONFIG_FILE} says [${meta.shape}]`,
    );
  const b = options.backbone;
  if (b) {
    if (meta.hiddenSize !== b.hiddenSize)
      throw new PromptMismatchError(
        'hiddenSize',
        `prompt in ${dir} has hidden size ${meta.hiddenSize} (backbone ${meta.backbone.name}), ` +
          `backbone ${b.name} has ${b.hiddenSize}`,
      );
    if (meta.mode === 'prefix' && meta.numLayers !== b.numLayers)
      throw new PromptMismatchError(
        'numLayers',
        `prefix in ${dir} is for ${meta.numLayers} layers, backbone ${b.name} has ${b.numLayers}`,
      );
    if (meta.backbone.hash !== b.hash && !options.allowBackboneMismatch)
      throw new PromptMismatchError(
        'backbone.hash',
        `prompt in ${dir} was trained on ${meta.backbone.name} (${meta.backbone.hash}); this backbone ` +
          `${b.name} has ${b.hash}. Pass allowBackboneMismatch: true to use it anyway`,
      );
  }
  const head = new Map<string, SafeTensor>();
  for (const [k, v] of tensors) if (k.startsWith(HEAD_PREFIX)) head.set(k.slice(HEAD_PREFIX.length), v);
  return { prompt: { shape: [...t.shape], data: t.data }, metadata: meta, head };
}
