// @selfevo/tokenizer installed alone, from CommonJS (require(esm), Node >= 20.19).
const { parseVocabTxt, Tokenizer } = require('@selfevo/tokenizer');
const { saveTokenizer } = require('@selfevo/tokenizer/node');

const tok = Tokenizer.bertFromVocab(parseVocabTxt('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n'));
const ids = tok.encode('hello world').ids;
if (ids.join(',') !== '2,4,1,3' || typeof saveTokenizer !== 'function') throw new Error(`wrong ids ${ids}`);
console.log(JSON.stringify({ cjs: 'ok', ids }));
