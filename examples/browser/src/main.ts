// The page: load (backend, model, data), train with a live loss curve and the dev score, stop and
// resume, checkpoints in IndexedDB (resume after a reload, download), predict what a person types.
// `window.selfevoApp` mirrors the state for the end-to-end test.
import { useBackend } from '@selfevo/backend';
import type { TaskMetricsResult } from '@selfevo/superglue-eval';
import type { CheckpointStore } from '@selfevo/trainer';
import { LossChart } from './chart.js';
import {
  downloadCheckpoint,
  openStore,
  runName,
  type SavedRun,
  savedRun,
  stepLosses,
} from './checkpoints.js';
import { DATA_URL, MODEL_URL, settingsFrom } from './config.js';
import { loadCb, loadPretrained } from './load.js';
import { Session } from './session.js';

export interface AppState {
  phase: 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error';
  backend: string | null;
  backendReason: string | null;
  /** The last finished step. */
  step: number;
  /** The loss of every step so far (index step − 1; after a resume, the stored run's first). */
  losses: number[];
  stepsPerSecond: number[];
  /** The newest checkpoint in IndexedDB of this run's settings, and the step a resumed run started from. */
  savedStep: number | null;
  resumedFrom: number | null;
  download: string | null;
  score: { step: number; f1Macro: number; accuracy: number; score: number } | null;
  prediction: { label: string; probabilities: Record<string, number> } | null;
  error: string | null;
}

const state: AppState = {
  phase: 'loading',
  backend: null,
  backendReason: null,
  step: 0,
  losses: [],
  stepsPerSecond: [],
  savedStep: null,
  resumedFrom: null,
  download: null,
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
  resumeSaved: $<HTMLButtonElement>('resume-saved'),
  download: $<HTMLButtonElement>('download'),
  predict: $<HTMLButtonElement>('predict'),
};
const chart = new LossChart(document.getElementById('chart') as unknown as SVGSVGElement);
const pct = (x: number) => `${(100 * x).toFixed(1)}`;

let totalSteps = 0;

function setPhase(phase: AppState['phase'], status: string): void {
  state.phase = phase;
  text('status', status);
  buttons.start.disabled = phase !== 'ready';
  buttons.stop.disabled = phase !== 'training';
  buttons.resume.disabled = phase !== 'paused';
  buttons.resumeSaved.disabled =
    phase !== 'ready' || state.savedStep === null || state.savedStep >= totalSteps;
  buttons.download.disabled = state.savedStep === null;
  buttons.predict.disabled = phase === 'loading' || phase === 'error';
}

/** What the page says about the stored checkpoint of the current settings. */
function showSaved(saved: SavedRun | null): void {
  state.savedStep = saved?.step ?? null;
  text(
    'checkpoint',
    saved ? `step ${saved.step}, in this browser (IndexedDB)` : 'none yet (saved every few steps)',
  );
  buttons.resumeSaved.textContent = saved ? `Resume saved run (step ${saved.step})` : 'Resume saved run';
  buttons.download.disabled = state.savedStep === null;
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
  totalSteps = settings.steps;
  const store: CheckpointStore | null = await openStore();
  let run = runName(settings, pretrained.source, `served ${DATA_URL}`);
  let saved = store ? await savedRun(store, run) : null;
  showSaved(saved);
  showScore(0, await session.evaluate());
  const ready = `Ready: ${settings.steps} steps of ${settings.batchSize} examples, lr ${settings.lr}.`;
  setPhase('ready', saved ? `${ready} A saved run of these settings is at step ${saved.step}.` : ready);

  $<HTMLInputElement>('train-file').addEventListener('change', async (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file || state.phase !== 'ready') return;
    try {
      const records = await loadCb('train', DATA_URL, file);
      session = new Session(pretrained.model, pretrained.tokenizer, records, valRecords, settings);
      text('data', `CB: ${records.length} train (${file.name}), ${valRecords.length} dev examples`);
      run = runName(settings, pretrained.source, `file ${file.name} (${file.size} bytes)`);
      saved = store ? await savedRun(store, run) : null;
      showSaved(saved);
      setPhase('ready', saved ? `Ready. A saved run of this file is at step ${saved.step}.` : 'Ready.');
    } catch (e) {
      text('status', `That file is not CB JSONL: ${(e as Error).message}`);
    }
  });

  const start = async (resume: boolean) => {
    if (resume && saved) {
      // the stored run's curve so far, then the run continues from its step
      state.resumedFrom = saved.step;
      state.step = saved.step;
      for (const loss of stepLosses(saved.log)) {
        state.losses.push(loss);
        chart.push(loss);
      }
      text('step', `${saved.step} / ${settings.steps}`);
    } else showSaved(null); // a fresh start replaces the stored run
    setPhase('training', resume ? `Resumed from step ${state.resumedFrom}; training…` : 'Training…');
    const checkpoints = store ? { store, run, resume } : undefined;
    try {
      const result = await session.run(
        {
          onStep: ({ step, loss, stepsPerSecond }) => {
            state.step = step;
            state.losses.push(loss);
            state.stepsPerSecond.push(stepsPerSecond);
            chart.push(loss);
            text('step', `${step} / ${settings.steps}`);
            text('loss', loss.toFixed(4));
            text('speed', `${stepsPerSecond.toFixed(2)} steps/s`);
          },
          onScore: showScore,
          onSave: (step) => showSaved({ step, log: [] }),
        },
        checkpoints,
      );
      setPhase('done', `Done: ${result.step} steps; best dev score at step ${result.bestStep ?? '—'}.`);
    } catch (e) {
      fail(e);
    }
  };
  buttons.start.addEventListener('click', () => void start(false));
  buttons.resumeSaved.addEventListener('click', () => void start(true));
  buttons.download.addEventListener('click', async () => {
    if (!store || state.savedStep === null) return;
    try {
      state.download = await downloadCheckpoint(store, run, state.savedStep);
    } catch (e) {
      text('status', (e as Error).message);
    }
  });
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
  if (settings.autostart) void start(false);
}

main().catch(fail);
