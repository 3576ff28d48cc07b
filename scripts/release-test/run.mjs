#!/usr/bin/env node
// `npm run test:release`: publish every package to a private registry and install them à la carte,
// the way a user would.
//
// 1. Starts verdaccio on 127.0.0.1 (no uplinks; storage, config and auth in a temp folder).
// 2. `npm run release -- --no-git-tag` against it (npm_config_registry): build, checks,
//    `changeset publish`. SELFEVO_RELEASE_SKIP_BUILD=1 (local runs on a tree already built and
//    checked) runs only `changeset publish`.
// 3. In empty temp folders outside the repository, installs one set of packages at a time —
//    @selfevo/superglue-eval alone, @selfevo/tokenizer alone, @selfevo/encoder-model with
//    @selfevo/backend, and @selfevo/backend beside vitest 3 and esbuild 0.25 — with `@selfevo:registry`
//    pointing at verdaccio and everything else at the normal registry. For each: a plain Node ESM
//    script, a CommonJS script (require(esm)), and TypeScript files type-checked with
//    moduleResolution node16 and bundler (and a .cts under module node20), strict, skipLibCheck off,
//    no @types/node. The encoder runs one training step on wasm, its native GEMM built by the
//    approved install script (`allowScripts`).
// 4. The version flow: `npm run version` on a copy of the workspace manifests with one changeset
//    (./version-flow.mjs): bumps, changelogs, caret ranges of the new versions, the lockfile.
// SELFEVO_RELEASE_SCENARIOS=eval,tokenizer,encoder,beside,version picks scenarios (default: all, in
// parallel); `version` alone needs neither the registry nor a build.
// Leaves no server running and no temp files (also on failure or Ctrl-C).
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versionFlow } from './version-flow.mjs';

const root = join(import.meta.dirname, '..', '..');
const consumers = join(import.meta.dirname, 'consumers');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const t0 = Date.now();
const log = (msg) =>
  console.log(`[release-test ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${msg}`);

const work = mkdtempSync(join(tmpdir(), 'selfevo-release-test-'));
let server;

/** Run a command; resolves with its output, rejects (with the output) on a non-zero exit. */
/** Commands still running: on a failure the other scenarios' installs are stopped before cleanup. */
const running = new Set();

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopping it also stops what it started (node-gyp, vitest workers).
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      running.delete(child) && code === 0
        ? resolve(out)
        : reject(
            new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd ?? root}) exited ${code}:\n${out.trim()}`),
          ),
    );
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startVerdaccio() {
  const port = await freePort();
  const dir = join(work, 'verdaccio');
  mkdirSync(dir);
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `storage: ${join(dir, 'storage')}
auth:
  htpasswd:
    file: ${join(dir, 'htpasswd')}
    max_users: 1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
# Packages that ship model weights (encoder-mini-gutenberg) are larger than the default 10 MB.
max_body_size: 1gb
log: { type: stdout, format: pretty, level: warn }
`,
  );
  const url = `http://127.0.0.1:${port}/`;
  server = spawn(
    process.execPath,
    [join(root, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '-c', config, '-l', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  server.stderr.on('data', (d) => (out += d));
  for (let i = 0; ; i++) {
    if (server.exitCode != null) throw new Error(`verdaccio exited ${server.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {}
    if (i > 300) throw new Error(`verdaccio did not start in 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // A user for publishing (htpasswd, created through the registry API like `npm adduser`).
  const res = await fetch(`${url}-/user/org.couchdb.user:release-test`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release-test', password: 'release-test-password' }),
  });
  const { token } = await res.json();
  if (!res.ok || !token) throw new Error(`verdaccio did not create the publishing user (${res.status})`);
  const host = `//127.0.0.1:${port}/`;
  return { url, host, token };
}

async function stopVerdaccio() {
  if (!server || server.exitCode != null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function release(reg) {
  const npmrc = join(work, 'publish.npmrc');
  writeFileSync(npmrc, `${reg.host}:_authToken=${reg.token}\n`);
  const env = { ...process.env, npm_config_registry: reg.url, npm_config_userconfig: npmrc };
  if (process.env.SELFEVO_RELEASE_SKIP_BUILD === '1') {
    // A tree built and checked already (npm run build, npm run check:publish): publish only.
    await run('npx', ['changeset', 'publish', '--no-git-tag'], {
      cwd: root,
      env: { ...env, npm_config_ignore_scripts: 'true' },
    });
  } else await run('npm', ['run', 'release', '--', '--no-git-tag'], { cwd: root, env });
  const scope = join(work, 'verdaccio', 'storage', '@selfevo');
  return existsSync(scope) ? readdirSync(scope).map((n) => `@selfevo/${n}`) : [];
}

/** An empty consumer project: @selfevo from verdaccio, the rest from the usual registry. */
function project(name, reg, extra = {}) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module', ...extra }, null, 2)}\n`,
  );
  // Only the @selfevo scope comes from the private registry. npm_config_registry of the publish
  // step is not inherited: third-party packages come from the registry the machine normally uses.
  writeFileSync(join(dir, '.npmrc'), `@selfevo:registry=${reg.url}\n`);
  return dir;
}

const cleanEnv = () => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_(registry|userconfig)$/i.test(k)) delete env[k];
  return env;
};

/** Bytes under `path` (files only, symlinks not followed). */
function du(path) {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  return readdirSync(path).reduce((n, e) => n + du(join(path, e)), 0);
}

async function install(dir, specs) {
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...specs], {
    cwd: dir,
    env: cleanEnv(),
  });
  const mb = (n) => `${(n / 2 ** 20).toFixed(2)} MB`;
  const scope = join(dir, 'node_modules', '@selfevo');
  const own = readdirSync(scope).map((n) => `${n} ${mb(du(join(scope, n)))}`);
  log(
    `installed ${specs.join(' ')}: node_modules ${mb(du(join(dir, 'node_modules')))} in all; ${own.join(', ')}`,
  );
}

/**
 * ESM and CJS scripts run; the .ts checked under node16 and bundler, the .cts under node20 —
 * strict, with the .d.ts of every installed package checked too (`skipLibCheck: false`) and no
 * `@types/node` installed: the types must stand on their own.
 */
async function check(dir, base) {
  if (existsSync(join(dir, 'node_modules', '@types', 'node')))
    throw new Error(
      `${base}: @types/node got installed, so the type check would not show types that need it`,
    );
  for (const f of [`${base}.mjs`, `${base}.cjs`, `${base}.ts`, `${base}.cts`])
    copyFileSync(join(consumers, f), join(dir, f));
  const results = [];
  for (const f of [`${base}.mjs`, `${base}.cjs`]) {
    const out = await run(process.execPath, [f], { cwd: dir, env: cleanEnv() });
    results.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const strict = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2022', 'dom'],
  };
  const configs = {
    node16: { ...strict, module: 'node16', moduleResolution: 'node16', files: `${base}.ts` },
    bundler: { ...strict, module: 'esnext', moduleResolution: 'bundler', files: `${base}.ts` },
    'node20-cjs': { ...strict, module: 'node20', moduleResolution: 'node16', files: `${base}.cts` },
  };
  for (const [name, { files, ...compilerOptions }] of Object.entries(configs)) {
    const file = join(dir, `tsconfig.${name}.json`);
    writeFileSync(file, JSON.stringify({ compilerOptions, files: [files] }));
    await run(process.execPath, [tsc, '-p', file], { cwd: dir }).catch((e) => {
      throw new Error(`TypeScript (${name}) rejects ${files}:\n${e.message}`);
    });
  }
  return results;
}

async function main() {
  log(`work folder ${work}`);
  const wanted = process.env.SELFEVO_RELEASE_SCENARIOS?.split(',');
  const chosen = Object.entries(scenarios).filter(([name]) => !wanted || wanted.includes(name));
  let reg;
  if (chosen.some(([name]) => name !== 'version')) {
    reg = await startVerdaccio();
    log(`verdaccio on ${reg.url} (no uplinks)`);
    const published = await release(reg);
    log(`published ${published.length} packages: ${published.join(', ')}`);
  }
  // The scenarios are independent (own folder, own install): they run side by side.
  await Promise.all(chosen.map(([, scenario]) => scenario(reg)));
}

const scenarios = {
  async eval(reg) {
    const dir = project('eval', reg);
    await install(dir, ['@selfevo/superglue-eval']);
    const r = await check(dir, 'eval');
    const bin = join(dir, 'node_modules', '.bin', 'selfevo-superglue');
    const version = (await run(bin, ['--version'], { cwd: dir })).trim();
    if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`selfevo-superglue --version printed ${version}`);
    log(`@selfevo/superglue-eval alone: ${JSON.stringify(r)}, CLI --version ${version}`);
  },
  async tokenizer(reg) {
    const dir = project('tokenizer', reg);
    await install(dir, ['@selfevo/tokenizer']);
    log(`@selfevo/tokenizer alone: ${JSON.stringify(await check(dir, 'tokenizer'))}`);
  },
  async encoder(reg) {
    // The consumer approves native-gemm's install script, as npm 11 asks (`npm install-scripts approve`).
    const dir = project('encoder', reg, { allowScripts: { '@selfevo/native-gemm': true } });
    await install(dir, ['@selfevo/encoder-model', '@selfevo/backend']);
    copyFileSync(join(consumers, 'train-step.cjs'), join(dir, 'train-step.cjs'));
    const r = await check(dir, 'encoder');
    // Where CI demands the native GEMM, it must have been built from the published tarball too.
    if (
      process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1' &&
      !r.every((x) => /matMuls on the native GEMM/.test(x.reason))
    )
      throw new Error(`the installed native GEMM is not in use: ${r.map((x) => x.reason).join(' | ')}`);
    log(`@selfevo/encoder-model + @selfevo/backend: ${JSON.stringify(r)}`);
  },
  async beside(reg) {
    const dir = project('beside', reg);
    await install(dir, ['@selfevo/backend', 'vitest@3', 'esbuild@0.25']);
    copyFileSync(join(consumers, 'beside.test.mjs'), join(dir, 'beside.test.mjs'));
    await run(join(dir, 'node_modules', '.bin', 'vitest'), ['run'], { cwd: dir, env: cleanEnv() });
    log('@selfevo/backend beside vitest 3 and esbuild 0.25: installs (no ERESOLVE) and runs under vitest 3');
  },
  async version() {
    const dir = join(work, 'version');
    mkdirSync(dir);
    log(`npm run version: ${await versionFlow({ root, dir, run, env: cleanEnv() })}`);
  },
};

let failed = false;
/** Stop every command still running (whole process groups), waiting until they are gone. */
async function stopRunning() {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode != null || child.signalCode != null) return resolve();
          child.once('close', resolve);
          const kill = (sig) => {
            try {
              process.kill(-child.pid, sig);
            } catch {}
          };
          kill('SIGTERM');
          setTimeout(() => kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

const cleanup = async () => {
  await stopRunning();
  await stopVerdaccio();
  rmSync(work, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, async () => {
    await cleanup();
    process.exit(130);
  });
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`[release-test] FAILED: ${e.message}`);
} finally {
  await cleanup();
}
log(failed ? 'failed' : 'passed; verdaccio stopped, temp folders removed');
process.exit(failed ? 1 : 0);
