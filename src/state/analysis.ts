/**
 * The analysis store: the inputs of the current analysis (files, their reading
 * progress, tables, warnings and errors) and the aggregates the views show.
 * Components only read this and call its actions.
 */
import { create } from 'zustand';
import type { AllocationTable } from '../model/allocations.ts';
import type { ObjectTable } from '../model/objects.ts';
import type { TracemallocSnapshot } from '../model/traces.ts';
import type { AnalysisSummary } from '../../workers/aggregate/summary.ts';
import { newCancelFlag, readInWorker, summarizeInWorker } from '../pipeline/workers.ts';
import { pickSnapshots, usePython } from './python.ts';
import { rebuildTree, type TreeSource } from './tree.ts';
import { useView } from './view.ts';

export type InputStatus = 'reading' | 'done' | 'error' | 'cancelled';

export interface InputEntry {
  id: number;
  name: string;
  size: number;
  status: InputStatus;
  bytesRead: number;
  startedAt: number;
  finishedAt?: number;
  format?: string;
  rows?: number;
  table?: AllocationTable;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
  info?: Record<string, unknown>;
  warnings: string[];
  error?: string;
  cancel: Int32Array;
}

interface AnalysisState {
  inputs: InputEntry[];
  summary: AnalysisSummary | null;
  summarizing: boolean;
  addFiles(files: File[]): Promise<void>;
  cancel(id: number): void;
  remove(id: number): void;
  clear(): void;
  openDemo(): Promise<void>;
  /** Tables of the inputs read so far. */
  tables(): AllocationTable[];
}

let nextId = 1;
let summaryGeneration = 0;

export const DEMO_FILES = ['demo/heapgen-phase1.list_used.gz', 'demo/heapgen-phase1.list_free.gz'];

/** Which tree the inputs call for (see tree.ts). */
function treeSource(): TreeSource {
  const inputs = useAnalysis.getState().inputs.filter((e) => e.status === 'done');
  const { newer } = pickSnapshots(inputs, usePython.getState());
  if (newer?.tracemalloc) return { kind: 'traceback', snapshot: newer.tracemalloc };
  const tables = inputs.filter((e) => e.table).map((e) => e.table!);
  return tables.length ? { kind: 'typeSize', tables } : { kind: 'none' };
}

// Choosing another snapshot as B redraws the tree.
usePython.subscribe((s, prev) => {
  if (s.newId !== prev.newId) void rebuildTree(treeSource());
});

export const useAnalysis = create<AnalysisState>((set, get) => {
  const patch = (id: number, p: Partial<InputEntry>) =>
    set((s) => ({ inputs: s.inputs.map((e) => (e.id === id ? { ...e, ...p } : e)) }));

  async function resummarize(): Promise<void> {
    const gen = ++summaryGeneration;
    const tables = get().tables();
    if (tables.length === 0) {
      set({ summary: null, summarizing: false });
      void rebuildTree({ kind: 'none' });
      return;
    }
    set({ summarizing: true });
    const [summary] = await Promise.all([summarizeInWorker(tables), rebuildTree(treeSource())]);
    if (gen === summaryGeneration) set({ summary, summarizing: false });
  }

  async function readOne(file: File): Promise<void> {
    const id = nextId++;
    const entry: InputEntry = {
      id,
      name: file.name,
      size: file.size,
      status: 'reading',
      bytesRead: 0,
      startedAt: performance.now(),
      warnings: [],
      cancel: newCancelFlag(),
    };
    set((s) => ({ inputs: [...s.inputs, entry] }));
    const out = await readInWorker(file, entry.cancel, (p) => patch(id, { bytesRead: p.bytesRead }));
    if (!get().inputs.some((e) => e.id === id)) return; // removed meanwhile
    const finishedAt = performance.now();
    if (out.ok) {
      patch(id, {
        status: 'done',
        finishedAt,
        bytesRead: file.size,
        format: out.format,
        table: out.table,
        tracemalloc: out.tracemalloc,
        objects: out.objects,
        rows: out.table?.rows ?? 0,
        info: out.info,
        warnings: out.warnings.map((w) => w.message),
      });
    } else {
      patch(id, { status: out.cancelled ? 'cancelled' : 'error', finishedAt, error: out.error });
    }
  }

  return {
    inputs: [],
    summary: null,
    summarizing: false,
    tables() {
      return get()
        .inputs.filter((e) => e.status === 'done' && e.table)
        .map((e) => e.table!);
    },
    async addFiles(files) {
      await Promise.all(files.map((f) => readOne(f)));
      await resummarize();
    },
    cancel(id) {
      const e = get().inputs.find((x) => x.id === id);
      if (e) Atomics.store(e.cancel, 0, 1);
    },
    remove(id) {
      const e = get().inputs.find((x) => x.id === id);
      if (e) Atomics.store(e.cancel, 0, 1);
      set((s) => ({ inputs: s.inputs.filter((x) => x.id !== id) }));
      void resummarize();
    },
    clear() {
      for (const e of get().inputs) Atomics.store(e.cancel, 0, 1);
      set({ inputs: [], summary: null });
      summaryGeneration++;
      void rebuildTree({ kind: 'none' });
      useView.getState().setSource('');
      usePython.getState().set({ oldId: null, newId: null });
    },
    async openDemo() {
      const base = import.meta.env.BASE_URL;
      const files = await Promise.all(
        DEMO_FILES.map(async (p) => {
          const res = await fetch(base + p);
          if (!res.ok) throw new Error(`demo file ${p}: HTTP ${res.status}`);
          return new File([await res.blob()], p.split('/').pop()!);
        }),
      );
      useView.getState().setSource('demo');
      await get().addFiles(files);
    },
  };
});
