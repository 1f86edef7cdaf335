/**
 * A snapshot's headline figures: used and free allocations (count and bytes),
 * and the chap sets it knows (leaked, unreferenced, …). What `heapscope summary`
 * prints and the Overview shows, from the one function.
 */
import { isInUse, SET_FLAGS, type AllocationTable } from '../../../src/model/allocations.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';
import type { Totals } from '../aggregate/totals.ts';

export interface SnapshotFigures {
  used: Totals;
  /**
   * Absent when the snapshot cannot know its free allocations: tracemalloc and
   * meliae snapshots, and chap lists without a core or a `list free`.
   */
  free?: Totals;
  /** Per known set (`SET_FLAGS` name). */
  sets: Record<string, Totals>;
}

export function setTotals(t: AllocationTable, names: readonly string[]): Record<string, Totals> {
  const out: Record<string, Totals> = {};
  for (const [name, bit] of SET_FLAGS) {
    if (!names.includes(name)) continue;
    const v = { count: 0, bytes: 0 };
    if (t.flags) {
      for (let i = 0; i < t.rows; i++) {
        if (t.flags[i] & bit) {
          v.count++;
          v.bytes += t.size[i];
        }
      }
    }
    out[name] = v;
  }
  return out;
}

export function snapshotFigures(s: Snapshot): SnapshotFigures {
  const used = { count: 0, bytes: 0 };
  const free = { count: 0, bytes: 0 };
  const t = s.table;
  if (t) {
    for (let i = 0; i < t.rows; i++) {
      const into = isInUse(t.state[i]) ? used : free;
      into.count++;
      into.bytes += t.size[i];
    }
  }
  const out: SnapshotFigures = { used, sets: t ? setTotals(t, s.knownSets) : {} };
  if (freeKnown(s)) out.free = free;
  return out;
}

/** Whether the snapshot's table holds every free allocation (a core's walk, or a chap list of them). */
export function freeKnown(s: Snapshot): boolean {
  return s.kind === 'process' && (s.core !== null || s.parts.some((p) => p.as === 'free' || p.as === 'mixed'));
}
