import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { main } from './cli.js';

it('--version (and -v, version) prints the version of package.json and exits 0', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  for (const flag of ['--version', '-v', 'version']) {
    let out = '';
    let err = '';
    const code = await main(
      [flag],
      (s) => (out += s),
      (s) => (err += s),
    );
    expect({ code, out, err }).toEqual({ code: 0, out: `${version}\n`, err: '' });
  }
});
