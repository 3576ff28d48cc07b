export { expectAllClose, maxAbsDiff } from './close.js';
export { describeEachBackend, nodeTestBackends, type TestBackend } from './each-backend.js';
