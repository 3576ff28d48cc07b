import {
  type BertConfig,
  BertForCandidateScoring,
  BertForSequenceClassification,
  BertForSpanClassification,
  type BertModel,
  configFromHf,
  type LoadReport,
  readSafetensors,
  resolvePretrained,
  type SafeTensor,
} from '@selfevo/encoder-model';
import { LABELS, type TaskName } from '@selfevo/superglue-datasets';
import { CheckpointMismatchError } from './errors.js';

/** How a task is put on top of the encoder (methods §3.3). */
export type TaskHeadKind = 'classify' | 'choice' | 'candidate' | 'span';

export type TaskModel = BertForSequenceClassification | BertForCandidateScoring | BertForSpanClassification;

/**
 * - `classify`: pooled [CLS] → classes (BoolQ, CB, RTE, AX-b/AX-g, MultiRC per answer option).
 * - `choice`: one score per candidate, softmax over the two candidates of a COPA question.
 * - `candidate`: one score per ReCoRD candidate entity, trained as yes/no, argmax per query.
 * - `span`: mean-pooled span states (WiC: [CLS] + the two target words; WSC: noun phrase + pronoun).
 */
export function taskHeadKind(task: TaskName): TaskHeadKind {
  switch (task) {
    case 'COPA':
      return 'choice';
    case 'ReCoRD':
      return 'candidate';
    case 'WiC':
    case 'WSC':
      return 'span';
    default:
      return 'classify';
  }
}

/** Number of classes of a `classify` / `span` task. */
export function numClasses(task: Exclude<TaskName, 'ReCoRD'>): number {
  return LABELS[task].length;
}

/** The encoder every task starts from: a config and, for a pretrained one, its weights. */
export interface EncoderSource {
  config: BertConfig;
  /** HF-named weights (from `model.safetensors`); absent: a seeded random init. */
  weights?: Map<string, SafeTensor>;
  /** Where the weights came from (for reports), e.g. the checkpoint folder. */
  origin: string;
}

/** Reads `config.json` + `model.safetensors` of an HF-layout folder (as written by `savePretrained`). */
export async function loadEncoderSource(dir: string): Promise<EncoderSource> {
  const r = await resolvePretrained(dir, { onProgress: false });
  return { config: configFromHf(r.config), weights: readSafetensors(r.weights), origin: r.dir };
}

/**
 * The head model of `task` (fresh head, seeded), with the encoder weights of `source` loaded; or,
 * with `options.encoder`, a fresh head on that (shared) encoder, nothing loaded (e.g. a PANDA
 * teacher next to its student). Disposing a model disposes its encoder only when it made it: a
 * model on a shared encoder (`options.encoder`) disposes its head, and the encoder stays with its owner.
 */
export function createTaskModel(
  task: TaskName,
  source: EncoderSource,
  seed: number,
  options: { encoder?: BertModel } = {},
): { model: TaskModel; report: LoadReport | null; freshParameters: string[] } {
  const kind = taskHeadKind(task);
  const config = source.config;
  const encoder = options.encoder;
  let model: TaskModel;
  if (kind === 'classify') {
    model = new BertForSequenceClassification(config, {
      seed,
      encoder,
      numLabels: numClasses(task as Exclude<TaskName, 'ReCoRD'>),
    });
  } else if (kind === 'span') {
    model = new BertForSpanClassification(config, {
      seed,
      encoder,
      numSpans: 2,
      useCls: task === 'WiC',
      numLabels: 2,
    });
  } else {
    model = new BertForCandidateScoring(config, { seed, encoder });
  }
  if (encoder) return { model, report: null, freshParameters: [...model.head.params.keys()] };
  if (!source.weights) return { model, report: null, freshParameters: [...model.namedParameters().keys()] };
  try {
    const report = model.loadStateDict(source.weights, { strict: false });
    // A pretraining checkpoint has no task head (and an MLM checkpoint no pooler): those start
    // fresh. Anything else missing, or any shape mismatch, means the checkpoint does not fit.
    const encoderMissing = report.missing.filter(
      (n) => !n.startsWith('classifier.') && !/\.pooler\.dense\.(weight|bias)$/.test(n),
    );
    if (encoderMissing.length > 0 || report.mismatched.length > 0) {
      const parts = [
        encoderMissing.length
          ? `missing ${encoderMissing.slice(0, 5).join(', ')}${encoderMissing.length > 5 ? ', …' : ''}`
          : '',
        report.mismatched.length ? `mismatched ${report.mismatched.slice(0, 5).join('; ')}` : '',
      ].filter(Boolean);
      throw new CheckpointMismatchError(
        `${source.origin}: the checkpoint does not fit a ${task} model: ${parts.join('; ')}`,
      );
    }
    return { model, report, freshParameters: report.missing };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
