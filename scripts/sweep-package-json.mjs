// One-off sweep over packages/*/package.json (kept because it is idempotent and reusable when a
// package is added): exports conditions "import" -> "default" (types first) so that require()
// works through Node's require(esm); engines.node >= 20.19 (require(esm) unflagged); internal
// @selfevo dependencies as caret ranges; keywords, homepage, bugs, repository metadata;
// `typesVersions` for every typed subpath export (TypeScript's node10 resolution ignores
// `exports`); `prepack` that builds the package and what it depends on (turbo), so that `npm pack`
// or `npm publish` in a fresh clone never ships a package without dist.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const REPO = 'https://github.com/selfevo/selfevo';
const ENGINES = '>=20.19';
const KEYWORDS = {
  backend: ['tensorflow.js', 'tfjs', 'backend', 'wasm', 'webgpu', 'gpu'],
  'backend-node-gpu': ['tensorflow.js', 'tfjs', 'tfjs-node-gpu', 'cuda', 'backend'],
  'backend-wasm': ['tensorflow.js', 'tfjs', 'wasm', 'webassembly', 'backend', 'gemm'],
  'backend-webgpu': ['tensorflow.js', 'tfjs', 'webgpu', 'browser', 'backend'],
  'encoder-model': ['bert', 'roberta', 'encoder', 'transformer', 'tensorflow.js', 'safetensors', 'adamw'],
  'native-gemm': ['gemm', 'matmul', 'avx512', 'avx2', 'simd', 'webassembly', 'native'],
  'prompt-transfer': [
    'prompt tuning',
    'soft prompt',
    'spot',
    'distillation',
    'transfer learning',
    'tensorflow.js',
  ],
  'self-evolution-masking': [
    'self-evolution',
    'masked language model',
    'masking',
    'whole word masking',
    'span masking',
    'tensorflow.js',
  ],
  'smooth-label-loss': ['label smoothing', 'loss', 'cross-entropy', 'distillation', 'tensorflow.js'],
  'superglue-datasets': ['superglue', 'dataset', 'jsonl', 'nlp', 'benchmark'],
  tokenizer: ['tokenizer', 'wordpiece', 'bpe', 'huggingface', 'tokenizer.json', 'nlp'],
  trainer: [
    'training loop',
    'trainer',
    'tensorflow.js',
    'checkpoint',
    'early stopping',
    'gradient accumulation',
  ],
};

const setDeps = (deps) => {
  if (!deps) return deps;
  for (const [name, range] of Object.entries(deps)) {
    if (name.startsWith('@selfevo/') && /^\d+\.\d+\.\d+$/.test(range)) deps[name] = `^${range}`;
  }
  return deps;
};

const conditions = (entry) => {
  if (typeof entry === 'string') return entry;
  const out = {};
  if (entry.types) out.types = entry.types;
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'types') continue;
    out[k === 'import' && !('default' in entry) ? 'default' : k] = v;
  }
  return out;
};

/** Rebuild the object with `key` placed after `after` when it is new (stable, readable order). */
const put = (obj, key, value, after) => {
  if (key in obj) {
    obj[key] = value;
    return obj;
  }
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  if (!(key in out)) out[key] = value;
  return out;
};

const edit = (file, fn) => {
  const text = readFileSync(file, 'utf8');
  const next = `${JSON.stringify(fn(JSON.parse(text)), null, 2)}\n`;
  if (next !== text) writeFileSync(file, next);
  return next !== text;
};

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', dir, 'package.json');
  const changed = edit(file, (p) => {
    if (p.exports) for (const k of Object.keys(p.exports)) p.exports[k] = conditions(p.exports[k]);
    p.engines = { ...p.engines, node: ENGINES };
    for (const f of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'])
      setDeps(p[f]);
    const typed = Object.entries(p.exports ?? {}).filter(
      ([k, v]) => k !== '.' && !k.includes('*') && typeof v === 'object' && v.types,
    );
    if (typed.length > 0) {
      const map = Object.fromEntries(typed.map(([k, v]) => [k.slice(2), [v.types]]));
      p = put(p, 'typesVersions', { '*': map }, 'types');
    } else delete p.typesVersions;
    if (!p.private && p.scripts?.build) {
      p.scripts = put(
        p.scripts,
        'prepack',
        `turbo run build --filter=${p.name} --output-logs=errors-only`,
        'build',
      );
    }
    if (!p.private) {
      if (!p.keywords && KEYWORDS[dir]) p = put(p, 'keywords', KEYWORDS[dir], 'license');
      p = put(p, 'homepage', `${REPO}/tree/main/packages/${dir}#readme`, p.keywords ? 'keywords' : 'license');
      p = put(p, 'bugs', { url: `${REPO}/issues` }, 'homepage');
      p = put(p, 'repository', { type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` }, 'bugs');
    }
    return p;
  });
  console.log(`${changed ? 'updated ' : 'unchanged'} packages/${dir}/package.json`);
}
edit(join(root, 'package.json'), (p) => ({ ...p, engines: { ...p.engines, node: ENGINES } }));
for (const dir of readdirSync(join(root, 'examples'))) {
  if (!existsSync(join(root, 'examples', dir, 'package.json'))) continue;
  edit(join(root, 'examples', dir, 'package.json'), (p) => {
    for (const f of ['dependencies', 'devDependencies']) setDeps(p[f]);
    if (p.engines) p.engines.node = ENGINES;
    return p;
  });
}
