// The page: load (backend, model, data), train with a live loss curve and the dev score, stop and
// resume, predict what a person types. `window.selfevoApp` mirrors the state for the end-to-end test.
import { useBackend } from '@selfevo/backend';
import type { TaskMetricsResult } from '@selfevo/superglue-eval';
import { LossChart } from './chart.js';
import { DATA_URL, MODEL_URL, settingsFrom } from './config.js';
import { loadCb, loadPretrained } from './load.js';
import { Session } from './session.js';

export interface AppState {
  phase: 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error';
  backend: string | null;
  backendReason: string | null;
  losses: number[];
  stepsPerSecond: number[];
  score: { step: number; f1Macro: number; accuracy: number; score: number } | null;
  prediction: { label: string; probabilities: Record<string, number> } | null;
  error: string | null;
}

const state: AppState = {
  phase: 'loading',
  backend: null,
  backendReason: null,
  losses: [],
  stepsPerSecond: [],
  score: null,
  prediction: null,
  error: null,
};
(window as unknown as { selfevoApp: AppState }).selfevoApp = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const text = (id: string, value: string) => {
  $(id).textContent = value;
};
const buttons = {
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  predict: $<HTMLButtonElement>('predict'),
};
const chart = new LossChart(document.getElementById('chart') as unknown as SVGSVGElement);
const pct = (x: number) => `${(100 * x).toFixed(1)}`;

function setPhase(phase: AppState['phase'], status: string): void {
  state.phase = phase;
  text('status', status);
  buttons.start.disabled = phase !== 'ready';
  buttons.stop.disabled = phase !== 'training';
  buttons.resume.disabled = phase !== 'paused';
  buttons.predict.disabled = phase === 'loading' || phase === 'error';
}

function fail(e: unknown): void {
  state.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  setPhase('error', state.error);
  console.error(e);
}

function showScore(step: number, r: TaskMetricsResult): void {
  const { f1Macro, accuracy } = r.metrics as { f1Macro: number; accuracy: number };
  state.score = { step, f1Macro, accuracy, score: r.score ?? 0 };
  text('score', `${pct(r.score ?? 0)} (F1 macro ${pct(f1Macro)} / acc ${pct(accuracy)}, step ${step})`);
}

async function main(): Promise<void> {
  const settings = settingsFrom(location.search);
  const choice = await useBackend(settings.backend);
  state.backend = choice.backend;
  state.backendReason = choice.reason;
  text('backend', choice.backend === 'webgpu' ? 'WebGPU' : choice.backend);
  text('backend-detail', `${choice.backend} — ${choice.reason}`);

  const pretrained = await loadPretrained(MODEL_URL, settings.seed);
  const cfg = pretrained.model.config;
  text(
    'model',
    `${(pretrained.parameters / 1e6).toFixed(2)} M parameters (H ${cfg.hiddenSize}, ${cfg.numHiddenLayers} layers), ${pretrained.source}`,
  );
  const [trainRecords, valRecords] = await Promise.all([loadCb('train', DATA_URL), loadCb('val', DATA_URL)]);
  let session = new Session(pretrained.model, pretrained.tokenizer, trainRecords, valRecords, settings);
  text('data', `CB: ${trainRecords.length} train, ${valRecords.length} dev examples`);
  showScore(0, await session.evaluate());
  setPhase('ready', `Ready: ${settings.steps} steps of ${settings.batchSize} examples, lr ${settings.lr}.`);

  $<HTMLInputElement>('train-file').addEventListener('change', async (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file || state.phase !== 'ready') return;
    try {
      const records = await loadCb('train', DATA_URL, file);
      session = new Session(pretrained.model, pretrained.tokenizer, records, valRecords, settings);
      text('data', `CB: ${records.length} train (${file.name}), ${valRecords.length} dev examples`);
    } catch (e) {
      text('status', `That file is not CB JSONL: ${(e as Error).message}`);
    }
  });

  const start = async () => {
    setPhase('training', 'Training…');
    try {
      const result = await session.run({
        onStep: ({ step, loss, stepsPerSecond }) => {
          state.losses.push(loss);
          state.stepsPerSecond.push(stepsPerSecond);
          chart.push(loss);
          text('step', `${step} / ${settings.steps}`);
          text('loss', loss.toFixed(4));
          text('speed', `${stepsPerSecond.toFixed(2)} steps/s`);
        },
        onScore: showScore,
      });
      setPhase('done', `Done: ${result.step} steps; best dev score at step ${result.bestStep ?? '—'}.`);
    } catch (e) {
      fail(e);
    }
  };
  buttons.start.addEventListener('click', () => void start());
  buttons.stop.addEventListener('click', () => {
    session.pause();
    setPhase('paused', 'Stopped after this step. Resume continues the same run.');
  });
  buttons.resume.addEventListener('click', () => {
    session.resume();
    setPhase('training', 'Training…');
  });
  $<HTMLFormElement>('predict-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = await session.predict(
      $<HTMLTextAreaElement>('premise').value,
      $<HTMLInputElement>('hypothesis').value,
    );
    state.prediction = p;
    const probs = Object.entries(p.probabilities)
      .map(([l, v]) => `${l} ${pct(v)}%`)
      .join(', ');
    text('prediction', `${p.label} (${probs})`);
  });
  if (settings.autostart) void start();
}

main().catch(fail);
