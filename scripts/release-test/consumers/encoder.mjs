// @selfevo/encoder-model with @selfevo/backend, from plain Node ESM: one training step on wasm.
import { useBackend } from '@selfevo/backend';
import { AdamW, BertForMaskedLM, makeConfig, valueAndGrads } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { trainStep } from './train-step.cjs';

const r = await trainStep({ tf, useBackend, AdamW, BertForMaskedLM, makeConfig, valueAndGrads });
console.log(JSON.stringify({ esm: 'ok', ...r }));
