// The Node build of @selfevo/trainer (the `default` export condition). Browsers and bundlers that
// target them get ./browser.ts (the `browser` condition): the same names, the same loop, no file
// system or threads (those functions throw a TrainerConfigError there). A test keeps the lists equal.
export * from './api-shared.js';
export { latestCheckpoint, listCheckpoints, moveAsideDamaged, removeLeftovers } from './checkpoint-dirs.js';
export { GradientWorkerPool, liveDataParallelWorkers } from './data-parallel-pool.js';
export { JsonlLogWriter, readJsonlLog } from './jsonl-log.js';
export { createProgressReporter } from './progress-bar.js';
export { train, trainWithStore } from './train.js';
