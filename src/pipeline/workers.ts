/**
 * The main thread's handles on the worker pool: reader workers (one input each
 * at a time, up to `POOL_SIZE` in parallel) and one aggregation worker.
 */
import * as Comlink from 'comlink';
import type { AllocationTable } from '../model/allocations.ts';
import type { AggregateApi } from '../../workers/aggregate.worker.ts';
import type { ReaderApi } from '../../workers/reader.worker.ts';
import type { ReadOutcome } from '../../workers/read-outcome.ts';
import type { Progress } from '../../workers/logic/io/stream.ts';
import type { AnalysisSummary } from '../../workers/logic/aggregate/summary.ts';
import type { CoreApi } from '../../workers/core.worker.ts';
import type { SavedAnalysis } from '../model/saved.ts';

/** Reader workers at most: one per core, up to 4. */
function poolSize(): number {
  return Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency || 2));
}

interface Slot {
  api: Comlink.Remote<ReaderApi>;
  busy: boolean;
}

const slots: Slot[] = [];
const waiting: ((s: Slot) => void)[] = [];

function newSlot(): Slot {
  const worker = new Worker(new URL('../../workers/reader.worker.ts', import.meta.url), { type: 'module', name: 'reader' });
  return { api: Comlink.wrap<ReaderApi>(worker), busy: false };
}

async function acquire(): Promise<Slot> {
  const free = slots.find((s) => !s.busy);
  if (free) {
    free.busy = true;
    return free;
  }
  if (slots.length < poolSize()) {
    const s = newSlot();
    s.busy = true;
    slots.push(s);
    return s;
  }
  return new Promise((res) => waiting.push(res));
}

function release(s: Slot): void {
  const next = waiting.shift();
  if (next) next(s);
  else s.busy = false;
}

/** A shared cancel flag: set `flag[0] = 1` (Atomics.store) and the reader stops at its next slice. */
export function newCancelFlag(): Int32Array {
  const buf = typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolated ? new SharedArrayBuffer(4) : new ArrayBuffer(4);
  return new Int32Array(buf);
}

let aggregator: Comlink.Remote<AggregateApi> | null = null;

/** The aggregation worker (created on first use). */
export function aggregatorApi(): Comlink.Remote<AggregateApi> {
  if (!aggregator) {
    const worker = new Worker(new URL('../../workers/aggregate.worker.ts', import.meta.url), { type: 'module', name: 'aggregate' });
    aggregator = Comlink.wrap<AggregateApi>(worker);
  }
  return aggregator;
}

export async function summarizeInWorker(tables: AllocationTable[]): Promise<AnalysisSummary> {
  return aggregatorApi().summarize(tables);
}

let coreWorker: Comlink.Remote<CoreApi> | null = null;

/** The core worker (created on first use): holds open core dumps. */
export function coreApi(): Comlink.Remote<CoreApi> {
  if (!coreWorker) {
    const worker = new Worker(new URL('../../workers/core.worker.ts', import.meta.url), { type: 'module', name: 'core' });
    coreWorker = Comlink.wrap<CoreApi>(worker);
  }
  return coreWorker;
}

/**
 * A dropped file sniffed and, unless it is a core, read, in one call to a reader worker (`ReaderApi.sniffRead`):
 * `{ core: true }` for a core, which `openCoreInWorker` opens.
 */
export async function sniffReadInWorker(file: File, cancel: Int32Array, onProgress: (p: Progress) => void): Promise<{ core: true } | { core: false; outcome: ReadOutcome }> {
  const slot = await acquire();
  try {
    return await slot.api.sniffRead(file, cancel, Comlink.proxy(onProgress));
  } finally {
    release(slot);
  }
}

/** A progress callback the core worker's stages can call back (a comlink proxy). */
export function stageProgress(f: (p: Progress) => void): (p: Progress) => void {
  return Comlink.proxy(f);
}

export async function openCoreInWorker(id: number, file: File, cancel: Int32Array, onProgress: (p: Progress) => void): Promise<ReadOutcome> {
  return coreApi().open(id, file, cancel, Comlink.proxy(onProgress));
}

/**
 * Serialising and decoding saved analyses in the aggregation worker (they take ~0.5 s for millions of rows);
 * where there are no Web Workers (Node: tests, CLI) the same code runs in line.
 */
export const savedCodec = {
  async encode(a: SavedAnalysis): Promise<Uint8Array> {
    if (typeof Worker === 'undefined') return (await import('../../workers/logic/saved/serialize.ts')).saveAnalysis(a);
    return (await aggregatorApi().saveAnalysis(a, false)).bytes;
  },
  async decode(bytes: Uint8Array, name: string): Promise<SavedAnalysis> {
    if (typeof Worker === 'undefined') return (await import('../../workers/logic/saved/deserialize.ts')).loadAnalysis(bytes, { name });
    return aggregatorApi().loadAnalysis(bytes, name);
  },
};

/**
 * The workers a dropped file needs — one reader (it sniffs every file), the core worker and the aggregation worker —
 * started once the page is idle after it loads, so that a drop does not wait for their scripts to load and compile
 * before its first read (in Chromium the sniff and the core worker's start took 70-150 ms of the bench core's drop).
 */
function warmUp(): void {
  if (slots.length === 0) {
    const s = newSlot();
    slots.push(s);
    // Its readers' scripts too (a failure here is the first read's to report, when it loads them again).
    s.api.warm().catch(() => {});
  }
  coreApi();
  aggregatorApi();
}

if (typeof Worker !== 'undefined' && typeof window !== 'undefined') {
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
  if (idle) idle(warmUp, { timeout: 2000 });
  else setTimeout(warmUp, 500);
}
