/**
 * Reader worker: sniffs and parses one input at a time, off the main thread.
 * Tables come back in SharedArrayBuffers (shared, not copied).
 */
import * as Comlink from 'comlink';
import { BlobSource } from './logic/io/source.ts';
import type { Progress } from './logic/io/stream.ts';
import { loadReaders, openInput } from './logic/formats/open-input.ts';
import { sniff } from './logic/formats/sniff.ts';
import { failedOutcome, type ReadOutcome } from './read-outcome.ts';

const api = {
  /**
   * A dropped file in one call: sniffed, then read here unless it is a core (`{ core: true }`: the core worker
   * opens it). One sniff and no round trip to the page between them (the 2.6M chap list: 70-90 ms sooner).
   */
  async sniffRead(file: File, cancel: Int32Array, onProgress: (p: Progress) => void): Promise<{ core: true } | { core: false; outcome: ReadOutcome }> {
    const src = new BlobSource(file);
    const sniffed = await sniff(src);
    if (sniffed.role === 'core') return { core: true };
    try {
      const r = await openInput(src, { cancel, onProgress }, undefined, sniffed);
      return { core: false, outcome: { ok: true, format: r.format, table: r.table, tracemalloc: r.tracemalloc, objects: r.objects, warnings: r.warnings, info: r.info } };
    } catch (e) {
      return { core: false, outcome: failedOutcome(e, file.name) };
    }
  },
  /** Loads the readers' scripts (the page asks once it is idle). */
  async warm() {
    await loadReaders();
  },
};

export type ReaderApi = typeof api;
Comlink.expose(api);
