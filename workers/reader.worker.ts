/**
 * Reader worker: sniffs and parses one input at a time, off the main thread.
 * Tables come back in SharedArrayBuffers (shared, not copied).
 */
import * as Comlink from 'comlink';
import { BlobSource } from './logic/io/source.ts';
import type { Progress } from './logic/io/stream.ts';
import { openInput } from './logic/formats/open-input.ts';
import { sniff } from './logic/formats/sniff.ts';
import { failedOutcome, type ReadOutcome } from './read-outcome.ts';

const api = {
  /** The role of a file, from its content. */
  async sniff(file: File) {
    return sniff(new BlobSource(file));
  },
  async read(file: File, cancel: Int32Array, onProgress: (p: Progress) => void): Promise<ReadOutcome> {
    const src = new BlobSource(file);
    try {
      const r = await openInput(src, { cancel, onProgress });
      return { ok: true, format: r.format, table: r.table, tracemalloc: r.tracemalloc, objects: r.objects, warnings: r.warnings, info: r.info };
    } catch (e) {
      return failedOutcome(e, file.name);
    }
  },
};

export type ReaderApi = typeof api;
Comlink.expose(api);
