/**
 * The Leaks view's state (which chap set, grouped how, shown how, which node is selected) and where a
 * snapshot's sets come from: its open core (computed in the core worker, `workers/logic/leaks/`), else
 * the flags its table carries (chap lists of sets, a saved analysis). Compare's leak mode reads the
 * same sources (`leakSetsOf`). A saved analysis keeps the sets computed from a core (the pipeline's leak stage,
 * else the Leaks view's) as its tables' flags (`withLeakSets`): reopened, its Leaks view reads them from the table.
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

/** Where a snapshot's chap sets come from. */
export type LeakSource = { kind: 'core'; core: number } | { kind: 'table' } | null;

/** The open core of a process snapshot computes every set; else the sets its table's flags carry. */
export function leakSourceOf(s: Pick<SnapshotState, 'live' | 'snap'> | null): LeakSource {
  if (!s || s.snap.kind !== 'process' || !s.snap.table) return null;
  if (s.live && s.snap.core !== null) return { kind: 'core', core: s.snap.core };
  if (s.snap.table.flags && s.snap.knownSets.length > 0) return { kind: 'table' };
  return null;
}

/** The chap sets a snapshot can show (none: the Leaks view is not offered). */
export function leakSetsOf(s: Pick<SnapshotState, 'live' | 'snap'> | null): SetName[] {
  const src = leakSourceOf(s);
  if (!src) return [];
  if (src.kind === 'core') return [...LEAK_SETS];
  return LEAK_SETS.filter((n) => s!.snap.knownSets.includes(n));
}

/** chap's set flags computed from each open core (rows of its heap walk), the most recent few. */
const computed = new Map<number, Uint16Array>();
const KEPT = 8;

/** Remembers the sets the core worker computed for core `core` for the Leaks view (the pipeline's leak stage keeps its own in `SnapshotState.leaks`). */
export function rememberLeakFlags(core: number, flags: Uint16Array): void {
  computed.delete(core);
  computed.set(core, flags);
  while (computed.size > KEPT) computed.delete(computed.keys().next().value!);
}

/** The snapshot with the sets computed from its core as its table's flags (every set known), for saving it. */
export function withLeakSets(s: Pick<SnapshotState, 'live' | 'snap' | 'leaks'>): Snapshot {
  const t = s.snap.table;
  const flags = s.live && s.snap.core !== null ? (s.leaks?.flags ?? computed.get(s.snap.core)) : undefined;
  if (!t || !flags || flags.length !== t.rows || s.snap.kind !== 'process') return s.snap;
  return { ...s.snap, table: { ...t, flags }, knownSets: [...LEAK_SETS] };
}
