export { type BpeTrainerSettings, type TrainedBpe, trainBpeModel } from './bpe-trainer.js';
export { LineProgress, makeProgress, NO_PROGRESS, type Progress, type ProgressOption } from './progress.js';
export {
  type BpeTrainOptions,
  bpeBase,
  bpeFromCounts,
  type TrainingTexts,
  type TrainOptions,
  trainBpe,
  trainBpeFromIterator,
  trainWordPiece,
  trainWordPieceFromIterator,
  type WordPieceTrainOptions,
  wordPieceBase,
  wordPieceFromCounts,
  wordSplitter,
} from './train.js';
export { WordCounter } from './word-counter.js';
