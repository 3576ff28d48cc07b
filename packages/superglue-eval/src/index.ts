// Main entry: browser-safe (no Node built-ins; `npm run check:browser`). Files on disk (reading
// reference and submission files, writing submissions, scoring a folder) and the CLI are in the
// Node entry `@selfevo/superglue-eval/node`.
// The SuperGLUE schema (task names, splits, label sets and file names) from
// @selfevo/superglue-tasks, re-exported so that one import is enough.
export {
  DIAGNOSTIC_TASKS,
  type DiagnosticTaskName,
  isDiagnostic,
  isLabel,
  isScoredTask,
  isSingleLabelTask,
  isTaskName,
  LABELS,
  type Label,
  parseTaskName,
  SCORED_TASKS,
  type ScoredTaskName,
  type SingleLabelTaskName,
  SPLITS,
  type Split,
  splitFile,
  submissionFileName,
  TASKS,
  type TaskLabelMap,
  type TaskName,
  UnknownTaskError,
  ZipFormatError,
  ZipLimitError,
} from '@selfevo/superglue-tasks';
export { majorityBaseline, majorityLabel, randomBaseline } from './baselines.js';
export {
  type GoldSet,
  goldFromRecords,
  idxKey,
  type MultircAnswerGold,
  type MultircGold,
  type MultircParagraphGold,
  type MultircQuestionGold,
  multircKey,
  type ReadGoldOptions,
  type RecordGold,
  type RecordQueryGold,
  type SingleGold,
  type SingleGoldExample,
} from './data/gold.js';
export { type JsonlRecord, parseJsonl } from './data/jsonl.js';
export {
  DataFormatError,
  EvalOptionError,
  InputLimitError,
  InvalidGoldError,
  InvalidPredictionError,
  MetricInputError,
  MissingReferenceError,
  SuperGlueEvalError,
  UsageError,
} from './errors.js';
export { type ParseResult, parseSubmissionLabel, toSubmissionLabel } from './labels.js';
export { type LeaderboardRows, type LeaderboardScore, leaderboardScore } from './leaderboard.js';
export { accuracy } from './metrics/accuracy.js';
export { binaryF1, type ClassF1, classF1, macroF1 } from './metrics/f1.js';
export { genderParity } from './metrics/gender-parity.js';
export { matthewsCorrelation } from './metrics/matthews.js';
export { multircScores } from './metrics/multirc.js';
export {
  maxOverGold,
  normalizeAnswer,
  recordExactMatch,
  recordScores,
  recordTokenF1,
} from './metrics/record.js';
export {
  computeTaskMetrics,
  LEADERBOARD_METRICS,
  MAX_LISTED_KEYS,
  TASK_METRICS,
  type TaskMetricsResult,
} from './metrics/task-metrics.js';
export { getPrediction, type PredictionInput } from './predictions.js';
export { formatScoreReportMarkdown, pct, scoreReportToJson } from './report.js';
export { formatSubmissionFile, goldKeys } from './submission/format.js';
export {
  type ParsedSubmissionFile,
  type ParseSubmissionOptions,
  parseSubmissionFile,
  type SubmissionEntry,
} from './submission/parse.js';
export { formatProblem, problemCount, type SubmissionProblem } from './submission/problems.js';
export {
  type PredictionsByTask,
  type SubmissionFilesOptions,
  submissionFiles,
  submissionZip,
  zipSubmissionFiles,
} from './submission/zip.js';
