// @selfevo/superglue-eval installed alone, from CommonJS (require(esm), Node >= 20.19).
const { accuracy, parseTaskName } = require('@selfevo/superglue-eval');
const { scoreFolder } = require('@selfevo/superglue-eval/node');

const acc = accuracy([1, 0, 1], [1, 1, 1]);
if (Math.abs(acc - 2 / 3) > 1e-12 || parseTaskName('rte') !== 'RTE' || typeof scoreFolder !== 'function')
  throw new Error('wrong results from require()');
console.log(JSON.stringify({ cjs: 'ok', acc }));
