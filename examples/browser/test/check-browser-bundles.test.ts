// The CI check `.ci/check-browser-bundles.mjs` on tiny packages made for the test: it passes a clean
// one (and a Node built-in mapped away by a `browser` field), and fails, naming the package and the
// import chain, once a Node import is added to a browser entry; budgets come from a README table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { checkBundles, formatTable, readBudgets } from '../../../.ci/check-browser-bundles.mjs';

type Check = (o: {
  root: string;
  packages: { name: string; external: string[] }[];
  budgets?: Map<string, number>;
}) => Promise<{ rows: { name: string; minified: number; gzip: number }[]; problems: string[] }>;
const check = checkBundles as Check;

const root = mkdtempSync(join(tmpdir(), 'selfevo-bundle-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function pkg(name: string, files: Record<string, string>, manifest: Record<string, unknown> = {}): void {
  write(
    `node_modules/${name}/package.json`,
    JSON.stringify({ name, type: 'module', main: 'index.js', ...manifest }),
  );
  for (const [file, text] of Object.entries(files)) write(`node_modules/${name}/${file}`, text);
}

pkg('@t/clean', {
  'index.js': "import { helper } from './helper.js';\nexport const f = (x) => helper(x) * 2;\n",
  'helper.js': 'export const helper = (x) => x + 1;\n',
});
// A Node import added to the browser entry, two files deep.
pkg('@t/leaky', {
  'index.js': "export { load } from './io.js';\n",
  'io.js': "import { readFileSync } from 'node:fs';\nexport const load = (p) => readFileSync(p, 'utf8');\n",
});
// The same import, mapped away for browsers by the package's `browser` field: allowed.
pkg(
  '@t/mapped',
  { 'index.js': "import fs from 'fs';\nexport const hasFs = () => fs !== undefined;\n" },
  { browser: { fs: false } },
);
// A conditional export: Node code under `default`, a clean build under `browser`.
pkg(
  '@t/conditional',
  {
    'node.js': "import 'node:path';\nexport const where = 'node';\n",
    'browser.js': "export const where = 'browser';\n",
  },
  { exports: { '.': { browser: './browser.js', default: './node.js' } } },
);

describe('check-browser-bundles', () => {
  it('passes clean, mapped and conditional packages, with sizes', async () => {
    const { rows, problems } = await check({
      root,
      packages: ['@t/clean', '@t/mapped', '@t/conditional'].map((name) => ({ name, external: [] })),
    });
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(['@t/clean', '@t/mapped', '@t/conditional']);
    for (const r of rows) expect(r.gzip).toBeGreaterThan(0);
    expect(formatTable(rows)).toMatch(/\| `@t\/clean` \| 0\.\d \| 0\.\d \| — \|/);
  });

  it('fails once a Node import is in a browser entry, naming the package and the import chain', async () => {
    const { problems } = await check({ root, packages: [{ name: '@t/leaky', external: [] }] });
    expect(problems).toEqual([
      "@t/leaky: Node built-in 'node:fs' imported via node_modules/@t/leaky/index.js → node_modules/@t/leaky/io.js".replace(
        /node_modules\//g,
        '',
      ),
    ]);
  });

  it('enforces the README budgets, and a package without one', async () => {
    const readme = [
      '# x',
      '## Browser bundles',
      '| package | minified kB | gzip kB | budget (gzip kB) |',
      '| --- | ---: | ---: | ---: |',
      '| `@t/clean` | 0.1 | 0.1 | 0.001 |',
      '## Next',
      '| `@t/mapped` | 1 | 1 | 9 |',
    ].join('\n');
    const budgets = readBudgets(readme) as Map<string, number>;
    expect([...budgets]).toEqual([['@t/clean', 0.001]]);
    const { problems } = await check({
      root,
      budgets,
      packages: [
        { name: '@t/clean', external: [] },
        { name: '@t/mapped', external: [] },
      ],
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^@t\/clean: 0\.\d kB gzip is over its budget of 0\.001 kB$/);
    expect(problems[1]).toBe('@t/mapped: no size budget in README "Browser bundles"');
    expect(() => readBudgets('# no section')).toThrow(/Browser bundles/);
  });
});
