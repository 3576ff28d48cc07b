export { crc32 } from './crc32.js';
export {
  SuperGlueTasksError,
  UnknownLabelError,
  UnknownSplitError,
  UnknownTaskError,
  ZipFormatError,
  ZipLimitError,
  type ZipLimitName,
} from './errors.js';
export {
  isLabelledSplit,
  SPLITS,
  type Split,
  splitFile,
  splitPathInData,
  splitsOf,
  submissionFileName,
} from './files.js';
export {
  AXB_LABELS,
  AXG_LABELS,
  BOOLQ_LABELS,
  CB_LABELS,
  type CbLabel,
  COPA_LABELS,
  isLabel,
  LABELS,
  type Label,
  type LabelValue,
  labelIndex,
  labelName,
  MULTIRC_LABELS,
  type NliLabel,
  RTE_LABELS,
  type TaskLabelMap,
  WIC_LABELS,
  WSC_LABELS,
} from './labels.js';
export {
  type ClassificationTaskName,
  DIAGNOSTIC_TASKS,
  type DiagnosticTaskName,
  isDiagnostic,
  isScoredTask,
  isSingleLabelTask,
  isTaskName,
  parseTaskName,
  SCORED_TASKS,
  type ScoredTaskName,
  type SingleLabelTaskName,
  TASKS,
  type TaskName,
} from './tasks.js';
export { previewValue } from './value-preview.js';
export {
  RATIO_FLOOR_BYTES,
  readZipDirectory,
  readZipEntry,
  streamZipEntry,
  type ZipEntry,
  type ZipLimits,
} from './zip-archive.js';
