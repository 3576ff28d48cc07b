// Hostile-input probe of the BUILT tokenizer (issue 14): every case runs in its own Node process with a
// small heap (256 MiB) and a time limit, so that an abort or a hang is seen as such. Prints one line per
// case and a tally per case class (clear error / crash / hang / wrong result / data lost / correct).
//
//   node scripts/hostile-probe.mjs [distDir=dist] [--timeout=10]
//
// A case's code runs in an async function with `T` (the main entry), `N` (the node entry), `D` (a
// temp folder with the fixture files) and `bert` / `gpt2` (loaded tokenizers) in scope. It returns
// `true` for a correct result, or a string saying what is wrong; a thrown `TokenizerError` counts as a
// clear error (the right outcome for hostile input), any other throw or a dead process as a crash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const dist = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const timeoutS = Number(args.find((a) => a.startsWith('--timeout='))?.slice(10) ?? 10);
const DATA = process.env.SELFEVO_DATA ?? resolve(import.meta.dirname, '../../../../shared/data');
const BERT = join(DATA, 'vocab', 'bert-base-uncased');
const GPT2 = join(DATA, 'vocab', 'gpt2');

const D = mkdtempSync(join(tmpdir(), 'selfevo-probe-'));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const vocabLines = '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n';
const files = {
  'bom/vocab.txt': Buffer.concat([BOM, Buffer.from(vocabLines)]),
  'bom-unk/vocab.txt': Buffer.concat([BOM, Buffer.from('[UNK]\n[CLS]\n[SEP]\nhello\n')]),
  'bom.vocab.json': Buffer.concat([BOM, Buffer.from('{"a":0,"b":1,"ab":2}')]),
  'bom.merges.txt': Buffer.concat([BOM, Buffer.from('a b\n')]),
  'plain.vocab.json': Buffer.from('{"a":0,"b":1,"ab":2}'),
  'plain.merges.txt': Buffer.from('a b\n'),
  'bad-utf8/vocab.txt': Buffer.from([...Buffer.from('[PAD]\n[UNK]\n[CLS]\n[SEP]\nh'), 0xff, 0x0a]),
  'bad-utf8.vocab.json': Buffer.from([...Buffer.from('{"a":0,"b'), 0xc3, 0x28, ...Buffer.from('":1}')]),
  'bad-utf8.merges.txt': Buffer.from([...Buffer.from('a b\nc '), 0xe2, 0x82, 0x0a]),
  'cfg-not-json/vocab.txt': Buffer.from(vocabLines),
  'cfg-not-json/tokenizer_config.json': Buffer.from('{"do_lower_case": tru'),
  'cfg-null/vocab.txt': Buffer.from(vocabLines),
  'cfg-null/tokenizer_config.json': Buffer.from('null'),
  'cfg-type/vocab.txt': Buffer.from(vocabLines),
  'cfg-type/tokenizer_config.json': Buffer.from('{"do_lower_case": "yes"}'),
  'stm-not-json/vocab.txt': Buffer.from(vocabLines),
  'stm-not-json/special_tokens_map.json': Buffer.from('{"pad_token": '),
  'stm-type/vocab.txt': Buffer.from(vocabLines),
  'stm-type/special_tokens_map.json': Buffer.from('{"pad_token": 5}'),
  'stm-missing-pad/vocab.txt': Buffer.from('[UNK]\n[CLS]\n[SEP]\nhello\n'),
  'stm-missing-pad/special_tokens_map.json': Buffer.from('{"pad_token": "[PAD]"}'),
};
for (const [name, bytes] of Object.entries(files)) {
  const p = join(D, name);
  rmSync(p, { force: true });
  await import('node:fs').then((fs) => fs.mkdirSync(join(p, '..'), { recursive: true }));
  writeFileSync(p, bytes);
}

// ------------------------------------------------------------------ cases: [class, name, code]
const split = (re, text) => `
  const t = T.Tokenizer.fromJSON({ ...bertJson, pre_tokenizer: { type: 'Split', pattern: { Regex: ${JSON.stringify(re)} }, behavior: 'Isolated' } });
  t.encode(${text});
  return 'accepted and ran';`;
const replace = (re, text) => `
  const t = T.Tokenizer.fromJSON({ ...bertJson, normalizer: { type: 'Replace', pattern: { Regex: ${JSON.stringify(re)} }, content: '' } });
  t.encode(${text});
  return 'accepted and ran';`;
const json = (patch) => `T.Tokenizer.fromJSON({ ...bertJson, ${patch} }); return 'accepted';`;

const cases = [
  // 1. regexes from tokenizer.json with catastrophic backtracking
  ['redos regex', 'Split (a+)+$', split('(a+)+$', "'a'.repeat(40) + '!'")],
  ['redos regex', 'Split (a|a)*$', split('(a|a)*$', "'a'.repeat(40) + '!'")],
  ['redos regex', 'Split (\\w+\\s?)+$', split('(\\w+\\s?)+$', "'ab '.repeat(25) + '!'")],
  ['redos regex', 'Split (.*a){20}', split('(.*a){20}', "'a'.repeat(40)")],
  ['redos regex', 'Split \\s*\\s*\\s*x (cubic)', split('\\s*\\s*\\s*x', "' '.repeat(5000)")],
  ['redos regex', 'Replace normalizer (x+x+)+y', replace('(x+x+)+y', "'x'.repeat(40)")],
  [
    'redos regex',
    'Replace decoder (a*)*b',
    `const t = T.Tokenizer.fromJSON({ ...bertJson, decoder: { type: 'Replace', pattern: { Regex: '(a*)*b' }, content: '' } });
     t.decode(t.encode('a'.repeat(40)).ids); return 'accepted and ran';`,
  ],
  ['redos regex', 'Split \\s*x on 200k spaces (quadratic)', split('\\s*x', "' '.repeat(200000)")],
  [
    'redos regex',
    'Split (?<=^|b|b): empty match before an emoji',
    "T.Tokenizer.fromJSON({ ...bertJson, pre_tokenizer: { type: 'Split', pattern: { Regex: '(?<=^|b|b)' }, behavior: 'Isolated' } }).encode('\u{1F468}\u200d\u{1F469} ab'); return true;",
  ],
  // 2. absurd lengths
  [
    'absurd length',
    "padding 'max_length' 1e9",
    "bert.encode('hi', null, { padding: 'max_length', maxLength: 1e9 }); return 'padded';",
  ],
  [
    'absurd length',
    'padding maxLength 2^31',
    "bert.encode('hi', null, { padding: 'max_length', maxLength: 2 ** 31 }); return 'padded';",
  ],
  [
    'absurd length',
    'padToMultipleOf 1e9',
    "bert.encode('hi', null, { padding: true, padToMultipleOf: 1e9 }); return 'padded';",
  ],
  [
    'absurd length',
    'stride huge (windows x length)',
    "bert.encode('a '.repeat(60000), null, { truncation: true, maxLength: 30000, stride: 29990 }); return 'encoded';",
  ],
  [
    'absurd length',
    'pair stride (windows x windows)',
    "bert.encode('a '.repeat(20000), 'b '.repeat(20000), { truncation: true, maxLength: 40, stride: 15 }); return 'encoded';",
  ],
  [
    'absurd length',
    'tokenizer.json padding Fixed 1e9',
    "T.Tokenizer.fromJSON({ ...bertJson, padding: { strategy: { Fixed: 1e9 }, direction: 'Right', pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' } }).encode('hi'); return 'padded';",
  ],
  [
    'absurd length',
    'tokenizer.json pad_to_multiple_of 2^40',
    "T.Tokenizer.fromJSON({ ...bertJson, padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: 2 ** 40, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' } }).encode('hi'); return 'padded';",
  ],
  [
    'absurd length',
    '60,000 added_tokens (a regex rebuilt per token)',
    "const added = Array.from({ length: 60000 }, (_, i) => ({ id: 1000 + i, content: '<t' + i + '>', special: true })); T.Tokenizer.fromJSON({ ...bertJson, added_tokens: [...bertJson.added_tokens, ...added] }).encode('a <t7> b'); return true;",
  ],
  // 3. BOM
  [
    'BOM',
    'vocab.txt with BOM ([PAD] first)',
    "const t = await N.loadBertVocab(D + '/bom/vocab.txt'); return t.tokenToId('[PAD]') === 0 || 'token [PAD] lost: ' + JSON.stringify(t.idToToken(0));",
  ],
  [
    'BOM',
    'vocab.txt with BOM ([UNK] first)',
    "const t = await N.loadPretrained(D + '/bom-unk'); return t.tokenToId('[UNK]') === 0 || 'token [UNK] lost';",
  ],
  [
    'BOM',
    'vocab.json + merges.txt with BOM',
    "const t = await N.loadGPT2(D + '/bom.vocab.json', D + '/bom.merges.txt'); return (t.tokenToId('a') === 0 && t.encode('ab').ids.join() === '2') || 'token or merge lost';",
  ],
  [
    'BOM',
    'tokenizer.json bytes with BOM',
    "const b = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify(bertJson))]); return T.Tokenizer.fromBytes(b).encode('hello').ids.length === 3 || 'wrong';",
  ],
  [
    'BOM',
    'U+FEFF at the start of encoded text (decode)',
    "return gpt2.decode(gpt2.encode('\\ufeffhi').ids) === '\\ufeffhi' || 'the leading U+FEFF was lost';",
  ],
  // 4. invalid UTF-8
  [
    'invalid UTF-8',
    'vocab.txt',
    "const t = await N.loadBertVocab(D + '/bad-utf8/vocab.txt'); return 'loaded, token ' + JSON.stringify(t.idToToken(4));",
  ],
  [
    'invalid UTF-8',
    'vocab.json',
    "await N.loadGPT2(D + '/bad-utf8.vocab.json', D + '/plain.merges.txt'); return 'loaded';",
  ],
  [
    'invalid UTF-8',
    'merges.txt',
    "await N.loadGPT2(D + '/plain.vocab.json', D + '/bad-utf8.merges.txt'); return 'loaded';",
  ],
  [
    'invalid UTF-8',
    'tokenizer.json bytes',
    "const s = JSON.stringify(bertJson).replace('\"[PAD]\"', '\"[PAD\\\\u0000]\"'); const b = new TextEncoder().encode(s); b[b.indexOf(0x5c)] = 0xff; T.Tokenizer.fromBytes(b); return 'loaded';",
  ],
  // 5. pad id
  [
    'missing pad token',
    'tokenizer.json padding, pad_token not in vocab',
    "const t = T.Tokenizer.fromJSON({ ...gpt2Json, padding: { strategy: 'BatchLongest', direction: 'Right', pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' } }); const e = t.encodeBatch(['a', 'a b c']); return 'padded with ' + e[0].ids.at(-1) + ' = ' + JSON.stringify(t.idToToken(e[0].ids.at(-1)));",
  ],
  [
    'missing pad token',
    'tokenizer.json padding without pad_id',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, padding: { strategy: 'BatchLongest', direction: 'Right', pad_token: '[PAD]' } }); const e = t.encodeBatch(['a', 'a b c']); return e[0].ids.every((x) => Number.isInteger(x)) || 'padded with ' + e[0].ids.at(-1);",
  ],
  [
    'missing pad token',
    'special_tokens_map pad_token not in vocab.txt',
    "const t = await N.loadPretrained(D + '/stm-missing-pad'); const e = t.encodeBatch(['hello', 'hello hello'], { padding: true }); return 'padded with ' + e[0].ids.at(-1);",
  ],
  // 6. malformed config files
  [
    'malformed config',
    'tokenizer_config.json not JSON',
    "await N.loadPretrained(D + '/cfg-not-json'); return 'loaded';",
  ],
  [
    'malformed config',
    'tokenizer_config.json null',
    "await N.loadPretrained(D + '/cfg-null'); return 'loaded';",
  ],
  [
    'malformed config',
    'tokenizer_config.json do_lower_case "yes"',
    "await N.loadPretrained(D + '/cfg-type'); return 'loaded';",
  ],
  [
    'malformed config',
    'special_tokens_map.json not JSON',
    "await N.loadPretrained(D + '/stm-not-json'); return 'loaded';",
  ],
  [
    'malformed config',
    'special_tokens_map.json pad_token 5',
    "await N.loadPretrained(D + '/stm-type'); return 'loaded';",
  ],
  ['malformed config', 'tokenizer.json null', "T.Tokenizer.fromJSON('null'); return 'loaded';"],
  ['malformed config', 'added_tokens: 5', json('added_tokens: 5')],
  ['malformed config', 'added_tokens: [null]', json('added_tokens: [null]')],
  ['malformed config', 'added_tokens id 1e300', json("added_tokens: [{ id: 1e300, content: 'x' }]")],
  ['malformed config', 'normalizer: 5', json('normalizer: 5')],
  [
    'malformed config',
    'normalizer Sequence [null]',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, normalizer: { type: 'Sequence', normalizers: [null] } }); t.encode('a'); return 'loaded';",
  ],
  [
    'malformed config',
    'normalizer BertNormalizer lowercase "no"',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, normalizer: { type: 'BertNormalizer', lowercase: 'no' } }); return t.encode('A').tokens[1] === 'a' ? 'accepted a string as a boolean' : 'accepted';",
  ],
  ['malformed config', 'pre_tokenizer: []', json('pre_tokenizer: []')],
  [
    'malformed config',
    'pre_tokenizer Sequence pretokenizers [7]',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, pre_tokenizer: { type: 'Sequence', pretokenizers: [7] } }); t.encode('a'); return 'loaded';",
  ],
  ['malformed config', 'model.vocab null', json('model: { ...bertJson.model, vocab: null }')],
  [
    'malformed config',
    'model BPE merges [[1, 2]]',
    json("model: { type: 'BPE', vocab: { a: 0 }, merges: [[1, 2]] }"),
  ],
  [
    'malformed config',
    'WordPiece max_input_chars_per_word "x"',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, model: { ...bertJson.model, max_input_chars_per_word: 'x' } }); t.encode('hello'); return 'accepted';",
  ],
  [
    'malformed config',
    'TemplateProcessing special_tokens null',
    json('post_processor: { ...bertJson.post_processor, special_tokens: null }'),
  ],
  [
    'malformed config',
    'TemplateProcessing single: 5',
    json("post_processor: { type: 'TemplateProcessing', single: 5, special_tokens: {} }"),
  ],
  [
    'malformed config',
    'BertProcessing sep: "x"',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, post_processor: { type: 'BertProcessing', sep: 'x', cls: ['[CLS]', 101] } }); t.encode('a'); return 'accepted';",
  ],
  [
    'malformed config',
    'decoder Replace without pattern',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, decoder: { type: 'Replace' } }); t.decode([7592]); return 'accepted';",
  ],
  [
    'malformed config',
    'decoder Strip start "x"',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, decoder: { type: 'Strip', content: ' ', start: 'x', stop: 0 } }); t.decode([7592]); return 'accepted';",
  ],
  [
    'malformed config',
    'decoders Sequence [null]',
    "const t = T.Tokenizer.fromJSON({ ...bertJson, decoder: { type: 'Sequence', decoders: [null] } }); t.decode([7592]); return 'accepted';",
  ],
  [
    'malformed config',
    'Sequence nested 100,000 deep',
    "let n = { type: 'Lowercase' }; for (let i = 0; i < 100000; i++) n = { type: 'Sequence', normalizers: [n] }; const t = T.Tokenizer.fromJSON({ ...bertJson, normalizer: n }); t.encode('a'); return 'accepted';",
  ],
  [
    'malformed config',
    'truncation block max_length "x"',
    "T.Tokenizer.fromJSON({ ...bertJson, truncation: { max_length: 'x', stride: 0, strategy: 'LongestFirst', direction: 'Right' } }).encode('a b c'); return 'accepted';",
  ],
  ['malformed config', 'encode(5)', "bert.encode(5); return 'accepted';"],
  [
    'malformed config',
    "encode option padding: 'wide'",
    "bert.encode('a', null, { padding: 'wide' }); return 'accepted';",
  ],
  [
    'malformed config',
    'encode option truncation: 5',
    "bert.encode('a', null, { truncation: 5, maxLength: 3 }); return 'accepted';",
  ],
];

// ------------------------------------------------------------------ runner
const prelude = `
const T = await import(${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)});
const N = await import(${JSON.stringify(pathToFileURL(join(dist, 'node', 'index.js')).href)});
const fs = await import('node:fs');
const D = ${JSON.stringify(D)};
const bertJson = JSON.parse(fs.readFileSync(${JSON.stringify(join(BERT, 'tokenizer.json'))}, 'utf8'));
const bert = T.Tokenizer.fromJSON(bertJson);
const gpt2 = await N.loadGPT2(${JSON.stringify(join(GPT2, 'vocab.json'))}, ${JSON.stringify(join(GPT2, 'merges.txt'))});
const gpt2Json = gpt2.toJSON();
let out;
try {
  const r = await (async () => {
`;
const epilogue = `
  })();
  out = { kind: 'result', ok: r === true, detail: r === true ? '' : String(r) };
} catch (e) {
  out = { kind: 'error', typed: e instanceof T.TokenizerError, name: e?.name, message: String(e?.message).slice(0, 160) };
}
console.log('@@' + JSON.stringify(out));
`;

function classify(res) {
  if (res.error?.code === 'ETIMEDOUT' || res.signal === 'SIGTERM') return ['hang', `> ${timeoutS} s`];
  const line = res.stdout.split('\n').find((l) => l.startsWith('@@'));
  if (line === undefined) {
    const why = /heap out of memory|Invalid array length|allocation failed/i.test(res.stderr)
      ? 'out of memory'
      : `exit ${res.status} ${res.signal ?? ''}`;
    return ['crash', `${why}: ${res.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 120) ?? ''}`];
  }
  const out = JSON.parse(line.slice(2));
  if (out.kind === 'error')
    return out.typed
      ? ['clear error', `${out.name}: ${out.message}`]
      : ['crash', `untyped ${out.name}: ${out.message}`];
  if (out.ok) return ['correct', ''];
  return [/lost/.test(out.detail) ? 'data lost' : 'wrong result', out.detail];
}

const tally = new Map();
for (const [cls, name, code] of cases) {
  const t0 = Date.now();
  const res = spawnSync(
    process.execPath,
    ['--max-old-space-size=256', '--input-type=module', '-e', prelude + code + epilogue],
    {
      encoding: 'utf8',
      timeout: timeoutS * 1000,
      killSignal: 'SIGTERM',
    },
  );
  const [outcome, detail] = classify(res);
  const ms = Date.now() - t0;
  console.log(
    `${cls.padEnd(18)} ${name.padEnd(48)} ${outcome.padEnd(12)} ${String(ms).padStart(6)} ms  ${detail}`,
  );
  const row = tally.get(cls) ?? {};
  row[outcome] = (row[outcome] ?? 0) + 1;
  tally.set(cls, row);
}
rmSync(D, { recursive: true, force: true });

const cols = ['clear error', 'correct', 'crash', 'hang', 'wrong result', 'data lost'];
console.log(`\n| class | cases | ${cols.join(' | ')} |\n|---|---|${cols.map(() => '---').join('|')}|`);
for (const [cls, row] of tally) {
  const n = Object.values(row).reduce((a, b) => a + b, 0);
  console.log(`| ${cls} | ${n} | ${cols.map((c) => row[c] ?? 0).join(' | ')} |`);
}
