export {
  type BrowserBackend,
  BrowserRunError,
  type BrowserRunResult,
  CHROMIUM_ARGS,
  findChromium,
  type RunInBrowserOptions,
  runInBrowser,
} from './browser.js';
export { expectAllClose, maxAbsDiff, type NestedNumbers, type Numeric } from './close.js';
export {
  describeEachBackend,
  describeInBrowser,
  nodeTestBackends,
  type TestBackend,
} from './each-backend.js';
