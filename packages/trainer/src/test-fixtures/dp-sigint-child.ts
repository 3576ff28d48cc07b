/**
 * Child process for the Ctrl-C test: a long data-parallel run (2 workers, cpu backend) that prints
 * `step N` after each step. Usage: node --import tsx dp-sigint-child.ts <default|handler>
 * - default: no SIGINT listener, so Node's default action (exit by the signal) applies.
 * - handler: the application catches SIGINT and stops the run by throwing from a callback (the
 *   graceful-stop pattern); the child then prints `stopped <message> live=<workers alive>` and
 *   returns without calling process.exit, so it only exits if no worker thread is left running.
 */
import { useBackend } from '@selfevo/backend';
import { liveDataParallelWorkers } from '../data-parallel-pool.js';
import { train } from '../train.js';
import { makeSource, mseLoss, TinyMlp } from './tiny-mlp.js';

const mode = process.argv[2] ?? 'default';
await useBackend('cpu');
let interrupted = false;
if (mode === 'handler')
  process.once('SIGINT', () => {
    interrupted = true;
  });
const model = new TinyMlp(1);
try {
  await train({
    model,
    lossFn: mseLoss,
    trainData: makeSource(96, 6),
    optimizer: { lr: 0.01 },
    maxSteps: 100_000,
    gradientAccumulationSteps: 2,
    progress: 'none',
    seed: 1,
    dataParallel: { workers: 2, workerModule: new URL('./replica.ts', import.meta.url) },
    callbacks: [
      {
        onStepEnd: async ({ step }) => {
          process.stdout.write(`step ${step}\n`);
          if (interrupted) throw new Error('interrupted by SIGINT');
          await new Promise((r) => setTimeout(r, 20));
        },
      },
    ],
  });
  process.stdout.write('finished\n');
} catch (err) {
  process.stdout.write(`stopped ${(err as Error).message} live=${liveDataParallelWorkers()}\n`);
}
model.dispose();
