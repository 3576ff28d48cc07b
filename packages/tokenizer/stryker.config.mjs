// Mutation testing of this package's numeric/metric code (settings and file list: ../../stryker.base.mjs).
// Run: `npx stryker run` here, or `npm run mutate` at the repo root.
import { packageConfig } from '../../stryker.base.mjs';

export default packageConfig('tokenizer');
