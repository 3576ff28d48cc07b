// Running example scripts as a user does: `npx tsx <script>` in a scratch folder that links to the
// repository's examples/ and node_modules/. When the base model's files are not installed, a tiny
// random stand-in with bert-base-uncased's vocabulary takes its place (SELFEVO_BASE_MODEL).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(examplesDir, '..');
const sharedDir = resolve(repoDir, '../shared');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bash -c command` in `cwd` (stdin closed), collecting both streams. */
export function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((ok, fail) => {
    const p = spawn('bash', ['-c', command], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', fail);
    p.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

/** A scratch folder with `examples` and `node_modules` linked from the repository. */
export async function scratch(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'selfevo-examples-'));
  await symlink(examplesDir, join(dir, 'examples'));
  await symlink(join(repoDir, 'node_modules'), join(dir, 'node_modules'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Environment for the scripts: the shared data and fixtures, and the base model (a stand-in built
 * into `dir` when @selfevo/encoder-mini-gutenberg's model files are absent).
 */
export async function scriptEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    SELFEVO_DATA: process.env.SELFEVO_DATA ?? join(sharedDir, 'data'),
    SELFEVO_FIXTURES: process.env.SELFEVO_FIXTURES ?? join(sharedDir, 'fixtures'),
    FORCE_COLOR: '0',
  };
  // The package's model/ folder, by path: importing the package here would load tfjs into vitest.
  const modelDir = join(repoDir, 'node_modules/@selfevo/encoder-mini-gutenberg/model');
  if (!process.env.SELFEVO_BASE_MODEL && !existsSync(join(modelDir, 'model.safetensors'))) {
    const standIn = join(dir, 'stand-in-base');
    const vocab = join(env.SELFEVO_DATA!, 'vocab', 'bert-base-uncased');
    const code = `
      import { useBackend } from '@selfevo/backend';
      import { BertForMaskedLM, makeConfig, savePretrained } from '@selfevo/encoder-model';
      await useBackend('cpu');
      const m = new BertForMaskedLM(makeConfig({ vocabSize: 30522, hiddenSize: 32, numHiddenLayers: 1,
        numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 128, padTokenId: 0 }), { seed: 1 });
      await savePretrained(m, ${JSON.stringify(standIn)}, { tokenizerDir: ${JSON.stringify(vocab)} });`;
    await writeFile(join(dir, 'stand-in.mjs'), code);
    const r = await sh('node stand-in.mjs', dir);
    if (r.code !== 0) throw new Error(`stand-in model: ${r.stderr}`);
    env.SELFEVO_BASE_MODEL = standIn;
  }
  return env;
}
