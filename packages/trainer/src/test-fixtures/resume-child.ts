/**
 * Child process for the kill-and-resume test: trains the tiny MLP for a fixed number of steps,
 * printing `step N` after each, and writes the final weights to `<outDir>/final-weights.json`.
 * Usage: node --import tsx resume-child.ts <outDir> <fresh|resume> <backend> [slowFromStep]
 * From `slowFromStep` on, every step takes 300 ms more, so a parent that kills the child after
 * seeing that step has ample time to do so even on a loaded machine.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { train } from '../train.js';
import { evalLoss, makeExamples, makeSource, mseLoss, TinyMlp } from './tiny-mlp.js';

const [outDir, mode, backend = 'cpu', slowFrom = 'Infinity'] = process.argv.slice(2);
await useBackend(backend as 'cpu' | 'wasm');
const model = new TinyMlp(5);
const heldOut = makeExamples(16, 3);
await train({
  model,
  lossFn: mseLoss,
  trainData: makeSource(48, 6),
  optimizer: { lr: 0.01 },
  schedule: { schedule: 'cosine', peakLr: 0.01, warmupSteps: 5 },
  maxSteps: 60,
  gradientAccumulationSteps: 2,
  evalFn: () => ({ loss: evalLoss(model, heldOut) }),
  evalEverySteps: 10,
  saveEverySteps: 5,
  saveTotalLimit: 2,
  logEverySteps: 3,
  outputDir: outDir,
  seed: 3,
  progress: 'none',
  resumeFrom: mode === 'resume' ? 'latest' : undefined,
  callbacks: [
    {
      onStepEnd: async ({ step }) => {
        process.stdout.write(`step ${step}\n`);
        if (step >= Number(slowFrom)) await new Promise((r) => setTimeout(r, 300));
      },
    },
  ],
});
await writeFile(join(outDir, 'final-weights.json'), JSON.stringify(model.snapshot()));
process.stdout.write('done\n');
