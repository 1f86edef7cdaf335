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
import { aggregatorApi, coreApi, newCancelFlag, openCoreInWorker, readInWorker, sniffInWorker, stageProgress } from '../pipeline/workers.ts';
import type { Progress } from '../../workers/logic/io/stream.ts';
import type { LeakSummary } from '../model/leaks.ts';
import { cancelledMessage, STAGES, type StageName } from '../model/stages.ts';
import { decodeUrlState, type UrlState } from './url.ts';
import { doneInputs, newInputId, patchInput, rememberFiles, useInputs, type InputEntry } from './inputs.ts';
import { layoutOf, newSnapshotUid, useSnapshots, type SnapshotState, type StageState } from './snapshots.ts';
import { useCompareSource } from './compare-source.ts';
import { withLeakSets } from './leaks.ts';
import { snapshot as viewSnapshot, useView } from './view.ts';

export const DEMO_FILES = ['demo/heapgen-phase1.list_used.gz', 'demo/heapgen-phase1.list_free.gz', 'demo/heapgen-phase2.list_used.gz', 'demo/heapgen-phase2.list_free.gz'];

/** Bumped by every assembly and every reset: results of an older one are dropped. */
let generation = 0;

/**
 * Core snapshots' later stages, by what the snapshot was made of, as each stage finishes: assembling again does
 * not redo a core's work, and a stage cancelled is not started again until asked (`analysis.resume`).
 */
interface Processed {
  table?: AllocationTable;
  attribution?: SnapshotState['attribution'];
  leaks?: LeakSummary;
  /** The Python types as the snapshot's binaries named them (when they did). */
  python?: PythonHeapInfo;
  /** The message of the stage cancelled, until it is resumed. */
  cancelled?: string;
}
const processed = new Map<string, Processed>();

/** Each core snapshot's cancel flag for its later stages (by snapshot key): one flag across assemblies, new after a cancel. */
const stageFlags = new Map<string, Int32Array>();

/** A stage state from a worker's progress report; a report of another stage starts a new one (its own clock). */
export function nextStage(prev: StageState | null | undefined, p: Progress, fallback: StageName = 'read'): StageState {
  const stage = p.stage ?? fallback;
  const same = prev && prev.stage === stage && prev.file === p.file;
  return { stage, file: p.file, done: p.bytesRead, total: p.totalBytes, unit: p.unit ?? STAGES[stage].unit, startedAt: same ? prev.startedAt : performance.now() };
}

function isCancelled(e: unknown): boolean {
  return (e as Error)?.name === 'CancelledError';
}

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
  const onProgress = (p: Progress) => {
    const prev = useInputs.getState().entries.find((e) => e.id === id)?.progress;
    patchInput(id, { ...(p.stage && p.stage !== 'read' ? {} : { bytesRead: p.bytesRead }), progress: nextStage(prev ?? { stage: 'read', file: file.name, done: 0, total: file.size, unit: 'bytes', startedAt: entry.startedAt }, p) });
  };
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
    // Cancelled: say which stage of the read (the read itself, a core's heap walk) and which file.
    const stage = useInputs.getState().entries.find((e) => e.id === id)?.progress?.stage ?? 'read';
    patchInput(id, { status: out.cancelled ? 'cancelled' : 'error', finishedAt, error: out.cancelled ? cancelledMessage(stage, file.name) : out.error, progress: undefined });
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
    const prev = previous.get(snap.key);
    const version = (prev?.version ?? 0) + 1;
    const finished = !!done?.table && !!done.attribution && !!done.leaks;
    return {
      uid: prev?.uid ?? newSnapshotUid(),
      snap: done?.table ? { ...snap, table: done.table } : snap,
      version,
      attribution: done?.attribution ?? null,
      layout: layoutWith(core?.info, done?.python),
      live: !!core,
      saved: false,
      busy: core && !finished && !done?.cancelled ? 'Waiting for its core…' : null,
      // A stage running on it keeps its progress line across assemblies (the worker goes on with it).
      stage: core && !finished && !done?.cancelled ? (prev?.stage ?? null) : null,
      cancelled: done?.cancelled,
      leaks: done?.leaks ?? null,
    };
  });
  useSnapshots.setState({ list: [...fixedSnapshots(), ...states], notes: assembly.notes, assembling: false });

  const current = useView.getState().snap;
  const order = [...states].sort((x, y) => Number(y.snap.key === current) - Number(x.snap.key === current) || states.indexOf(y) - states.indexOf(x));
  for (const s of order) {
    if (!s.live || !s.busy || !s.snap.table) continue;
    if (!(await complete(s, live, gen))) return;
  }
}

/**
 * The later stages of one core snapshot, each shown as it finishes: class names (after the binaries' symbols),
 * footer attribution, then chap's leak sets. Each reports its progress into the snapshot's `stage`; Cancel (or
 * Esc) stops the stage running and says so. False when a newer assembly took over.
 */
async function complete(s: SnapshotState, live: InputEntry[], gen: number): Promise<boolean> {
  const key = s.snap.key;
  const pk = partsKey(s.snap);
  const done: Processed = processed.get(pk) ?? {};
  processed.set(pk, done);
  const id = s.snap.core!;
  const binaries = s.snap.parts.filter((p) => p.as === 'binary').map((p) => live.find((e) => e.id === p.input)?.file).filter((f): f is File => !!f);
  let flag = stageFlags.get(key);
  if (!flag || Atomics.load(flag, 0) !== 0) stageFlags.set(key, (flag = newCancelFlag()));
  const coreName = live.find((e) => e.id === id)?.name ?? s.snap.name;
  // Reports come on their own channel: one arriving after the stages ended (or were cancelled) is dropped.
  let over = false;
  const onProgress = stageProgress((p: Progress) => {
    if (!over) update(key, (x) => ({ ...x, busy: null, stage: nextStage(x.stage, p, 'classes') }));
  });
  const first: StageName = binaries.length ? 'symbols' : 'classes';
  update(key, (x) => ({ ...x, busy: null, cancelled: undefined, stage: x.stage ?? { stage: first, file: coreName, done: 0, total: 0, unit: STAGES[first].unit, startedAt: performance.now() } }));
  try {
    if (!done.table) {
      const { table, python } = await coreApi().nameClasses(id, s.snap.table!, binaries, flag, onProgress);
      done.table = table;
      done.python = python;
      if (gen !== generation) return false;
      update(key, (x) => ({ ...x, snap: { ...x.snap, table }, version: x.version + 1, layout: python && x.layout ? { ...x.layout, python } : x.layout }));
    }
    if (!done.attribution) {
      const attribution = await coreApi().attributeSnapshot(id, done.table, flag, onProgress);
      done.attribution = attribution;
      if (gen !== generation) return false;
      update(key, (x) => ({ ...x, attribution }));
    }
    if (!done.leaks) {
      const leaks = await coreApi().leakSummary(id, onProgress, 20, flag);
      done.leaks = leaks;
      if (gen !== generation) return false;
      update(key, (x) => ({ ...x, leaks }));
    }
    over = true;
    update(key, (x) => ({ ...x, stage: null, busy: null }));
  } catch (e) {
    over = true;
    if (isCancelled(e)) {
      const at = useSnapshots.getState().list.find((x) => x.snap.key === key)?.stage;
      done.cancelled = cancelledMessage(at?.stage ?? first, at?.file ?? coreName);
      update(key, (x) => ({ ...x, stage: null, busy: null, cancelled: done.cancelled }));
      return gen === generation;
    }
    if (gen !== generation) return false;
    update(key, (x) => ({ ...x, busy: null, stage: null, error: `could not complete ${x.snap.name} from its core: ${(e as Error).message}` }));
  }
  return gen === generation;
}

/** Cancels the later stages running on core snapshots; true when one was running. */
function cancelStages(): boolean {
  let any = false;
  for (const s of useSnapshots.getState().list) {
    const flag = stageFlags.get(s.snap.key);
    if (s.stage && flag) {
      Atomics.store(flag, 0, 1);
      any = true;
    }
  }
  return any;
}

function update(key: string, f: (s: SnapshotState) => SnapshotState): void {
  useSnapshots.setState((st) => ({ list: st.list.map((s) => (s.snap.key === key ? f(s) : s)) }));
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
  for (const f of stageFlags.values()) Atomics.store(f, 0, 1);
  for (const e of useInputs.getState().entries) if (e.format === 'core' && !e.saved) void coreApi().close(e.id);
  processed.clear();
  stageFlags.clear();
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
  /** Cancels the later stages running on snapshot `key` (classes, attribution, leak sets). */
  cancelStage(key: string): void {
    const flag = stageFlags.get(key);
    if (flag) Atomics.store(flag, 0, 1);
  },
  /** Starts the stages of snapshot `key` again from the one cancelled (what finished before stays). */
  async resume(key: string): Promise<void> {
    const s = useSnapshots.getState().list.find((x) => x.snap.key === key);
    if (!s?.live || !s.snap.table || !s.cancelled) return;
    const done = processed.get(partsKey(s.snap));
    if (done) done.cancelled = undefined;
    await complete(s, doneInputs().filter((e) => !e.saved), generation);
  },
  /** Cancels every read and every core stage in progress (Esc); true when there was one. */
  cancelAll(): boolean {
    const reading = useInputs.getState().entries.filter((e) => e.status === 'reading');
    for (const e of reading) Atomics.store(e.cancel, 0, 1);
    const staged = cancelStages();
    return reading.length > 0 || staged;
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
        snapshot: withLeakSets(s),
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
