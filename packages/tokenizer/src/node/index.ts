// Node-only entry of @selfevo/tokenizer (`@selfevo/tokenizer/node`): files and streams. The main
// entry is browser-safe; its `Tokenizer.fromFile` / `fromPretrained` / `save` and file-based
// `trainWordPiece` / `trainBpe` load this module on demand.

import type { NodeLoaders } from '../tokenizer.js';
import type { NodeTrainers } from '../trainers/train.js';
import { countWords } from './count-words.js';
import { loadBertVocab, loadGPT2, loadPretrained, loadTokenizer } from './load.js';
import { nodeProgress } from './progress-display.js';
import { saveTokenizer } from './save.js';
import { trainBpe, trainWordPiece } from './train-files.js';

export {
  countWords,
  loadBertVocab,
  loadGPT2,
  loadPretrained,
  loadTokenizer,
  nodeProgress,
  saveTokenizer,
  trainBpe,
  trainWordPiece,
};

// What the main entry calls here by name: a compile error if a name or signature drifts.
({ loadTokenizer, loadBertVocab, loadGPT2, loadPretrained, saveTokenizer }) satisfies NodeLoaders;
({ trainWordPiece, trainBpe }) satisfies NodeTrainers;
