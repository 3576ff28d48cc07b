export { findMatches, GuardedRegex, MAX_PATTERN_LENGTH, REGEX_STEP_BUDGET } from './guarded-regex.js';
export { analyzeRegex, MAX_REGEX_CONSTANT, type RegexCost } from './regex-cost.js';
export { MAX_REGEX_NESTING, parseRegex, type RegexNode } from './regex-syntax.js';
