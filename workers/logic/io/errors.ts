/** Errors a reader raises about its input; the message always names the file. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}

export class CancelledError extends Error {
  constructor(readonly file: string) {
    super(`${file}: reading was cancelled`);
    this.name = 'CancelledError';
  }
}

/** A problem found in an input that does not stop reading it (shown as a warning). */
export interface InputWarning {
  file: string;
  message: string;
}
