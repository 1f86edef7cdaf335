/**
 * The snapshots of the current analysis, as the assembly
 * (`workers/logic/snapshot/assemble.ts`) made them from the inputs, each with
 * what its core added (vtable classes, footer attribution) and its heap layout;
 * the notes the assembly could not decide alone and the user's choices for them.
 * Which snapshot the single-snapshot views show lives in the view state (`snap`,
 * in the URL). Written only by the actions of `analysis.ts` and the core stages of
 * `core-stages.ts`; the rules that make each state are `workers/logic/snapshot/states.ts`.
 */
import { create } from 'zustand';
import type { AssemblyChoices, AssemblyNote } from '../model/snapshot.ts';
import type { SnapshotState } from '../model/snapshot-state.ts';
import { useView } from './view.ts';

export type { SnapshotState, StageState } from '../model/snapshot-state.ts';

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
