/**
 * Child process for the kill-and-resume test: trains the tiny MLP for a fixed number of steps,
 * printing `step N` after each, and writes the final weights to `<outDir>/final-weights.json`.
 * Usage: node --import tsx resume-child.ts <outDir> <fresh|resume> <backend>
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { train } from '../train.js';
import { evalLoss, makeExamples, makeSource, mseLoss, TinyMlp } from './tiny-mlp.js';

const [outDir, mode, backend = 'cpu'] = process.argv.slice(2);
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
      // A slow step, so the parent's SIGKILL lands mid-run.
      onStepEnd: async ({ step }) => {
        process.stdout.write(`step ${step}\n`);
        await new Promise((r) => setTimeout(r, 15));
      },
    },
  ],
});
await writeFile(join(outDir, 'final-weights.json'), JSON.stringify(model.snapshot()));
process.stdout.write('done\n');
