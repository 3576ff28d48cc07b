import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from './data-path.js';

/** Every string value (deduplicated, in file order) of every SuperGLUE .jsonl file. */
export function superglueStrings(): string[] {
  const out = new Set<string>();
  const collect = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(collect);
  };
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.jsonl'))
        for (const line of readFileSync(p, 'utf8').split('\n')) if (line.trim()) collect(JSON.parse(line));
    }
  };
  walk(dataDir('superglue'));
  return [...out];
}

/** Hand-made edge cases: accents, CJK, astral characters, controls, zero-width, long words, spaces. */
export const HARD_STRINGS: string[] = [
  '',
  ' ',
  '   ',
  '\t\n\r',
  'a',
  'Héllo Wörld, ÇA VA? naïve café résumé Ångström',
  'Cafe\u0301 e\u0301te\u0301 (combining accents)',
  'ＡＢＣ１２３ full-width ＡＢＣ',
  '中文字符和日本語のテキスト 한국어 텍스트',
  '漢字かな交じり文、句読点。「括弧」',
  'emoji 😀😃🎉 family 👨‍👩‍👧‍👦 flags 🇺🇸🇫🇷 skin 👍🏽',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math 𝐀𝐁𝐂 and 𠀀𠀁 astral CJK',
  'zero\u200bwidth\u200cnon\u200djoiner\ufeffbom',
  'control \u0000 \u0001 \u0007 \u001f \u007f \u0085 chars',
  'replacement \ufffd char',
  'soft\u00adhyphen and nbsp\u00a0here and\u2028line\u2029para',
  'tabs\tand\nnewlines\r\nmixed \u3000 ideographic space',
  'many     spaces     between          words',
  '   leading and trailing   ',
  'a'.repeat(99),
  'b'.repeat(100),
  'c'.repeat(101),
  'supercalifragilisticexpialidocious'.repeat(4),
  'x'.repeat(150) + ' short ' + 'é'.repeat(120),
  '😀'.repeat(60),
  'Mr. O\'Neil\'s "quotes" — dashes – and… ellipsis!?',
  "don't can't won't it's we're they've I'm",
  '$100.00 + 50% = €75,5 #hashtag @mention [brackets] {braces} <angle>',
  'The [MASK] sat on the [SEP] mat [CLS] [PAD] [UNK]',
  'special<|endoftext|>token <|endoftext|> here',
  'UPPER lower MiXeD İstanbul ΣΊΣΥΦΟΣ straße',
  'Ǆ ǅ ǆ ﬁ ﬂ ligatures Ⅻ ① ⅔',
  'العربية עברית ไทย हिन्दी русский ελληνικά',
  'numbers 1234567890 3.14159 1,000,000 0x1F 1e-10',
  'http://example.com/path?query=1&b=2#frag user@example.org',
  'a\u0300\u0301\u0302\u0303\u0304 stacked marks',
  '\u200b',
  '\u00a0\u00a0',
  '🎉',
  'end with space ',
  ' start with space',
  'line1\n\nline3\n',
];
