import { useBackend } from '@selfevo/backend';
import { lossFn, makeModel } from './plain-model.mjs';

export async function createReplica() {
  await useBackend('cpu');
  return { model: makeModel(), lossFn };
}
