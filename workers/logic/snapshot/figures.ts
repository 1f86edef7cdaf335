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
  const known = SET_FLAGS.filter(([name]) => names.includes(name));
  for (const [name] of known) out[name] = { count: 0, bytes: 0 };
  const flags = t.flags;
  if (!flags || !known.length) return out;
  // One pass: count and bytes per distinct flags value, then each set sums the values holding its bit.
  const count = new Float64Array(65536);
  const bytes = new Float64Array(65536);
  const size = t.size;
  for (let i = 0, n = t.rows; i < n; i++) {
    const f = flags[i];
    count[f]++;
    bytes[f] += size[i];
  }
  for (let f = 1; f < 65536; f++) {
    if (!count[f]) continue;
    for (const [name, bit] of known) {
      if (f & bit) {
        out[name].count += count[f];
        out[name].bytes += bytes[f];
      }
    }
  }
  return out;
}

export function snapshotFigures(s: Snapshot): SnapshotFigures {
  const used = { count: 0, bytes: 0 };
  const free = { count: 0, bytes: 0 };
  const t = s.table;
  if (t) {
    const { state, size } = t;
    let usedCount = 0;
    let usedBytes = 0;
    let freeCount = 0;
    let freeBytes = 0;
    for (let i = 0, n = t.rows; i < n; i++) {
      if (isInUse(state[i])) {
        usedCount++;
        usedBytes += size[i];
      } else {
        freeCount++;
        freeBytes += size[i];
      }
    }
    used.count = usedCount;
    used.bytes = usedBytes;
    free.count = freeCount;
    free.bytes = freeBytes;
  }
  const out: SnapshotFigures = { used, sets: t ? setTotals(t, s.knownSets) : {} };
  if (freeKnown(s)) out.free = free;
  return out;
}

/** Whether the snapshot's table holds every free allocation (a core's walk, or a chap list of them). */
export function freeKnown(s: Snapshot): boolean {
  return s.kind === 'process' && (s.core !== null || s.parts.some((p) => p.as === 'free' || p.as === 'mixed'));
}
