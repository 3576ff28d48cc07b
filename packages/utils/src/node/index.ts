export { fsyncDir, fsyncTree } from './fsync.js';
export {
  createProgress,
  type Progress,
  type ProgressMode,
  type ProgressOptions,
  type ProgressStream,
  resolveProgressMode,
} from './progress.js';
export { resolveAtomicDir, writeDirAtomic } from './write-dir-atomic.js';
export { type AtomicFileData, tempSibling, writeFileAtomic } from './write-file-atomic.js';
