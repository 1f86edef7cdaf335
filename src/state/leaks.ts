/**
 * The Leaks view's state (which chap set, grouped how, shown how, which node is selected) and where a
 * snapshot's sets come from: its open core (computed in the core worker, `workers/logic/leaks/`), else
 * the flags its table carries (chap lists of sets, a saved analysis). Compare's leak mode reads the
 * same sources (`leakFlagsOf`, `leakSetsOf`). A saved analysis keeps the sets computed from a core as its
 * tables' flags (`withLeakSets`): reopened, its Leaks view reads them from the table.
 */
import { useShallow } from 'zustand/react/shallow';
import { SET_FLAGS } from '../model/allocations.ts';
import type { LeakGroupBy } from '../model/leaks.ts';
import type { SetName } from '../../workers/logic/leaks/chap-sets.ts';

/** chap's sets of used allocations, in its order. */
const LEAK_SETS = SET_FLAGS.map(([n]) => n as SetName);
import type { Snapshot } from '../model/snapshot.ts';
import type { SnapshotState } from './snapshots.ts';
import type { LeakMode } from './url.ts';
import { useView, type LeaksUrlState } from './view.ts';

export type { LeakMode };

/** The Leaks view's state, kept in the view store so that it lives in the URL (`lset`, `lby`, `lmode`, `lnode`, `lzoom`). */
export interface LeaksState {
  set: SetName;
  /** null: by site when the snapshot has footers, else by class. */
  by: LeakGroupBy | null;
  mode: LeakMode;
  /** Selected node (names, root's child down): its allocations are listed. */
  node: string[];
  zoom: string[];
  patch(p: Partial<Omit<LeaksState, 'patch'>>): void;
}

function patchLeaks(p: Partial<Omit<LeaksState, 'patch'>>): void {
  const q: Partial<LeaksUrlState> = {};
  if (p.set !== undefined) q.lset = p.set;
  if (p.by !== undefined) q.lby = p.by ?? '';
  if (p.mode !== undefined) q.lmode = p.mode;
  if (p.node !== undefined) q.lnode = p.node;
  if (p.zoom !== undefined) q.lzoom = p.zoom;
  useView.getState().patchLeaks(q);
}

function leaksOf(v: LeaksUrlState): Omit<LeaksState, 'patch'> {
  return { set: v.lset, by: v.lby || null, mode: v.lmode, node: v.lnode, zoom: v.lzoom };
}

/** The Leaks view's state now (outside React). */
export function leaksState(): LeaksState {
  return { ...leaksOf(useView.getState()), patch: patchLeaks };
}

/** React hook: the Leaks view's state. */
export function useLeaks(): LeaksState {
  const v = useView(useShallow((s) => leaksOf(s)));
  return { ...v, patch: patchLeaks };
}

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
