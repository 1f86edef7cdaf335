/**
 * Reader worker: sniffs and parses one input at a time, off the main thread.
 * Tables come back in SharedArrayBuffers (shared, not copied).
 */
import * as Comlink from 'comlink';
import type { AllocationTable } from '../src/model/allocations.ts';
import type { ObjectTable } from '../src/model/objects.ts';
import type { TracemallocSnapshot } from '../src/model/traces.ts';
import { CancelledError, InputError, type InputWarning } from './io/errors.ts';
import { BlobSource } from './io/source.ts';
import type { Progress } from './io/stream.ts';
import { openInput } from './open-input.ts';
import { sniff } from './sniff.ts';

export interface ReadOutcome {
  ok: boolean;
  cancelled?: boolean;
  error?: string;
  format?: string;
  table?: AllocationTable;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
  warnings: InputWarning[];
  info?: Record<string, unknown>;
}

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
      if (e instanceof CancelledError) return { ok: false, cancelled: true, error: e.message, warnings: [] };
      const message = e instanceof InputError ? e.message : `${file.name}: ${(e as Error)?.message ?? String(e)}`;
      return { ok: false, error: message, warnings: [] };
    }
  },
};

export type ReaderApi = typeof api;
Comlink.expose(api);
