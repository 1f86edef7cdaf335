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

// The warning type is a contract of the model (views show warnings); readers import it here beside their errors.
export type { InputWarning } from '../../../src/model/errors.ts';
