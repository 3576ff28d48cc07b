import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'test-fixtures', 'dp-sigint-child.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

interface Run {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start the child, send it SIGINT once it has done `afterStep` data-parallel steps, await its exit. */
function interruptChild(mode: 'default' | 'handler', afterStep = 3): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', tsxLoader, child, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = stdout.match(/^step (\d+)$/gm);
      if (!sent && m && Number(m.at(-1)!.slice(5)) >= afterStep) {
        sent = true;
        p.kill('SIGINT');
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    // 'exit' fires only when the whole process (every worker thread included) has ended.
    p.on('exit', (code, signal) => resolve({ pid: p.pid!, code, signal, stdout, stderr }));
  });
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('Ctrl-C (SIGINT) during a data-parallel run', () => {
  it('without a handler: the process ends by SIGINT, with its worker threads', async () => {
    const r = await interruptChild('default');
    expect(r.stdout).toMatch(/^step 3$/m);
    expect(r.stdout).not.toMatch(/finished|stopped/);
    expect(r.signal).toBe('SIGINT');
    expect(processGone(r.pid)).toBe(true);
  });

  it('with an application handler that stops the run: workers are terminated and the process exits on its own', async () => {
    const r = await interruptChild('handler');
    expect(r.stdout).toMatch(/^stopped interrupted by SIGINT live=0$/m);
    // no process.exit in the child: it can only have exited if no worker thread kept it alive
    expect(r.code).toBe(0);
    expect(r.signal).toBeNull();
    expect(processGone(r.pid)).toBe(true);
  });
});
