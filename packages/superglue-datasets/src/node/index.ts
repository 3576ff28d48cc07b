// Node-only entry (`@selfevo/superglue-datasets/node`): official JSONL files on disk, the data
// folder (`SUPERGLUE_DIR`), the checksummed official downloads and their safe unzip. The main entry
// bundles for browsers and reads the same splits from text, Files or URLs (`loadSplitFrom`).
export { defaultCacheDir } from '../cache-dir.js';
export { resolveDataDir, splitFileName, splitPath } from '../data-dir.js';
export {
  type DownloadFileOptions,
  downloadFile,
  type NetworkOptions,
  type ProgressCallback,
} from '../download-file.js';
export { type DownloadOptions, type DownloadResult, downloadTask } from '../download-task.js';
export { loadSplit, readTaskFile, type SplitOptions, streamSplit } from '../load-split.js';
export {
  DATA_ZIP_LIMITS,
  extractZip,
  safeEntryPath,
  type UnzipOptions,
  type UnzipResult,
  verifyZipBytes,
} from '../safe-unzip.js';
export { ensureTask, type SourceOptions } from '../superglue-source.js';
