export { type BpeTrainerSettings, type TrainedBpe, trainBpeModel } from './bpe-trainer.js';
export { makeProgress, type Progress, type ProgressOption } from './progress.js';
export {
  type BpeTrainOptions,
  type TrainOptions,
  trainBpe,
  trainWordPiece,
  type WordPieceTrainOptions,
} from './train.js';
export { countWords } from './word-counter.js';
