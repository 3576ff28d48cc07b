import type { EncodeOptions } from '../encode-options.js';
import type { Tokenizer } from '../tokenizer.js';
import { diffPlain } from './compare.js';
import { fromHf, type Plain, toPlain } from './oracle.js';

export interface ParityReport {
  compared: number;
  mismatches: string[];
  /** Inputs where ours raised a stride error, which makes the Rust binding abort the process. */
  guarded: number;
  /** Both raised an error. */
  bothErrors: number;
}

type Input = string | [string, string];

interface Variant {
  name: string;
  inputs: Input[];
  options: EncodeOptions;
  /** Batch through HF encodeBatch (fast) or one call at a time (needed where errors are expected). */
  batch: boolean;
}

const STRATEGY = {
  longest_first: 'LongestFirst',
  only_first: 'OnlyFirst',
  only_second: 'OnlySecond',
} as const;

function setHfTruncation(hf: any, o: EncodeOptions): void {
  if (!o.truncation) {
    hf.disableTruncation();
    return;
  }
  const strategy = o.truncation === true ? 'longest_first' : o.truncation;
  hf.setTruncation(o.maxLength!, { stride: o.stride ?? 0, strategy: STRATEGY[strategy] });
}

function ourPlain(ours: Tokenizer, x: Input, o: EncodeOptions): Plain {
  return typeof x === 'string' ? toPlain(ours.encode(x, null, o)) : toPlain(ours.encode(x[0], x[1], o));
}

/** Which text an HF offset refers to: by sequence id (post-processed) or by type id (no post-processor). */
let offsetsBy: 'sequence' | 'type' = 'sequence';

function hfPlain(e: any, x: Input): Plain {
  return typeof x === 'string' ? fromHf(e, x, null, offsetsBy) : fromHf(e, x[0], x[1], offsetsBy);
}

/** Compare ours with the Rust oracle on every input of every variant. */
export async function runParity(
  ours: Tokenizer,
  hf: any,
  variants: Variant[],
  by: 'sequence' | 'type' = 'sequence',
): Promise<ParityReport> {
  offsetsBy = by;
  const rep: ParityReport = { compared: 0, mismatches: [], guarded: 0, bothErrors: 0 };
  const note = (v: Variant, x: Input, d: string) => {
    if (rep.mismatches.length < 8)
      rep.mismatches.push(`[${v.name}] ${JSON.stringify(x).slice(0, 200)}\n  ${d}`);
    else if (rep.mismatches.length === 8) rep.mismatches.push('...');
  };
  for (const v of variants) {
    setHfTruncation(hf, v.options);
    if (v.batch) {
      const CH = 512;
      for (let i = 0; i < v.inputs.length; i += CH) {
        const chunk = v.inputs.slice(i, i + CH);
        const opts = { addSpecialTokens: v.options.addSpecialTokens ?? true };
        // the binding's encodeBatch takes single strings only: pairs go through concurrent encode calls
        const hfEnc =
          typeof chunk[0] === 'string'
            ? await hf.encodeBatch(chunk, opts)
            : await Promise.all(
                chunk.map((x) => hf.encode((x as [string, string])[0], (x as [string, string])[1], opts)),
              );
        chunk.forEach((x, k) => {
          const d = diffPlain(ourPlain(ours, x, v.options), hfPlain(hfEnc[k], x));
          rep.compared++;
          if (d) note(v, x, d);
        });
      }
    } else {
      for (const x of v.inputs) {
        let mine: Plain | null = null;
        let myErr: Error | null = null;
        try {
          mine = ourPlain(ours, x, v.options);
        } catch (e) {
          myErr = e as Error;
        }
        if (myErr && /stride/.test(myErr.message)) {
          rep.guarded++;
          continue;
        }
        let theirs: Plain | null = null;
        let hfErr: unknown = null;
        try {
          const e =
            typeof x === 'string'
              ? await hf.encode(x, null, { addSpecialTokens: v.options.addSpecialTokens ?? true })
              : await hf.encode(x[0], x[1], { addSpecialTokens: v.options.addSpecialTokens ?? true });
          theirs = hfPlain(e, x);
        } catch (e) {
          hfErr = e;
        }
        rep.compared++;
        if (myErr && hfErr) rep.bothErrors++;
        else if (myErr || hfErr)
          note(v, x, `ours error: ${myErr?.message ?? 'none'}; hf error: ${String(hfErr ?? 'none')}`);
        else {
          const d = diffPlain(mine!, theirs!);
          if (d) note(v, x, d);
        }
      }
    }
  }
  hf.disableTruncation();
  return rep;
}

export interface VariantPlan {
  /** Pair (s[i], s[i+1]) for every i divisible by this (2 = every string in exactly one pair). */
  pairStep: number;
  /** Of those pairs, every n-th also goes through longest_first truncation with stride. */
  pairTruncEvery: number;
  /** Every n-th pair goes through only_first / only_second (one call at a time). */
  strategyEvery: number;
  /** Every n-th string without special tokens. */
  noSpecialEvery: number;
}

/**
 * The variant set over a list of strings. Truncating variants use `truncationEarlyExit` because the
 * oracle (tokenizers 0.23) stops tokenizing a sequence at max_length tokens.
 */
export function standardVariants(strings: string[], plan: VariantPlan): Variant[] {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < strings.length; i += plan.pairStep) pairs.push([strings[i], strings[i + 1]]);
  const every = <T>(xs: T[], n: number) => xs.filter((_, i) => i % n === 0);
  const ee = { truncationEarlyExit: true };
  return [
    {
      name: 'single+trunc128/stride32',
      inputs: strings,
      options: { truncation: true, maxLength: 128, stride: 32, ...ee },
      batch: true,
    },
    { name: 'pair', inputs: pairs, options: {}, batch: true },
    {
      name: 'pair+longest_first96/stride8',
      inputs: every(pairs, plan.pairTruncEvery),
      options: { truncation: 'longest_first', maxLength: 96, stride: 8, ...ee },
      batch: true,
    },
    {
      name: 'single no-special',
      inputs: every(strings, plan.noSpecialEvery),
      options: { addSpecialTokens: false },
      batch: true,
    },
    {
      name: 'pair only_first40/stride2',
      inputs: every(pairs, plan.strategyEvery),
      options: { truncation: 'only_first', maxLength: 40, stride: 2, ...ee },
      batch: false,
    },
    {
      name: 'pair only_second40/stride2',
      inputs: every(pairs, plan.strategyEvery),
      options: { truncation: 'only_second', maxLength: 40, stride: 2, ...ee },
      batch: false,
    },
  ];
}
