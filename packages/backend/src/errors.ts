/** A backend was asked for that cannot run here; the message says what to install or enable. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}
