import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonlLog } from './jsonl-log.js';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'test-fixtures', 'resume-child.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  steps: number[];
  stderr: string;
}

/** Run the child; if `killAfterStep` is set, SIGKILL it as soon as it reports that step. */
function runChild(outDir: string, mode: 'fresh' | 'resume', killAfterStep?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = [child, outDir, mode, 'cpu', String(killAfterStep ?? 'Infinity')];
    const p = spawn(process.execPath, ['--import', tsxLoader, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const steps: number[] = [];
    let stderr = '';
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        const m = /^step (\d+)$/.exec(line);
        if (!m) continue;
        steps.push(Number(m[1]));
        if (killAfterStep !== undefined && Number(m[1]) >= killAfterStep) p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, steps, stderr }));
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('resume after SIGKILL', () => {
  it('a run killed mid-way resumes and ends with exactly the weights of an uninterrupted run', async () => {
    const full = await mkdtemp(join(tmpdir(), 'selfevo-full-'));
    const killed = await mkdtemp(join(tmpdir(), 'selfevo-killed-'));
    dirs.push(full, killed);

    const a = await runChild(full, 'fresh');
    expect(a.stderr.replace(/=+\n|Hi, looks like.*\n/g, '').trim()).toBe('');
    expect(a.code).toBe(0);
    expect(a.steps.at(-1)).toBe(60);

    const b = await runChild(killed, 'fresh', 23);
    expect(b.signal).toBe('SIGKILL');
    expect(existsSync(join(killed, 'final-weights.json'))).toBe(false);
    const lastSeen = b.steps.at(-1)!;
    expect(lastSeen).toBeGreaterThanOrEqual(23);
    expect(lastSeen).toBeLessThan(60);
    const left = (await readdir(killed)).filter((n) => /^checkpoint-\d+$/.test(n));
    expect(left.length).toBeGreaterThan(0);

    const c = await runChild(killed, 'resume');
    expect(c.code).toBe(0);
    // it resumed from a checkpoint at or before the kill, not from scratch
    expect(c.steps[0]).toBeGreaterThan(1);
    expect(c.steps[0]).toBeLessThanOrEqual(lastSeen + 1);
    expect(c.steps.at(-1)).toBe(60);

    const wa = JSON.parse(await readFile(join(full, 'final-weights.json'), 'utf8'));
    const wc = JSON.parse(await readFile(join(killed, 'final-weights.json'), 'utf8'));
    expect(wc).toEqual(wa); // bit-exact (float32 values written as exact doubles)

    // the log, too, is the uninterrupted run's log (timings aside)
    const strip = (rs: Awaited<ReturnType<typeof readJsonlLog>>) => rs.map(({ elapsed_ms: _e, ...r }) => r);
    expect(strip(await readJsonlLog(join(killed, 'log.jsonl')))).toEqual(
      strip(await readJsonlLog(join(full, 'log.jsonl'))),
    );
  });
});
