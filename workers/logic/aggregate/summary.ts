/**
 * Everything the first views show about a set of allocation tables: the figures of `stateTotals`, `largest`,
 * `groupBy` (type and size class) and `sizeHistogram`, exactly as those give them, gathered in one pass over each
 * table's rows (the overview of a 25M-allocation core waited 1.7 s in the browser for five passes over 25M rows).
 * Pure: the aggregation worker calls it, and so do the tests.
 */
import { isInUse, STATE_KEYS, type AllocationTable, type UsedFree } from '../../../src/model/allocations.ts';
import { grown } from '../../../src/model/columns.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { describeRows, type AllocationRow } from './allocation-row.ts';
import { addToGroup, byGroupBytes, emptyGroupRow, mergeByName, sizeClassRow, UNKNOWN_TYPE, type GroupRow, type GroupRows } from './groups.ts';
import { emptyBucket, type HistogramBucket } from './histogram.ts';
import { bucketOf, EXACT_LIMIT } from './size-classes.ts';
import { LargestRows, stateTotalsOf, type StateTotals } from './totals.ts';

export type LargestRow = AllocationRow;

export interface AnalysisSummary {
  totals: StateTotals;
  largest: LargestRow[];
  byType: GroupRow[];
  bySizeClass: GroupRow[];
  histogram: HistogramBucket[];
}

/** Histogram buckets (`bucketOf`): a double's top bit is at most 1023. */
const BUCKETS = 1025;

/** Adds group `i` of `tally` (used count and bytes, free count and bytes) to `t`. */
function addTally(t: UsedFree, tally: Float64Array, i: number): void {
  t.usedCount += tally[4 * i];
  t.usedBytes += tally[4 * i + 1];
  t.freeCount += tally[4 * i + 2];
  t.freeBytes += tally[4 * i + 3];
}

/** The tallies of one table's pass (`tallyRows`), kept between its calls. */
interface Pass {
  readonly count: Float64Array;
  readonly bytes: Float64Array;
  readonly top: LargestRows;
  readonly classes: GroupRows;
  readonly exact: (GroupRow | undefined)[];
  readonly bySize: Float64Array;
  readonly byBucket: Float64Array;
  perId: Float64Array;
  maxOfId: Float64Array;
  ids: number;
  minK: number;
  maxK: number;
}

/** Rows to tally per call of `tallyRows`: V8 runs one loop over millions of rows in a call made once about twice as slow. */
const ROWS_PER_CALL = 65536;

/** Tallies rows `[from, to)` of table `input` into `p`. */
function tallyRows(p: Pass, t: AllocationTable, input: number, from: number, to: number): void {
  const { size, state, type } = t;
  const { count, bytes, top, classes, exact, bySize, byBucket } = p;
  let { perId, maxOfId, ids, minK, maxK } = p;
  let floor = top.threshold;
  for (let i = from; i < to; i++) {
    const s = size[i];
    const st = state[i];
    const f = isInUse(st) ? 0 : 2;
    count[st]++;
    bytes[st] += s;
    if (s > floor) {
      top.offer(s, input, i);
      floor = top.threshold;
    }
    const id = type[i];
    if (id >= ids) {
      maxOfId = grown(maxOfId, id + 1);
      perId = grown(perId, 4 * maxOfId.length);
      ids = maxOfId.length;
    }
    perId[4 * id + f]++;
    perId[4 * id + f + 1] += s;
    if (s > maxOfId[id]) maxOfId[id] = s;
    if (s < EXACT_LIMIT && s >= 0 && s === Math.floor(s)) {
      bySize[4 * s + f]++;
      bySize[4 * s + f + 1] += s;
    } else addToGroup(sizeClassRow(s, classes, exact), f === 0, s);
    const k = bucketOf(s);
    byBucket[4 * k + f]++;
    byBucket[4 * k + f + 1] += s;
    if (k > maxK) maxK = k;
    if (k < minK) minK = k;
  }
  p.perId = perId;
  p.maxOfId = maxOfId;
  p.ids = ids;
  p.minK = minK;
  p.maxK = maxK;
}

export function summarize(tables: AllocationTable[], largestCount = 50): AnalysisSummary {
  const count = new Float64Array(STATE_KEYS.length);
  const bytes = new Float64Array(STATE_KEYS.length);
  let rows = 0;
  const top = new LargestRows(largestCount);
  // Types by name, in the order `groupBy` meets them (table by table, string id by id).
  const types: GroupRows = new Map();
  // Size classes: up to EXACT_LIMIT a class per size (an array), above by the class's lower bound.
  const classes: GroupRows = new Map();
  const exact: (GroupRow | undefined)[] = [];
  const buckets: HistogramBucket[] = [];
  let minK = Infinity;
  let maxK = -1;
  tables.forEach((t, input) => {
    const n = t.rows;
    // Tallies in typed arrays (no object per row): by string id, by whole size below EXACT_LIMIT (EXACT_LIMIT's own
    // class is also the one above it, met in row order: a row object as before) and by histogram bucket; in each
    // group of four, used count and bytes, then free count and bytes. Made into rows after the loop, by increasing
    // id and size.
    const ids0 = Math.max(1, t.strings.offsets.length - 1);
    const p: Pass = {
      count,
      bytes,
      top,
      classes,
      exact,
      bySize: new Float64Array(4 * EXACT_LIMIT),
      byBucket: new Float64Array(4 * BUCKETS),
      perId: new Float64Array(4 * ids0),
      maxOfId: new Float64Array(ids0),
      ids: ids0,
      minK,
      maxK,
    };
    for (let i = 0; i < n; i += ROWS_PER_CALL) tallyRows(p, t, input, i, Math.min(n, i + ROWS_PER_CALL));
    const { bySize, byBucket, perId, maxOfId, ids } = p;
    minK = p.minK;
    maxK = p.maxK;
    for (let s = 0; s < EXACT_LIMIT; s++) {
      if (bySize[4 * s] + bySize[4 * s + 2] === 0) continue;
      const r = sizeClassRow(s, classes, exact);
      addTally(r, bySize, s);
      if (s > r.maxSize) r.maxSize = s;
    }
    for (let k = minK; k <= maxK; k++) {
      if (byBucket[4 * k] + byBucket[4 * k + 2] === 0) continue;
      addTally((buckets[k] ??= emptyBucket(k)), byBucket, k);
    }
    const rowsOfId: GroupRow[] = [];
    for (let id = 0; id < ids; id++) {
      if (perId[4 * id] + perId[4 * id + 2] === 0) continue;
      const r = (rowsOfId[id] = emptyGroupRow('', 0));
      addTally(r, perId, id);
      r.maxSize = maxOfId[id];
    }
    rows += n;
    mergeByName(rowsOfId, new StringTable(t.strings), types);
  });
  const histogram: HistogramBucket[] = [];
  for (let k = minK; k <= maxK; k++) histogram.push(buckets[k] ?? emptyBucket(k));
  return {
    totals: stateTotalsOf(count, bytes, rows),
    largest: describeRows(tables, top.refs(), UNKNOWN_TYPE),
    byType: [...types.values()].sort(byGroupBytes),
    bySizeClass: [...classes.values()].sort(byGroupBytes),
    histogram,
  };
}
