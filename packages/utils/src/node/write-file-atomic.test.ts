import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempSibling, writeFileAtomic } from './write-file-atomic.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'selfevo-atomic-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The prototype of Node's FileHandle (the class itself is not exported). */
async function fileHandlePrototype(): Promise<{ sync(): Promise<void> }> {
  const fh = await open(join(dir, '.probe'), 'w');
  await fh.close();
  return Object.getPrototypeOf(fh);
}

describe('writeFileAtomic', () => {
  it('creates missing folders, replaces the old content and leaves no temp file', async () => {
    const p = join(dir, 'a', 'b', 'f.json');
    await writeFileAtomic(p, '{"v":1}');
    await writeFileAtomic(p, new TextEncoder().encode('{"v":2}'));
    expect(await readFile(p, 'utf8')).toBe('{"v":2}');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['f.json']);
  });

  it('writes chunks from a sync or async iterable in order', async () => {
    const p = join(dir, 'chunks.jsonl');
    await writeFileAtomic(p, ['a\n', new TextEncoder().encode('b\n'), 'é\n']);
    expect(await readFile(p, 'utf8')).toBe('a\nb\né\n');
    async function* lines() {
      for (let i = 0; i < 1000; i++) yield `${i}\n`;
    }
    await writeFileAtomic(p, lines());
    const text = await readFile(p, 'utf8');
    expect(text.split('\n').length).toBe(1001);
    expect(text.endsWith('998\n999\n')).toBe(true);
  });

  it('a failure mid-write keeps the old file intact and removes the temp file', async () => {
    const sub = join(dir, 'mid-write');
    const p = join(sub, 'data.txt');
    await writeFileAtomic(p, 'old content');
    async function* failing() {
      yield 'new content, first half';
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(p, failing())).rejects.toThrow('source broke');
    expect(await readFile(p, 'utf8')).toBe('old content');
    expect(await readdir(sub)).toEqual(['data.txt']);
  });

  it('removes the temp file when the rename fails', async () => {
    const sub = join(dir, 'rename-fails');
    const target = join(sub, 'is-a-folder');
    await mkdir(join(target, 'child'), { recursive: true }); // a file cannot replace a non-empty folder
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readdir(sub)).toEqual(['is-a-folder']);
  });

  it('fsyncs the file and its folder', async () => {
    const proto = await fileHandlePrototype();
    const sync = vi.spyOn(proto, 'sync');
    try {
      await writeFileAtomic(join(dir, 'synced.bin'), new Uint8Array([1, 2, 3]));
      expect(sync).toHaveBeenCalledTimes(2); // the temp file before the rename, the folder after it
    } finally {
      sync.mockRestore();
    }
  });

  it('a process killed mid-write leaves the old file', async () => {
    const sub = join(dir, 'killed');
    const p = join(sub, 'state.json');
    await writeFileAtomic(p, 'previous');
    const moduleUrl = new URL('./write-file-atomic.ts', import.meta.url).href;
    const script = join(sub, 'writer.mts');
    await writeFile(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(moduleUrl)};
async function* slow() {
  yield 'x'.repeat(1 << 16);
  process.stdout.write('started\\n');
  await new Promise((r) => setTimeout(r, 60_000));
  yield 'never';
}
await writeFileAtomic(${JSON.stringify(p)}, slow());
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)), // resolves `tsx` from the workspace
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('started') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(await readFile(p, 'utf8')).toBe('previous');
    // SIGKILL leaves no chance to clean up: the half-written temp is a hidden sibling, never `p`.
    const temps = (await readdir(sub)).filter((n) => n.endsWith('.tmp'));
    expect(temps.length).toBe(1);
    expect(temps[0]!.startsWith('.state.json.')).toBe(true);
  });
});

describe('tempSibling', () => {
  it('is a hidden name in the same folder, different each call', () => {
    const a = tempSibling('/x/y/file.zip', 'part');
    expect(a).toMatch(/^\/x\/y\/\.file\.zip\.\d+\.[0-9a-f]{12}\.part$/);
    expect(tempSibling('/x/y/file.zip', 'part')).not.toBe(a);
  });
});
