/**
 * The Leaks view's state (which chap set, grouped how, shown how, which node is selected) and where a
 * snapshot's sets come from: its open core (computed in the core worker, `workers/logic/leaks/`), else
 * the flags its table carries (chap lists of sets, a saved analysis). Compare's leak mode reads the
 * same sources (`leakFlagsOf`, `leakSetsOf`). A saved analysis keeps the sets computed from a core as its
 * tables' flags (`withLeakSets`): reopened, its Leaks view reads them from the table.
 */
import { create } from 'zustand';
import { SET_FLAGS } from '../model/allocations.ts';
import type { LeakGroupBy } from '../model/leaks.ts';
import type { SetName } from '../../workers/logic/leaks/chap-sets.ts';

/** chap's sets of used allocations, in its order. */
const LEAK_SETS = SET_FLAGS.map(([n]) => n as SetName);
import type { Snapshot } from '../model/snapshot.ts';
import type { SnapshotState } from './snapshots.ts';

export type LeakMode = 'table' | 'flame' | 'treemap';

interface LeaksState {
  set: SetName;
  by: LeakGroupBy | null;
  mode: LeakMode;
  /** Selected node (names, root's child down): its allocations are listed. */
  node: string[];
  zoom: string[];
  patch(p: Partial<Omit<LeaksState, 'patch'>>): void;
}

export const useLeaks = create<LeaksState>((set) => ({
  set: 'leaked',
  by: null,
  mode: 'table',
  node: [],
  zoom: [],
  patch: (p) => set((s) => ({ ...p, ...(('set' in p && p.set !== s.set) || ('by' in p && p.by !== s.by) ? { node: p.node ?? [], zoom: [] } : {}) })),
}));

/** Where a snapshot's chap sets come from: its open core (the pipeline's last stage), or its table's flags. */
export type LeakSource = 'core' | 'table' | null;

type Source = Pick<SnapshotState, 'live' | 'snap' | 'leaks'>;

/** The open core of a process snapshot computes every set (the leak stage); else the sets its table's flags carry. */
export function leakSourceOf(s: Source | null): LeakSource {
  if (!s || s.snap.kind !== 'process' || !s.snap.table) return null;
  if (s.live && s.snap.core !== null) return 'core';
  if (s.snap.table.flags && s.snap.knownSets.length > 0) return 'table';
  return null;
}

/** The sets' flags (rows of the snapshot's table) once known: the leak stage's, or the table's; null meanwhile. */
export function leakFlagsOf(s: Source | null): Uint16Array | null {
  const src = leakSourceOf(s);
  const rows = s?.snap.table?.rows;
  const flags = src === 'core' ? s!.leaks?.flags : src === 'table' ? s!.snap.table!.flags : undefined;
  return flags && flags.length === rows ? flags : null;
}

/** The chap sets a snapshot can show (none: the Leaks view is not offered; a core's are all, while computed too). */
export function leakSetsOf(s: Source | null): SetName[] {
  const src = leakSourceOf(s);
  if (!src) return [];
  if (src === 'core') return [...LEAK_SETS];
  return LEAK_SETS.filter((n) => s!.snap.knownSets.includes(n));
}

/** The snapshot with the sets computed from its core as its table's flags (every set known), for saving it. */
export function withLeakSets(s: Source): Snapshot {
  const flags = leakSourceOf(s) === 'core' ? leakFlagsOf(s) : null;
  if (!flags) return s.snap;
  return { ...s.snap, table: { ...s.snap.table!, flags }, knownSets: [...LEAK_SETS] };
}
