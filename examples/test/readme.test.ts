// Every ```sh / ```ts block of examples/**/README.md runs as written, in one scratch folder, in
// folder order (a later step may use an earlier one's output, as a reader would). A block right
// after `<!-- not-run: reason -->` is skipped; the list of such blocks is checked here.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesDir, scratch, scriptEnv, sh } from './helpers.js';

interface Block {
  file: string;
  lang: 'sh' | 'ts';
  code: string;
  skip: string | null;
}

function blocks(): Block[] {
  const readmes = [
    'README.md',
    ...readdirSync(examplesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^(\d\d-|demo$)/.test(d.name))
      .map((d) => join(d.name, 'README.md'))
      .sort(),
  ];
  const out: Block[] = [];
  for (const file of readmes) {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    for (const m of text.matchAll(/(?:<!--\s*not-run:\s*(.*?)\s*-->\s*\n)?```(sh|ts)\n([\s\S]*?)```/g))
      out.push({ file, lang: m[2] as 'sh' | 'ts', code: m[3]!, skip: m[1] ?? null });
  }
  return out;
}

const all = blocks();
let dir: string;
let cleanup: () => Promise<void>;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  ({ dir, cleanup } = await scratch());
  env = await scriptEnv(dir);
});
afterAll(() => cleanup());

it('finds the blocks, and skips only the few that say why', () => {
  expect(all.length).toBeGreaterThanOrEqual(10);
  expect(all.filter((b) => b.skip).map((b) => `${b.file}: ${b.code.trim()}`)).toEqual([
    'demo/README.md: npm run demo',
  ]);
});

describe.each(all.filter((b) => !b.skip).map((b, i) => [`${b.file} #${i + 1}`, b] as const))('%s', (_, b) => {
  it('runs as written', async () => {
    let command = b.code;
    if (b.lang === 'ts') {
      const file = join(dir, `block-${all.indexOf(b)}.mts`); // .mts: an ES module (top-level await) without a package.json
      writeFileSync(file, b.code);
      command = `npx tsx ${file}`;
    }
    const r = await sh(`set -eo pipefail\n${command}`, dir, env);
    expect(r.code, `${b.code}\n${r.stdout}\n${r.stderr}`).toBe(0);
    if (b.file === 'demo/README.md') {
      expect(r.stdout).toMatch(/submission: .*submission\.zip — valid/);
      const report = readFileSync(join(dir, 'runs/demo-tiny/report.md'), 'utf8');
      for (const s of ['## SE continued pretraining', '### PANDA', '| CB |', '![SE loss curve]'])
        expect(report).toContain(s);
    }
  });
});
