// Loading over HTTP: the pretrained encoder (HF layout) and the CB splits.
import { BertForSequenceClassification, modelFromWeights } from '@selfevo/encoder-model';
import { type CbRecord, loadSplitFrom, type TaskSource } from '@selfevo/superglue-datasets';
import { parseVocabTxt, Tokenizer } from '@selfevo/tokenizer';
import { fetchWithRetry } from '@selfevo/utils';

export interface Pretrained {
  model: BertForSequenceClassification;
  tokenizer: Tokenizer;
  /** Parameters and where the model came from, for the page. */
  parameters: number;
  source: string;
}

const bytes = async (url: URL) => (await fetchWithRetry(url, { retries: 1 })).body;

/** The tokenizer of a model folder: tokenizer.json if there is one, else a BERT vocab.txt. */
async function loadTokenizer(base: URL): Promise<Tokenizer> {
  const json = await fetch(new URL('tokenizer.json', base));
  if (json.ok) return Tokenizer.fromBytes(new Uint8Array(await json.arrayBuffer()), 'tokenizer.json');
  return Tokenizer.bertFromVocab(parseVocabTxt(await bytes(new URL('vocab.txt', base)), 'vocab.txt'), {
    lowercase: true,
  });
}

/**
 * A CB classifier (3 labels) from the pretrained encoder at `baseUrl`: the encoder's weights are
 * loaded, a classification head the checkpoint lacks starts fresh (seeded).
 */
export async function loadPretrained(baseUrl: string, seed: number): Promise<Pretrained> {
  const base = new URL(baseUrl, document.baseURI);
  const {
    id2label: _i,
    label2id: _l,
    ...config
  } = JSON.parse(new TextDecoder().decode(await bytes(new URL('config.json', base)))) as Record<
    string,
    unknown
  >;
  const weights = await bytes(new URL('model.safetensors', base));
  const { model } = modelFromWeights(BertForSequenceClassification, { ...config, num_labels: 3 }, weights, {
    strict: false,
    seed,
  });
  const tokenizer = await loadTokenizer(base);
  let parameters = 0;
  for (const v of model.namedParameters().values()) parameters += v.size;
  return { model, tokenizer, parameters, source: base.href };
}

/** One CB split from the data folder URL, or from a file the user picked. */
export async function loadCb(split: 'train' | 'val', dataUrl: string, file?: File): Promise<CbRecord[]> {
  const source: TaskSource = file ?? new URL(`${split}.jsonl`, new URL(dataUrl, document.baseURI));
  return (await loadSplitFrom('CB', split, source)).records;
}
