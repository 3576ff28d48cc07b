// The same training step from CommonJS (require(esm), Node >= 20.19).
const { useBackend } = require('@selfevo/backend');
const { AdamW, BertForMaskedLM, makeConfig, valueAndGrads } = require('@selfevo/encoder-model');
const tf = require('@tensorflow/tfjs-core');
const { trainStep } = require('./train-step.cjs');

trainStep({ tf, useBackend, AdamW, BertForMaskedLM, makeConfig, valueAndGrads }).then((r) =>
  console.log(JSON.stringify({ cjs: 'ok', ...r })),
);
