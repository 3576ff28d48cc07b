import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package: a model file that cannot be fetched or read. */
export class MiniGutenbergError extends SelfevoError {}
