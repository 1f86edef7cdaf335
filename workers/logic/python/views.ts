/**
 * What the Python views ask the aggregation worker for: statistics and
 * compare_to rows with display keys, after the user's filters.
 */
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { filterTraces, type TraceFilter } from './filters.ts';
import { compareTo, statistics, type KeyType, type PyFrame } from './statistics.ts';

export interface PyRow {
  /** `file`, `file:line`, or the traceback's frames joined oldest first. */
  key: string;
  frames: PyFrame[];
  size: number;
  count: number;
  sizeDiff?: number;
  countDiff?: number;
}

function displayKey(keyType: KeyType, frames: PyFrame[]): string {
  if (frames.length === 0) return '<no traceback>';
  if (keyType === 'filename') return frames[0][0];
  if (keyType === 'lineno') return `${frames[0][0]}:${frames[0][1]}`;
  return frames.map(([f, l]) => `${f}:${l}`).join(' → ');
}

export function filtered(snap: TracemallocSnapshot, filters: readonly TraceFilter[]): TracemallocSnapshot {
  return filters.length ? filterTraces(snap, filters) : snap;
}

export function pyStatistics(snap: TracemallocSnapshot, keyType: KeyType, cumulative: boolean, filters: readonly TraceFilter[]): PyRow[] {
  return statistics(filtered(snap, filters), keyType, cumulative).map((s) => ({ key: displayKey(keyType, s.frames), frames: s.frames, size: s.size, count: s.count }));
}

export function pyCompare(
  newSnap: TracemallocSnapshot,
  oldSnap: TracemallocSnapshot,
  keyType: KeyType,
  cumulative: boolean,
  filters: readonly TraceFilter[],
): PyRow[] {
  return compareTo(filtered(newSnap, filters), filtered(oldSnap, filters), keyType, cumulative).map((s) => ({
    key: displayKey(keyType, s.frames),
    frames: s.frames,
    size: s.size,
    count: s.count,
    sizeDiff: s.sizeDiff,
    countDiff: s.countDiff,
  }));
}
