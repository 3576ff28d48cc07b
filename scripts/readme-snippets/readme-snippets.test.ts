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

/** The source files that make up a package's public entries (following local `export *`). */
function barrelText(pkgDir: string): string {
  const seen = new Set<string>();
  const visit = (file: string): string => {
    if (seen.has(file) || !existsSync(file)) return '';
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const starred = [...text.matchAll(/export \* from '(\.[^']+)\.js'/g)].map((m) =>
      join(file, '..', `${m[1]}.ts`),
    );
    return [text, ...starred.map(visit)].join('\n');
  };
  return ['index.ts', 'node/index.ts', 'node.ts', 'browser.ts']
    .map((f) => visit(join(pkgDir, 'src', f)))
    .join('\n');
}

/**
 * The export names an "API at a glance" section claims: the code spans of each table row's first
 * cell, and the code spans a list item starts with. `Obj.method(args)` claims `Obj|method`: either
 * may be the export (`SoftPrompt.create`, `Cls.fromPretrained`).
 */
function claimedExports(section: string): string[] {
  const names: string[] = [];
  for (const line of section.split('\n')) {
    const row = /^\|(.*?)(?<!\\)\|/.exec(line);
    const item = /^- ((?:`[^`]+`(?:\s*[,/]\s*|\s+)?)+)/.exec(line);
    const head = row?.[1] ?? item?.[1];
    if (!head || /^\s*-+\s*$/.test(head)) continue;
    for (const [, code] of head.matchAll(/`([^`]+)`/g)) {
      const id = /^([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?(?:\(|<|$)/.exec(code);
      if (id) names.push(id[2] ? `${id[1]}|${id[2]}` : id[1]);
    }
  }
  return names;
}

describe('README contents', () => {
  it('claimedExports reads table rows and list items', () => {
    const md = [
      '| export | what |',
      '| --- | --- |',
      '| `train(options)`, `TrainOptions` | the loop |',
      "| `Cls.fromPretrained(id)` (`/node`) | `'auto'` is not claimed |",
      '- `savePrompt` / `loadPrompt`: artifacts, `notClaimed`',
      '- `SoftPrompt.create(encoder)`: a prompt for `train()`',
      '- Errors: `NotClaimedEither`',
    ].join('\n');
    expect(claimedExports(md)).toEqual([
      'train',
      'TrainOptions',
      'Cls|fromPretrained',
      'savePrompt',
      'loadPrompt',
      'SoftPrompt|create',
    ]);
  });

  it.each(packageReadmes.map((f) => [relative(root, f), f] as const))(
    '%s: install line, and an API at a glance naming only real exports',
    (_, file) => {
      const dir = join(file, '..');
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const md = readFileSync(file, 'utf8');
      expect(md).toContain(`npm install ${name}`);
      const at = md.indexOf('\n## API at a glance\n');
      expect(at, 'an "## API at a glance" section').toBeGreaterThanOrEqual(0);
      const end = md.indexOf('\n## ', at + 1);
      const claimed = claimedExports(md.slice(at, end < 0 ? undefined : end));
      expect(claimed.length).toBeGreaterThan(0);
      const barrels = barrelText(dir);
      const exported = (n: string) => new RegExp(`\\b${n.replace('$', '\\$')}\\b`).test(barrels);
      const unknown = claimed.filter((c) => !c.split('|').some(exported));
      expect(unknown, 'names in the API at a glance that the package does not export').toEqual([]);
    },
  );
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
