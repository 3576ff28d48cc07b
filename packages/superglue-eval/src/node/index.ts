// Node-only entry (`@selfevo/superglue-eval/node`): reference and submission files on disk,
// scoring a folder, writing a submission, the CLI. Everything else is in the main entry, which
// bundles for browsers (there, `submissionZip` builds the leaderboard zip in memory).
export { main as runCli, USAGE } from '../cli.js';
export { readGoldFile, referenceFilePath } from '../data/gold-file.js';
export { readJsonl } from '../data/jsonl-file.js';
export {
  type ScoreFolderOptions,
  type ScoreReport,
  scoreFolder,
  type TaskScoreEntry,
} from '../score-folder.js';
export { readSubmissionSource, type SubmissionSource } from '../submission/source.js';
export {
  formatValidationReport,
  type TaskValidation,
  type TaskValidationStatus,
  type ValidateOptions,
  type ValidationReport,
  validateSubmission,
} from '../submission/validate.js';
export { type WriteSubmissionOptions, type WrittenSubmission, writeSubmission } from '../submission/write.js';
