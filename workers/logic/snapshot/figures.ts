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
  return figuresOf(t, names, false).sets;
}

/**
 * Used, free and the named sets of `t` with the sets' bits in `flags` (a leak analysis's, not yet the table's), in
 * one pass: the Leaks view's totals (a pass per set took 252–268 ms for the bench core's 2.5M rows and 13 sets).
 */
export function tableFigures(t: AllocationTable, names: readonly string[], flags: Uint16Array): { used: Totals; free: Totals; sets: Record<string, Totals> } {
  return figuresOf(t, names, true, flags);
}

/**
 * Used and free totals and the known sets' in one pass over the rows: count and bytes per distinct flags value
 * (and per used / free), then each set sums the values holding its bit.
 */
function figuresOf(t: AllocationTable, names: readonly string[], usedFree: boolean, setFlags = t.flags): { used: Totals; free: Totals; sets: Record<string, Totals> } {
  const sets: Record<string, Totals> = {};
  const known = SET_FLAGS.filter(([name]) => names.includes(name));
  for (const [name] of known) sets[name] = { count: 0, bytes: 0 };
  const flags = known.length ? setFlags : undefined;
  const count = flags ? new Float64Array(65536) : null;
  const bytes = flags ? new Float64Array(65536) : null;
  // Used count and bytes, free count and bytes: 65,536 rows per call of a plain function (one loop over a table's
  // millions of rows runs as on-stack-replaced code, its sums carried as heap numbers).
  const acc = new Float64Array(4);
  if (flags || usedFree) for (let from = 0; from < t.rows; from += 65536) tallyRows(t, from, Math.min(t.rows, from + 65536), usedFree, flags, count, bytes, acc);
  const [usedCount, usedBytes, freeCount, freeBytes] = acc;
  if (count && bytes) {
    for (let f = 1; f < 65536; f++) {
      if (!count[f]) continue;
      for (const [name, bit] of known) {
        if (f & bit) {
          sets[name].count += count[f];
          sets[name].bytes += bytes[f];
        }
      }
    }
  }
  return { used: { count: usedCount, bytes: usedBytes }, free: { count: freeCount, bytes: freeBytes }, sets };
}

export function snapshotFigures(s: Snapshot): SnapshotFigures {
  const t = s.table;
  const f = t ? figuresOf(t, s.knownSets, true) : { used: { count: 0, bytes: 0 }, free: { count: 0, bytes: 0 }, sets: {} };
  const out: SnapshotFigures = { used: f.used, sets: f.sets };
  if (freeKnown(s)) out.free = f.free;
  return out;
}

/** Whether the snapshot's table holds every free allocation (a core's walk, or a chap list of them). */
export function freeKnown(s: Snapshot): boolean {
  return s.kind === 'process' && (s.core !== null || s.parts.some((p) => p.as === 'free' || p.as === 'mixed'));
}

/** Rows `[from, to)` of `t`: used / free count and bytes into `acc` (when `usedFree`), count and bytes per flags value. */
function tallyRows(t: AllocationTable, from: number, to: number, usedFree: boolean, flags: Uint16Array | undefined, count: Float64Array | null, bytes: Float64Array | null, acc: Float64Array): void {
  const { state, size } = t;
  let usedCount = 0;
  let usedBytes = 0;
  let freeCount = 0;
  let freeBytes = 0;
  for (let i = from; i < to; i++) {
    const sz = size[i];
    if (usedFree) {
      if (isInUse(state[i])) {
        usedCount++;
        usedBytes += sz;
      } else {
        freeCount++;
        freeBytes += sz;
      }
    }
    if (flags) {
      const f = flags[i];
      count![f]++;
      bytes![f] += sz;
    }
  }
  acc[0] += usedCount;
  acc[1] += usedBytes;
  acc[2] += freeCount;
  acc[3] += freeBytes;
}
