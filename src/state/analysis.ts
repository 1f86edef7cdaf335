/**
 * The analysis store: the inputs of the current analysis (files, their reading
 * progress, tables, warnings and errors) and the aggregates the views show.
 * Components only read this and call its actions.
 */
import { create } from 'zustand';
import { isInUse, type AllocationTable } from '../model/allocations.ts';
import type { ObjectTable } from '../model/objects.ts';
import type { TracemallocSnapshot } from '../model/traces.ts';
import type { AnalysisSummary } from '../../workers/logic/aggregate/summary.ts';
import type { AttributionData } from '../../workers/logic/session/core-session.ts';
import { attributionFromRows } from '../../workers/logic/aggregate/attribution-rows.ts';
import type { JsonValue, SavedAnalysis, SavedInput } from '../model/saved.ts';
import { decodeUrlState, type UrlState } from './url.ts';
import { snapshot as viewSnapshot } from './view.ts';
import { coreApi, newCancelFlag, openCoreInWorker, readInWorker, sniffInWorker, summarizeInWorker } from '../pipeline/workers.ts';
import { pickSnapshots, usePython } from './python.ts';
import { rebuildTree, type TreeSource } from './tree.ts';
import { useCompareSource } from './compare-source.ts';
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
  /** The dropped file, kept for inputs read again later (ELF binaries for symbols). */
  file?: File;
  /** For a core: its heap walk's table with class names from vtables (when no chap list names them). */
  classified?: AllocationTable;
  /** For a core: binaries already given to its session. */
  binariesGiven?: number[];
  /** Read back from a saved or shared analysis: tables only, no file and no memory behind them. */
  saved?: boolean;
}

/** The core analysis of an analysis that holds a core dump. */
export interface CoreAnalysis {
  coreId: number;
  /** The chap list whose allocation boundaries were used, or null for the heap walk's own. */
  listId: number | null;
  /** Every chap list that describes this core (used, free, …). */
  lists: number[];
  attribution: AttributionData;
  /** Binaries matched (names). */
  binaries: string[];
}

interface AnalysisState {
  inputs: InputEntry[];
  summary: AnalysisSummary | null;
  summarizing: boolean;
  /** The first core's analysis (the views of one snapshot use it). */
  core: CoreAnalysis | null;
  /** Every core's analysis, in drop order (compare uses two). */
  cores: CoreAnalysis[];
  /** Work in progress on the core (symbols, attribution), or null. */
  coreBusy: string | null;
  addFiles(files: File[]): Promise<void>;
  cancel(id: number): void;
  remove(id: number): void;
  clear(): void;
  openDemo(): Promise<void>;
  /** Tables of the inputs read so far (see `tableEntries`). */
  tables(): AllocationTable[];
  /** The inputs whose tables the views aggregate, in the order of `tables()`. */
  tableEntries(): InputEntry[];
  /** The analysis as a saved analysis (tables and view state; never memory contents). */
  snapshot(name: string): SavedAnalysis;
  /** Replaces the analysis with a saved one (from the library or the share server). */
  loadSaved(a: SavedAnalysis, shared?: { analysis?: string; cmp?: string }): Promise<void>;
}

let nextId = 1;
let summaryGeneration = 0;

export const DEMO_FILES = ['demo/heapgen-phase1.list_used.gz', 'demo/heapgen-phase1.list_free.gz'];

/** Which tree the inputs call for (see tree.ts). */
function treeSource(): TreeSource {
  const inputs = useAnalysis.getState().inputs.filter((e) => e.status === 'done');
  const { newer } = pickSnapshots(inputs, usePython.getState());
  if (newer?.tracemalloc) return { kind: 'traceback', snapshot: newer.tracemalloc };
  // A core with malloc_tracer footers: who allocated (library → function → return address).
  const core = useAnalysis.getState().core;
  if (core?.attribution.detected) {
    const from = inputs.find((e) => e.id === (core.listId ?? core.coreId));
    if (from?.table) return { kind: 'attribution', attribution: core.attribution, table: from.table };
  }
  // An object dump alone: which objects of which type.
  const dump = inputs.find((e) => e.objects && e.table);
  if (dump && !inputs.some((e) => e.table && !e.objects)) return { kind: 'objects', table: dump.table!, objects: dump.objects! };
  const tables = useAnalysis.getState().tables();
  return tables.length ? { kind: 'typeSize', tables } : { kind: 'none' };
}

// Choosing another snapshot as B redraws the tree.
usePython.subscribe((s, prev) => {
  if (s.newId !== prev.newId) void rebuildTree(treeSource());
});

/**
 * Input entries (tables only: no file, no memory) and core analyses of a saved
 * analysis; `newId` numbers the entries. Used to open a saved or shared
 * analysis, and for a shared analysis compared with the current one.
 */
export function savedEntries(a: SavedAnalysis, newId: () => number): { entries: InputEntry[]; cores: CoreAnalysis[] } {
  const now = performance.now();
  const entries: InputEntry[] = a.inputs.map((inp) => ({
    id: newId(),
    name: inp.name,
    size: inp.size,
    status: 'done',
    bytesRead: inp.size,
    startedAt: now,
    finishedAt: now,
    format: inp.format,
    rows: inp.rows,
    table: inp.table,
    tracemalloc: inp.tracemalloc,
    objects: inp.objects,
    info: inp.info as Record<string, unknown> | undefined,
    warnings: inp.warnings ?? [],
    cancel: new Int32Array(1),
    saved: true,
  }));
  const cores: CoreAnalysis[] = [];
  a.inputs.forEach((inp, i) => {
    if (!inp.attribution || !inp.table) return;
    const isCore = entries[i].format === 'core';
    const coreIndex = isCore ? i : Number(inp.info?.attributedCore ?? entries.findIndex((e) => e.format === 'core'));
    const coreEntry = entries[coreIndex] ?? entries[i];
    cores.push({
      coreId: coreEntry.id,
      listId: isCore ? null : entries[i].id,
      lists: isCore ? [] : [entries[i].id],
      attribution: attributionFromRows(inp.table, inp.attribution),
      binaries: entries.filter((e) => e.format === 'elf').map((e) => e.name),
    });
  });
  return { entries, cores };
}

/** Chap lists with in-use allocations, most first (a core's attribution uses the list of its used allocations). */
function byInUseRows(lists: InputEntry[]): InputEntry[] {
  const used = (e: InputEntry) => {
    let n = 0;
    const st = e.table!.state;
    for (let i = 0; i < e.table!.rows; i++) if (isInUse(st[i])) n++;
    return n;
  };
  return lists
    .map((e) => [e, used(e)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([e]) => e);
}

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
    const onProgress = (p: { bytesRead: number }) => patch(id, { bytesRead: p.bytesRead });
    const role = await sniffInWorker(file);
    // Cores stay open in the core worker (attribution and the inspector read them later).
    const out = role.role === 'core' ? await openCoreInWorker(id, file, entry.cancel, onProgress) : await readInWorker(file, entry.cancel, onProgress);
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
        file: out.format === 'elf' ? file : undefined,
      });
    } else {
      patch(id, { status: out.cancelled ? 'cancelled' : 'error', finishedAt, error: out.error });
    }
  }

  /**
   * For every core: give it the dropped binaries, find the chap list that
   * describes it (same allocation addresses), attribute its allocations to
   * malloc callers (footers) with that list's boundaries or the heap walk's,
   * and name classes from vtables.
   */
  async function analyzeCores(): Promise<void> {
    const done = get().inputs.filter((e) => e.status === 'done');
    const cores = done.filter((e) => e.format === 'core' && !e.saved);
    if (cores.length === 0) {
      if (!done.some((e) => e.format === 'core')) set({ core: null, cores: [] });
      return;
    }
    const api = coreApi();
    const lists = done.filter((e) => e.format === 'chap-list' && e.table);
    const out: CoreAnalysis[] = [];
    for (const core of cores) {
      const bins = done.filter((e) => e.format === 'elf' && e.file && !(core.binariesGiven ?? []).includes(e.id));
      if (bins.length) {
        set({ coreBusy: `Reading symbols of ${bins.map((b) => b.name).join(', ')}…` });
        await api.addBinaries(core.id, bins.map((b) => b.file!));
        patch(core.id, { binariesGiven: [...(core.binariesGiven ?? []), ...bins.map((b) => b.id)] });
      }
      const matched: InputEntry[] = [];
      for (const l of lists) if (await api.holds(core.id, l.table!)) matched.push(l);
      const list = byInUseRows(matched)[0];
      set({ coreBusy: `Attributing the allocations of ${core.name} to their callers…` });
      const attribution = await api.attribute(core.id, list?.table ?? null);
      if (!core.classified) {
        set({ coreBusy: `Naming classes of ${core.name} from vtables…` });
        patch(core.id, { classified: await api.classifiedTable(core.id) });
      }
      out.push({ coreId: core.id, listId: list?.id ?? null, lists: matched.map((l) => l.id), attribution, binaries: done.filter((e) => e.format === 'elf').map((e) => e.name) });
    }
    set({ cores: out, core: out[0] ?? null, coreBusy: null });
  }

  /** Forgets every input (cancelling reads, closing cores); the URL is the caller's business. */
  function reset(): void {
    for (const e of get().inputs) Atomics.store(e.cancel, 0, 1);
    for (const e of get().inputs) if (e.format === 'core' && !e.saved) void coreApi().close(e.id);
    set({ inputs: [], summary: null, core: null, cores: [], coreBusy: null });
    summaryGeneration++;
    void rebuildTree({ kind: 'none' });
    usePython.getState().set({ oldId: null, newId: null });
    useCompareSource.setState({ shared: null, id: '' });
  }

  return {
    inputs: [],
    summary: null,
    summarizing: false,
    core: null,
    cores: [],
    coreBusy: null,
    /**
     * The allocation tables the views aggregate. A core's heap walk stands for
     * its allocations only when no chap list was dropped with it (the list's
     * boundaries are chap's, and counting both would count twice).
     */
    tableEntries() {
      const done = get().inputs.filter((e) => e.status === 'done' && e.table);
      // A core described by a `list used`: the lists' boundaries stand for its allocations.
      // Otherwise its heap walk does, and lists of it (`list free` alone) would count twice.
      const skip = new Set<number>();
      for (const c of get().cores) {
        if (c.listId !== null) skip.add(c.coreId);
        else for (const l of c.lists) skip.add(l);
      }
      return done.filter((e) => !skip.has(e.id));
    },
    tables() {
      return get()
        .tableEntries()
        .map((e) => e.classified ?? e.table!);
    },
    async addFiles(files) {
      // Files of your own make a shared analysis a local one: the URL stops naming the shared id.
      if (useView.getState().analysis) useView.getState().setShared('');
      await Promise.all(files.map((f) => readOne(f)));
      try {
        await analyzeCores();
      } catch (e) {
        set({ coreBusy: null, core: null, cores: [] });
        const core = get().inputs.find((x) => x.format === 'core');
        if (core) patch(core.id, { warnings: [...core.warnings, `attribution failed: ${(e as Error).message}`] });
      }
      await resummarize();
    },
    cancel(id) {
      const e = get().inputs.find((x) => x.id === id);
      if (e) Atomics.store(e.cancel, 0, 1);
    },
    remove(id) {
      const e = get().inputs.find((x) => x.id === id);
      if (e) Atomics.store(e.cancel, 0, 1);
      if (e?.format === 'core') void coreApi().close(id);
      set((s) => ({ inputs: s.inputs.filter((x) => x.id !== id) }));
      void analyzeCores()
        .catch(() => set({ core: null, cores: [], coreBusy: null }))
        .then(resummarize);
    },
    clear() {
      reset();
      useView.getState().setSource('');
      useView.getState().setShared('');
    },
    snapshot(name) {
      const done = get().inputs.filter((e) => e.status === 'done');
      const inputs: SavedInput[] = done.map((e) => {
          const input: SavedInput = {
            name: e.name,
            format: e.format ?? 'unknown',
            size: e.size,
            rows: e.rows ?? 0,
            info: e.info as { [k: string]: JsonValue } | undefined,
            warnings: e.warnings,
            table: e.classified ?? e.table,
            tracemalloc: e.tracemalloc,
            objects: e.objects,
          };
          const core = get().cores.find((c) => e.id === (c.listId ?? c.coreId));
          if (core) {
            input.attribution = { sites: core.attribution.sites, rowSite: core.attribution.rowSite, rowRequested: core.attribution.rowRequested };
            // A list's attribution belongs to a core: say which (its index among the saved inputs).
            if (core.listId !== null) input.info = { ...(input.info ?? {}), attributedCore: done.findIndex((x) => x.id === core.coreId) };
          }
          return input;
        });
      return { name, created: new Date().toISOString(), view: viewSnapshot(useView.getState()) as unknown as JsonValue, inputs };
    },
    async loadSaved(a, shared = {}) {
      // No URL change here: the caller's URL (a share link) names what is being opened.
      reset();
      const { entries, cores } = savedEntries(a, () => nextId++);
      set({ inputs: entries, core: cores[0] ?? null, cores });
      const v = a.view && typeof a.view === 'object' ? (a.view as unknown as Partial<UrlState>) : {};
      useView.getState().applyUrl({ ...decodeUrlState(''), ...v, analysis: shared.analysis ?? '', cmp: shared.cmp ?? '', src: '' });
      await resummarize();
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
