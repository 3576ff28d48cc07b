import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package. */
export class TrainingPlotsError extends SelfevoError {}

/** The input holds nothing to draw (no finite value), or a plot option is out of range. */
export class PlotDataError extends TrainingPlotsError {
  constructor(
    /** The argument or option at fault (`records`, `points`, `pngScale`…). */
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}
