// A Vite plugin for the page's files that are not part of the app: the pretrained model and the
// SuperGLUE data are served from folders outside the repository (never copied into it or into the
// build), and tfjs-backend-wasm's .wasm binaries are served at the page root, where the wasm backend
// looks for them (and emitted into the build, for static hosting).
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';

const MODEL_FILES = new Set(['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer.json']);
const DATA_FILE = /^\/data\/(CB|RTE|BoolQ|COPA|WiC|WSC|MultiRC|AX-b|AX-g)\/([\w-]+\.jsonl)$/;
const WASM_FILE = /^\/(tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm)$/;

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
};

function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

function send(res: ServerResponse, file: string): void {
  const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': statSync(file).size,
    'cache-control': 'no-store',
  });
  res.end(readFileSync(file));
}

export interface FileFolders {
  /** The pretrained encoder folder (HF layout), served at /model/. */
  model: string;
  /** The SuperGLUE folder (`<TASK>/<split>.jsonl`), served at /data/. */
  data: string;
}

export function selfevoFiles(folders: FileFolders): Plugin {
  const wasm = wasmDir();
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file: string | null = null;
    if (path.startsWith('/model/')) {
      const name = path.slice('/model/'.length);
      if (MODEL_FILES.has(name)) file = join(folders.model, name);
    } else if (DATA_FILE.test(path)) {
      const [, task, name] = DATA_FILE.exec(path)!;
      file = join(folders.data, task, name);
    } else if (WASM_FILE.test(path)) file = join(wasm, WASM_FILE.exec(path)![1]);
    else return next();
    if (file && existsSync(file)) return send(res, file);
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
  };
  return {
    name: 'selfevo-files',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
    generateBundle() {
      for (const name of [
        'tfjs-backend-wasm.wasm',
        'tfjs-backend-wasm-simd.wasm',
        'tfjs-backend-wasm-threaded-simd.wasm',
      ])
        this.emitFile({ type: 'asset', fileName: name, source: readFileSync(join(wasm, name)) });
    },
  };
}
