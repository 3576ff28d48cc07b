// Every example script: --help exits 0 with the flags and defaults; a bad flag exits 2 with one line
// on stderr; a failure exits 1 with one line (the stack only with --verbose).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Result, scratch, scriptEnv, sh } from './helpers.js';

/** Each script with one malformed value for one of its own flags. */
const SCRIPTS: [string, string][] = [
  ['01-train-tokenizer/train-tokenizer.ts', '--vocab-size 12x'],
  ['02-mlm-pretraining/pretrain.ts', '--steps abc'],
  ['03-se-continued-pretraining/se-pretrain.ts', '--alpha 2'],
  ['04-finetune-one-task/finetune.ts', '--task MNLI'],
  ['05-finetune-all/finetune-all.ts', '--tasks CB,Nope'],
  ['06-prompt-transfer/prompt-transfer.ts', '--length 0'],
  ['07-evaluate-and-submit/evaluate.ts', '--run /no/such/folder'],
  ['08-from-huggingface/from-huggingface.ts', '--tolerance -1'],
  ['demo/demo.ts', '--preset huge'],
];

let dir: string;
let cleanup: () => Promise<void>;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  ({ dir, cleanup } = await scratch());
  env = await scriptEnv(dir);
});
afterAll(() => cleanup());

// node --import tsx: what npx tsx runs, without npx's own start-up
const tsx = (script: string, args: string) => sh(`node --import tsx examples/${script} ${args}`, dir, env);
const oneLine = (r: Result) => r.stderr.trimEnd().split('\n');

describe.each(SCRIPTS)('%s', (script, malformed) => {
  it('--help exits 0 and lists the flags with their defaults', async () => {
    const r = await tsx(script, '--help');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: [\w-]+ \[options\]/);
    expect(r.stdout).toContain('--verbose');
    expect(r.stdout).toMatch(/\(default: /);
  });

  it('an unknown flag and a malformed value exit 2 with one line on stderr, before any work', async () => {
    const [unknown, bad] = await Promise.all([tsx(script, '--no-such-flag'), tsx(script, malformed)]);
    for (const r of [unknown, bad]) {
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r), r.stderr).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(unknown.stderr).toMatch(/unknown option '--no-such-flag'/);
    expect(bad.stderr).toMatch(new RegExp(malformed.split(' ')[0]!));
  });
});

describe('failures', () => {
  it('a failure after the wasm backend started exits 1 with one line; --verbose adds the stack', async () => {
    const args = '--backend wasm --tolerance 0';
    const r = await tsx('08-from-huggingface/from-huggingface.ts', args);
    expect(r.code, r.stderr).toBe(1);
    const lines = oneLine(r).filter((l) => !l.startsWith('backend: '));
    expect(lines).toEqual([
      expect.stringMatching(/^from-huggingface: Error: logits differ .*--verbose for the stack/),
    ]);
    const v = await tsx('08-from-huggingface/from-huggingface.ts', `${args} --verbose`);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/\n\s+at /);
  });

  it('a model folder without weights is a usage error (exit 2) named in one line', async () => {
    const r = await tsx('04-finetune-one-task/finetune.ts', `--model ${dir}`);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r)).toEqual([expect.stringMatching(/^finetune: --model .*: no config\.json there/)]);
  });
});
