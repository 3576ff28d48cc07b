// A prompt-tuning step vs a full fine-tuning step on the same model: time per optimizer step and
// memory (tfjs tensor bytes), as ratios. Each variant runs through @selfevo/trainer's train() in
// its own Node process (fresh tfjs heap) on the built packages (dist/).
//   npm run bench -w @selfevo/prompt-transfer -- [--configs tiny,mini] [--steps 5] [--warmup 2]
//        [--rounds 2] [--batch 16] [--seq 128] [--prompt-length 20] [--backend wasm] [--json-out file]
// Rounds interleave the variants (full, prompt, prefix, full, …); each variant reports the median
// over rounds of its per-round median step time (the machine's load drifts), and its largest peak.
// Variants: full (every weight trains: encoder + pooler + classifier), prompt (input-level prompt
// [L, H] + head, encoder frozen), prefix (deep prompts [N, 2, L, H] + head, encoder frozen).
// Memory: `peak` = tf.profile's peak tensor bytes during the measured steps' train() call (model
// weights included), `extra` = peak − the bytes held before it (optimizer state, gradients,
// activations: what training adds on top of the model).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const configs = arg('configs', 'tiny,mini').split(',').filter(Boolean);
const rounds = Number(arg('rounds', '2'));
const pass = ['steps', 'warmup', 'batch', 'seq', 'prompt-length', 'backend']
  .filter((k) => arg(k) !== undefined)
  .flatMap((k) => [`--${k}`, arg(k)]);
const variants = ['full', 'prompt', 'prefix'];

function run(config, variant) {
  const out = execFileSync(
    process.execPath,
    [`${here}bench-variant.mjs`, '--config', config, '--variant', variant, ...pass],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

const mb = (b) => (b / 2 ** 20).toFixed(1);
const results = [];
console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const config of configs) {
  const all = Object.fromEntries(variants.map((v) => [v, []]));
  for (let i = 0; i < rounds; i++) for (const v of variants) all[v].push(run(config, v));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r = Object.fromEntries(
    variants.map((v) => {
      const xs = all[v];
      return [
        v,
        {
          ...xs[0],
          msPerStep: median(xs.map((x) => x.msPerStep)),
          cpuMsPerStep: median(xs.map((x) => x.cpuMsPerStep)),
          roundMs: xs.map((x) => x.msPerStep),
          peakBytes: Math.max(...xs.map((x) => x.peakBytes)),
          extraBytes: Math.max(...xs.map((x) => x.extraBytes)),
        },
      ];
    }),
  );
  results.push({ config, ...r });
  const f = r.full;
  console.log(
    `\n${config}: H${f.hiddenSize} L${f.layers}, batch ${f.batch}×${f.seq} tokens, prompt length ${r.prompt.promptLength}, ${f.backend}, ${rounds} round(s)`,
  );
  console.log(
    '| variant | trained params | CPU ms/step | ÷ full | wall ms/step (per round) | ÷ full | peak MB | extra MB | extra ÷ full |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const v of variants) {
    const x = r[v];
    console.log(
      `| ${v} | ${x.trainedParams.toLocaleString('en')} | ${x.cpuMsPerStep.toFixed(0)} | ${(x.cpuMsPerStep / f.cpuMsPerStep).toFixed(2)}× | ` +
        `${x.msPerStep.toFixed(0)} (${x.roundMs.map((m) => m.toFixed(0)).join(', ')}) | ${(x.msPerStep / f.msPerStep).toFixed(2)}× | ` +
        `${mb(x.peakBytes)} | ${mb(x.extraBytes)} | ${(x.extraBytes / f.extraBytes).toFixed(3)}× |`,
    );
  }
}
console.log(
  `\nload average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const jsonOut = arg('json-out');
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
