/**
 * Everything the first views show about a set of allocation tables: the figures of `stateTotals`, `largest`,
 * `groupBy` (type and size class) and `sizeHistogram`, exactly as those give them, gathered in one pass over each
 * table's rows (the overview of a 25M-allocation core waited 1.7 s in the browser for five passes over 25M rows).
 * Pure: the aggregation worker calls it, and so do the tests.
 */
import { isInUse, STATE_KEYS, type AllocationTable } from '../../../src/model/allocations.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { describeRows, type AllocationRow } from './allocation-row.ts';
import { UNKNOWN_TYPE, type GroupRow } from './groups.ts';
import type { HistogramBucket } from './histogram.ts';
import { bucketOf, EXACT_LIMIT, sizeClassKey, sizeClassLabel, sizeClassOf } from './size-classes.ts';
import type { RowRef, StateTotals, Totals } from './totals.ts';

export type LargestRow = AllocationRow;

export interface AnalysisSummary {
  totals: StateTotals;
  largest: LargestRow[];
  byType: GroupRow[];
  bySizeClass: GroupRow[];
  histogram: HistogramBucket[];
}

function emptyRow(key: string, order: number): GroupRow {
  return { key, order, usedCount: 0, usedBytes: 0, freeCount: 0, freeBytes: 0, maxSize: 0 };
}

function addTo(r: GroupRow, used: boolean, size: number): void {
  if (used) {
    r.usedCount++;
    r.usedBytes += size;
  } else {
    r.freeCount++;
    r.freeBytes += size;
  }
  if (size > r.maxSize) r.maxSize = size;
}

const byBytes = (a: GroupRow, b: GroupRow): number => b.usedBytes - a.usedBytes || b.freeBytes - a.freeBytes || a.order - b.order;

function bucket(k: number): HistogramBucket {
  return { lo: k === 0 ? 0 : 2 ** k, hi: 2 ** (k + 1), usedCount: 0, usedBytes: 0, freeCount: 0, freeBytes: 0 };
}

export function summarize(tables: AllocationTable[], largestCount = 50): AnalysisSummary {
  const count = new Float64Array(STATE_KEYS.length);
  const bytes = new Float64Array(STATE_KEYS.length);
  let rows = 0;
  // Largest: the k biggest, biggest first, ties in input order (as `largest`).
  const best: { size: number; ref: RowRef }[] = [];
  let floor = -1;
  // Types by name, in the order `groupBy` meets them (table by table, string id by id).
  const types = new Map<string, GroupRow>();
  // Size classes: up to EXACT_LIMIT a class per size (an array), above by the class's lower bound.
  const classes = new Map<number, GroupRow>();
  const exact: (GroupRow | undefined)[] = [];
  const buckets: HistogramBucket[] = [];
  let minK = Infinity;
  let maxK = -1;
  tables.forEach((t, input) => {
    const { size, state, type } = t;
    const perId: GroupRow[] = [];
    for (let i = 0; i < t.rows; i++) {
      const s = size[i];
      const st = state[i];
      const used = isInUse(st);
      count[st]++;
      bytes[st] += s;
      if (best.length < largestCount || s > floor) {
        let at = best.length;
        while (at > 0 && best[at - 1].size < s) at--;
        best.splice(at, 0, { size: s, ref: { input, row: i } });
        if (best.length > largestCount) best.pop();
        floor = best.length >= largestCount ? best[best.length - 1].size : -1;
      }
      addTo((perId[type[i]] ??= emptyRow('', 0)), used, s);
      const whole = s <= EXACT_LIMIT && s >= 0 && s === Math.floor(s);
      let c = whole ? exact[s] : undefined;
      if (!c) {
        const k = sizeClassKey(s);
        c = classes.get(k);
        if (!c) {
          c = emptyRow(sizeClassLabel(sizeClassOf(s)), k);
          classes.set(k, c);
        }
        if (whole) exact[s] = c;
      }
      addTo(c, used, s);
      const k = bucketOf(s);
      const b = (buckets[k] ??= bucket(k));
      if (used) {
        b.usedCount++;
        b.usedBytes += s;
      } else {
        b.freeCount++;
        b.freeBytes += s;
      }
      if (k > maxK) maxK = k;
      if (k < minK) minK = k;
    }
    rows += t.rows;
    const strings = new StringTable(t.strings);
    perId.forEach((r, id) => {
      if (!r) return;
      const name = id === 0 ? UNKNOWN_TYPE : strings.get(id);
      const into = types.get(name) ?? emptyRow(name, 0);
      into.usedCount += r.usedCount;
      into.usedBytes += r.usedBytes;
      into.freeCount += r.freeCount;
      into.freeBytes += r.freeBytes;
      into.maxSize = Math.max(into.maxSize, r.maxSize);
      types.set(name, into);
    });
  });
  const byState: Totals[] = STATE_KEYS.map((_, s) => ({ count: count[s], bytes: bytes[s] }));
  const inUse = { count: 0, bytes: 0 };
  const free = { count: 0, bytes: 0 };
  byState.forEach((v, s) => {
    const into = isInUse(s) ? inUse : free;
    into.count += v.count;
    into.bytes += v.bytes;
  });
  const histogram: HistogramBucket[] = [];
  for (let k = minK; k <= maxK; k++) histogram.push(buckets[k] ?? bucket(k));
  return {
    totals: { byState, inUse, free, rows },
    largest: describeRows(
      tables,
      best.map((b) => b.ref),
      UNKNOWN_TYPE,
    ),
    byType: [...types.values()].sort(byBytes),
    bySizeClass: [...classes.values()].sort(byBytes),
    histogram,
  };
}
