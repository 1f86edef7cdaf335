/**
 * Everything the first views show about a set of allocation tables, in one pass
 * per aggregate. Pure: the aggregation worker calls it, and so do the tests.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import { describeRows, type AllocationRow } from './allocation-row.ts';
import { groupBy, UNKNOWN_TYPE, type GroupRow } from './groups.ts';
import { sizeHistogram, type HistogramBucket } from './histogram.ts';
import { largest, stateTotals, type StateTotals } from './totals.ts';

export type LargestRow = AllocationRow;

export interface AnalysisSummary {
  totals: StateTotals;
  largest: LargestRow[];
  byType: GroupRow[];
  bySizeClass: GroupRow[];
  histogram: HistogramBucket[];
}

export function summarize(tables: AllocationTable[], largestCount = 50): AnalysisSummary {
  return {
    totals: stateTotals(tables),
    largest: describeRows(tables, largest(tables, largestCount), UNKNOWN_TYPE),
    byType: groupBy(tables, 'type'),
    bySizeClass: groupBy(tables, 'sizeClass'),
    histogram: sizeHistogram(tables),
  };
}
