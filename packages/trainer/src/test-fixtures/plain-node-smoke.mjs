// Plain-Node use of the BUILT package (no TypeScript loader): train on 2 data-parallel workers,
// then read the log back. Prints one JSON line with the results.
import { useBackend } from '@selfevo/backend';
import { arrayBatchSource, liveDataParallelWorkers, readJsonlLog, train } from '@selfevo/trainer';
import { examples, lossFn, makeModel } from './plain-model.mjs';

const outDir = process.argv[2];
await useBackend('cpu');
const model = makeModel();
const collate = (es) => ({ x: es.map((e) => e.x), y: es.map((e) => e.y) });
const result = await train({
  model,
  lossFn,
  trainData: arrayBatchSource(examples(64), { batchSize: 8, collate }),
  optimizer: { lr: 0.05, weightDecay: 0 },
  maxSteps: 40,
  gradientAccumulationSteps: 2,
  logEverySteps: 5,
  outputDir: outDir,
  progress: 'lines',
  dataParallel: { workers: 2, workerModule: new URL('./plain-replica.mjs', import.meta.url) },
});
const log = await readJsonlLog(result.logPath);
console.log(
  JSON.stringify({
    step: result.step,
    firstLoss: log[0].loss,
    lastLoss: log.at(-1).loss,
    liveWorkers: liveDataParallelWorkers(),
    logLines: log.length,
  }),
);
