export { MiniGutenbergError } from './errors.js';
export { type LoadedModel, type LoadOptions, loadMiniGutenberg, MAX_MODEL_FILE_BYTES } from './load.js';
export { defaultModelUrl, MODEL_FILES, type ModelFile } from './model-files.js';
