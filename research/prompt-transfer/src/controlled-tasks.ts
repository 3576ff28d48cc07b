// The controlled experiment: tasks built from the corpus whose relatedness is known by
// construction, so that "does transfer help, and does the similarity find the helpful source?"
// has a known answer. Every task labels a line of text 1 or 0 (balanced classes):
//   kw-A, kw-B      targets, few-shot: does the line contain a word of set A (house words) / B (water words)?
//   src-A, src-B    the same rules with many examples (relatedness 1 to their target, ~0 to the other)
//   src-AB          half of A's words and half of B's (relatedness ~0.5 to both targets)
//   src-len         is the line longer than the median (same input kind, unrelated rule)
// Lines are drawn without replacement from one seeded shuffle of the held-out corpus file, so no
// two tasks (and no train and val) share a line. The data are the same for every seed; the seed
// samples nothing here (the training seed varies the prompt init and the batch order).
import { readFile } from 'node:fs/promises';
import type { SoftPrompt } from '@selfevo/prompt-transfer';
import { inputsOf, mulberry32, type PairExample, shuffled } from '@selfevo/superglue-datasets';
import { scoreExamples, type TaskModel } from '@selfevo/superglue-finetuning';
import type { Tokenizer } from '@selfevo/tokenizer';
import type { TaskScore, TaskSource } from './task-source.js';

export const KEYWORDS = {
  A: ['house', 'door', 'room', 'window', 'wall', 'floor', 'table', 'bed'],
  B: ['sea', 'river', 'water', 'ship', 'boat', 'shore', 'rain', 'island'],
} as const;

export const CONTROLLED_TARGETS = ['kw-A', 'kw-B'] as const;
export const CONTROLLED_SOURCES = ['src-A', 'src-B', 'src-AB', 'src-len'] as const;

export interface ControlledOptions {
  /** The corpus file the lines come from (the held-out split: the base model never saw it). */
  corpus: string;
  maxLength: number;
  /** Training lines of a target (few-shot) and of a source. */
  targetTrain: number;
  sourceTrain: number;
  /** Val lines per task. */
  val: number;
  /** Epochs of prompt runs on a target and on a source. */
  targetEpochs: number;
  sourceEpochs: number;
}

type Rule = (words: ReadonlySet<string>, tokens: number) => boolean;

const anyOf =
  (list: readonly string[]): Rule =>
  (words) =>
    list.some((w) => words.has(w));

interface LabelledLine {
  text: string;
  words: Set<string>;
  tokens: number;
}

/** Each task's rule and size; `src-len` splits at the median token count of the pool. */
function rules(median: number): Record<string, Rule> {
  const half = [...KEYWORDS.A.slice(0, 4), ...KEYWORDS.B.slice(0, 4)];
  const a = anyOf(KEYWORDS.A);
  const b = anyOf(KEYWORDS.B);
  return {
    'kw-A': a,
    'kw-B': b,
    'src-A': a,
    'src-B': b,
    'src-AB': anyOf(half),
    'src-len': (_w, tokens) => tokens > median,
  };
}

export interface ControlledData {
  tasks: Map<string, TaskSource>;
  /** Known relatedness of each source to each target: 2·(agreement of the source's rule with the target's labels on the target's val lines) − 1. */
  relatedness: Record<string, Record<string, number>>;
  /** Lines per task and split, and the positive rate of each rule over the pool (for the write-up). */
  summary: Record<string, unknown>;
}

/** Reads the corpus, draws balanced train/val lines for every controlled task, and tokenizes them. */
export async function controlledTasks(tokenizer: Tokenizer, o: ControlledOptions): Promise<ControlledData> {
  const text = await readFile(o.corpus, 'utf8');
  const raw = text.split('\n').map((l) => l.trim());
  const seen = new Set<string>();
  const lines: LabelledLine[] = [];
  for (const l of raw) {
    // prose lines of a reasonable length, each once
    if (l.length < 40 || l.length > 400 || seen.has(l) || !/[a-z]/.test(l)) continue;
    seen.add(l);
    const words = new Set(l.toLowerCase().match(/[a-z]+/g) ?? []);
    lines.push({ text: l, words, tokens: tokenizer.encode(l, null, { addSpecialTokens: false }).ids.length });
  }
  if (lines.length === 0) throw new Error(`${o.corpus}: no usable lines (prose of 40–400 characters)`);
  const sortedTokens = lines.map((l) => l.tokens).sort((x, y) => x - y);
  const median = sortedTokens[Math.floor(sortedTokens.length / 2)]!;
  const R = rules(median);
  const pool = shuffled(lines, mulberry32(20221203));
  const used = new Set<LabelledLine>();
  const draw = (rule: Rule, label: boolean, n: number, name: string, lengths?: number[]): LabelledLine[] => {
    const out: LabelledLine[] = [];
    const want = lengths ? new Map<number, number>() : null;
    for (const t of lengths ?? []) want!.set(t, (want!.get(t) ?? 0) + 1);
    for (const l of pool) {
      if (out.length === n) break;
      if (used.has(l) || rule(l.words, l.tokens) !== label) continue;
      // length-matched draw: only lines of a token count still wanted
      if (want) {
        const k = want.get(l.tokens) ?? 0;
        if (k === 0) continue;
        want.set(l.tokens, k - 1);
      }
      used.add(l);
      out.push(l);
    }
    // what exact matching could not find: the unused lines of the nearest token count
    if (want)
      for (const [tokens, k] of want)
        for (let j = 0; j < k; j++) {
          let best: LabelledLine | undefined;
          for (const l of pool)
            if (!used.has(l) && rule(l.words, l.tokens) === label)
              if (!best || Math.abs(l.tokens - tokens) < Math.abs(best.tokens - tokens)) best = l;
          if (!best) break;
          used.add(best);
          out.push(best);
        }
    if (out.length < n)
      throw new Error(
        `${o.corpus}: not enough ${label ? 'positive' : 'negative'} lines for ${name} (${out.length} of ${n})`,
      );
    return out;
  };
  const encode = (l: LabelledLine, idx: number, label: number): PairExample => {
    const enc = tokenizer.encode(l.text, null, { truncation: 'longest_first', maxLength: o.maxLength });
    // the pair formulation with one segment: a 2-way classification head on [CLS]
    return { kind: 'pair', task: 'RTE', idx, ...inputsOf(enc), truncated: enc.overflowing.length > 0, label };
  };
  const balanced = (task: string, n: number, offset: number) => {
    const pos = draw(R[task]!, true, Math.ceil(n / 2), task);
    // keyword tasks: negatives with the same token counts as the positives, so that length
    // (lines with more words contain a keyword more often) cannot stand in for the rule
    const lengths = task === 'src-len' ? undefined : pos.slice(0, Math.floor(n / 2)).map((l) => l.tokens);
    const neg = draw(R[task]!, false, Math.floor(n / 2), task, lengths);
    // interleaved, so that any prefix is balanced too
    const examples: PairExample[] = [];
    const drawn: LabelledLine[] = [];
    for (let i = 0; i < Math.max(pos.length, neg.length); i++) {
      for (const [list, label] of [
        [pos, 1],
        [neg, 0],
      ] as const)
        if (i < list.length) {
          examples.push(encode(list[i]!, offset + examples.length, label));
          drawn.push(list[i]!);
        }
    }
    return { examples, lines: drawn };
  };
  const tasks = new Map<string, TaskSource>();
  const valLines = new Map<string, LabelledLine[]>();
  const summary: Record<string, unknown> = {
    corpusLines: lines.length,
    medianTokens: median,
    positiveRate: {},
  };
  for (const name of [...CONTROLLED_TARGETS, ...CONTROLLED_SOURCES]) {
    (summary.positiveRate as Record<string, number>)[name] =
      lines.filter((l) => R[name]!(l.words, l.tokens)).length / lines.length;
    const isTarget = (CONTROLLED_TARGETS as readonly string[]).includes(name);
    const { examples: val, lines: vl } = balanced(name, o.val, 0);
    valLines.set(name, vl);
    const train = balanced(name, isTarget ? o.targetTrain : o.sourceTrain, val.length).examples;
    tasks.set(name, {
      name,
      formulation: 'RTE',
      epochs: isTarget ? o.targetEpochs : o.sourceEpochs,
      train: async () => train,
      evaluate: (model, prompt, batchSize) =>
        accuracy(model, prompt, val, batchSize, tokenizer.padTokenId ?? 0),
    });
  }
  const relatedness: Record<string, Record<string, number>> = {};
  for (const t of CONTROLLED_TARGETS) {
    relatedness[t] = {};
    for (const s of CONTROLLED_SOURCES) {
      const v = valLines.get(t)!;
      const agree = v.filter((l) => R[s]!(l.words, l.tokens) === R[t]!(l.words, l.tokens)).length / v.length;
      relatedness[t]![s] = 2 * agree - 1;
    }
  }
  return { tasks, relatedness, summary };
}

async function accuracy(
  model: TaskModel,
  prompt: SoftPrompt | undefined,
  val: readonly PairExample[],
  batchSize: number,
  pad: number,
): Promise<TaskScore> {
  const { scores } = await scoreExamples(model, val, batchSize, pad, undefined, prompt);
  let right = 0;
  for (const [i, s] of scores.entries()) if ((s[1]! > s[0]! ? 1 : 0) === val[i]!.label) right += 1;
  return { score: right / val.length, metrics: { accuracy: right / val.length } };
}
