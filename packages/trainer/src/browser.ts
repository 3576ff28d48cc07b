// The browser build of @selfevo/trainer (the `browser` export condition; Node gets ./index.ts).
// Same names as ./index.ts (a test checks), so one set of types serves both: the training loop,
// batching, schedules and the log parser work here; what needs a file system or threads throws a
// TrainerConfigError naming itself (checkpoint folders, log files, data-parallel workers).
import { TrainerConfigError } from './errors.js';
import { browserIo } from './train-browser.js';

function nodeOnlyError(name: string): TrainerConfigError {
  return new TrainerConfigError(
    `${name} needs Node (a file system or worker threads); not in the browser build`,
    {
      option: name,
    },
  );
}

/** An async function of the Node build: here it rejects with a TrainerConfigError naming it. */
function nodeOnly(name: string): () => Promise<never> {
  return () => Promise.reject(nodeOnlyError(name));
}

export * from './api-shared.js';
export const latestCheckpoint: (outputDir: string) => Promise<string | null> = nodeOnly('latestCheckpoint');
export const listCheckpoints: (outputDir: string) => Promise<{ step: number; dir: string }[]> =
  nodeOnly('listCheckpoints');
export const moveAsideDamaged: (dir: string) => Promise<string> = nodeOnly('moveAsideDamaged');
export const removeLeftovers: (outputDir: string) => Promise<void> = nodeOnly('removeLeftovers');
/** Data-parallel workers are Node worker threads: `GradientWorkerPool.start` rejects here. */
// biome-ignore lint/complexity/noStaticOnlyClass: the same name and shape as the Node build's class
export class GradientWorkerPool {
  static start(): Promise<never> {
    return browserIo.startWorkers(undefined as never, undefined as never) as Promise<never>;
  }
}
export const liveDataParallelWorkers = (): number => 0;
/** Log files are Node-only: parse a log's text with `parseJsonlLog`. */
export class JsonlLogWriter {
  constructor() {
    throw nodeOnlyError('JsonlLogWriter');
  }
}
export const readJsonlLog: (path: string) => Promise<never> = nodeOnly('readJsonlLog');
export const createProgressReporter = browserIo.createProgress;
export { train, trainWithStore } from './train-browser.js';
