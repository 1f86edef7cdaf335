/**
 * What a reader says about its input besides its tables. A failure is an `InputError` (workers/logic/io/errors.ts)
 * whose message names the file; a warning does not stop reading: the views show it under the input, the CLI on
 * stderr.
 */

/** A problem found in an input that does not stop reading it (shown as a warning). */
export interface InputWarning {
  file: string;
  message: string;
}
