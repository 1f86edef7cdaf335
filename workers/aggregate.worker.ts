/** Aggregation worker: totals, groups, histograms and trees over shared tables, off the main thread. */
import * as Comlink from 'comlink';
import type { AllocationTable } from '../src/model/allocations.ts';
import { summarize } from './aggregate/summary.ts';
import { typeSizeTree } from './aggregate/trees.ts';

const api = {
  summarize(tables: AllocationTable[]) {
    return summarize(tables);
  },
  typeSizeTree(tables: AllocationTable[], inverted: boolean) {
    return typeSizeTree(tables, { inverted });
  },
};

export type AggregateApi = typeof api;
Comlink.expose(api);
