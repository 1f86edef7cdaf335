/**
 * The browser's snapshots as pure functions of what it has: from an assembly (`assemble.ts`) and what each core
 * snapshot's later stages produced so far, the state of every snapshot (`SnapshotState`, src/model/snapshot-state.ts);
 * which core snapshots still need their stages, in which order, and which stage comes next; what each stage's
 * result, progress, cancellation or failure makes of a snapshot's state; which two new snapshots open Compare;
 * and a saved analysis's snapshots as states and back. The store (`src/state/analysis.ts`) holds the state and
 * calls the workers; everything it decides is here, where the tests call it directly.
 */
import type { AttributionData } from '../../../src/model/attribution.ts';
import { heapLayoutOf, type HeapLayoutInfo } from '../../../src/model/heap-layout.ts';
import type { LeakSummary } from '../../../src/model/leaks.ts';
import type { MprofProfile } from '../../../src/model/mprof.ts';
import type { PythonHeapInfo } from '../../../src/model/python-heap.ts';
import type { JsonValue } from '../../../src/model/saved.ts';
import type { Snapshot, SnapshotPart } from '../../../src/model/snapshot.ts';
import type { SnapshotState, StageState } from '../../../src/model/snapshot-state.ts';
import { STAGES, type StageName } from '../../../src/model/stages.ts';
import type { Progress } from '../io/stream.ts';
import type { LoadedSnapshot, SnapshotToSave } from '../saved/snapshots.ts';
import { withLeakSets } from './leak-sets.ts';

/**
 * What a core snapshot's later stages produced so far, kept by what the snapshot is made of (`workKey`): a new
 * assembly of the same inputs does not redo a core's work, and a stage cancelled is not started again until asked.
 */
export interface CoreWork {
  /** The table with the classes named from vtables (the `classes` stage). */
  table?: SnapshotState['snap']['table'];
  /** The Python types as the snapshot's binaries named them (when they did; the `classes` stage). */
  python?: PythonHeapInfo;
  attribution?: AttributionData;
  leaks?: LeakSummary;
  /** The message of the stage cancelled, until it is resumed. */
  cancelled?: string;
}

/** The later stages of a core snapshot, in the order they run: classes (after the binaries' symbols), footers, leak sets. */
export type CoreStep = 'classes' | 'attribution' | 'leaks';

/** What a core snapshot is made of: its core and every part with its role (the key of its `CoreWork`). */
export function workKey(s: Snapshot): string {
  return `${s.core}|${s.parts.map((p) => `${p.input}:${p.as}`).join(',')}`;
}

/** The stage a core snapshot runs next, or null when every one has its result. */
export function nextStep(w: CoreWork): CoreStep | null {
  if (!w.table) return 'classes';
  if (!w.attribution) return 'attribution';
  if (!w.leaks) return 'leaks';
  return null;
}

/** Every stage has its result. */
export function finished(w: CoreWork | undefined): boolean {
  return !!w && nextStep(w) === null;
}

/** The stage a core snapshot's progress line starts with: the binaries' symbols when it has binaries, else the classes. */
export function firstStage(binaries: number): StageName {
  return binaries > 0 ? 'symbols' : 'classes';
}

/** A stage just started on `file`, nothing done yet. */
export function stageStart(stage: StageName, file: string, now: number): StageState {
  return { stage, file, done: 0, total: 0, unit: STAGES[stage].unit, startedAt: now, at: now };
}

/** A stage state from a worker's progress report; a report of another stage (or file) starts a new one (its own clock). */
export function stageOf(prev: StageState | null | undefined, p: Progress, fallback: StageName, now: number): StageState {
  const stage = p.stage ?? fallback;
  const same = prev && prev.stage === stage && prev.file === p.file;
  return { stage, file: p.file, done: p.bytesRead, total: p.totalBytes, unit: p.unit ?? STAGES[stage].unit, startedAt: same ? prev.startedAt : now, at: now };
}

/** A core snapshot's layout: its core's, with the Python types as its binaries named them (when they did). */
export function coreLayout(info: Record<string, unknown> | undefined, python: PythonHeapInfo | undefined): HeapLayoutInfo | null {
  const layout = heapLayoutOf(info);
  return layout && python ? { ...layout, python } : layout;
}

/** A live input as the states need it: its id and its reader's facts (a core's carry its heap layout). */
export interface LiveInput {
  id: number;
  info?: Record<string, unknown>;
}

/**
 * Each snapshot of a new assembly as a state: the one it replaces (same key) keeps its uid, its version goes up;
 * a core snapshot gets what its stages produced (`work`) and, while some are left and none was cancelled, waits
 * for its core, keeping the progress line of a stage still running (the worker goes on with it).
 */
export function assembledStates(snapshots: readonly Snapshot[], inputs: readonly LiveInput[], previous: readonly SnapshotState[], work: (key: string) => CoreWork | undefined, newUid: () => number): SnapshotState[] {
  const before = new Map(previous.map((s) => [s.snap.key, s]));
  return snapshots.map((snap) => {
    const core = snap.core !== null ? inputs.find((e) => e.id === snap.core) : undefined;
    const done = snap.core !== null ? work(workKey(snap)) : undefined;
    const prev = before.get(snap.key);
    const waiting = !!core && !finished(done) && !done?.cancelled;
    return {
      uid: prev?.uid ?? newUid(),
      snap: done?.table ? { ...snap, table: done.table } : snap,
      version: (prev?.version ?? 0) + 1,
      attribution: done?.attribution ?? null,
      layout: core ? coreLayout(core.info, done?.python) : null,
      live: !!core,
      saved: false,
      busy: waiting ? 'Waiting for its core…' : null,
      stage: waiting ? (prev?.stage ?? null) : null,
      cancelled: done?.cancelled,
      leaks: done?.leaks ?? null,
    };
  });
}

/** The core snapshots whose stages are still to run, in the order to run them: the current one first, then the newest first. */
export function completionOrder(states: readonly SnapshotState[], current: string): SnapshotState[] {
  return states
    .map((s, i) => ({ s, i }))
    .sort((x, y) => Number(y.s.snap.key === current) - Number(x.s.snap.key === current) || y.i - x.i)
    .map((x) => x.s)
    .filter((s) => s.live && !!s.busy && !!s.snap.table);
}

/** The state once the stages start on it (or start again): no longer waiting or cancelled; its progress line from `start` unless one runs. */
export function withStagesStarted(s: SnapshotState, start: StageState): SnapshotState {
  return { ...s, busy: null, cancelled: undefined, stage: s.stage ?? start };
}

/** The state with a stage's progress report. */
export function withProgress(s: SnapshotState, p: Progress, now: number): SnapshotState {
  return { ...s, busy: null, stage: stageOf(s.stage, p, 'classes', now) };
}

/** The state with the classes named: a new table (a new version) and, when the binaries named them, the Python types. */
export function withClasses(s: SnapshotState, table: NonNullable<CoreWork['table']>, python: PythonHeapInfo | undefined): SnapshotState {
  return { ...s, snap: { ...s.snap, table }, version: s.version + 1, layout: python && s.layout ? { ...s.layout, python } : s.layout };
}

/** The state when its stages are over (each result stays); `cancelled` or `error` says how they ended, when they did not finish. */
export function withStagesEnded(s: SnapshotState, end: { cancelled?: string; error?: string } = {}): SnapshotState {
  const out: SnapshotState = { ...s, stage: null, busy: null };
  if (end.cancelled !== undefined) out.cancelled = end.cancelled;
  if (end.error !== undefined) out.error = `could not complete ${s.snap.name} from its core: ${end.error}`;
  return out;
}

/**
 * Two snapshots of one kind that appeared with an assembly (keys not in `before`), to open Compare on: of the kind
 * of the newest process or tracemalloc snapshot, the two newest, the older as A. Null when there are not two.
 */
export function comparePair(states: readonly SnapshotState[], before: ReadonlySet<string>): { a: string; b: string } | null {
  const added = states.filter((s) => !before.has(s.snap.key) && (s.snap.kind === 'process' || s.snap.kind === 'tracemalloc'));
  const kind = added[added.length - 1]?.snap.kind;
  const same = added.filter((s) => s.snap.kind === kind);
  return same.length >= 2 ? { a: same[same.length - 2].snap.key, b: same[same.length - 1].snap.key } : null;
}

/** An input of a saved analysis, as the input list shows it (no file, no memory behind it). */
export interface SavedInputFacts {
  id: number;
  name: string;
  size: number;
  format: string;
  rows: number;
  info?: Record<string, unknown>;
  warnings: string[];
}

/**
 * A saved analysis's snapshots as states (fixed as saved: not live, never assembled again) and their sources as
 * inputs with new ids (`newInputId`); keys get `keyPrefix` (side B of a shared comparison: `B:`).
 */
export function statesOfSaved(loaded: readonly LoadedSnapshot[], ids: { newInputId(): number; newUid(): number }, keyPrefix = ''): { inputs: SavedInputFacts[]; states: SnapshotState[] } {
  const inputs: SavedInputFacts[] = [];
  const states = loaded.map((l): SnapshotState => {
    const idOf = l.sources.map((src) => {
      const id = ids.newInputId();
      inputs.push({ id, name: src.name, size: src.size, format: src.format, rows: src.rows, info: src.info as Record<string, unknown> | undefined, warnings: src.warnings ?? [] });
      return id;
    });
    const snap: Snapshot = {
      ...l.snapshot,
      key: keyPrefix + l.snapshot.key,
      core: l.snapshot.core === null ? null : idOf[l.snapshot.core],
      parts: l.snapshot.parts.map((p) => ({ ...p, input: idOf[p.input] })),
    };
    return { uid: ids.newUid(), snap, version: 1, attribution: l.attribution, layout: heapLayoutOf(l.layout ?? undefined), live: false, saved: true, busy: null };
  });
  return { inputs, states };
}

/** An input as saving needs it: what its reader said of the file. */
export interface InputFacts {
  id: number;
  format?: string;
  size: number;
  rows?: number;
  info?: Record<string, unknown>;
  warnings: string[];
}

/** What saving keeps of a snapshot: its tables (with the sets its core computed as their flags), its attribution, layout and the files that formed it. */
export function snapshotToSave(s: SnapshotState, inputs: readonly InputFacts[]): SnapshotToSave {
  return {
    snapshot: withLeakSets(s),
    attribution: s.attribution,
    layout: s.layout as unknown as Record<string, unknown> | null,
    sources: s.snap.parts.map((p: SnapshotPart) => {
      const e = inputs.find((x) => x.id === p.input);
      return {
        name: p.name,
        format: e?.format ?? 'unknown',
        size: e?.size ?? 0,
        rows: e?.rows ?? 0,
        ...(e?.info ? { info: e.info as { [k: string]: JsonValue } } : {}),
        ...(e?.warnings.length ? { warnings: e.warnings } : {}),
      };
    }),
  };
}

/** An input as the Timeline needs it: its reader's result, once read. */
export interface TimelineInput {
  id: number;
  name: string;
  status: string;
  format?: string;
  info?: Record<string, unknown>;
}

/**
 * The runs the Timeline overlays: every mprof run read to the end, in the order given. mprof runs form no snapshot
 * (a run is memory over time, not a heap at one moment), so the assembly leaves them out and they are taken here.
 */
export function mprofRuns(inputs: readonly TimelineInput[]): { id: number; name: string; profile: MprofProfile }[] {
  return inputs.filter((e) => e.status === 'done' && e.format === 'mprof' && e.info?.mprof).map((e) => ({ id: e.id, name: e.name, profile: e.info!.mprof as MprofProfile }));
}
