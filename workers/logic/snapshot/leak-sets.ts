/**
 * Where a snapshot's chap sets come from: its open core (the pipeline's leak stage, computed in the core worker by
 * `workers/logic/leaks/`), else the flags its table carries (chap lists of sets, a saved analysis). The Leaks view
 * and Compare's leak mode read the sets through these; a saved analysis keeps the sets computed from a core as its
 * tables' flags (`withLeakSets`), so reopened, its Leaks view reads them from the table (`leak-sets.test.ts`).
 */
import { SET_FLAGS } from '../../../src/model/allocations.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';
import type { SnapshotState } from '../../../src/model/snapshot-state.ts';
import type { SetName } from '../leaks/chap-sets.ts';

/** chap's sets of used allocations, in its order. */
const LEAK_SETS = SET_FLAGS.map(([n]) => n as SetName);

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
