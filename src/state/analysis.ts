/**
 * The actions that change the analysis: reading dropped files, assembling them
 * into snapshots (in the aggregation worker, with the same `assemble` the CLI
 * calls), completing each core snapshot in the core worker (classes, footers),
 * removing files, opening the demo, saving and reopening analyses. The stores
 * they write are `inputs.ts` (the files) and `snapshots.ts` (the snapshots);
 * components read those and call these.
 */
import type { AllocationTable } from '../model/allocations.ts';
import type { PythonHeapInfo } from '../model/python-heap.ts';
import type { JsonValue, SavedAnalysis } from '../model/saved.ts';
import type { AssemblyChoices, Snapshot } from '../model/snapshot.ts';
import { savedOf, type LoadedSnapshot } from '../../workers/logic/saved/snapshots.ts';
import { aggregatorApi, coreApi, newCancelFlag, openCoreInWorker, readInWorker, sniffInWorker } from '../pipeline/workers.ts';
import { decodeUrlState, type UrlState } from './url.ts';
import { doneInputs, newInputId, patchInput, rememberFiles, useInputs, type InputEntry } from './inputs.ts';
import { layoutOf, newSnapshotUid, useSnapshots, type SnapshotState } from './snapshots.ts';
import { useCompareSource } from './compare-source.ts';
import { snapshot as viewSnapshot, useView } from './view.ts';

export const DEMO_FILES = ['demo/heapgen-phase1.list_used.gz', 'demo/heapgen-phase1.list_free.gz', 'demo/heapgen-phase2.list_used.gz', 'demo/heapgen-phase2.list_free.gz'];

/** Bumped by every assembly and every reset: results of an older one are dropped. */
let generation = 0;

/** Processed core snapshots, by what they were made of, so assembling again does not redo a core's work. */
const processed = new Map<string, { table: AllocationTable; attribution: SnapshotState['attribution']; python?: PythonHeapInfo }>();

/** A core snapshot's layout: its core's, with the Python types as its binaries named them (when they did). */
function layoutWith(info: Record<string, unknown> | undefined, python: PythonHeapInfo | undefined): SnapshotState['layout'] {
  const layout = layoutOf(info);
  return layout && python ? { ...layout, python } : layout;
}

function partsKey(s: Snapshot): string {
  return `${s.core}|${s.parts.map((p) => `${p.input}:${p.as}`).join(',')}`;
}

async function readOne(file: File): Promise<number> {
  const id = newInputId();
  const entry: InputEntry = { id, name: file.name, size: file.size, status: 'reading', bytesRead: 0, startedAt: performance.now(), warnings: [], cancel: newCancelFlag() };
  useInputs.setState((s) => ({ entries: [...s.entries, entry] }));
  const onProgress = (p: { bytesRead: number }) => patchInput(id, { bytesRead: p.bytesRead });
  const role = await sniffInWorker(file);
  // Cores stay open in the core worker: classes, footers and the inspector read them later.
  const out: Awaited<ReturnType<typeof readInWorker>> = role.role === 'core' ? await openCoreInWorker(id, file, entry.cancel, onProgress) : await readInWorker(file, entry.cancel, onProgress);
  if (!useInputs.getState().entries.some((e) => e.id === id)) return id; // removed meanwhile
  const finishedAt = performance.now();
  if (out.ok) {
    patchInput(id, {
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
    patchInput(id, { status: out.cancelled ? 'cancelled' : 'error', finishedAt, error: out.error });
  }
  return id;
}

/** Snapshots read back from saved analyses: kept as they were saved. */
function fixedSnapshots(): SnapshotState[] {
  return useSnapshots.getState().list.filter((s) => s.saved);
}

/**
 * Assembles the live inputs into snapshots (aggregation worker), then completes
 * each core snapshot from its core (core worker): the current one first.
 */
async function rebuild(): Promise<void> {
  const gen = ++generation;
  const live = doneInputs().filter((e) => !e.saved);
  rememberFiles(useInputs.getState().entries.filter((e) => !e.saved).map((e) => ({ name: e.name, size: e.size })));
  useSnapshots.setState({ assembling: true });
  const assembly = await aggregatorApi().assemble(
    live.map((e) => ({ id: e.id, name: e.name, facts: { format: e.format, table: e.table, tracemalloc: e.tracemalloc, objects: e.objects, info: e.info } })),
    useSnapshots.getState().choices,
  );
  if (gen !== generation) return;
  const previous = new Map(useSnapshots.getState().list.map((s) => [s.snap.key, s]));
  const states: SnapshotState[] = assembly.snapshots.map((snap) => {
    const core = snap.core !== null ? live.find((e) => e.id === snap.core) : undefined;
    const done = snap.core !== null ? processed.get(partsKey(snap)) : undefined;
    const version = (previous.get(snap.key)?.version ?? 0) + 1;
    return {
      uid: previous.get(snap.key)?.uid ?? newSnapshotUid(),
      snap: done ? { ...snap, table: done.table } : snap,
      version,
      attribution: done?.attribution ?? null,
      layout: layoutWith(core?.info, done?.python),
      live: !!core,
      saved: false,
      busy: core && !done ? 'Waiting for its core…' : null,
    };
  });
  useSnapshots.setState({ list: [...fixedSnapshots(), ...states], notes: assembly.notes, assembling: false });

  const current = useView.getState().snap;
  const order = [...states].sort((x, y) => Number(y.snap.key === current) - Number(x.snap.key === current) || states.indexOf(y) - states.indexOf(x));
  for (const s of order) {
    if (!s.live || !s.busy || !s.snap.table) continue;
    const key = s.snap.key;
    const binaries = s.snap.parts.filter((p) => p.as === 'binary').map((p) => live.find((e) => e.id === p.input)?.file).filter((f): f is File => !!f);
    setBusy(key, binaries.length ? `Reading symbols of ${binaries.map((b) => b.name).join(', ')}, naming classes from vtables and attributing footers…` : 'Naming classes from vtables and attributing footers…');
    try {
      const r = await coreApi().process(s.snap.core!, s.snap.table, binaries);
      if (gen !== generation) return;
      processed.set(partsKey(s.snap), r);
      update(key, (x) => ({ ...x, snap: { ...x.snap, table: r.table }, version: x.version + 1, attribution: r.attribution, layout: r.python && x.layout ? { ...x.layout, python: r.python } : x.layout, busy: null }));
    } catch (e) {
      if (gen !== generation) return;
      update(key, (x) => ({ ...x, busy: null, error: `could not complete ${x.snap.name} from its core: ${(e as Error).message}` }));
    }
  }
}

function update(key: string, f: (s: SnapshotState) => SnapshotState): void {
  useSnapshots.setState((st) => ({ list: st.list.map((s) => (s.snap.key === key ? f(s) : s)) }));
}

function setBusy(key: string, busy: string | null): void {
  update(key, (s) => ({ ...s, busy }));
}

/** Keys of snapshots that appeared with the last assembly, oldest first. */
function newKeys(before: Set<string>): string[] {
  return useSnapshots
    .getState()
    .list.map((s) => s.snap.key)
    .filter((k) => !before.has(k));
}

/** Forgets every input (cancelling reads, closing cores); the URL is the caller's business. */
function reset(): void {
  generation++;
  for (const e of useInputs.getState().entries) Atomics.store(e.cancel, 0, 1);
  for (const e of useInputs.getState().entries) if (e.format === 'core' && !e.saved) void coreApi().close(e.id);
  processed.clear();
  useInputs.setState({ entries: [] });
  useSnapshots.setState({ list: [], notes: [], choices: {}, assembling: false });
  useCompareSource.setState({ shared: null, id: '', snapshots: [] });
  rememberFiles([]);
}

/** Input entries (no file, no memory) and snapshots of a saved analysis's snapshots. */
export function entriesOfSaved(loaded: LoadedSnapshot[], how: 'library' | 'shared', keyPrefix = ''): { entries: InputEntry[]; states: SnapshotState[] } {
  const now = performance.now();
  const entries: InputEntry[] = [];
  const states = loaded.map((l) => {
    const ids = l.sources.map((src) => {
      const id = newInputId();
      entries.push({
        id,
        name: src.name,
        size: src.size,
        status: 'done',
        bytesRead: src.size,
        startedAt: now,
        finishedAt: now,
        format: src.format,
        rows: src.rows,
        info: src.info as Record<string, unknown> | undefined,
        warnings: src.warnings ?? [],
        cancel: new Int32Array(1),
        saved: how,
      });
      return id;
    });
    const snap: Snapshot = {
      ...l.snapshot,
      key: keyPrefix + l.snapshot.key,
      core: l.snapshot.core === null ? null : ids[l.snapshot.core],
      parts: l.snapshot.parts.map((p) => ({ ...p, input: ids[p.input] })),
    };
    return { uid: newSnapshotUid(), snap, version: 1, attribution: l.attribution, layout: layoutOf(l.layout), live: false, saved: true, busy: null } satisfies SnapshotState;
  });
  return { entries, states };
}

/** Puts shared analysis `b` (server id `id`) beside this one as Compare's B, or clears it. */
export async function setCompareSource(b: SavedAnalysis | null, id = ''): Promise<void> {
  if (!b) {
    useCompareSource.setState({ shared: null, id: '', snapshots: [] });
    return;
  }
  const loaded = await aggregatorApi().openSaved(b);
  const { states } = entriesOfSaved(loaded, 'shared', 'B:');
  useCompareSource.setState({ shared: b, id, snapshots: states.map((s) => ({ ...s, snap: { ...s.snap, name: `${s.snap.name} (shared ${b.name})` } })) });
}

export const analysis = {
  async addFiles(files: File[], opts: { compare?: boolean } = {}): Promise<void> {
    // Files of your own make a shared analysis a local one: the URL stops naming the shared id.
    if (useView.getState().analysis) useView.getState().setShared('');
    const before = new Set(useSnapshots.getState().list.map((s) => s.snap.key));
    await Promise.all(files.map((f) => readOne(f)));
    await rebuild();
    // Two snapshots of one kind dropped together: compare them (the older as A).
    const added = newKeys(before)
      .map((k) => useSnapshots.getState().list.find((s) => s.snap.key === k)!)
      .filter((s) => s.snap.kind === 'process' || s.snap.kind === 'tracemalloc');
    const kind = added[added.length - 1]?.snap.kind;
    const same = added.filter((s) => s.snap.kind === kind);
    if (opts.compare !== false && files.length > 1 && same.length >= 2) {
      useView.getState().setCompareSides(same[same.length - 2].snap.key, same[same.length - 1].snap.key);
      useView.getState().setView('compare');
    }
  },
  cancel(id: number): void {
    const e = useInputs.getState().entries.find((x) => x.id === id);
    if (e) Atomics.store(e.cancel, 0, 1);
  },
  /** Cancels every read in progress; true when there was one. */
  cancelAll(): boolean {
    const reading = useInputs.getState().entries.filter((e) => e.status === 'reading');
    for (const e of reading) Atomics.store(e.cancel, 0, 1);
    return reading.length > 0;
  },
  async remove(id: number): Promise<void> {
    const e = useInputs.getState().entries.find((x) => x.id === id);
    if (!e) return;
    Atomics.store(e.cancel, 0, 1);
    if (e.format === 'core' && !e.saved) void coreApi().close(id);
    useInputs.setState((s) => ({ entries: s.entries.filter((x) => x.id !== id) }));
    if (e.saved) useSnapshots.setState((st) => ({ list: st.list.filter((s) => !s.saved || !s.snap.parts.some((p) => p.input === id)) }));
    await rebuild();
  },
  clear(): void {
    reset();
    useView.getState().setSource('');
    useView.getState().setShared('');
    useView.getState().setSnapshot('');
  },
  /** Where the inputs alone do not decide, the user's choice: list `listId` belongs to snapshot `key` ('own': to none). */
  async choose(listId: number, key: string): Promise<void> {
    const choices: AssemblyChoices = { ...useSnapshots.getState().choices, [listId]: key };
    useSnapshots.setState({ choices });
    await rebuild();
  },
  /** The analysis as a saved analysis (its snapshots' tables and the view state; never memory contents). */
  toSaved(name: string): SavedAnalysis {
    const entries = useInputs.getState().entries;
    const view = viewSnapshot(useView.getState()) as unknown as JsonValue;
    return savedOf(
      name,
      view,
      useSnapshots.getState().list.map((s) => ({
        snapshot: s.snap,
        attribution: s.attribution,
        layout: s.layout as unknown as Record<string, unknown> | null,
        sources: s.snap.parts.map((p) => {
          const e = entries.find((x) => x.id === p.input);
          return {
            name: p.name,
            format: e?.format ?? 'unknown',
            size: e?.size ?? 0,
            rows: e?.rows ?? 0,
            ...(e?.info ? { info: e.info as { [k: string]: JsonValue } } : {}),
            ...(e?.warnings.length ? { warnings: e.warnings } : {}),
          };
        }),
      })),
    );
  },
  /** Replaces the analysis with a saved one (from the library or the share server). */
  async loadSaved(a: SavedAnalysis, shared: { analysis?: string; cmp?: string } = {}): Promise<void> {
    // No URL change here: the caller's URL (a share link) names what is being opened.
    reset();
    const loaded = await aggregatorApi().openSaved(a);
    const { entries, states } = entriesOfSaved(loaded, shared.analysis ? 'shared' : 'library');
    useInputs.setState({ entries });
    useSnapshots.setState({ list: states, notes: [] });
    const v = a.view && typeof a.view === 'object' ? (a.view as unknown as Partial<UrlState>) : {};
    useView.getState().applyUrl({ ...decodeUrlState(''), ...v, analysis: shared.analysis ?? '', cmp: shared.cmp ?? '', src: '' });
  },
  async openDemo(): Promise<void> {
    const base = import.meta.env.BASE_URL;
    const files = await Promise.all(
      DEMO_FILES.map(async (p) => {
        const res = await fetch(base + p);
        if (!res.ok) throw new Error(`demo file ${p}: HTTP ${res.status}`);
        return new File([await res.blob()], p.split('/').pop()!);
      }),
    );
    reset();
    // The URL's view state stays (a reload of the demo shows the same snapshot, view and selection).
    useView.getState().setShared('');
    useView.getState().setSource('demo');
    await analysis.addFiles(files, { compare: false });
  },
};
