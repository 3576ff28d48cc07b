import { useBackend } from '@selfevo/backend';
import { makeConfig } from '@selfevo/encoder-model';

export const both: [typeof useBackend, typeof makeConfig] = [useBackend, makeConfig];
