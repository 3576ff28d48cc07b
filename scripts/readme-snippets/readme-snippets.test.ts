// Every code block marked runnable in a README (```ts runnable, ```js runnable) runs as written
// against the built packages (`npm run build` first): each in its own empty temp folder (its cwd,
// so files it writes land there), as an ES module through tsx, resolving packages from the repo.
// Blocks that are fragments (`B`, `T` undefined, paths to your own data) are not marked runnable.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

interface Snippet {
  file: string;
  line: number;
  lang: 'ts' | 'js';
  code: string;
}

/** The runnable blocks of a Markdown text: fenced with ```ts runnable or ```js runnable. */
function runnableBlocks(markdown: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(ts|typescript|js|javascript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const end = lines.findIndex((l, j) => j > i && l.trimStart().startsWith(fence) && l.trim() === fence);
    if (end < 0) throw new Error(`${file}:${i + 1}: code block is not closed`);
    if (/\brunnable\b/.test(open[4]))
      out.push({
        file,
        line: i + 1,
        lang: lang.startsWith('t') ? 'ts' : 'js',
        code: lines
          .slice(i + 1, end)
          .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
          .join('\n'),
      });
    i = end;
  }
  return out;
}

/** README of every published package (private ones, like test-utils, are not installed by anyone). */
const packageReadmes = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .filter((d) => !JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')).private)
  .map((d) => join(root, 'packages', d, 'README.md'));
const readmes = [join(root, 'README.md'), ...packageReadmes].filter(existsSync);
const snippets = readmes.flatMap((f) => runnableBlocks(readFileSync(f, 'utf8'), relative(root, f)));

describe('runnableBlocks', () => {
  it('finds only blocks marked runnable, with their line and language', () => {
    const md = [
      '# x',
      '```ts runnable',
      'a();',
      '```',
      '```ts',
      'b();',
      '```',
      '  ```js runnable',
      '  c();',
      '  ```',
    ].join('\n');
    expect(runnableBlocks(md, 'X.md')).toEqual([
      { file: 'X.md', line: 2, lang: 'ts', code: 'a();' },
      { file: 'X.md', line: 8, lang: 'js', code: 'c();' },
    ]);
  });
});

describe('README snippets run as written', () => {
  it('every package README has at least one runnable block', () => {
    const without = packageReadmes.filter((f) => !snippets.some((s) => s.file === relative(root, f)));
    expect(without.map((f) => relative(root, f))).toEqual([]);
  });

  it.concurrent.each(snippets.map((s) => [`${s.file}:${s.line}`, s] as const))('%s', async (_, s) => {
    const dir = mkdtempSync(join(tmpdir(), 'selfevo-readme-'));
    try {
      // Packages resolve from the repository (workspace links to the built packages).
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
      const file = join(dir, `snippet.${s.lang === 'ts' ? 'ts' : 'mjs'}`);
      writeFileSync(file, s.code);
      await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: dir,
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        timeout: 110_000,
      }).catch((e: Error & { stdout?: string; stderr?: string }) => {
        // The tail only: a crash inside a wasm module prints the whole minified module first.
        const tail = (t = '') => t.split('\n').slice(-25).join('\n').slice(-4000);
        throw new Error(
          `${s.file}:${s.line} failed:\n${tail(e.stderr || e.message)}\n--- stdout ---\n${tail(e.stdout)}`,
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
