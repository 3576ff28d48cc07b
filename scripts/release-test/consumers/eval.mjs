// @selfevo/superglue-eval installed alone, from plain Node ESM.
import { accuracy, macroF1, parseTaskName } from '@selfevo/superglue-eval';
import { scoreFolder } from '@selfevo/superglue-eval/node';

const acc = accuracy([true, false, true, true], [true, false, false, true]);
const f1 = macroF1(['a', 'b', 'a'], ['a', 'b', 'b'], ['a', 'b']);
if (acc !== 0.75 || Math.abs(f1 - 2 / 3) > 1e-12) throw new Error(`wrong metrics: ${acc} ${f1}`);
if (parseTaskName('cb') !== 'CB' || typeof scoreFolder !== 'function') throw new Error('wrong exports');
console.log(JSON.stringify({ esm: 'ok', acc, f1 }));
