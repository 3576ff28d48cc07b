export {
  type BackoffOptions,
  type BodyReader,
  FETCH_DEFAULTS,
  FetchError,
  type FetchErrorInit,
  type FetchFailureKind,
  FetchOptionError,
  type FetchResponseInfo,
  type FetchResult,
  type FetchWithRetryOptions,
  fetchWithRetry,
  parseRetryAfter,
  retryDelayMs,
} from './fetch-with-retry.js';
export { type FlagEnvironment, FUSED_KERNELS_FLAG, fusedKernelsEnabled } from './fused-kernels-flag.js';
export { SeededRandom, type SeededRandomState } from './seeded-random.js';
export { SelfevoError, type SelfevoErrorOptions, ShapeMismatchError } from './selfevo-error.js';
export { showValue } from './show-value.js';
