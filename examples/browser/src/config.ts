// What the page loads and how it trains. The model is one constant: a folder in Hugging Face layout
// (config.json, model.safetensors, vocab.txt or tokenizer.json). The dev server serves the project's
// pretrained @selfevo/encoder-mini-gutenberg there (vite.config.ts; SELFEVO_MODEL_DIR picks another
// folder, e.g. the shared tiny fixture the end-to-end test uses).
export const MODEL_URL = 'model/';

/** SuperGLUE CB, served from SELFEVO_DATA by the dev server (never copied into the app). */
export const DATA_URL = 'data/CB/';

export interface Settings {
  /** Optimizer steps of a run. */
  steps: number;
  batchSize: number;
  /** Peak learning rate (linear warmup over the first 10%, then linear decay). */
  lr: number;
  /** Tokens per premise + hypothesis pair ([CLS] and [SEP]s included). */
  maxLength: number;
  /** Dev score every this many steps (and at the end). */
  evalEvery: number;
  /** A checkpoint to IndexedDB every this many steps (and at the end, and at a new best dev score). */
  saveEvery: number;
  seed: number;
  /** 'auto' (WebGPU, else wasm), or forced. */
  backend: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  /** Start training once loaded (the end-to-end test sets it). */
  autostart: boolean;
}

export const DEFAULTS: Settings = {
  steps: 60,
  batchSize: 8,
  lr: 1e-3,
  maxLength: 64,
  evalEvery: 20,
  saveEvery: 10,
  seed: 42,
  backend: 'auto',
  autostart: false,
};

/** Settings from the page's query string (`?steps=20&backend=wasm&autostart=1`), checked. */
export function settingsFrom(search: string): Settings {
  const q = new URLSearchParams(search);
  const s: Settings = { ...DEFAULTS };
  const int = (
    key: 'steps' | 'batchSize' | 'maxLength' | 'evalEvery' | 'saveEvery' | 'seed',
    min: number,
    max: number,
  ) => {
    const v = q.get(key);
    if (v === null) return;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`?${key}=${v}: expected an integer in [${min}, ${max}]`);
    s[key] = n;
  };
  int('steps', 1, 100_000);
  int('batchSize', 1, 256);
  int('maxLength', 8, 512);
  int('evalEvery', 1, 100_000);
  int('saveEvery', 1, 100_000);
  int('seed', 0, 2 ** 31 - 1);
  const lr = q.get('lr');
  if (lr !== null) {
    const n = Number(lr);
    if (!(n > 0 && n < 1)) throw new Error(`?lr=${lr}: expected a number in (0, 1)`);
    s.lr = n;
  }
  const backend = q.get('backend');
  if (backend !== null) {
    if (!['auto', 'webgpu', 'wasm', 'cpu'].includes(backend))
      throw new Error(`?backend=${backend}: auto, webgpu, wasm or cpu`);
    s.backend = backend as Settings['backend'];
  }
  s.autostart = q.get('autostart') === '1';
  return s;
}
