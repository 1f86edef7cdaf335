/**
 * The snapshots of the current analysis, as the assembly
 * (`workers/logic/snapshot/assemble.ts`) made them from the inputs, each with
 * what its core added (vtable classes, footer attribution) and its heap layout;
 * the notes the assembly could not decide alone and the user's choices for them.
 * Which snapshot the single-snapshot views show lives in the view state (`snap`,
 * in the URL). Written only by the actions of `analysis.ts`.
 */
import { create } from 'zustand';
import type { AttributionData } from '../../workers/logic/session/core-session.ts';
import { heapLayoutOf, type HeapLayoutInfo } from '../model/heap-layout.ts';
import type { AssemblyChoices, AssemblyNote, Snapshot } from '../model/snapshot.ts';
import type { LeakSummary } from '../model/leaks.ts';
import type { StageName, StageUnit } from '../model/stages.ts';
import { useView } from './view.ts';

/** One stage in progress (a file's read or heap walk, a core snapshot's later stages), as its progress line shows it. */
export interface StageState {
  stage: StageName;
  file: string;
  /** Bytes or items done of `total` (0: not known yet). */
  done: number;
  total: number;
  unit: StageUnit;
  /** performance.now() when this stage started. */
  startedAt: number;
}

export interface SnapshotState {
  /** Unique within the page: derived data is keyed by it (snapshot keys repeat across analyses). */
  uid: number;
  /** The snapshot; its parts' `input` and `core` are input ids (`inputs.ts`). */
  snap: Snapshot;
  /** Bumped whenever `snap.table` is replaced (derived data is keyed by it). */
  version: number;
  attribution: AttributionData | null;
  layout: HeapLayoutInfo | null;
  /** Its core is open in the core worker (not read back from a saved analysis): its memory can be read. */
  live: boolean;
  /** From a saved or shared analysis: fixed as it was saved, never assembled again. */
  saved: boolean;
  /** Work in progress on it (naming classes, attributing footers), or null. */
  busy: string | null;
  /** The core stage running on it with its progress (classes, attribution, leak sets), or null. */
  stage?: StageState | null;
  /** Set when a stage was cancelled: which stage, which file ("core.1: naming classes from vtables was cancelled"). */
  cancelled?: string;
  /** chap's leak sets of its core (the pipeline's last stage), once computed. */
  leaks?: LeakSummary | null;
  error?: string;
}

interface SnapshotsState {
  list: SnapshotState[];
  notes: AssemblyNote[];
  choices: AssemblyChoices;
  /** True while the inputs are being assembled. */
  assembling: boolean;
}

let uids = 1;

export function newSnapshotUid(): number {
  return uids++;
}

export const useSnapshots = create<SnapshotsState>(() => ({ list: [], notes: [], choices: {}, assembling: false }));

export function layoutOf(info: Record<string, unknown> | undefined | null): HeapLayoutInfo | null {
  return heapLayoutOf(info ?? undefined);
}

/** The snapshot the single-snapshot views show: the one the view state names, else the newest. */
export function currentOf(list: SnapshotState[], key: string): SnapshotState | null {
  return list.find((s) => s.snap.key === key) ?? list[list.length - 1] ?? null;
}

/** React hook: the current snapshot. */
export function useCurrentSnapshot(): SnapshotState | null {
  const list = useSnapshots((s) => s.list);
  const key = useView((s) => s.snap);
  return currentOf(list, key);
}

export function snapshotByKey(key: string): SnapshotState | null {
  return useSnapshots.getState().list.find((s) => s.snap.key === key) ?? null;
}

/** Whether the tabs of a view mean something for this snapshot. */
export function hasFooters(s: SnapshotState | null): boolean {
  return !!s?.attribution?.detected;
}
