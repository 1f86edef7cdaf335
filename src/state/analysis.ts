/**
 * The actions that change the analysis — what the app's buttons, drops and keys call: add files (read each,
 * `reading.ts`; assemble them all into snapshots in the aggregation worker, with the same `assemble` the CLI
 * calls; then complete each core snapshot, `core-stages.ts`), cancel, resume, remove, choose where a list belongs,
 * start over, open the demo, save and reopen analyses (`saved.ts`). What each snapshot's state is made of is
 * decided by the pure functions of `workers/logic/snapshot/states.ts`; the stores they write are `inputs.ts`
 * (the files) and `snapshots.ts` (the snapshots).
 */
import type { SavedAnalysis } from '../model/saved.ts';
import type { AssemblyChoices } from '../model/snapshot.ts';
import { aggregatorApi } from '../pipeline/workers.ts';
import { assembledStates, comparePair, completionOrder } from '../../workers/logic/snapshot/states.ts';
import { decodeUrlState, type UrlState } from './url.ts';
import { doneInputs, rememberFiles, useInputs } from './inputs.ts';
import { newSnapshotUid, useSnapshots, type SnapshotState } from './snapshots.ts';
import { cancelAllCoreStages, cancelCoreStages, clearCancelled, closeCore, completeCore, coreWork, forgetCores } from './core-stages.ts';
import { readFile } from './reading.ts';
import { openSavedAnalysis, savedAnalysisOf } from './saved.ts';
import { useCompareSource } from './compare-source.ts';
import { useView } from './view.ts';

export { setCompareSource } from './saved.ts';

export const DEMO_FILES = ['demo/heapgen-phase1.list_used.gz', 'demo/heapgen-phase1.list_free.gz', 'demo/heapgen-phase2.list_used.gz', 'demo/heapgen-phase2.list_free.gz'];

/** Bumped by every assembly and every reset: results of an older one are dropped. */
let generation = 0;

/** Snapshots read back from saved analyses: kept as they were saved. */
function fixedSnapshots(): SnapshotState[] {
  return useSnapshots.getState().list.filter((s) => s.saved);
}

/** The inputs read from files (not from a saved analysis), each read to the end. */
function liveInputs() {
  return doneInputs().filter((e) => !e.saved);
}

/**
 * Assembles the live inputs into snapshots (aggregation worker), then completes
 * each core snapshot from its core (core worker): the current one first.
 */
async function rebuild(): Promise<void> {
  const gen = ++generation;
  const current = () => gen === generation;
  const live = liveInputs();
  rememberFiles(useInputs.getState().entries.filter((e) => !e.saved).map((e) => ({ name: e.name, size: e.size })));
  useSnapshots.setState({ assembling: true });
  const assembly = await aggregatorApi().assemble(
    live.map((e) => ({ id: e.id, name: e.name, facts: { format: e.format, table: e.table, tracemalloc: e.tracemalloc, objects: e.objects, info: e.info } })),
    useSnapshots.getState().choices,
  );
  if (!current()) return;
  const states = assembledStates(assembly.snapshots, live, useSnapshots.getState().list, coreWork, newSnapshotUid);
  useSnapshots.setState({ list: [...fixedSnapshots(), ...states], notes: assembly.notes, assembling: false });
  for (const s of completionOrder(states, useView.getState().snap)) {
    if (!(await completeCore(s, live, current))) return;
  }
}

/** Forgets every input (cancelling reads, closing cores); the URL is the caller's business. */
function reset(): void {
  generation++;
  for (const e of useInputs.getState().entries) Atomics.store(e.cancel, 0, 1);
  forgetCores(useInputs.getState().entries);
  useInputs.setState({ entries: [] });
  useSnapshots.setState({ list: [], notes: [], choices: {}, assembling: false });
  useCompareSource.setState({ shared: null, id: '', snapshots: [] });
  rememberFiles([]);
}

export const analysis = {
  async addFiles(files: File[], opts: { compare?: boolean } = {}): Promise<void> {
    // Files of your own make a shared analysis a local one: the URL stops naming the shared id.
    if (useView.getState().analysis) useView.getState().setShared('');
    const before = new Set(useSnapshots.getState().list.map((s) => s.snap.key));
    await Promise.all(files.map((f) => readFile(f)));
    await rebuild();
    // Two snapshots of one kind dropped together: compare them (the older as A).
    const pair = comparePair(useSnapshots.getState().list, before);
    if (opts.compare !== false && files.length > 1 && pair) {
      useView.getState().setCompareSides(pair.a, pair.b);
      useView.getState().setView('compare');
    }
  },
  cancel(id: number): void {
    const e = useInputs.getState().entries.find((x) => x.id === id);
    if (e) Atomics.store(e.cancel, 0, 1);
  },
  /** Cancels the later stages running on snapshot `key` (classes, attribution, leak sets). */
  cancelStage(key: string): void {
    cancelCoreStages(key);
  },
  /** Starts the stages of snapshot `key` again from the one cancelled (what finished before stays). */
  async resume(key: string): Promise<void> {
    const s = useSnapshots.getState().list.find((x) => x.snap.key === key);
    if (!s?.live || !s.snap.table || !s.cancelled) return;
    clearCancelled(s);
    const gen = generation;
    await completeCore(s, liveInputs(), () => gen === generation);
  },
  /** Cancels every read and every core stage in progress (Esc); true when there was one. */
  cancelAll(): boolean {
    const reading = useInputs.getState().entries.filter((e) => e.status === 'reading');
    for (const e of reading) Atomics.store(e.cancel, 0, 1);
    const staged = cancelAllCoreStages();
    return reading.length > 0 || staged;
  },
  async remove(id: number): Promise<void> {
    const e = useInputs.getState().entries.find((x) => x.id === id);
    if (!e) return;
    Atomics.store(e.cancel, 0, 1);
    if (e.format === 'core' && !e.saved) closeCore(id);
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
    return savedAnalysisOf(name);
  },
  /** Replaces the analysis with a saved one (from the library or the share server). */
  async loadSaved(a: SavedAnalysis, shared: { analysis?: string; cmp?: string } = {}): Promise<void> {
    // No URL change here: the caller's URL (a share link) names what is being opened.
    reset();
    const { entries, states } = await openSavedAnalysis(a, shared.analysis ? 'shared' : 'library');
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
