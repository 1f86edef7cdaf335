/**
 * Everything the first views show about a set of allocation tables, in one pass
 * per aggregate. Pure: the aggregation worker calls it, and so do the tests.
 */
import { hexOf } from '../../src/model/address.ts';
import type { AllocationTable } from '../../src/model/allocations.ts';
import { StringTable } from '../../src/model/strings.ts';
import { groupBy, UNKNOWN_TYPE, type GroupRow } from './groups.ts';
import { sizeHistogram, type HistogramBucket } from './histogram.ts';
import { largest, stateTotals, type StateTotals } from './totals.ts';

export interface LargestRow {
  input: number;
  row: number;
  address: string;
  size: number;
  state: number;
  type: string;
}

export interface AnalysisSummary {
  totals: StateTotals;
  largest: LargestRow[];
  byType: GroupRow[];
  bySizeClass: GroupRow[];
  histogram: HistogramBucket[];
}

export function summarize(tables: AllocationTable[], largestCount = 50): AnalysisSummary {
  const strings = tables.map((t) => new StringTable(t.strings));
  return {
    totals: stateTotals(tables),
    largest: largest(tables, largestCount).map(({ input, row }) => {
      const t = tables[input];
      const type = t.type[row];
      return {
        input,
        row,
        address: hexOf(t.addrHi[row], t.addrLo[row]),
        size: t.size[row],
        state: t.state[row],
        type: type === 0 ? UNKNOWN_TYPE : strings[input].get(type),
      };
    }),
    byType: groupBy(tables, 'type'),
    bySizeClass: groupBy(tables, 'sizeClass'),
    histogram: sizeHistogram(tables),
  };
}
