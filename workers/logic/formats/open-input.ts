/**
 * Sniffs an input and runs the reader for its role; every failure becomes an
 * `InputError` naming the file, never an uncaught exception.
 */
import { CancelledError, InputError } from '../io/errors.ts';
import type { ReadControl } from '../io/stream.ts';
import type { ByteSource } from '../io/source.ts';
import { READERS, type ReaderOptions, type ReadResult } from './readers.ts';
import { sniff, type Sniffed } from './sniff.ts';
import { ROLE_LABELS } from '../../../src/model/inputs.ts';

/** `sniffed`: what `sniff(src)` said, when the caller sniffed it already (it is not sniffed again). */
export async function openInput(src: ByteSource, ctl?: ReadControl, opts?: ReaderOptions, sniffed?: Sniffed): Promise<ReadResult> {
  sniffed ??= await sniff(src);
  if (sniffed.role === 'unknown') {
    throw new InputError(src.name, `not a format Heapscope reads: ${sniffed.detail}`);
  }
  const load = READERS[sniffed.role];
  if (!load) {
    throw new InputError(src.name, `recognised as ${ROLE_LABELS[sniffed.role]}, but this build cannot read that format yet`);
  }
  const reader = await load();
  try {
    return await reader(src, ctl, opts);
  } catch (e) {
    if (e instanceof InputError || e instanceof CancelledError) throw e;
    throw new InputError(src.name, `could not be read: ${(e as Error).message ?? String(e)}`);
  }
}

/**
 * Loads the readers of every role but a core's (a core is read in the core worker), so that the first file dropped
 * does not wait for its reader's script (the 2.6M chap list's read began 66-100 ms after the worker was asked).
 */
export async function loadReaders(): Promise<void> {
  await Promise.all(Object.entries(READERS).map(([role, load]) => (role === 'core' ? undefined : load?.())));
}
