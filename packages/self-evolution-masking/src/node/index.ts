// Node-only entry (`@selfevo/self-evolution-masking/node`): selection files on disk.
export { loadSelectionMap, readSelection, readSelectionHeader, writeSelection } from './selection-file.js';
